package io.lakestack.it.contract;

import io.lakestack.spi.testing.ManualClock;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.MessageAttribute;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.sqs.Queues.QueueCounts;
import io.lakestack.spi.sqs.Queues.ReceiveRequest;
import io.lakestack.spi.sqs.Queues.VisibilityChange;
import io.lakestack.spi.sqs.ReceivedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link Queues}: what the SQS service relies on, checked with two engines on the same storage (as two
 * lakestack endpoints on one Kafka) and a clock that moves only when the test moves it, so that visibility timeouts,
 * delays, retention and the deduplication interval run out exactly when a test says.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractQueuesContractTest
{
    /** Starts an engine on the shared storage, reading time from {@code clock}. */
    protected abstract Queues start(Clock clock);

    /** Stops an engine started by {@link #start}. */
    protected abstract void stop(Queues queues);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-20T10:00:00Z"));
    private final List<Queues> started = new ArrayList<>();

    @AfterEach
    final void stopEngines()
    {
        started.forEach(this::stop);
        started.clear();
    }

    private Queues engine()
    {
        Queues queues = start(clock);
        started.add(queues);
        return queues;
    }

    private Queue create(Queues queues, String prefix, int visibilitySeconds, Optional<Queue.RedrivePolicy> redrive, boolean fifo)
    {
        String name = prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + (fifo ? ".fifo" : "");
        Queue queue = new Queue(name, Optional.empty(), clock.millis(), clock.millis(), visibilitySeconds, 345_600, 0, 262_144, 0, redrive, false, false,
                Map.of("VisibilityTimeout", String.valueOf(visibilitySeconds)), Map.of());
        queues.put(queue);
        return queue;
    }

    private static OutgoingMessage message(String body)
    {
        return new OutgoingMessage(body, Map.of(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), "000000000000");
    }

    private static OutgoingMessage fifoMessage(String body, String group, String deduplicationId)
    {
        return new OutgoingMessage(body, Map.of(), Map.of(), Optional.empty(), Optional.of(group), Optional.of(deduplicationId), "000000000000");
    }

    private static List<ReceivedMessage> receive(Queues queues, Queue queue, int max)
            throws InterruptedException
    {
        return queues.receive(queue, new ReceiveRequest(max, Optional.empty(), 0, Optional.empty()));
    }

    private static List<String> bodies(List<ReceivedMessage> messages)
    {
        return messages.stream().map(ReceivedMessage::body).toList();
    }

    @Test
    void aMessageComesBackWithWhatItWasSentWith()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "attrs", 30, Optional.empty(), false);
        long sent = clock.millis();
        OutgoingMessage message = new OutgoingMessage("héllo {\"a\":1}",
                Map.of("color", MessageAttribute.string("String", "blue"), "blob", MessageAttribute.binary("Binary.raw", new byte[] {0, 1, (byte) 255})),
                Map.of("AWSTraceHeader", MessageAttribute.string("String", "Root=1-5759e988-bd862e3fe1be46a994272793")),
                Optional.empty(), Optional.empty(), Optional.empty(), "AIDAEXAMPLE");
        String id = queues.send(queue, List.of(message)).get(0).messageId();
        clock.advance(1_500);

        List<ReceivedMessage> received = receive(queues, queue, 10);

        assertThat(received).hasSize(1);
        ReceivedMessage got = received.get(0);
        assertThat(got.messageId()).isEqualTo(id);
        assertThat(got.body()).isEqualTo("héllo {\"a\":1}");
        assertThat(got.messageAttributes()).isEqualTo(message.messageAttributes());
        assertThat(got.systemAttributes()).isEqualTo(message.systemAttributes());
        assertThat(got.senderId()).isEqualTo("AIDAEXAMPLE");
        assertThat(got.sentMillis()).isEqualTo(sent);
        assertThat(got.firstReceiveMillis()).isEqualTo(sent + 1_500);
        assertThat(got.receiveCount()).isEqualTo(1);
        assertThat(got.sequenceNumber()).isEmpty();
        assertThat(got.deadLetterQueueSourceQueue()).isEmpty();
    }

    @Test
    void twoEnginesNeverHandOutOneMessageTwice()
            throws Exception
    {
        Queues first = engine();
        Queues second = engine();
        Queue queue = create(first, "shared", 300, Optional.empty(), false);
        List<OutgoingMessage> batch = new ArrayList<>();
        Set<String> sent = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) {
            batch.add(message("m" + i));
            sent.add("m" + i);
            if (batch.size() == 10) {
                first.send(queue, batch);
                batch.clear();
            }
        }
        Map<String, Integer> receipts = new ConcurrentHashMap<>();
        ExecutorService receivers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                Queues engine = r % 2 == 0 ? first : second;
                running.add(receivers.submit(() -> {
                    int empty = 0;
                    while (empty < 3) {
                        List<ReceivedMessage> got = engine.receive(queue, new ReceiveRequest(10, Optional.empty(), 200, Optional.empty()));
                        empty = got.isEmpty() ? empty + 1 : 0;
                        got.forEach(message -> receipts.merge(message.body(), 1, Integer::sum));
                    }
                    return null;
                }));
            }
            for (Future<?> receiver : running) {
                receiver.get();
            }
        }
        finally {
            receivers.shutdownNow();
        }

        assertThat(new java.util.TreeSet<>(receipts.keySet())).isEqualTo(sent);
        assertThat(receipts.values()).allMatch(count -> count == 1);
        assertThat(first.counts(queue)).isEqualTo(new QueueCounts(0, 300, 0));
        assertThat(second.counts(queue)).isEqualTo(new QueueCounts(0, 300, 0));
    }

    @Test
    void aMessageIsVisibleAgainWhenItsVisibilityTimeoutEnds()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "visibility", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("once")));
        ReceivedMessage first = receive(queues, queue, 1).get(0);

        clock.advance(29_999);
        assertThat(receive(queues, queue, 1)).isEmpty();
        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(0, 1, 0));
        clock.advance(1);
        List<ReceivedMessage> again = receive(queues, queue, 1);

        assertThat(bodies(again)).containsExactly("once");
        assertThat(again.get(0).receiveCount()).isEqualTo(2);
        assertThat(again.get(0).firstReceiveMillis()).isEqualTo(first.firstReceiveMillis());
        assertThat(again.get(0).receiptHandle()).isNotEqualTo(first.receiptHandle());
        // the first receive's handle no longer changes the visibility; it still deletes the message
        assertThat(queues.changeVisibility(queue, List.of(new VisibilityChange(first.receiptHandle(), 60))).get(0))
                .hasValueSatisfying(error -> assertThat(error.errorCode()).isEqualTo("MessageNotInflight"));
        assertThat(queues.delete(queue, List.of(first.receiptHandle()))).containsExactly(Optional.empty());
        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(0, 0, 0));
    }

    @Test
    void changeMessageVisibilityMovesWhenTheMessageComesBack()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "change", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("a"), message("b")));
        List<ReceivedMessage> received = receive(queues, queue, 10);
        assertThat(received).hasSize(2);
        ReceivedMessage a = received.stream().filter(message -> message.body().equals("a")).findFirst().orElseThrow();
        ReceivedMessage b = received.stream().filter(message -> message.body().equals("b")).findFirst().orElseThrow();

        assertThat(queues.changeVisibility(queue, List.of(new VisibilityChange(a.receiptHandle(), 120), new VisibilityChange(b.receiptHandle(), 0))))
                .containsExactly(Optional.empty(), Optional.empty());

        List<ReceivedMessage> again = receive(queues, queue, 10);
        assertThat(bodies(again)).containsExactly("b");
        assertThat(queues.delete(queue, List.of(again.get(0).receiptHandle()))).containsExactly(Optional.empty());
        clock.advance(119_999);
        assertThat(receive(queues, queue, 10)).isEmpty();
        clock.advance(1);
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("a");
    }

    @Test
    void aReceiptHandleWorksOnAnotherEngineAndAfterARestart()
            throws Exception
    {
        Queues first = engine();
        Queue queue = create(first, "handles", 30, Optional.empty(), false);
        first.send(queue, List.of(message("x"), message("y")));
        List<ReceivedMessage> received = receive(first, queue, 10);
        assertThat(received).hasSize(2);
        stop(first);
        started.remove(first);

        Queues restarted = engine();
        assertThat(restarted.counts(queue)).isEqualTo(new QueueCounts(0, 2, 0));
        assertThat(restarted.changeVisibility(queue, List.of(new VisibilityChange(received.get(0).receiptHandle(), 600)))).containsExactly(Optional.empty());
        Queues other = engine();
        assertThat(other.delete(queue, List.of(received.get(1).receiptHandle()))).containsExactly(Optional.empty());
        clock.advance(30_000);

        assertThat(receive(other, queue, 10)).isEmpty();
        // the other engine learns of the deletion when it reads it
        await().untilAsserted(() -> assertThat(restarted.counts(queue)).isEqualTo(new QueueCounts(0, 1, 0)));
    }

    @Test
    void aMessageReceivedThroughOneEngineIsDeletedAtOnceThroughAnother()
            throws Exception
    {
        Queues first = engine();
        Queues second = engine();
        Queue queue = create(first, "across", 30, Optional.empty(), false);
        for (int i = 0; i < 20; i++) {
            first.send(queue, List.of(message("m" + i)));
            ReceivedMessage received = receive(first, queue, 1).get(0);

            assertThat(second.delete(queue, List.of(received.receiptHandle()))).containsExactly(Optional.empty());
        }
        await().untilAsserted(() -> assertThat(first.counts(queue)).isEqualTo(new QueueCounts(0, 0, 0)));
    }

    @Test
    void aReceiptHandleThatIsNotOneIsRefused()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "invalid", 30, Optional.empty(), false);
        Queue other = create(queues, "other", 30, Optional.empty(), false);
        queues.send(other, List.of(message("elsewhere")));
        String otherHandle = receive(queues, other, 1).get(0).receiptHandle();

        List<Optional<ServiceException>> results = queues.delete(queue, List.of("not-a-handle", otherHandle));

        assertThat(results).allSatisfy(result -> assertThat(result).hasValueSatisfying(error -> assertThat(error.errorCode()).isEqualTo("ReceiptHandleIsInvalid")));
        assertThat(results.get(0).orElseThrow().getMessage()).isEqualTo("The input receipt handle \"not-a-handle\" is not a valid receipt handle.");
    }

    @Test
    void aMessageReceivedMaxReceiveCountTimesGoesToTheDeadLetterQueueAndAMoveTaskBringsItBack()
            throws Exception
    {
        Queues queues = engine();
        Queue deadLetters = create(queues, "dlq", 30, Optional.empty(), false);
        Queue source = create(queues, "source", 10, Optional.of(new Queue.RedrivePolicy(deadLetters.name(), "arn:aws:sqs:us-east-1:000000000000:"
                + deadLetters.name(), 2)), false);
        String id = queues.send(source, List.of(message("poison"))).get(0).messageId();

        assertThat(bodies(receive(queues, source, 1))).containsExactly("poison");
        clock.advance(10_000);
        assertThat(bodies(receive(queues, source, 1))).containsExactly("poison");
        clock.advance(10_000);
        assertThat(receive(queues, source, 1)).isEmpty();

        List<ReceivedMessage> dead = receive(queues, deadLetters, 10);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageId()).isEqualTo(id);
        assertThat(dead.get(0).deadLetterQueueSourceQueue()).contains(source.name());
        assertThat(queues.counts(source)).isEqualTo(new QueueCounts(0, 0, 0));
        clock.advance(30_000);

        Queues.MoveTask task = queues.startMoveTask(deadLetters, Optional.empty(), Optional.empty());
        assertThat(task.status()).isEqualTo("RUNNING");
        assertThat(task.toMoveCount()).isEqualTo(1);
        await().untilAsserted(() -> assertThat(queues.moveTasks(deadLetters.name()).get(0).status()).isEqualTo("COMPLETED"));
        assertThat(queues.moveTasks(deadLetters.name()).get(0).movedCount()).isEqualTo(1);
        assertThatThrownBy(() -> queues.cancelMoveTask(task.taskHandle())).isInstanceOfSatisfying(ServiceException.class,
                error -> assertThat(error.errorCode()).isEqualTo("UnsupportedOperation"));
        List<ReceivedMessage> back = receive(queues, source, 1);
        assertThat(bodies(back)).containsExactly("poison");
        assertThat(back.get(0).messageId()).isEqualTo(id);
        assertThat(back.get(0).receiveCount()).isEqualTo(1);
        assertThat(queues.counts(deadLetters)).isEqualTo(new QueueCounts(0, 0, 0));
    }

    @Test
    void aFifoQueueHandsOutAGroupInOrderAndNothingOfItWhileAMessageIsInFlight()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "orders", 30, Optional.empty(), true);
        List<OutgoingMessage> messages = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            messages.add(fifoMessage("a" + i, "A", "a" + i));
            messages.add(fifoMessage("b" + i, "B", "b" + i));
        }
        List<Queues.SendResult> results = queues.send(queue, messages);
        assertThat(results).allSatisfy(result -> assertThat(result.sequenceNumber()).isPresent());
        assertThat(results.get(1).sequenceNumber().orElseThrow()).isGreaterThan(results.get(0).sequenceNumber().orElseThrow());

        List<ReceivedMessage> first = receive(queues, queue, 3);
        assertThat(bodies(first)).containsExactly("a1", "a2", "a3");
        List<ReceivedMessage> second = receive(queues, queue, 10);
        assertThat(bodies(second)).containsExactly("b1", "b2", "b3", "b4");
        // group A has messages in flight: a4 waits
        assertThat(receive(queues, queue, 10)).isEmpty();
        queues.delete(queue, first.stream().map(ReceivedMessage::receiptHandle).toList());
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("a4");
    }

    @Test
    void aFifoQueueDropsADuplicateForFiveMinutesAndAnswersWithTheFirstMessagesId()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "dedup", 30, Optional.empty(), true);
        Queues.SendResult original = queues.send(queue, List.of(fifoMessage("one", "g", "d-1"))).get(0);
        clock.advance(299_999);

        Queues.SendResult duplicate = queues.send(queue, List.of(fifoMessage("one again", "g", "d-1"))).get(0);
        assertThat(duplicate).isEqualTo(original);
        List<ReceivedMessage> received = receive(queues, queue, 10);
        assertThat(bodies(received)).containsExactly("one");
        queues.delete(queue, List.of(received.get(0).receiptHandle()));

        clock.advance(1);
        Queues.SendResult later = queues.send(queue, List.of(fifoMessage("one later", "g", "d-1"))).get(0);
        assertThat(later.messageId()).isNotEqualTo(original.messageId());
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("one later");
    }

    @Test
    void aDelayedMessageIsCountedAsDelayedUntilItsDelayEnds()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "delay", 30, Optional.empty(), false);
        queues.send(queue, List.of(new OutgoingMessage("later", Map.of(), Map.of(), Optional.of(10), Optional.empty(), Optional.empty(), "s"),
                message("now")));

        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(1, 0, 1));
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("now");
        clock.advance(10_000);
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("later");
    }

    @Test
    void aMessageOlderThanTheRetentionPeriodIsGone()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "retention", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("old")));
        clock.advance(345_600_000L - 1);
        queues.send(queue, List.of(message("new")));
        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(2, 0, 0));
        clock.advance(1);

        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(1, 0, 0));
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("new");
    }

    @Test
    void purgeDeletesWhatWasSentBeforeItOncePerMinute()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "purge", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("a"), message("b")));
        clock.advance(1);

        queues.purge(queue);

        assertThat(queues.counts(queue)).isEqualTo(new QueueCounts(0, 0, 0));
        queues.send(queue, List.of(message("c")));
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("c");
        clock.advance(59_999);
        assertThatThrownBy(() -> queues.purge(queue)).isInstanceOfSatisfying(ServiceException.class,
                error -> assertThat(error.errorCode()).isEqualTo("PurgeQueueInProgress"));
        clock.advance(1);
        queues.purge(queue);
    }

    @Test
    void anotherInstanceFindsAQueueTheMomentItIsMade()
            throws Exception
    {
        Queues first = engine();
        Queues second = engine();
        for (int i = 0; i < 5; i++) {
            Queue queue = create(first, "found-" + i, 30, Optional.empty(), false);
            // no await: a lookup that misses reads the definitions up to their end before it says the queue is not there
            assertThat(second.get(queue.name())).contains(queue);
            second.send(queue, List.of(message("through the second " + i)));
            // a long poll: the first instance's copy of the queue follows Kafka, as a short poll on SQS samples some servers only
            assertThat(bodies(first.receive(queue, new ReceiveRequest(10, Optional.empty(), 20_000, Optional.empty()))))
                    .containsExactly("through the second " + i);
        }
    }

    @Test
    void aLongPollReturnsAsSoonAsAMessageArrives()
            throws Exception
    {
        Queues first = engine();
        Queues second = engine();
        Queue queue = create(first, "poll", 30, Optional.empty(), false);
        ExecutorService poller = Executors.newSingleThreadExecutor();
        try {
            Future<List<ReceivedMessage>> waiting = poller.submit(() -> second.receive(queue, new ReceiveRequest(10, Optional.empty(), 60_000, Optional.empty())));
            first.send(queue, List.of(message("wake up")));

            assertThat(bodies(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS))).containsExactly("wake up");
        }
        finally {
            poller.shutdownNow();
        }
    }

    @Test
    void aDeletedQueueIsGoneAndOneMadeAgainUnderItsNameStartsEmpty()
            throws Exception
    {
        Queues queues = engine();
        Queue queue = create(queues, "again", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("from the first")));
        queues.delete(queue.name());
        assertThat(queues.get(queue.name())).isEmpty();
        assertThat(queues.deletedMillis(queue.name())).hasValue(clock.millis());
        assertThatThrownBy(() -> receive(queues, queue, 1)).isInstanceOfSatisfying(ServiceException.class,
                error -> assertThat(error.errorCode()).isEqualTo("QueueDoesNotExist"));
        clock.advance(60_000);

        Queue again = new Queue(queue.name(), Optional.empty(), clock.millis(), clock.millis(), 30, 345_600, 0, 262_144, 0, Optional.empty(), false, false, Map.of(),
                Map.of("team", "data"));
        queues.put(again);

        assertThat(queues.get(queue.name())).contains(again);
        assertThat(queues.counts(again)).isEqualTo(new QueueCounts(0, 0, 0));
        queues.send(again, List.of(message("from the second")));
        assertThat(bodies(receive(queues, again, 10))).containsExactly("from the second");
    }
}
