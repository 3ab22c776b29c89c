package io.lakestack.backends.kafka;

import io.lakestack.backends.kafka.EventTokens.Position;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * CloudWatch Logs on Kafka. Definitions and statistics are records of the stores {@value #GROUPS_STORE} (one per
 * group: creation time, retention, tags, its topic, the secret its tokens are signed with) and {@value #STREAMS_STORE}
 * (one per stream, keyed {@code <group>:<stream>}, a colon being the one character group names never hold: creation
 * time, first and last event timestamps, last ingestion time, stored bytes). Events are records of one topic per
 * group, {@value #TOPIC_PREFIX}{@code <encoded group name>}, with one partition:
 *
 * <ul>
 * <li>the record's key is the stream name, its value the message (UTF-8), its timestamp ({@code CreateTime}) the
 *     event's timestamp, and its headers the ingestion time and the generation of the stream it was put to;</li>
 * <li>a topic per group, not one for all: FilterLogEvents reads one group and nothing else, a group's retention is its
 *     topic's {@code retention.ms} (Kafka drops whole segments once their newest event is older, which is why a
 *     segment spans at most a day), and DeleteLogGroup deletes the topic;</li>
 * <li>not a topic per stream: Lambda starts a stream per execution environment, and thousands of topics with their
 *     files and metadata would cost far more than reading past other streams' events;</li>
 * <li>one partition: offsets then give the group one put order across its streams, which is the order of events
 *     with equal timestamps, and a position is one (timestamp, offset) pair;</li>
 * <li>event timestamps as record timestamps: {@code offsetsForTimes(t)} gives the first offset whose timestamp is
 *     at or after {@code t}. Events arrive out of timestamp order (a put may carry events up to 14 days old), so no
 *     event at or after {@code t} lies before that offset, but older ones may lie after it: a read starts there and
 *     goes to the end of the topic, choosing its page with a {@link PageSelector}. That is a scan, fine for a local
 *     stack's volumes.</li>
 * </ul>
 *
 * <p>A deleted stream's events stay in the topic until its retention drops them: each stream has a random
 * generation, carried by its events, and a read skips events of any other generation, so a stream deleted and created
 * again starts empty. Topic names allow {@code [a-zA-Z0-9._-]} and 249 characters, group names also {@code /} and
 * {@code #} and 512 characters: letters, digits and {@code -} are kept, every other character becomes {@code _} and
 * two hex digits ({@code /aws/lambda/f} is {@code lakestack.logs._2faws_2flambda_2ff}); a name whose encoding is too
 * long keeps its first 200 characters followed by {@code _h} and 32 hex digits of its SHA-256. No encoded name holds a
 * {@code .}, so no two collide in Kafka's metric names either.
 *
 * <p>Statistics are read, changed and written back by the instance that puts; puts through several instances into
 * one stream at the same moment may lose one's share of {@code storedBytes}.
 */
public final class KafkaLogStore
        implements LogStore, AutoCloseable
{
    public static final String TOPIC_PREFIX = "lakestack.logs.";
    public static final String GROUPS_STORE = "logs.groups";
    public static final String STREAMS_STORE = "logs.streams";
    private static final int MAX_TOPIC_LENGTH = 249;
    private static final int READERS = 4;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final long DAY_MILLIS = TimeUnit.DAYS.toMillis(1);
    private static final String INGESTION_HEADER = "ingestion";
    private static final String GENERATION_HEADER = "generation";

    /** A group as stored. */
    record StoredGroup(String name, Optional<String> region, long creationMillis, Optional<Integer> retentionDays, Map<String, String> tags, String topic,
            long secret)
    {
        StoredGroup
        {
            // groups stored before they kept their region read it as null
            region = region == null ? Optional.empty() : region;
            tags = Map.copyOf(tags);
        }
    }

    /** A stream as stored; {@code generation} tells its events from those of an earlier stream of the same name. */
    record StoredStream(String group, String name, long creationMillis, long generation, Optional<Long> firstEventMillis, Optional<Long> lastEventMillis,
            long lastIngestionMillis, long storedBytes)
    {
    }

    /** An event read, with its place in the group's order and its size. */
    private record Candidate(Position position, StoredEvent event, long bytes)
    {
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparing(Candidate::position);

    private final RecordStore<StoredGroup> groups;
    private final RecordStore<StoredStream> streams;
    private final KafkaTopics topics;
    private final Clock clock;
    private final RecordProducer producer;
    private final SecureRandom random = new SecureRandom();
    private final KafkaReaders readers;

    public KafkaLogStore(RecordStores stores, KafkaTopics topics, String bootstrapServers, Clock clock)
    {
        requireNonNull(stores, "stores is null");
        this.groups = stores.open(GROUPS_STORE, StoredGroup.class);
        this.streams = stores.open(STREAMS_STORE, StoredStream.class);
        this.topics = requireNonNull(topics, "topics is null");
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.readers = new KafkaReaders(bootstrapServers, "lakestack-logs-reader", READERS);
        this.clock = requireNonNull(clock, "clock is null");
        this.producer = new RecordProducer(bootstrapServers, "lakestack-logs");
    }

    /** The Kafka topic of a group's events. */
    public static String topic(String group)
    {
        StringBuilder encoded = new StringBuilder(TOPIC_PREFIX);
        for (byte b : group.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                encoded.append(c);
            }
            else {
                encoded.append('_').append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        if (encoded.length() <= MAX_TOPIC_LENGTH) {
            return encoded.toString();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(group.getBytes(StandardCharsets.UTF_8));
            return encoded.substring(0, TOPIC_PREFIX.length() + 200) + "_h" + HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String streamKey(String group, String stream)
    {
        return group + ":" + stream;
    }

    // groups

    @Override
    public synchronized void createGroup(String group, String region, Optional<Integer> retentionDays, Map<String, String> tags)
    {
        if (groups.getLatest(group).isPresent()) {
            throw LogStore.groupExists();
        }
        String topic = topic(group);
        try {
            topics.awaitGone(topic);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating log group " + group, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw ServiceException.user("OperationAbortedException", "Log group " + group + " is still being deleted; create it again in a few seconds");
        }
        topics.ensure(topic, 1, Map.of(
                "cleanup.policy", "delete",
                "retention.ms", retentionMillis(retentionDays),
                "segment.ms", String.valueOf(DAY_MILLIS),
                "message.timestamp.type", "CreateTime",
                // the API decides which timestamps it takes (14 days back, 2 hours ahead); the broker must not refuse them
                "message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE),
                "message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE),
                "max.message.bytes", String.valueOf(2 * 1024 * 1024)));
        // a topic left by a group whose creation did not finish keeps its configuration: set what this group needs
        topics.setConfig(topic, "retention.ms", retentionMillis(retentionDays));
        groups.put(group, new StoredGroup(group, Optional.of(region), clock.millis(), retentionDays, tags, topic, random.nextLong()));
    }

    private static String retentionMillis(Optional<Integer> retentionDays)
    {
        return retentionDays.map(days -> String.valueOf(days * DAY_MILLIS)).orElse("-1");
    }

    @Override
    public Optional<LogGroup> group(String group)
    {
        return groups.getLatest(group).map(stored -> view(stored, storedBytes(stored.name())));
    }

    @Override
    public List<LogGroup> groups(Optional<String> prefix)
    {
        Map<String, Long> bytes = new HashMap<>();
        streams.all().values().forEach(stream -> bytes.merge(stream.group(), stream.storedBytes(), Long::sum));
        List<LogGroup> list = new ArrayList<>();
        for (StoredGroup stored : groups.all().values()) {
            if (prefix.isEmpty() || stored.name().startsWith(prefix.get())) {
                list.add(view(stored, bytes.getOrDefault(stored.name(), 0L)));
            }
        }
        return list;
    }

    private long storedBytes(String group)
    {
        return storedStreams(group, Optional.empty()).stream().mapToLong(StoredStream::storedBytes).sum();
    }

    private static LogGroup view(StoredGroup stored, long storedBytes)
    {
        return new LogGroup(stored.name(), stored.region(), stored.creationMillis(), stored.retentionDays(), storedBytes, stored.tags());
    }

    private StoredGroup requireGroup(String group)
    {
        return groups.getLatest(group).orElseThrow(LogStore::groupNotFound);
    }

    @Override
    public synchronized void setRetention(String group, Optional<Integer> retentionDays)
    {
        StoredGroup stored = requireGroup(group);
        topics.setConfig(stored.topic(), "retention.ms", retentionMillis(retentionDays));
        groups.put(group, new StoredGroup(group, stored.region(), stored.creationMillis(), retentionDays, stored.tags(), stored.topic(), stored.secret()));
    }

    @Override
    public synchronized void setTags(String group, Map<String, String> tags)
    {
        StoredGroup stored = requireGroup(group);
        groups.put(group, new StoredGroup(group, stored.region(), stored.creationMillis(), stored.retentionDays(), tags, stored.topic(), stored.secret()));
    }

    @Override
    public synchronized void deleteGroup(String group)
    {
        StoredGroup stored = requireGroup(group);
        for (StoredStream stream : storedStreams(group, Optional.empty())) {
            streams.delete(streamKey(group, stream.name()));
        }
        groups.delete(group);
        topics.delete(stored.topic());
    }

    // streams

    @Override
    public synchronized void createStream(String group, String stream)
    {
        requireGroup(group);
        if (streams.getLatest(streamKey(group, stream)).isPresent()) {
            throw LogStore.streamExists();
        }
        streams.put(streamKey(group, stream), newStream(group, stream));
    }

    private StoredStream newStream(String group, String stream)
    {
        return new StoredStream(group, stream, clock.millis(), random.nextLong(), Optional.empty(), Optional.empty(), 0, 0);
    }

    @Override
    public Optional<LogStream> stream(String group, String stream)
    {
        requireGroup(group);
        return streams.getLatest(streamKey(group, stream)).map(KafkaLogStore::view);
    }

    @Override
    public List<LogStream> streams(String group, Optional<String> prefix)
    {
        requireGroup(group);
        return storedStreams(group, prefix).stream().map(KafkaLogStore::view).toList();
    }

    private List<StoredStream> storedStreams(String group, Optional<String> prefix)
    {
        String from = streamKey(group, prefix.orElse(""));
        List<StoredStream> list = new ArrayList<>();
        for (Map.Entry<String, StoredStream> entry : streams.all().tailMap(from).entrySet()) {
            if (!entry.getKey().startsWith(from)) {
                break;
            }
            list.add(entry.getValue());
        }
        return list;
    }

    private static LogStream view(StoredStream stored)
    {
        return new LogStream(stored.name(), stored.creationMillis(), stored.firstEventMillis(), stored.lastEventMillis(), stored.lastIngestionMillis(),
                stored.storedBytes());
    }

    @Override
    public synchronized void deleteStream(String group, String stream)
    {
        requireGroup(group);
        String key = streamKey(group, stream);
        if (streams.get(key).isEmpty()) {
            throw LogStore.streamNotFound();
        }
        streams.delete(key);
    }

    // events

    @Override
    public void put(String group, String stream, List<Event> events)
    {
        StoredGroup stored = requireGroup(group);
        if (events.isEmpty()) {
            return;
        }
        StoredStream target;
        synchronized (this) {
            target = streams.get(streamKey(group, stream)).orElse(null);
            if (target == null) {
                target = newStream(group, stream);
                streams.put(streamKey(group, stream), target);
            }
        }
        long ingestion = clock.millis();
        byte[] key = stream.getBytes(StandardCharsets.UTF_8);
        List<Header> headers = List.of(new RecordHeader(INGESTION_HEADER, longBytes(ingestion)), new RecordHeader(GENERATION_HEADER,
                longBytes(target.generation())));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Event event : events) {
            byte[] message = event.message().getBytes(StandardCharsets.UTF_8);
            bytes += message.length;
            first = Math.min(first, event.timestampMillis());
            last = Math.max(last, event.timestampMillis());
            records.add(new ProducerRecord<>(stored.topic(), 0, event.timestampMillis(), key, message, headers));
        }
        List<Optional<RecordMetadata>> acknowledged = producer.sendAll(records);
        long written = acknowledged.stream().filter(Optional::isPresent).count();
        synchronized (this) {
            Optional<StoredStream> current = streams.get(streamKey(group, stream));
            if (current.isPresent() && current.get().generation() == target.generation()) {
                StoredStream now = current.get();
                long firstEvent = first;
                long lastEvent = last;
                streams.put(streamKey(group, stream), new StoredStream(group, stream, now.creationMillis(), now.generation(),
                        Optional.of(now.firstEventMillis().map(value -> Math.min(value, firstEvent)).orElse(firstEvent)),
                        Optional.of(now.lastEventMillis().map(value -> Math.max(value, lastEvent)).orElse(lastEvent)),
                        Math.max(now.lastIngestionMillis(), ingestion), now.storedBytes() + bytes));
            }
        }
        if (written < events.size()) {
            throw ServiceException.external("ServiceUnavailableException", "Kafka did not acknowledge " + (events.size() - written) + " of the "
                    + events.size() + " events put to log stream " + stream + " of log group " + group + " (topic " + stored.topic()
                    + "); those acknowledged are stored. Retry the others.", null);
        }
    }

    private static byte[] longBytes(long value)
    {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public StreamPage events(String group, String stream, Optional<Long> start, Optional<Long> end, Optional<String> token, boolean fromHead, int limit)
    {
        StoredGroup stored = requireGroup(group);
        StoredStream target = streams.getLatest(streamKey(group, stream)).orElseThrow(LogStore::streamNotFound);
        EventTokens tokens = new EventTokens(group, stored.secret());
        EventTokens.Token from = token.map(tokens::stream)
                .orElse(new EventTokens.Token(fromHead ? EventTokens.Kind.FORWARD : EventTokens.Kind.BACKWARD, fromHead ? Position.FIRST : Position.LAST));
        boolean forward = from.kind() == EventTokens.Kind.FORWARD;
        Map<String, Long> generations = Map.of(stream, target.generation());
        PageSelector<Candidate> selector = new PageSelector<>(forward ? ORDER : ORDER.reversed(), limit, MAX_PAGE_BYTES, Candidate::bytes);
        long lowest = forward ? Math.max(start.orElse(0L), from.position().timestamp()) : start.orElse(0L);
        scan(stored, lowest, generations, candidate -> {
            long timestamp = candidate.position().timestamp();
            if (start.isPresent() && timestamp < start.get() || end.isPresent() && timestamp >= end.get()) {
                return;
            }
            int side = candidate.position().compareTo(from.position());
            if (forward ? side > 0 : side < 0) {
                selector.offer(candidate);
            }
        });
        List<Candidate> page = selector.page();
        if (!forward) {
            Collections.reverse(page);
        }
        String given = token.orElse(null);
        String nextForward;
        String nextBackward;
        if (page.isEmpty()) {
            if (forward) {
                nextForward = given != null ? given : tokens.forward(from.position());
                Position at = from.position();
                nextBackward = tokens.backward(at.equals(Position.FIRST) ? at : new Position(at.timestamp(), at.offset() + 1));
            }
            else {
                // nothing before the position: reading forward from the first event finds what this read would have
                nextForward = tokens.forward(Position.FIRST);
                nextBackward = given != null ? given : tokens.backward(from.position());
            }
        }
        else {
            nextForward = tokens.forward(page.get(page.size() - 1).position());
            nextBackward = tokens.backward(page.get(0).position());
        }
        return new StreamPage(page.stream().map(Candidate::event).toList(), nextForward, nextBackward);
    }

    @Override
    public Page filter(String group, Predicate<String> streamNames, Optional<Long> start, Optional<Long> end, Predicate<StoredEvent> filter,
            Optional<String> token, int limit)
    {
        StoredGroup stored = requireGroup(group);
        EventTokens tokens = new EventTokens(group, stored.secret());
        Position after = token.map(tokens::filter).map(EventTokens.Token::position).orElse(Position.FIRST);
        Map<String, Long> generations = new HashMap<>();
        for (StoredStream stream : storedStreams(group, Optional.empty())) {
            if (streamNames.test(stream.name())) {
                generations.put(stream.name(), stream.generation());
            }
        }
        if (generations.isEmpty()) {
            return new Page(List.of(), Optional.empty());
        }
        PageSelector<Candidate> selector = new PageSelector<>(ORDER, limit, MAX_PAGE_BYTES, Candidate::bytes);
        scan(stored, Math.max(start.orElse(0L), after.timestamp()), generations, candidate -> {
            long timestamp = candidate.position().timestamp();
            if (start.isPresent() && timestamp < start.get() || end.isPresent() && timestamp >= end.get()) {
                return;
            }
            if (candidate.position().compareTo(after) > 0 && filter.test(candidate.event())) {
                selector.offer(candidate);
            }
        });
        List<Candidate> page = selector.page();
        Optional<String> next = selector.more() ? Optional.of(tokens.filter(page.get(page.size() - 1).position())) : Optional.empty();
        return new Page(page.stream().map(Candidate::event).toList(), next);
    }

    private interface CandidateVisitor
    {
        void visit(Candidate candidate);
    }

    /**
     * Reads the group's topic from the first event at or after {@code fromTimestamp} to its end as of now, passing on
     * the events of the given streams (name to generation) that are not past the group's retention.
     */
    private void scan(StoredGroup group, long fromTimestamp, Map<String, Long> generations, CandidateVisitor visitor)
    {
        long expired = group.retentionDays().map(days -> clock.millis() - days * DAY_MILLIS).orElse(Long.MIN_VALUE);
        long from = Math.max(0, Math.max(fromTimestamp, expired));
        readers.withReader(consumer -> {
            TopicPartition partition = new TopicPartition(group.topic(), 0);
            long endOffset = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, from), READ_TIMEOUT).get(partition);
            if (found == null || found.offset() >= endOffset) {
                return null;
            }
            consumer.assign(List.of(partition));
            consumer.seek(partition, found.offset());
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(partition) < endOffset) {
                if (System.nanoTime() > deadline) {
                    throw ServiceException.external("ServiceUnavailableException", "Kafka did not return the events of log group " + group.name()
                            + " (topic " + group.topic() + ") within " + READ_TIMEOUT.toSeconds() + " s; retry", null);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
                    if (record.offset() >= endOffset) {
                        break;
                    }
                    if (record.key() == null || record.timestamp() < expired) {
                        continue;
                    }
                    String stream = new String(record.key(), StandardCharsets.UTF_8);
                    Long generation = generations.get(stream);
                    if (generation == null || generation != headerLong(record, GENERATION_HEADER)) {
                        continue;
                    }
                    byte[] value = record.value() == null ? new byte[0] : record.value();
                    StoredEvent event = new StoredEvent(stream, record.timestamp(), headerLong(record, INGESTION_HEADER),
                            new String(value, StandardCharsets.UTF_8), eventId(record.offset()));
                    visitor.visit(new Candidate(new Position(record.timestamp(), record.offset()), event, value.length));
                }
            }
            return null;
        });
    }

    /** An event id as CloudWatch's look: 56 digits; unique in the group because offsets are. */
    static String eventId(long offset)
    {
        String digits = Long.toString(offset);
        return "0".repeat(56 - digits.length()) + digits;
    }

    private static long headerLong(ConsumerRecord<byte[], byte[]> record, String name)
    {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value().length != 8 ? 0 : ByteBuffer.wrap(header.value()).getLong();
    }

    @Override
    public void close()
    {
        producer.close();
        readers.close();
    }
}
