package io.lakestack.backends.kafka;

import io.lakestack.backends.kafka.QueueMessage.MessageKey;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues.QueueCounts;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The messages of one SQS queue on this instance, built from the queue's topic (the messages) and its event topic
 * (receives, deletions, visibility changes, purges) by {@link QueueReader}. Every instance applies the same events in
 * the same order to the same messages: an event is applied only once every message it names has been read, and whether
 * it takes effect depends on the event's own time, so all instances agree on who received what.
 *
 * <p>All methods are called with this object's lock held; the reader notifies waiters on it after each change.
 */
final class QueueState
{
    /** FIFO deduplication interval. */
    static final long DEDUPLICATION_MILLIS = 5 * 60 * 1000;
    private static final int VISIBILITY_RESULTS = 10_000;

    final String name;
    final long incarnation;
    final String messagesTopic;
    final String eventsTopic;
    final int partitions;
    private Queue queue;

    private final Map<MessageKey, QueueMessage> messages = new HashMap<>();
    /** Every message by when it is visible next. */
    private final TreeSet<QueueMessage> byVisibility = new TreeSet<>(Comparator.<QueueMessage>comparingLong(message -> message.visibleAtMillis)
            .thenComparingLong(message -> message.enqueuedMillis)
            .thenComparingInt(message -> message.key.partition())
            .thenComparingLong(message -> message.key.offset()));
    /** FIFO: the messages of each group in the order they were sent; groups in the order their first message came. */
    private final Map<String, ArrayDeque<QueueMessage>> groups = new LinkedHashMap<>();
    /** FIFO: deduplication keys of the messages read, with when they came. */
    private final LinkedHashMap<String, SentMessage> deduplication = new LinkedHashMap<>();
    /** FIFO: deduplication keys of the messages this instance sent: what a duplicate send answers. */
    private final Map<String, SentMessage> sent = new HashMap<>();
    private final long[] loaded;
    private final long[] loadEnd;
    private final long eventsEnd;
    private long applied;
    private final ArrayDeque<Pending> blocked = new ArrayDeque<>();
    private long purgedBefore = Long.MIN_VALUE;
    private long lastPurgeMillis = Long.MIN_VALUE;
    private final LinkedHashMap<Long, List<Boolean>> visibilityResults = new LinkedHashMap<>()
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Boolean>> eldest)
        {
            return size() > VISIBILITY_RESULTS;
        }
    };
    private boolean deleted;

    record SentMessage(String messageId, long offset, long enqueuedMillis) {}

    private record Pending(QueueEvent event, long offset) {}

    /**
     * @param loadEnd the end offsets of the queue's partitions when this instance began to read them
     * @param eventsEnd the end offset of the event topic then: the state is ready once both are read
     */
    QueueState(Queue queue, String messagesTopic, String eventsTopic, int partitions, long[] loadEnd, long eventsEnd)
    {
        this.queue = requireNonNull(queue, "queue is null");
        this.name = queue.name();
        this.incarnation = queue.createdMillis();
        this.messagesTopic = messagesTopic;
        this.eventsTopic = eventsTopic;
        this.partitions = partitions;
        this.loaded = new long[partitions];
        this.loadEnd = loadEnd.clone();
        this.eventsEnd = eventsEnd;
    }

    Queue queue()
    {
        return queue;
    }

    void define(Queue queue)
    {
        this.queue = queue;
    }

    boolean ready()
    {
        if (applied < eventsEnd || !blocked.isEmpty()) {
            return false;
        }
        for (int partition = 0; partition < partitions; partition++) {
            if (loaded[partition] < loadEnd[partition]) {
                return false;
            }
        }
        return true;
    }

    boolean deleted()
    {
        return deleted;
    }

    void markDeleted()
    {
        deleted = true;
    }

    long applied()
    {
        return applied;
    }

    /** Whether this instance has read the message at this place (and so can tell whether it exists). */
    boolean hasRead(int partition, long offset)
    {
        return partition >= 0 && partition < partitions && offset < loaded[partition];
    }

    Optional<QueueMessage> message(int partition, long offset)
    {
        return Optional.ofNullable(messages.get(new MessageKey(partition, offset)));
    }

    // reading

    /** Reads a record of the queue's topic. */
    void load(ConsumerRecord<byte[], byte[]> record, String defaultSender)
    {
        loaded[record.partition()] = Math.max(loaded[record.partition()], record.offset() + 1);
        Optional<Long> sentTo = QueueMessage.incarnation(record);
        if (sentTo.isPresent() ? sentTo.get() != incarnation : record.timestamp() < incarnation) {
            // sent to an earlier queue of this name, or published before the queue was made
            return;
        }
        QueueMessage message = QueueMessage.read(record, defaultSender);
        if (message.enqueuedMillis < purgedBefore) {
            return;
        }
        if (queue.fifo() && message.deduplicationId.isPresent()) {
            String key = deduplicationKey(message.groupId, message.deduplicationId.get());
            SentMessage earlier = deduplication.get(key);
            if (earlier != null && message.enqueuedMillis - earlier.enqueuedMillis() < DEDUPLICATION_MILLIS) {
                return;
            }
            deduplication.remove(key);
            deduplication.put(key, new SentMessage(message.messageId, message.key.offset(), message.enqueuedMillis));
            Iterator<SentMessage> oldest = deduplication.values().iterator();
            while (oldest.hasNext() && message.enqueuedMillis - oldest.next().enqueuedMillis() >= DEDUPLICATION_MILLIS) {
                oldest.remove();
            }
        }
        messages.put(message.key, message);
        byVisibility.add(message);
        if (queue.fifo()) {
            groups.computeIfAbsent(message.groupId.orElse(""), group -> new ArrayDeque<>()).addLast(message);
        }
    }

    /** Records how far the reader has read a partition (past records it skipped too). */
    void position(int partition, long position)
    {
        loaded[partition] = Math.max(loaded[partition], position);
    }

    /** Records the position of the event topic when the reader has read past its end. */
    void eventsPosition(long position)
    {
        if (blocked.isEmpty()) {
            applied = Math.max(applied, position);
        }
    }

    /** Applies an event, or holds it (and every later one) until the messages it names have been read. */
    void apply(QueueEvent event, long offset)
    {
        if (!blocked.isEmpty() || !readAll(event)) {
            blocked.addLast(new Pending(event, offset));
            return;
        }
        applyNow(event, offset);
    }

    /** Applies the held events whose messages have been read since. */
    void retryBlocked()
    {
        while (!blocked.isEmpty() && readAll(blocked.peekFirst().event())) {
            Pending pending = blocked.removeFirst();
            applyNow(pending.event(), pending.offset());
        }
    }

    private boolean readAll(QueueEvent event)
    {
        for (QueueEvent.Ref ref : event.messages()) {
            if (ref.partition() < partitions && ref.offset() >= loaded[ref.partition()]) {
                return false;
            }
        }
        return true;
    }

    private void applyNow(QueueEvent event, long offset)
    {
        applied = Math.max(applied, offset + 1);
        if (event.incarnation() != incarnation) {
            return;
        }
        switch (event.type()) {
            case CLAIM, DEAD_LETTER_CLAIM -> claim(event, offset);
            case DELETE -> event.messages().forEach(ref -> remove(messages.get(new MessageKey(ref.partition(), ref.offset()))));
            case VISIBILITY -> {
                List<Boolean> results = new ArrayList<>(event.messages().size());
                for (QueueEvent.Ref ref : event.messages()) {
                    QueueMessage message = messages.get(new MessageKey(ref.partition(), ref.offset()));
                    boolean inFlight = message != null && message.claimOffset == ref.claim() && message.visibleAtMillis > event.at();
                    if (inFlight) {
                        byVisibility.remove(message);
                        message.visibleAtMillis = event.until();
                        byVisibility.add(message);
                    }
                    results.add(inFlight);
                }
                visibilityResults.put(offset, results);
            }
            case PURGE -> {
                lastPurgeMillis = Math.max(lastPurgeMillis, event.at());
                purgedBefore = Math.max(purgedBefore, event.at());
                for (QueueMessage message : List.copyOf(messages.values())) {
                    if (message.enqueuedMillis < event.at()) {
                        remove(message);
                    }
                }
            }
        }
    }

    private void claim(QueueEvent event, long offset)
    {
        List<QueueMessage> claimed = new ArrayList<>(event.messages().size());
        for (QueueEvent.Ref ref : event.messages()) {
            QueueMessage message = messages.get(new MessageKey(ref.partition(), ref.offset()));
            if (message != null && message.visibleAtMillis <= event.at() && !expired(message, event.at())) {
                claimed.add(message);
            }
            else if (event.wholeGroup()) {
                return;
            }
        }
        if (event.wholeGroup() && !claimed.isEmpty() && groupInFlight(claimed.get(0).groupId.orElse(""), event.at())) {
            return;
        }
        for (QueueMessage message : claimed) {
            byVisibility.remove(message);
            message.claimOffset = offset;
            message.visibleAtMillis = event.until();
            message.receiveCount++;
            if (message.firstReceiveMillis == 0) {
                message.firstReceiveMillis = event.at();
            }
            byVisibility.add(message);
        }
    }

    private boolean groupInFlight(String group, long at)
    {
        ArrayDeque<QueueMessage> members = groups.get(group);
        if (members == null) {
            return false;
        }
        for (QueueMessage member : members) {
            if (member.claimOffset < 0) {
                // receives take a group from its start: no later message has been received
                return false;
            }
            if (member.visibleAtMillis > at) {
                return true;
            }
        }
        return false;
    }

    private void remove(QueueMessage message)
    {
        if (message == null || messages.remove(message.key) == null) {
            return;
        }
        byVisibility.remove(message);
        if (queue.fifo()) {
            String group = message.groupId.orElse("");
            ArrayDeque<QueueMessage> members = groups.get(group);
            if (members != null) {
                members.remove(message);
                if (members.isEmpty()) {
                    groups.remove(group);
                }
            }
        }
    }

    /** The outcome of a visibility change this or another instance made: per message, whether it was in flight. */
    Optional<List<Boolean>> visibilityResult(long offset)
    {
        return Optional.ofNullable(visibilityResults.remove(offset));
    }

    // choosing what to receive

    boolean expired(QueueMessage message, long now)
    {
        return message.enqueuedMillis + queue.messageRetentionSeconds() * 1000L <= now;
    }

    /** What a receive found: claims to make (each one event), messages due for the dead-letter queue, expired messages. */
    record Selection(List<List<QueueMessage>> claims, List<QueueMessage> deadLetters, List<QueueMessage> expired)
    {
        boolean isEmpty()
        {
            return claims.isEmpty() && deadLetters.isEmpty() && expired.isEmpty();
        }
    }

    /**
     * Chooses up to {@code max} visible messages nobody on this instance is claiming, and marks them as being claimed.
     * For a FIFO queue each claim is the start of one message group that has nothing in flight.
     *
     * @param deadLettering whether messages received {@code maxReceiveCount} times go to the dead-letter queue (it exists)
     */
    Selection select(int max, long now, boolean deadLettering)
    {
        int maxReceives = deadLettering ? queue.redrivePolicy().map(Queue.RedrivePolicy::maxReceiveCount).orElse(Integer.MAX_VALUE) : Integer.MAX_VALUE;
        List<List<QueueMessage>> claims = new ArrayList<>();
        List<QueueMessage> deadLetters = new ArrayList<>();
        List<QueueMessage> expired = new ArrayList<>();
        if (!queue.fifo()) {
            List<QueueMessage> claim = new ArrayList<>();
            for (QueueMessage message : byVisibility) {
                if (message.visibleAtMillis > now || claim.size() >= max || deadLetters.size() >= max || expired.size() >= 100) {
                    break;
                }
                if (message.claiming) {
                    continue;
                }
                List<QueueMessage> target = expired(message, now) ? expired : message.receiveCount >= maxReceives ? deadLetters : claim;
                target.add(message);
                message.claiming = true;
            }
            if (!claim.isEmpty()) {
                claims.add(claim);
            }
            return new Selection(claims, deadLetters, expired);
        }
        int taken = 0;
        for (ArrayDeque<QueueMessage> members : groups.values()) {
            if (taken >= max) {
                break;
            }
            if (groupInFlight(members.peekFirst().groupId.orElse(""), now)) {
                continue;
            }
            List<QueueMessage> claim = new ArrayList<>();
            for (QueueMessage message : members) {
                if (message.claiming || message.visibleAtMillis > now || taken >= max) {
                    break;
                }
                if (expired(message, now)) {
                    expired.add(message);
                    message.claiming = true;
                    continue;
                }
                if (message.receiveCount >= maxReceives) {
                    if (claim.isEmpty()) {
                        deadLetters.add(message);
                        message.claiming = true;
                    }
                    break;
                }
                claim.add(message);
                message.claiming = true;
                taken++;
            }
            if (!claim.isEmpty()) {
                claims.add(claim);
            }
        }
        return new Selection(claims, deadLetters, expired);
    }

    /** When the next message that is not visible now becomes visible; empty when none waits. */
    Optional<Long> nextVisible(long now)
    {
        QueueMessage next = byVisibility.higher(QueueMessage.probe(now));
        return next == null ? Optional.empty() : Optional.of(next.visibleAtMillis);
    }

    QueueCounts counts(long now)
    {
        long visible = 0;
        long inFlight = 0;
        long delayed = 0;
        for (QueueMessage message : messages.values()) {
            if (expired(message, now)) {
                continue;
            }
            if (message.visibleAtMillis <= now) {
                visible++;
            }
            else if (message.claimOffset >= 0) {
                inFlight++;
            }
            else {
                delayed++;
            }
        }
        return new QueueCounts(visible, inFlight, delayed);
    }

    /** The last purge's time, as its event says. */
    long lastPurgeMillis()
    {
        return lastPurgeMillis;
    }

    // FIFO deduplication of sends

    String deduplicationKey(Optional<String> groupId, String deduplicationId)
    {
        return queue.deduplicationPerMessageGroup() ? groupId.orElse("") + "\n" + deduplicationId : deduplicationId;
    }

    /** The message this instance sent (or read) with the key less than five minutes before {@code now}. */
    Optional<SentMessage> duplicateOf(String key, long now)
    {
        SentMessage mine = sent.get(key);
        if (mine != null && now - mine.enqueuedMillis() < DEDUPLICATION_MILLIS) {
            return Optional.of(mine);
        }
        SentMessage read = deduplication.get(key);
        return read != null && now - read.enqueuedMillis() < DEDUPLICATION_MILLIS ? Optional.of(read) : Optional.empty();
    }

    void sent(String key, SentMessage message)
    {
        sent.put(key, message);
        sent.values().removeIf(earlier -> message.enqueuedMillis() - earlier.enqueuedMillis() >= DEDUPLICATION_MILLIS);
    }
}
