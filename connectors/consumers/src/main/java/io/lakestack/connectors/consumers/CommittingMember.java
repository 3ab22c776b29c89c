package io.lakestack.connectors.consumers;

import io.lakestack.spi.cluster.KafkaClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A member of a Kafka consumer group over one topic that handles its records one at a time, on a thread of its own,
 * in the order of their partition, and commits a record's offset only once the record is handled: delivery at least
 * once. Closing it ends the record in hand without committing it, so that another member, or this instance after a
 * restart, handles it again. What an SNS subscription's and an EventBridge rule's deliveries are made of.
 */
public final class CommittingMember
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(CommittingMember.class);
    private static final int SESSION_TIMEOUT_MILLIS = 10_000;

    /** What the member does; every method is called on the member's thread. */
    public interface Handler
    {
        /** Before each poll of the topic. */
        default void beforePoll(KafkaConsumer<byte[], byte[]> consumer) {}

        /** Partitions the group has just assigned to this member. */
        default void assigned(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {}

        /**
         * Handles one record: delivered, passed over, or given up as the service does.
         *
         * @return false when the member was closed during the record, which is then not committed
         */
        boolean handle(ConsumerRecord<byte[], byte[]> record);
    }

    /**
     * @param maxPollRecords records taken in one poll; the member stays in its group while it handles them, however
     *         long their retries take
     * @param description what the member delivers, for its log lines ("SNS deliveries of arn:...")
     */
    public record Settings(String bootstrapServers, String topic, String group, String clientId, int maxPollRecords, String threadName, String description)
    {
        public Settings
        {
            requireNonNull(bootstrapServers, "bootstrapServers is null");
            requireNonNull(topic, "topic is null");
            requireNonNull(group, "group is null");
            requireNonNull(clientId, "clientId is null");
            requireNonNull(threadName, "threadName is null");
            requireNonNull(description, "description is null");
        }
    }

    private final Settings settings;
    private final Handler handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public CommittingMember(Settings settings, Handler handler)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.handler = requireNonNull(handler, "handler is null");
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        // a topic created a moment ago may be missing from the first metadata: it is looked up again soon
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        // records retried as their policies say may take long: the member stays in its group meanwhile
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.MAX_VALUE);
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MILLIS);
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MILLIS / 3);
        this.consumer = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, settings.threadName());
        thread.setDaemon(true);
    }

    public CommittingMember start()
    {
        thread.start();
        return this;
    }

    /** Whether the member has not been closed: a handler retrying a delivery gives up once this is false. */
    public boolean running()
    {
        return running;
    }

    /** Whether the member is still taking records: not closed, and its thread has not stopped on an error. */
    public boolean alive()
    {
        return running && stopped.getCount() > 0;
    }

    private void run()
    {
        try {
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions)
                {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions)
                {
                    handler.assigned(consumer, partitions);
                }
            });
            while (running) {
                handler.beforePoll(consumer);
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!running || !handler.handle(record)) {
                        break;
                    }
                    done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("{} stopped", settings.description(), e);
        }
        finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    /** Stops taking records; a record in hand ends, not committed, so it is handled again by another member or after a restart. */
    @Override
    public void close()
    {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within 30 s", settings.description());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
