package io.lakestack.backends.kafka;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A change of an SQS queue's messages, in the queue's event topic. Every instance applies the events in the order of
 * the topic to the same messages and so reaches the same state; whether an event takes effect (a receive wins the
 * message, a visibility change finds it in flight) is decided by that order and the event's own time ({@code at}),
 * never by the clock of the instance applying it.
 *
 * @param incarnation the queue's creation time: events of an earlier queue of the same name are ignored
 * @param at when the event was made, on the clock of the instance that made it
 * @param until {@link Type#CLAIM}, {@link Type#DEAD_LETTER_CLAIM}, {@link Type#VISIBILITY}: when the messages become
 *         visible again
 * @param wholeGroup FIFO: the claim takes all its messages (one message group, in order) or none
 */
record QueueEvent(Type type, long incarnation, long at, long until, List<Ref> messages, boolean wholeGroup)
{
    enum Type
    {
        /** A receive takes the messages that are visible at {@code at}. */
        CLAIM,
        /** A receive takes messages received {@code maxReceiveCount} times, to move them to the dead-letter queue. */
        DEAD_LETTER_CLAIM,
        DELETE,
        /** ChangeMessageVisibility: the message, if still in flight under the claim {@link Ref#claim}, is visible at {@code until}. */
        VISIBILITY,
        /** Every message that came into the queue before {@code at} is deleted. */
        PURGE
    }

    /** A message, by its place in the queue's topic; {@code claim} is the event offset of the receive a receipt handle came from. */
    record Ref(int partition, long offset, long claim) {}

    QueueEvent
    {
        requireNonNull(type, "type is null");
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
    }
}
