package io.lakestack.it.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.firehose.DeliveryStreams;
import io.lakestack.spi.firehose.DestinationRules;
import io.lakestack.spi.s3.ObjectStore;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.lakestack.it.contract.ContractAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link DeliveryStreams} and {@link DestinationRules}: definitions and their errors, records put
 * and delivered to S3 exactly once with their exact contents, destination updates guarded by the stream's version,
 * destinations checked with Firehose's rules. Records are lines ({@code record-<n>\n}), so that the objects of a
 * prefix, put together and split into lines, are exactly the records delivered there.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractDeliveryStreamsContractTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeliveryStreams streams;
    private DestinationRules rules;
    private ObjectStore objects;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> created = new CopyOnWriteArrayList<>();

    protected abstract DeliveryStreams createStreams()
            throws Exception;

    protected abstract DestinationRules createRules()
            throws Exception;

    /** Where the delivered objects are read back from. */
    protected abstract ObjectStore deliveredObjects()
            throws Exception;

    /** The bucket streams deliver to. */
    protected abstract String bucket();

    /** The role a destination names (Firehose assumes it to write to the bucket). */
    protected abstract String roleArn();

    /** The region the streams' ARNs name. */
    protected abstract String region();

    /** How long a record may take from {@code put} to an object in S3. */
    protected abstract Duration deliveryTimeout();

    /**
     * Whether a stream's destination is the configuration as given (and as updated), or as Firehose describes it, with
     * its defaults filled in.
     */
    protected abstract boolean keepsDestinationAsGiven();

    /** Whether {@link DestinationRules#merge} is there: a configuration merged with an update without applying it. */
    protected abstract boolean supportsMerge();

    /** Every object this run delivers is under {@code contract/<run>/}. */
    protected final String run()
    {
        return run;
    }

    /** Closes what the subclass opened for its backend, after the streams the suite created are deleted. */
    protected void closeResources()
            throws Exception
    {
    }

    @BeforeAll
    final void createDeliveryStreams()
            throws Exception
    {
        streams = createStreams();
        rules = createRules();
        objects = deliveredObjects();
    }

    @AfterAll
    final void deleteStreamsAndClose()
            throws Exception
    {
        if (streams != null) {
            for (String name : created) {
                if (streams.find(name).isPresent()) {
                    streams.delete(name);
                }
            }
        }
        for (Object resource : Arrays.asList(streams, rules, objects)) {
            if (resource instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        closeResources();
    }

    private String newName()
    {
        String name = "contract-" + run + "-" + created.size();
        created.add(name);
        return name;
    }

    private String prefix(String stream, String part)
    {
        return "contract/" + run + "/" + stream + "/" + part + "/";
    }

    /** An S3 destination writing lines as they come, after at most a second of buffering. */
    private String destination(String prefix)
    {
        ObjectNode destination = JSON.createObjectNode()
                .put("BucketARN", "arn:aws:s3:::" + bucket())
                .put("RoleARN", roleArn())
                .put("Prefix", prefix)
                .put("ErrorOutputPrefix", prefix.replaceFirst("/$", "-errors/"))
                .put("CompressionFormat", "UNCOMPRESSED");
        destination.putObject("BufferingHints").put("SizeInMBs", 1).put("IntervalInSeconds", 1);
        return destination.toString();
    }

    private DeliveryStream create(String name, String destination)
    {
        return streams.create(name, region(), DeliveryStream.DIRECT_PUT, Optional.empty(), Optional.empty(), Optional.empty(), destination,
                Map.of("team", "data"));
    }

    private static JsonNode json(String text)
            throws IOException
    {
        return JSON.readTree(text);
    }

    private static List<byte[]> records(String label, int count)
    {
        return IntStream.range(0, count).mapToObj(i -> (label + "-" + i + "\n").getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<String> lines(List<byte[]> records)
    {
        return records.stream().map(record -> new String(record, StandardCharsets.UTF_8).stripTrailing()).toList();
    }

    /** The lines of every object under the prefix. */
    private List<String> delivered(String prefix)
            throws IOException
    {
        List<String> lines = new ArrayList<>();
        for (ObjectStore.Entry entry : objects.list(bucket(), prefix)) {
            if (entry.size() == 0) {
                continue;
            }
            String content = new String(objects.read(bucket(), entry.key(), 0, (int) entry.size()), StandardCharsets.UTF_8);
            content.lines().forEach(lines::add);
        }
        return lines;
    }

    /** Waits for objects, listing the bucket twice a second rather than Awaitility's ten times. */
    private ConditionFactory awaitDelivery()
    {
        return await().atMost(deliveryTimeout()).pollInterval(Duration.ofMillis(500));
    }

    // definitions

    @Test
    void aStreamIsCreatedFoundListedAndDeleted()
            throws Exception
    {
        String name = newName();
        String destination = destination(prefix(name, "data"));
        DeliveryStream stream = create(name, destination);

        assertThat(stream.name()).isEqualTo(name);
        assertThat(stream.type()).isEqualTo(DeliveryStream.DIRECT_PUT);
        assertThat(stream.version()).isEqualTo(1);
        assertThat(stream.kinesisStreamArn()).isEmpty();
        assertThat(stream.tags()).isEqualTo(Map.of("team", "data"));
        assertThat(stream.arn()).isEqualTo(streams.arn(region(), name)).startsWith("arn:aws:firehose:" + region() + ":").endsWith(":deliverystream/" + name);
        if (keepsDestinationAsGiven()) {
            assertThat(json(stream.destination())).isEqualTo(json(destination));
        }
        assertThat(streams.find(name)).contains(stream);
        assertThat(streams.require(name)).isEqualTo(stream);
        assertThat(streams.names()).contains(name).isSorted();

        assertError(() -> create(name, destination), "ResourceInUseException", name);
        assertThat(streams.require(name)).isEqualTo(stream);

        assertThat(streams.setTags(name, Map.of("team", "platform", "cost", "7")).tags()).isEqualTo(Map.of("team", "platform", "cost", "7"));
        assertThat(streams.require(name).tags()).isEqualTo(Map.of("team", "platform", "cost", "7"));

        streams.delete(name);
        assertThat(streams.find(name)).isEmpty();
        assertThat(streams.names()).doesNotContain(name);
        assertError(() -> streams.require(name), "ResourceNotFoundException", name);
        assertError(() -> streams.delete(name), "ResourceNotFoundException", name);
        assertError(() -> streams.updateDestination(name, 1, destination), "ResourceNotFoundException", name);
    }

    // records

    @Test
    void everyRecordPutIsDeliveredOnceWithItsContents()
            throws Exception
    {
        String name = newName();
        String prefix = prefix(name, "data");
        DeliveryStream stream = create(name, destination(prefix));

        List<byte[]> first = records("first", 50);
        List<Optional<String>> firstIds = streams.put(stream, first);
        assertThat(firstIds).hasSize(50).allSatisfy(id -> assertThat(id).hasValueSatisfying(value -> assertThat(value).isNotBlank()));
        awaitDelivery().untilAsserted(() -> assertThat(delivered(prefix)).hasSizeGreaterThanOrEqualTo(50));

        List<byte[]> second = records("second", 50);
        List<Optional<String>> secondIds = streams.put(stream, second);
        assertThat(secondIds).hasSize(50).allSatisfy(id -> assertThat(id).isPresent());
        List<String> ids = new ArrayList<>();
        firstIds.forEach(id -> ids.add(id.orElseThrow()));
        secondIds.forEach(id -> ids.add(id.orElseThrow()));
        assertThat(ids).doesNotHaveDuplicates();

        awaitDelivery().untilAsserted(() -> assertThat(delivered(prefix)).hasSizeGreaterThanOrEqualTo(100));
        List<String> expected = new ArrayList<>(lines(first));
        expected.addAll(lines(second));
        assertThat(delivered(prefix)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(delivered(prefix.replaceFirst("/$", "-errors/"))).isEmpty();
    }

    @Test
    void anUpdateNeedsTheCurrentVersionAndMovesDeliveryToTheNewDestination()
            throws Exception
    {
        String name = newName();
        String before = prefix(name, "before");
        String after = prefix(name, "after");
        DeliveryStream stream = create(name, destination(before));
        List<byte[]> early = records("early", 10);
        streams.put(stream, early);
        awaitDelivery().untilAsserted(() -> assertThat(delivered(before)).containsExactlyInAnyOrderElementsOf(lines(early)));

        DeliveryStream updated = streams.updateDestination(name, 1, destination(after));
        assertThat(updated.version()).isEqualTo(2);
        assertThat(streams.require(name).version()).isEqualTo(2);
        if (keepsDestinationAsGiven()) {
            assertThat(json(updated.destination())).isEqualTo(json(destination(after)));
        }

        assertError(() -> streams.updateDestination(name, 1, destination(prefix(name, "lost"))), "ConcurrentModificationException", name);
        assertThat(streams.require(name).version()).isEqualTo(2);
        if (keepsDestinationAsGiven()) {
            assertThat(json(streams.require(name).destination())).isEqualTo(json(destination(after)));
        }

        // the change reaches the delivery shortly after: records put meanwhile may still go to the old prefix
        List<byte[]> markers = new ArrayList<>();
        await().atMost(deliveryTimeout()).pollInterval(Duration.ofSeconds(1)).until(() -> {
            byte[] marker = ("marker-" + markers.size() + "\n").getBytes(StandardCharsets.UTF_8);
            markers.add(marker);
            streams.put(streams.require(name), List.of(marker));
            return !objects.list(bucket(), after).isEmpty();
        });
        List<String> expected = new ArrayList<>(lines(early));
        expected.addAll(lines(markers));
        awaitDelivery().untilAsserted(() -> {
            List<String> all = new ArrayList<>(delivered(before));
            all.addAll(delivered(after));
            assertThat(all).hasSizeGreaterThanOrEqualTo(expected.size());
        });
        List<String> all = new ArrayList<>(delivered(before));
        all.addAll(delivered(after));
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(delivered(prefix(name, "lost"))).isEmpty();
    }

    // destination rules

    @Test
    void checkFillsInFirehosesDefaults()
    {
        ObjectNode bare = JSON.createObjectNode().put("BucketARN", "arn:aws:s3:::" + bucket()).put("RoleARN", roleArn());
        assertThat(rules.check(bare.toString())).isEqualTo(new DestinationRules.Buffering(5L * 1024 * 1024, 300_000));

        ObjectNode hinted = bare.deepCopy();
        hinted.putObject("BufferingHints").put("SizeInMBs", 1).put("IntervalInSeconds", 60);
        assertThat(rules.check(hinted.toString())).isEqualTo(new DestinationRules.Buffering(1024 * 1024, 60_000));
    }

    @Test
    void checkRefusesAnInvalidDestination()
    {
        ObjectNode expressions = JSON.createObjectNode()
                .put("BucketARN", "arn:aws:s3:::" + bucket())
                .put("RoleARN", roleArn())
                .put("Prefix", "contract/" + run + "/!{timestamp:yyyy}/");
        assertThatThrownBy(() -> rules.check(expressions.toString()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidArgumentException"))
                .hasMessageContaining("ErrorOutputPrefix");
    }

    @Test
    void mergeReplacesTheFieldsTheUpdateHas()
            throws Exception
    {
        assumeThat(supportsMerge()).as("this backend merges updates only when it applies them").isTrue();
        String current = "{\"BucketARN\":\"arn:aws:s3:::b\",\"RoleARN\":\"r\",\"Prefix\":\"a/\","
                + "\"BufferingHints\":{\"SizeInMBs\":1,\"IntervalInSeconds\":60}}";
        String update = "{\"Prefix\":\"b/\",\"BufferingHints\":{\"IntervalInSeconds\":10}}";
        assertThat(json(rules.merge(current, update))).isEqualTo(json("{\"BucketARN\":\"arn:aws:s3:::b\",\"RoleARN\":\"r\",\"Prefix\":\"b/\","
                + "\"BufferingHints\":{\"IntervalInSeconds\":10}}"));
    }
}
