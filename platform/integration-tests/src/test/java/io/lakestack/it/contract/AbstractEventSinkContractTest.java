package io.lakestack.it.contract;

import io.lakestack.spi.events.EventSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link EventSink}: a destination declared before the first event can be followed from its end, and
 * every event published after is read, in publishing order per key.
 *
 * <p>There is no AWS subclass: the sink is how lakestack hands S3 notifications to the queues it emulates; on AWS,
 * S3 delivers them to SQS, SNS or Lambda itself, with no API to publish one.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractEventSinkContractTest
{
    /** An event as a consumer reads it. */
    protected record Event(String key, String value)
    {
    }

    /** A consumer of one destination, from the position it was opened at on. */
    protected interface EventReader
            extends AutoCloseable
    {
        /** The events that arrived since the last call, in the order the destination holds them for each key. */
        List<Event> poll();

        @Override
        void close();
    }

    private EventSink sink;
    private final List<EventReader> readers = new ArrayList<>();

    protected abstract EventSink createSink();

    /** A reader of the destination from its current end, as a consumer that subscribes before the first event does. */
    protected abstract EventReader openAtEnd(String topic);

    /** A reader of the destination from its first event on. */
    protected abstract EventReader openAtStart(String topic);

    @BeforeAll
    final void createEventSink()
    {
        sink = createSink();
    }

    @AfterAll
    final void closeEventSink()
            throws Exception
    {
        readers.forEach(EventReader::close);
        if (sink instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private static String topic()
    {
        return "contract.events-" + UUID.randomUUID().toString().replace("-", "");
    }

    private EventReader track(EventReader reader)
    {
        readers.add(reader);
        return reader;
    }

    @Test
    void eventsPublishedAfterDeclareAreReadInPublishingOrderPerKey()
    {
        String topic = topic();
        sink.declare(topic);
        sink.declare(topic);
        EventReader reader = track(openAtEnd(topic));

        Map<String, List<String>> published = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "bucket-" + (i % 4);
            String value = "{\"event\":" + i + "}";
            sink.publish(topic, key, value.getBytes(StandardCharsets.UTF_8));
            published.computeIfAbsent(key, ignored -> new ArrayList<>()).add(value);
        }

        List<Event> read = new ArrayList<>();
        await().untilAsserted(() -> {
            read.addAll(reader.poll());
            assertThat(read).hasSize(60);
        });
        Map<String, List<String>> byKey = new TreeMap<>();
        read.forEach(event -> byKey.computeIfAbsent(event.key(), ignored -> new ArrayList<>()).add(event.value()));
        assertThat(byKey).isEqualTo(published);
    }

    @Test
    void publishDeclaresAMissingDestination()
    {
        String topic = topic();
        sink.publish(topic, "k", "first".getBytes(StandardCharsets.UTF_8));
        sink.publish(topic, "k", "second".getBytes(StandardCharsets.UTF_8));
        EventReader reader = track(openAtStart(topic));

        List<Event> read = new ArrayList<>();
        await().untilAsserted(() -> {
            read.addAll(reader.poll());
            assertThat(read).hasSize(2);
        });
        assertThat(read).containsExactly(new Event("k", "first"), new Event("k", "second"));
    }
}
