package io.lakestack.spi.sqs;

import io.lakestack.spi.ServiceException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

import static java.util.Objects.requireNonNull;

/**
 * SQS queues and their messages: the engine under the SQS service. Queue names are validated by the service; every
 * method that takes a queue takes its current definition.
 *
 * <p>What a caller may rely on:
 * <ul>
 *   <li>once {@link #send} returns, the messages are durable (they survive a kill -9 of every process);</li>
 *   <li>a message is handed out by one receive at a time across every lakestack instance on the same engines, and
 *       stays invisible for its visibility timeout; a receipt handle works on every instance, across restarts;</li>
 *   <li>a FIFO queue hands out the messages of one group in the order they were sent, and none of a group while a
 *       message of it is in flight;</li>
 *   <li>a message received {@code maxReceiveCount} times is moved to the dead-letter queue at its next receive.</li>
 * </ul>
 *
 * <p>Errors are {@link ServiceException}s with SQS's JSON protocol error names ({@code ReceiptHandleIsInvalid},
 * {@code MessageNotInflight}, {@code PurgeQueueInProgress}, {@code QueueDoesNotExist}...); the service renders them in
 * the protocol of the request.
 */
public interface Queues
{
    Optional<Queue> get(String name);

    /** Every queue, by name. */
    SortedMap<String, Queue> list();

    /**
     * Creates the queue, or replaces its definition (SetQueueAttributes, tags). A new queue can take messages once this
     * returns.
     */
    void put(Queue queue);

    /** Deletes the queue with its messages; a queue of the same name made later starts empty. */
    void delete(String name);

    /** When a queue of this name was last deleted, if it was. */
    OptionalLong deletedMillis(String name);

    /** Sends the messages, in order; the results are in the same order. */
    List<SendResult> send(Queue queue, List<OutgoingMessage> messages);

    /**
     * Hands out up to {@code maxMessages} visible messages, waiting up to {@code waitMillis} for the first one to
     * become visible; an empty list when none did.
     */
    List<ReceivedMessage> receive(Queue queue, ReceiveRequest request)
            throws InterruptedException;

    /**
     * Deletes the messages the receipt handles name; per handle, empty when it was deleted (or had been before), or
     * the error ({@code ReceiptHandleIsInvalid}).
     */
    List<Optional<ServiceException>> delete(Queue queue, List<String> receiptHandles);

    /**
     * Sets when messages in flight become visible again: {@code seconds} from now. Per change, empty or the error
     * ({@code ReceiptHandleIsInvalid}, {@code MessageNotInflight}).
     */
    List<Optional<ServiceException>> changeVisibility(Queue queue, List<VisibilityChange> changes);

    /**
     * Deletes every message sent before now.
     *
     * @throws ServiceException {@code PurgeQueueInProgress} within 60 seconds of the queue's last purge
     */
    void purge(Queue queue);

    QueueCounts counts(Queue queue);

    /**
     * Starts moving the messages of a dead-letter queue: to {@code destination}, or to the queue each message came
     * from when it is empty.
     *
     * @param maxPerSecond at most this many messages a second; empty for as fast as the engine goes
     * @throws ServiceException {@code UnsupportedOperation} when a task of this source is running
     */
    MoveTask startMoveTask(Queue source, Optional<Queue> destination, Optional<Integer> maxPerSecond);

    /** The move tasks of a source queue, the newest first. */
    List<MoveTask> moveTasks(String sourceQueue);

    /**
     * Cancels a running task.
     *
     * @throws ServiceException {@code ResourceNotFoundException} for an unknown handle, {@code UnsupportedOperation}
     *         for a task that is not running
     */
    MoveTask cancelMoveTask(String taskHandle);

    /**
     * @param messageId the message's id; for a message deduplicated by an earlier one, the earlier one's
     * @param sequenceNumber FIFO: the message's {@code SequenceNumber}
     */
    record SendResult(String messageId, Optional<String> sequenceNumber)
    {
        public SendResult
        {
            requireNonNull(messageId, "messageId is null");
            requireNonNull(sequenceNumber, "sequenceNumber is null");
        }
    }

    /**
     * @param visibilityTimeoutSeconds how long the messages stay invisible; empty for the queue's
     * @param receiveRequestAttemptId FIFO: a retried receive with the same id within 5 minutes gets the same messages
     */
    record ReceiveRequest(int maxMessages, Optional<Integer> visibilityTimeoutSeconds, long waitMillis, Optional<String> receiveRequestAttemptId)
    {
        public ReceiveRequest
        {
            requireNonNull(visibilityTimeoutSeconds, "visibilityTimeoutSeconds is null");
            requireNonNull(receiveRequestAttemptId, "receiveRequestAttemptId is null");
        }
    }

    record VisibilityChange(String receiptHandle, int seconds)
    {
        public VisibilityChange
        {
            requireNonNull(receiptHandle, "receiptHandle is null");
        }
    }

    /**
     * {@code ApproximateNumberOfMessages}, {@code ApproximateNumberOfMessagesNotVisible},
     * {@code ApproximateNumberOfMessagesDelayed}.
     */
    record QueueCounts(long visible, long inFlight, long delayed) {}

    /**
     * A message move task, as {@code ListMessageMoveTasks} answers it.
     *
     * @param status {@code RUNNING}, {@code COMPLETED}, {@code CANCELLING}, {@code CANCELLED} or {@code FAILED}
     * @param destinationQueue empty: each message back to the queue it came from
     */
    record MoveTask(
            String taskHandle,
            String sourceQueue,
            Optional<String> destinationQueue,
            Optional<Integer> maxPerSecond,
            String status,
            long movedCount,
            long toMoveCount,
            Optional<String> failureReason,
            long startedMillis)
    {
        public MoveTask
        {
            requireNonNull(taskHandle, "taskHandle is null");
            requireNonNull(sourceQueue, "sourceQueue is null");
            requireNonNull(destinationQueue, "destinationQueue is null");
            requireNonNull(maxPerSecond, "maxPerSecond is null");
            requireNonNull(status, "status is null");
            requireNonNull(failureReason, "failureReason is null");
        }
    }
}
