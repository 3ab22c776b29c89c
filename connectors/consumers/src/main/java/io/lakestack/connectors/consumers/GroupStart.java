package io.lakestack.connectors.consumers;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where a new consumer group starts: in each partition it has no committed offset of yet, at the first record written
 * at or after a time (a subscription's creation, a rule's enabling), or at the end when there is none. The place is
 * committed at once, so that a member joining later does not start over at a later time.
 */
public final class GroupStart
{
    private GroupStart() {}

    /**
     * Positions {@code consumer}, just assigned {@code partitions}, in those of them its group has no offset of.
     *
     * @return the positions it started at, empty when every partition had an offset
     */
    public static Map<TopicPartition, OffsetAndMetadata> startNewPartitions(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, long sinceMillis)
    {
        requireNonNull(consumer, "consumer is null");
        requireNonNull(partitions, "partitions is null");
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        Map<TopicPartition, Long> fresh = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (committed.get(partition) == null) {
                fresh.put(partition, sinceMillis);
            }
        }
        if (fresh.isEmpty()) {
            return Map.of();
        }
        // the ends first: a record written between the two lookups is then after the end, never skipped by a seek to it
        Map<TopicPartition, Long> ends = consumer.endOffsets(fresh.keySet());
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(fresh);
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition partition : fresh.keySet()) {
            OffsetAndTimestamp offset = offsets.get(partition);
            long position = offset == null ? ends.get(partition) : offset.offset();
            consumer.seek(partition, position);
            positions.put(partition, new OffsetAndMetadata(position));
        }
        consumer.commitSync(positions);
        return positions;
    }
}
