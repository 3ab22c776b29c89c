package io.lakestack.it.contract;

import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.kinesis.SequenceNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.lakestack.it.contract.ContractAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The contract of {@link KinesisStreams}: stream definitions and their errors; and, where the backend's positions are
 * lakestack's own, records: routing by hash key to the exact shard, order within a shard, read limits, trim horizon
 * and latest position, positions by arrival time.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractKinesisStreamsContractTest
{
    /** 2^126: where the second of four shards starts. */
    private static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);
    /** floor(2^128 / 3): where the second of three shards starts. */
    private static final BigInteger THIRD = new BigInteger("113427455640312821154458202477256070485");
    private static final BigInteger MAX_HASH_KEY = new BigInteger("340282366920938463463374607431768211455");

    private KinesisStreams streams;
    private final List<String> created = new CopyOnWriteArrayList<>();

    protected abstract KinesisStreams createStreams()
            throws Exception;

    /** The region the streams' ARNs name. */
    protected abstract String region();

    /**
     * Whether the suite covers records ({@code put}, {@code read}, {@code positions}, {@code positionAt}): their
     * positions are the backend's own (lakestack's are offsets in the record log), which only a backend that defines
     * them can be held to.
     */
    protected abstract boolean supportsRecords();

    /** Removes a shard's records before {@code position}, as the end of their retention does. Only with {@link #supportsRecords()}. */
    protected abstract void trim(KinesisStreams.Stream stream, int shard, long position)
            throws Exception;

    @BeforeAll
    final void createKinesisStreams()
            throws Exception
    {
        streams = createStreams();
    }

    @AfterAll
    final void deleteStreamsAndClose()
            throws Exception
    {
        if (streams == null) {
            return;
        }
        for (String name : created) {
            if (streams.find(name).isPresent()) {
                streams.delete(name);
            }
        }
        if (streams instanceof AutoCloseable closeable) {
            closeable.close();
        }
        closeResources();
    }

    /** Closes what the subclass opened for its backend, after the streams the suite created are deleted. */
    protected void closeResources()
            throws Exception
    {
    }

    private KinesisStreams.Stream create(int shards)
    {
        return create(shards, Map.of());
    }

    private KinesisStreams.Stream create(int shards, Map<String, String> tags)
    {
        String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        created.add(name);
        return streams.create(name, region(), shards, "PROVISIONED", tags);
    }

    // definitions

    @Test
    void aStreamIsCreatedFoundListedAndDeleted()
    {
        KinesisStreams.Stream stream = create(2, Map.of("team", "data"));
        String name = stream.name();

        assertThat(stream.mode()).isEqualTo("PROVISIONED");
        assertThat(stream.shards()).isEqualTo(2);
        assertThat(stream.retentionHours()).isEqualTo(24);
        assertThat(stream.tags()).isEqualTo(Map.of("team", "data"));
        assertThat(stream.creationMillis()).isPositive();
        assertThat(stream.arn()).isEqualTo(streams.arn(region(), name)).startsWith("arn:aws:kinesis:" + region() + ":").endsWith(":stream/" + name);
        assertThat(streams.find(name)).contains(stream);
        assertThat(streams.require(name)).isEqualTo(stream);
        assertThat(streams.names()).contains(name).isSorted();

        assertError(() -> streams.create(name, region(), 1, "PROVISIONED", Map.of()), "ResourceInUseException", name);
        assertThat(streams.require(name)).isEqualTo(stream);

        streams.delete(name);
        assertThat(streams.find(name)).isEmpty();
        assertThat(streams.names()).doesNotContain(name);
        assertError(() -> streams.require(name), "ResourceNotFoundException", name);
        assertError(() -> streams.delete(name), "ResourceNotFoundException", name);
    }

    @Test
    void retentionAndTagsAreReplaced()
    {
        KinesisStreams.Stream stream = create(1, Map.of("team", "data"));
        String name = stream.name();

        assertThat(streams.setRetention(name, 48).retentionHours()).isEqualTo(48);
        assertThat(streams.require(name).retentionHours()).isEqualTo(48);
        assertThat(streams.setTags(name, Map.of("team", "platform", "cost", "7")).tags()).isEqualTo(Map.of("team", "platform", "cost", "7"));
        assertThat(streams.setTags(name, Map.of("cost", "8")).tags()).isEqualTo(Map.of("cost", "8"));
        assertThat(streams.require(name)).isEqualTo(stream.withRetentionHours(48).withTags(Map.of("cost", "8")));
    }

    @Test
    void aMissingStreamIsNotFound()
    {
        String missing = "contract-missing-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(streams.find(missing)).isEmpty();
        assertError(() -> streams.require(missing), "ResourceNotFoundException", missing);
        assertError(() -> streams.delete(missing), "ResourceNotFoundException", missing);
        assertError(() -> streams.setRetention(missing, 48), "ResourceNotFoundException", missing);
        assertError(() -> streams.setTags(missing, Map.of("a", "b")), "ResourceNotFoundException", missing);
    }

    @Test
    void arnsNameStreamsOfThisAccountInTheirOwnRegionOnly()
    {
        KinesisStreams.Stream stream = create(1);
        String arn = streams.arn(region(), stream.name());
        String elsewhere = arn.replace(":" + region() + ":", ":xx-nowhere-1:");
        assertThat(streams.nameOf(arn)).contains(stream.name());
        assertThat(streams.findByArn(arn)).contains(stream);
        assertThat(streams.nameOf(elsewhere)).contains(stream.name());
        assertThat(streams.findByArn(elsewhere)).isEmpty();
        assertThat(streams.nameOf(arn.replace(":stream/", ":deliverystream/"))).isEmpty();
        assertThat(streams.nameOf(arn.replaceFirst(":\\d{12}:", ":111122223333:"))).isEmpty();
    }

    // records

    @Test
    void recordsGoToTheShardTheirHashKeyFallsIn()
    {
        assumeRecords();
        KinesisStreams.Stream four = create(4);
        // MD5 of each key, top two bits: alpha 0x2c.. india 0x11.. -> 0; delta 0x63.. juliet 0x5b.. -> 1;
        // charlie 0xbf.. kilo 0x82.. -> 2; bravo 0xfd.. echo 0xcb.. -> 3
        List<String> keys = List.of("alpha", "delta", "charlie", "bravo", "india", "juliet", "kilo", "echo");
        List<KinesisStreams.Entry> byPartitionKey = keys.stream().map(key -> entry(key, Optional.empty(), key)).toList();
        assertThat(shardsOf(streams.put(four, byPartitionKey))).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);

        // an explicit hash key wins over the partition key ("bravo" alone goes to shard 3)
        List<BigInteger> hashKeys = List.of(BigInteger.ZERO, QUARTER.subtract(BigInteger.ONE), QUARTER, QUARTER.shiftLeft(1),
                QUARTER.multiply(BigInteger.valueOf(3)).subtract(BigInteger.ONE), MAX_HASH_KEY);
        List<KinesisStreams.Entry> explicit = hashKeys.stream().map(hashKey -> entry("bravo", Optional.of(hashKey), "h" + hashKey)).toList();
        assertThat(shardsOf(streams.put(four, explicit))).containsExactly(0, 0, 1, 2, 2, 3);

        // three shards do not split the space evenly: the last one ends at 2^128 - 1
        KinesisStreams.Stream three = create(3);
        List<BigInteger> edges = List.of(THIRD.subtract(BigInteger.ONE), THIRD, THIRD.shiftLeft(1).subtract(BigInteger.ONE), THIRD.shiftLeft(1),
                MAX_HASH_KEY);
        assertThat(shardsOf(streams.put(three, edges.stream().map(edge -> entry("k", Optional.of(edge), "e")).toList())))
                .containsExactly(0, 1, 1, 2, 2);

        // and each shard holds exactly what was routed to it, in order
        assertThat(readAll(four, 0)).extracting(KinesisStreams.StoredRecord::partitionKey, record -> text(record.data()))
                .containsExactly(tuple("alpha", "alpha"), tuple("india", "india"), tuple("bravo", "h0"),
                        tuple("bravo", "h" + QUARTER.subtract(BigInteger.ONE)));
        assertThat(readAll(four, 3)).extracting(KinesisStreams.StoredRecord::partitionKey, record -> text(record.data()))
                .containsExactly(tuple("bravo", "bravo"), tuple("echo", "echo"), tuple("bravo", "h" + MAX_HASH_KEY));
    }

    @Test
    void aShardKeepsTheOrderOfItsRecordsAndTheirSequenceNumbers()
    {
        assumeRecords();
        KinesisStreams.Stream stream = create(2);
        List<KinesisStreams.Written> written = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            int first = batch * 10;
            List<KinesisStreams.Entry> entries = IntStream.range(first, first + 10).mapToObj(i -> entry("alpha", Optional.empty(), "record-" + i)).toList();
            streams.put(stream, entries).forEach(outcome -> written.add(outcome.orElseThrow()));
        }
        assertThat(written).extracting(KinesisStreams.Written::shard).containsOnly(0);
        List<SequenceNumber> sequenceNumbers = written.stream().map(KinesisStreams.Written::sequenceNumber).toList();
        assertThat(sequenceNumbers).extracting(SequenceNumber::shard).containsOnly(0);
        assertThat(sequenceNumbers).extracting(SequenceNumber::streamCreationMillis).containsOnly(stream.creationMillis());
        assertThat(sequenceNumbers).extracting(SequenceNumber::position).isSorted().doesNotHaveDuplicates();

        List<KinesisStreams.StoredRecord> read = readAll(stream, 0);
        assertThat(read).extracting(record -> text(record.data())).containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "record-" + i).toList());
        assertThat(read).extracting(KinesisStreams.StoredRecord::sequenceNumber).containsExactlyElementsOf(sequenceNumbers);
        assertThat(read).extracting(KinesisStreams.StoredRecord::partitionKey).containsOnly("alpha");
        assertThat(readAll(stream, 1)).isEmpty();
    }

    @Test
    void aReadStopsAtItsLimitAndAtItsBytesButReturnsAtLeastOneRecord()
    {
        assumeRecords();
        KinesisStreams.Stream stream = create(1);
        List<KinesisStreams.Entry> entries = IntStream.range(0, 10).mapToObj(i -> entry("k", Optional.empty(), "%0100d".formatted(i))).toList();
        List<Long> positions = streams.put(stream, entries).stream().map(outcome -> outcome.orElseThrow().sequenceNumber().position()).toList();
        long latest = streams.positions(stream, 0).latest();
        assertThat(latest).isEqualTo(positions.get(9) + 1);

        KinesisStreams.Read limited = streams.read(stream, 0, positions.get(0), 3, 1 << 20);
        assertThat(limited.records()).extracting(record -> text(record.data())).containsExactly("%0100d".formatted(0), "%0100d".formatted(1),
                "%0100d".formatted(2));
        assertThat(limited.nextPosition()).isEqualTo(positions.get(3));
        assertThat(limited.latestPosition()).isEqualTo(latest);

        KinesisStreams.Read bytes = streams.read(stream, 0, limited.nextPosition(), 100, 250);
        assertThat(bytes.records()).extracting(record -> text(record.data())).containsExactly("%0100d".formatted(3), "%0100d".formatted(4));
        assertThat(bytes.nextPosition()).isEqualTo(positions.get(5));

        // a record larger than maxBytes still comes, alone: a reader is never stuck behind it
        KinesisStreams.Read one = streams.read(stream, 0, bytes.nextPosition(), 100, 50);
        assertThat(one.records()).extracting(record -> text(record.data())).containsExactly("%0100d".formatted(5));
        assertThat(one.nextPosition()).isEqualTo(positions.get(6));

        KinesisStreams.Read rest = streams.read(stream, 0, one.nextPosition(), 100, 1 << 20);
        assertThat(rest.records()).hasSize(4);
        assertThat(rest.nextPosition()).isEqualTo(latest);

        KinesisStreams.Read atEnd = streams.read(stream, 0, latest, 100, 1 << 20);
        assertThat(atEnd.records()).isEmpty();
        assertThat(atEnd.nextPosition()).isEqualTo(latest);
        assertThat(atEnd.latestPosition()).isEqualTo(latest);
    }

    @Test
    void aReadBeforeTheTrimHorizonStartsAtIt()
            throws Exception
    {
        assumeRecords();
        KinesisStreams.Stream stream = create(1);
        KinesisStreams.Positions empty = streams.positions(stream, 0);
        assertThat(empty.trimHorizon()).isEqualTo(empty.latest());
        KinesisStreams.Read nothing = streams.read(stream, 0, empty.trimHorizon(), 10, 1 << 20);
        assertThat(nothing.records()).isEmpty();
        assertThat(nothing.nextPosition()).isEqualTo(empty.latest());

        List<Long> positions = streams.put(stream, IntStream.range(0, 5).mapToObj(i -> entry("k", Optional.empty(), "r" + i)).toList()).stream()
                .map(outcome -> outcome.orElseThrow().sequenceNumber().position())
                .toList();
        assertThat(streams.positions(stream, 0)).isEqualTo(new KinesisStreams.Positions(positions.get(0), positions.get(4) + 1));

        trim(stream, 0, positions.get(2));
        assertThat(streams.positions(stream, 0)).isEqualTo(new KinesisStreams.Positions(positions.get(2), positions.get(4) + 1));
        KinesisStreams.Read fromExpired = streams.read(stream, 0, positions.get(0), 10, 1 << 20);
        assertThat(fromExpired.records()).extracting(record -> text(record.data())).containsExactly("r2", "r3", "r4");
        assertThat(fromExpired.nextPosition()).isEqualTo(positions.get(4) + 1);
    }

    @Test
    void positionAtFindsTheFirstRecordThatArrivedAtOrAfterATime()
    {
        assumeRecords();
        KinesisStreams.Stream stream = create(1);
        for (int i = 0; i < 4; i++) {
            streams.put(stream, List.of(entry("k", Optional.empty(), "r" + i)));
        }
        List<KinesisStreams.StoredRecord> records = readAll(stream, 0);
        assertThat(records).hasSize(4);
        List<Instant> arrivals = records.stream().map(KinesisStreams.StoredRecord::arrival).toList();
        assertThat(arrivals).isSorted();
        long latest = streams.positions(stream, 0).latest();
        Function<Instant, Long> expected = time -> records.stream()
                .filter(record -> !record.arrival().isBefore(time))
                .map(record -> record.sequenceNumber().position())
                .findFirst()
                .orElse(latest);

        assertThat(streams.positionAt(stream, 0, Instant.EPOCH)).isEqualTo(records.get(0).sequenceNumber().position());
        for (Instant arrival : arrivals) {
            assertThat(streams.positionAt(stream, 0, arrival)).as("at %s", arrival).isEqualTo(expected.apply(arrival));
            assertThat(streams.positionAt(stream, 0, arrival.plusMillis(1))).as("after %s", arrival).isEqualTo(expected.apply(arrival.plusMillis(1)));
        }
        assertThat(streams.positionAt(stream, 0, arrivals.get(3).plusMillis(1))).isEqualTo(latest);
    }

    @Test
    void aStreamCreatedAgainAfterDeleteStartsEmpty()
    {
        assumeRecords();
        KinesisStreams.Stream first = create(1);
        streams.put(first, List.of(entry("k", Optional.empty(), "old")));
        streams.delete(first.name());

        KinesisStreams.Stream again = streams.create(first.name(), region(), 1, "PROVISIONED", Map.of());
        assertThat(readAll(again, 0)).isEmpty();
        KinesisStreams.Written written = streams.put(again, List.of(entry("k", Optional.empty(), "new"))).get(0).orElseThrow();
        assertThat(written.sequenceNumber().streamCreationMillis()).isEqualTo(again.creationMillis());
        assertThat(readAll(again, 0)).extracting(record -> text(record.data())).containsExactly("new");
    }

    private void assumeRecords()
    {
        assumeThat(supportsRecords()).as("this backend's record positions are not lakestack's").isTrue();
    }

    private List<KinesisStreams.StoredRecord> readAll(KinesisStreams.Stream stream, int shard)
    {
        KinesisStreams.Positions positions = streams.positions(stream, shard);
        List<KinesisStreams.StoredRecord> records = new ArrayList<>();
        long position = positions.trimHorizon();
        while (position < positions.latest()) {
            KinesisStreams.Read read = streams.read(stream, shard, position, 1_000, 1 << 20);
            records.addAll(read.records());
            position = read.nextPosition();
        }
        return records;
    }

    private static KinesisStreams.Entry entry(String partitionKey, Optional<BigInteger> explicitHashKey, String data)
    {
        return new KinesisStreams.Entry(partitionKey, explicitHashKey, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Integer> shardsOf(List<Optional<KinesisStreams.Written>> written)
    {
        return written.stream().map(outcome -> outcome.orElseThrow().shard()).toList();
    }

    private static String text(byte[] data)
    {
        return new String(data, StandardCharsets.UTF_8);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values)
    {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
