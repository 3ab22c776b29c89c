package io.lakestack.services.sqs;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.sqs.ReceivedMessage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Queues in memory, enough to drive the service: messages are handed out in the order sent and stay in flight until
 * deleted or made visible again by {@link #changeVisibility} (no timers). It records what the service asked for.
 */
final class InMemoryQueues
        implements Queues
{
    private final Clock clock;
    private final SortedMap<String, Queue> queues = new TreeMap<>();
    private final Map<String, Long> deleted = new HashMap<>();
    private final Map<String, List<Stored>> messages = new HashMap<>();
    private final Map<String, Long> purged = new HashMap<>();
    private final List<MoveTask> tasks = new ArrayList<>();
    private int nextId;
    final List<ReceiveRequest> receives = new ArrayList<>();
    final List<OutgoingMessage> sent = new ArrayList<>();

    private static final class Stored
    {
        final String id;
        final OutgoingMessage message;
        final long sentMillis;
        final Optional<String> sequenceNumber;
        int receives;
        long firstReceiveMillis;
        Optional<String> handle = Optional.empty();

        Stored(String id, OutgoingMessage message, long sentMillis, Optional<String> sequenceNumber)
        {
            this.id = id;
            this.message = message;
            this.sentMillis = sentMillis;
            this.sequenceNumber = sequenceNumber;
        }
    }

    InMemoryQueues(Clock clock)
    {
        this.clock = clock;
    }

    @Override
    public Optional<Queue> get(String name)
    {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public SortedMap<String, Queue> list()
    {
        return new TreeMap<>(queues);
    }

    @Override
    public void put(Queue queue)
    {
        queues.put(queue.name(), queue);
        messages.computeIfAbsent(queue.name(), name -> new ArrayList<>());
    }

    @Override
    public void delete(String name)
    {
        queues.remove(name);
        messages.remove(name);
        deleted.put(name, clock.millis());
    }

    @Override
    public OptionalLong deletedMillis(String name)
    {
        Long millis = deleted.get(name);
        return millis == null ? OptionalLong.empty() : OptionalLong.of(millis);
    }

    @Override
    public List<SendResult> send(Queue queue, List<OutgoingMessage> outgoing)
    {
        List<SendResult> results = new ArrayList<>();
        for (OutgoingMessage message : outgoing) {
            sent.add(message);
            String id = "message-" + ++nextId;
            Optional<String> sequence = queue.fifo() ? Optional.of(String.format("%020d", nextId)) : Optional.empty();
            messages.get(queue.name()).add(new Stored(id, message, clock.millis(), sequence));
            results.add(new SendResult(id, sequence));
        }
        return results;
    }

    @Override
    public List<ReceivedMessage> receive(Queue queue, ReceiveRequest request)
    {
        receives.add(request);
        List<ReceivedMessage> received = new ArrayList<>();
        for (Stored stored : messages.get(queue.name())) {
            if (received.size() == request.maxMessages()) {
                break;
            }
            if (stored.handle.isPresent()) {
                continue;
            }
            stored.receives++;
            if (stored.receives == 1) {
                stored.firstReceiveMillis = clock.millis();
            }
            stored.handle = Optional.of("handle-" + stored.id + "-" + stored.receives);
            received.add(new ReceivedMessage(stored.id, stored.handle.get(), stored.message.body(), stored.message.messageAttributes(),
                    stored.message.systemAttributes(), stored.message.senderId(), stored.sentMillis, stored.firstReceiveMillis, stored.receives,
                    stored.message.groupId(), stored.message.deduplicationId(), stored.sequenceNumber, Optional.empty()));
        }
        return received;
    }

    @Override
    public List<Optional<ServiceException>> delete(Queue queue, List<String> receiptHandles)
    {
        List<Optional<ServiceException>> results = new ArrayList<>();
        for (String handle : receiptHandles) {
            boolean removed = messages.get(queue.name()).removeIf(stored -> stored.handle.equals(Optional.of(handle)));
            results.add(removed || handle.startsWith("handle-") ? Optional.empty()
                    : Optional.of(ServiceException.user("ReceiptHandleIsInvalid", "The input receipt handle \"" + handle + "\" is not a valid receipt handle.")));
        }
        return results;
    }

    @Override
    public List<Optional<ServiceException>> changeVisibility(Queue queue, List<VisibilityChange> changes)
    {
        List<Optional<ServiceException>> results = new ArrayList<>();
        for (VisibilityChange change : changes) {
            Optional<Stored> stored = messages.get(queue.name()).stream().filter(message -> message.handle.equals(Optional.of(change.receiptHandle())))
                    .findFirst();
            if (!change.receiptHandle().startsWith("handle-")) {
                results.add(Optional.of(ServiceException.user("ReceiptHandleIsInvalid", "The input receipt handle \"" + change.receiptHandle()
                        + "\" is not a valid receipt handle.")));
            }
            else if (stored.isEmpty()) {
                results.add(Optional.of(ServiceException.user("MessageNotInflight", "Message does not exist or is not available for visibility timeout change.")));
            }
            else {
                if (change.seconds() == 0) {
                    stored.get().handle = Optional.empty();
                }
                results.add(Optional.empty());
            }
        }
        return results;
    }

    @Override
    public void purge(Queue queue)
    {
        Long last = purged.get(queue.name());
        if (last != null && clock.millis() - last < 60_000) {
            throw ServiceException.user("PurgeQueueInProgress", "Only one PurgeQueue operation on " + queue.name() + " is allowed every 60 seconds.");
        }
        purged.put(queue.name(), clock.millis());
        messages.get(queue.name()).clear();
    }

    @Override
    public QueueCounts counts(Queue queue)
    {
        long inFlight = messages.get(queue.name()).stream().filter(stored -> stored.handle.isPresent()).count();
        return new QueueCounts(messages.get(queue.name()).size() - inFlight, inFlight, 0);
    }

    @Override
    public MoveTask startMoveTask(Queue source, Optional<Queue> destination, Optional<Integer> maxPerSecond)
    {
        MoveTask task = new MoveTask("task-" + (tasks.size() + 1), source.name(), destination.map(Queue::name), maxPerSecond, "RUNNING", 0,
                messages.get(source.name()).size(), Optional.empty(), clock.millis());
        tasks.add(0, task);
        return task;
    }

    @Override
    public List<MoveTask> moveTasks(String sourceQueue)
    {
        return tasks.stream().filter(task -> task.sourceQueue().equals(sourceQueue)).toList();
    }

    @Override
    public MoveTask cancelMoveTask(String taskHandle)
    {
        for (int i = 0; i < tasks.size(); i++) {
            MoveTask task = tasks.get(i);
            if (task.taskHandle().equals(taskHandle)) {
                MoveTask cancelled = new MoveTask(task.taskHandle(), task.sourceQueue(), task.destinationQueue(), task.maxPerSecond(), "CANCELLED", 3,
                        task.toMoveCount(), Optional.empty(), task.startedMillis());
                tasks.set(i, cancelled);
                return cancelled;
            }
        }
        throw ServiceException.user("ResourceNotFoundException", 404, "Task does not exist.");
    }
}
