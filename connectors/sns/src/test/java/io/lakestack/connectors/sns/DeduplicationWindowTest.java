package io.lakestack.connectors.sns;

import io.lakestack.spi.sns.SnsTopics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeduplicationWindowTest
{
    private static final long T0 = 1_790_000_000_000L;
    private static final long MINUTE = 60_000L;

    private record Entry(String key, long timestamp) {}

    private static List<Boolean> decide(DeduplicationWindow window, List<Entry> log)
    {
        List<Boolean> duplicates = new ArrayList<>();
        for (Entry entry : log) {
            duplicates.add(window.next(entry.key(), entry.timestamp()));
        }
        return duplicates;
    }

    @Test
    void sameKeyWithinFiveMinutesOfLogTimeIsADuplicate()
    {
        DeduplicationWindow window = new DeduplicationWindow(SnsTopics.DEDUPLICATION_INTERVAL);
        assertThat(decide(window, List.of(
                new Entry("a", T0),
                new Entry("b", T0 + 1),
                new Entry("a", T0 + 5 * MINUTE - 1),
                new Entry("c", T0 + 5 * MINUTE),
                new Entry("b", T0 + 5 * MINUTE + 1))))
                .containsExactly(false, false, true, false, false);
    }

    @Test
    void aDuplicateKeepsTheKeyInTheWindow()
    {
        // the interval runs from the latest record with the key, a duplicate included
        DeduplicationWindow window = new DeduplicationWindow(SnsTopics.DEDUPLICATION_INTERVAL);
        assertThat(decide(window, List.of(
                new Entry("a", T0),
                new Entry("a", T0 + 4 * MINUTE),
                new Entry("a", T0 + 8 * MINUTE),
                new Entry("a", T0 + 13 * MINUTE))))
                .containsExactly(false, true, true, false);
    }

    @Test
    void oldKeysAreForgotten()
    {
        DeduplicationWindow window = new DeduplicationWindow(SnsTopics.DEDUPLICATION_INTERVAL);
        for (int i = 0; i < 1000; i++) {
            window.next("key-" + i, T0 + i);
        }
        assertThat(window.size()).isEqualTo(1000);
        assertThat(window.next("later", T0 + 5 * MINUTE + 999)).isFalse();
        assertThat(window.size()).isEqualTo(1);
    }

    @Test
    void aReaderStartingLaterDecidesAsOneThatReadFromTheStartOnceShownTheIntervalBefore()
    {
        List<Entry> log = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // ten keys, a record every 7 seconds: some repeat within the interval, some after it
            log.add(new Entry("key-" + (i * 7 % 10), T0 + i * 7_000L));
        }
        List<Boolean> fromStart = decide(new DeduplicationWindow(SnsTopics.DEDUPLICATION_INTERVAL), log);
        assertThat(fromStart).contains(true, false);
        for (int start : List.of(50, 123, 399)) {
            // shown the records of the interval before the record ahead of its place, as FifoDeduplication.rebuild reads back
            long from = log.get(start - 1).timestamp() - SnsTopics.DEDUPLICATION_INTERVAL.toMillis();
            int first = 0;
            while (log.get(first).timestamp() < from) {
                first++;
            }
            DeduplicationWindow restarted = new DeduplicationWindow(SnsTopics.DEDUPLICATION_INTERVAL);
            decide(restarted, log.subList(first, start));
            assertThat(decide(restarted, log.subList(start, log.size()))).isEqualTo(fromStart.subList(start, log.size()));
        }
    }

    @Test
    void keyIsTheDeduplicationIdWithTheGroupWhenScopedByGroup()
    {
        RecordHeaders topicScope = new RecordHeaders();
        topicScope.add(SnsTopics.MESSAGE_GROUP_HEADER, "g1".getBytes(StandardCharsets.UTF_8));
        topicScope.add(SnsTopics.DEDUPLICATION_ID_HEADER, "d1".getBytes(StandardCharsets.UTF_8));
        topicScope.add(SnsTopics.DEDUPLICATION_SCOPE_HEADER, "Topic".getBytes(StandardCharsets.UTF_8));
        assertThat(FifoDeduplication.key(topicScope)).contains("d1");

        RecordHeaders groupScope = new RecordHeaders();
        groupScope.add(SnsTopics.MESSAGE_GROUP_HEADER, "g1".getBytes(StandardCharsets.UTF_8));
        groupScope.add(SnsTopics.DEDUPLICATION_ID_HEADER, "d1".getBytes(StandardCharsets.UTF_8));
        groupScope.add(SnsTopics.DEDUPLICATION_SCOPE_HEADER, "MessageGroup".getBytes(StandardCharsets.UTF_8));
        assertThat(FifoDeduplication.key(groupScope)).contains("g1\nd1");

        assertThat(FifoDeduplication.key(new RecordHeaders())).isEqualTo(Optional.empty());
    }

    @Test
    void windowOfFifoDeduplicationFollowsRecordTimestamps()
    {
        FifoDeduplication deduplication = new FifoDeduplication("localhost:1", Duration.ofMinutes(5));
        RecordHeaders headers = new RecordHeaders();
        headers.add(SnsTopics.DEDUPLICATION_ID_HEADER, "d1".getBytes(StandardCharsets.UTF_8));
        assertThat(deduplication.duplicate(record(0, T0, headers))).isFalse();
        assertThat(deduplication.duplicate(record(1, T0 + MINUTE, headers))).isTrue();
        assertThat(deduplication.duplicate(record(2, T0 + 7 * MINUTE, headers))).isFalse();
        assertThat(deduplication.duplicate(record(3, T0 + 7 * MINUTE, new RecordHeaders()))).isFalse();
    }

    private static org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record(long offset, long timestamp, RecordHeaders headers)
    {
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>("lakestack.sns.t.fifo", 0, offset, timestamp,
                org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, 0, 0, new byte[0], new byte[0], headers, Optional.empty());
    }
}
