package io.lakestack.connectors.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The demo's stream processing: S3 event notifications in, one catalog partition per new date folder out.
 *
 * <p>For each {@code ObjectCreated} event on {@code s3://<bucket>/<table prefix>/<key>=<value>/...}, the partition
 * is added to the catalog (an existing one is left alone, so events may be replayed) and a record describing it is
 * written to the registered-partitions topic. A notification that cannot be read, or an object outside the table's
 * partition layout, goes to the dead-letter topic unchanged, with headers {@value #ERROR_HEADER} (why) and
 * {@value #SOURCE_HEADER} (topic/partition/offset it came from). {@code s3:TestEvent}s and removal events need no
 * partition and are passed over.
 */
public final class PartitionRegistrarTopology
{
    public static final String ERROR_HEADER = "lakestack.error";
    public static final String SOURCE_HEADER = "lakestack.source";
    private static final Logger log = LoggerFactory.getLogger(PartitionRegistrarTopology.class);

    private PartitionRegistrarTopology() {}

    /**
     * @param tablePrefix the table's key prefix in the bucket, ending with {@code /}, e.g. {@code orders/}
     * @param partitionKeys the table's partition keys, in order, e.g. {@code [dt]}
     */
    public record Settings(
            String eventsTopic,
            String registeredTopic,
            String deadLetterTopic,
            String database,
            String table,
            String bucket,
            String tablePrefix,
            List<String> partitionKeys)
    {
        public Settings
        {
            requireNonNull(eventsTopic, "eventsTopic is null");
            requireNonNull(registeredTopic, "registeredTopic is null");
            requireNonNull(deadLetterTopic, "deadLetterTopic is null");
            requireNonNull(database, "database is null");
            requireNonNull(table, "table is null");
            requireNonNull(bucket, "bucket is null");
            if (!tablePrefix.endsWith("/")) {
                throw new IllegalArgumentException("tablePrefix must end with /: " + tablePrefix);
            }
            partitionKeys = List.copyOf(partitionKeys);
        }
    }

    sealed interface Outcome
            permits Registered, DeadLetter
    {
    }

    record Registered(byte[] document)
            implements Outcome
    {
    }

    record DeadLetter(byte[] original)
            implements Outcome
    {
    }

    public static void build(StreamsBuilder builder, Settings settings, PartitionCatalog catalog)
    {
        KStream<String, byte[]> notifications = builder.stream(settings.eventsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()));
        notifications
                .processValues(() -> new Registrar(settings, catalog), Named.as("register-partitions"))
                .split(Named.as("outcome-"))
                .branch((key, outcome) -> outcome instanceof Registered, Branched.withConsumer(registered -> registered
                        .mapValues(outcome -> ((Registered) outcome).document())
                        .to(settings.registeredTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "registered"))
                .branch((key, outcome) -> outcome instanceof DeadLetter, Branched.withConsumer(dead -> dead
                        .mapValues(outcome -> ((DeadLetter) outcome).original())
                        .to(settings.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())), "dead-letter"))
                .noDefaultBranch();
    }

    /** The partition an object belongs to, or why it belongs to none. */
    static TablePartition partitionOf(Settings settings, String bucket, String key)
    {
        if (!bucket.equals(settings.bucket())) {
            throw new IllegalArgumentException("object s3://" + bucket + "/" + key + " is not in bucket " + settings.bucket());
        }
        if (!key.startsWith(settings.tablePrefix())) {
            throw new IllegalArgumentException("object key " + key + " is outside the table prefix " + settings.tablePrefix());
        }
        String[] folders = key.substring(settings.tablePrefix().length()).split("/");
        if (folders.length <= settings.partitionKeys().size()) {
            throw new IllegalArgumentException("object key " + key + " is not under " + String.join("/", settings.partitionKeys().stream()
                    .map(name -> name + "=<value>").toList()) + "/ folders");
        }
        List<String> values = new ArrayList<>();
        StringBuilder location = new StringBuilder("s3://").append(bucket).append('/').append(settings.tablePrefix());
        for (int i = 0; i < settings.partitionKeys().size(); i++) {
            String expected = settings.partitionKeys().get(i) + "=";
            if (!folders[i].startsWith(expected) || folders[i].length() == expected.length()) {
                throw new IllegalArgumentException("object key " + key + ": folder '" + folders[i] + "' should be " + expected + "<value>");
            }
            values.add(folders[i].substring(expected.length()));
            location.append(folders[i]).append('/');
        }
        return new TablePartition(settings.database(), settings.table(), values, location.toString());
    }

    private static final class Registrar
            implements FixedKeyProcessor<String, byte[], Outcome>
    {
        private final Settings settings;
        private final PartitionCatalog catalog;
        private FixedKeyProcessorContext<String, Outcome> context;

        Registrar(Settings settings, PartitionCatalog catalog)
        {
            this.settings = settings;
            this.catalog = catalog;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Outcome> context)
        {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record)
        {
            S3EventNotification notification;
            try {
                notification = S3EventNotification.parse(record.value() == null ? new byte[0] : record.value());
            }
            catch (IllegalArgumentException e) {
                deadLetter(record, "unreadable S3 event notification: " + e.getMessage());
                return;
            }
            if (notification instanceof S3EventNotification.TestEvent test) {
                log.debug("skipping s3:TestEvent for bucket {}", test.bucket());
                return;
            }
            for (S3EventNotification.ObjectEvent event : ((S3EventNotification.ObjectEvents) notification).events()) {
                if (!event.created()) {
                    continue;
                }
                TablePartition partition;
                try {
                    partition = partitionOf(settings, event.bucket(), event.key());
                }
                catch (IllegalArgumentException e) {
                    deadLetter(record, e.getMessage());
                    continue;
                }
                boolean added = catalog.addPartition(partition);
                context.forward(record.withValue(new Registered(describe(partition, event, added))));
            }
        }

        private void deadLetter(FixedKeyRecord<String, byte[]> record, String reason)
        {
            String source = context.recordMetadata()
                    .map(metadata -> metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset())
                    .orElse("unknown");
            log.warn("dead-lettering the record at {}: {}", source, reason);
            FixedKeyRecord<String, Outcome> dead = record.withValue(new DeadLetter(record.value()));
            dead.headers().add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
            dead.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
            context.forward(dead);
        }

        private static byte[] describe(TablePartition partition, S3EventNotification.ObjectEvent event, boolean added)
        {
            ObjectNode node = S3EventNotification.JSON.createObjectNode();
            node.put("database", partition.database());
            node.put("table", partition.table());
            node.putPOJO("values", partition.values());
            node.put("location", partition.location());
            node.put("added", added);
            node.put("eventName", event.eventName());
            node.put("object", "s3://" + event.bucket() + "/" + event.key());
            try {
                return S3EventNotification.JSON.writeValueAsBytes(node);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
