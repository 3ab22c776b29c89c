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

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link Queues}: what the SQS service relies on, checked with two engines on the same storage (as two
 * lakestack endpoints on one Kafka) and a clock that moves only when the test moves it, so that visibility timeouts,
 * delays, retention and the deduplication interval run out exactly when a test says. A backend whose clock the suite
 * cannot move ({@link #controlsTime()}) runs the tests that do not move it; where a backend differs from lakestack in
 * what a test relies on, a flag below says how.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractQueuesContractTest
{
    /** How long the suite waits for counts to settle on a backend without {@link #countsAtOnce()}. */
    private static final Duration COUNTS_SETTLE = Duration.ofMinutes(3);

    /** Starts an engine on the shared storage, reading time from {@code clock}. */
    protected abstract Queues start(Clock clock);

    /** Stops an engine started by {@link #start}. */
    protected abstract void stop(Queues queues);

    /**
     * Whether the engines read time from the clock given to {@link #start}. Without it, the tests that move the clock
     * (visibility timeouts, delays, retention, the deduplication and purge intervals running out) skip themselves.
     */
    protected boolean controlsTime()
    {
        return true;
    }

    /** What the names of the suite's queues start with: a backend shared with others gives each run its own. */
    protected String queueNamePrefix()
    {
        return "";
    }

    /**
     * Whether {@link Queues#counts} is exact as soon as the change that moves it returns. SQS's
     * {@code ApproximateNumberOf*} attributes are approximate and eventually consistent (AWS says they may take a minute
     * or more to settle after the producers stop): the suite waits for them, up to {@link #COUNTS_SETTLE}.
     */
    protected boolean countsAtOnce()
    {
        return true;
    }

    /**
     * Whether a receive that does not wait (a short poll) sees every visible message. SQS's short poll asks a sample of
     * its servers and may answer with fewer messages than are visible, or none, the fewer the queue holds the likelier;
     * a long poll asks them all. Without it the suite receives with long polls of 20 seconds (which answer at once when
     * messages are there, and take the 20 seconds when a test expects none).
     */
    protected boolean shortPollsSeeEveryMessage()
    {
        return true;
    }

    /**
     * Whether {@link Queues#get} answers a queue exactly as it was put. SQS answers with its own creation and
     * modification times, the queue's region and every attribute, defaults included: the suite compares the typed
     * settings and tags, and that the attributes include those put.
     */
    protected boolean keepsQueuesAsGiven()
    {
        return true;
    }

    /**
     * Whether a message is handed out by one receive at a time, however many receive at once. SQS's standard queues
     * deliver at least once: "on rare occasions" a copy of a message on a server that was unavailable when it was
     * received is handed out again. Without it the suite checks that every message came, not that each came once.
     */
    protected boolean handsOutAMessageOnce()
    {
        return true;
    }

    /**
     * Whether a FIFO queue orders messages across message groups: sequence numbers increase through a batch whatever
     * the group, and a receive starts with the group of the oldest visible message. SQS orders within a group only
     * ("messages with different message group ID values might be sent and received out of order"; a
     * {@code SequenceNumber} "continues to increase for a particular MessageGroupId"): the suite then checks the order
     * within each group, whichever group comes first.
     */
    protected boolean ordersAcrossGroups()
    {
        return true;
    }

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
        String name = queueNamePrefix() + prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + (fifo ? ".fifo" : "");
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

    /** The visible messages, up to {@code max}: at once, or with a long poll where short polls sample (see {@link #shortPollsSeeEveryMessage()}). */
    private List<ReceivedMessage> receive(Queues queues, Queue queue, int max)
            throws InterruptedException
    {
        return queues.receive(queue, new ReceiveRequest(max, Optional.empty(), shortPollsSeeEveryMessage() ? 0 : 20_000, Optional.empty()));
    }

    /** The counts are these: now, or once they settle where they are approximate (see {@link #countsAtOnce()}). */
    private void assertCounts(Queues queues, Queue queue, QueueCounts expected)
    {
        if (countsAtOnce()) {
            assertThat(queues.counts(queue)).isEqualTo(expected);
        }
        else {
            awaitCounts(queues, queue, expected);
        }
    }

    /** The counts become these, where the test knows another engine learns of a change a moment later. */
    private void awaitCounts(Queues queues, Queue queue, QueueCounts expected)
    {
        if (countsAtOnce()) {
            await().untilAsserted(() -> assertThat(queues.counts(queue)).isEqualTo(expected));
        }
        else {
            await().atMost(COUNTS_SETTLE).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(queues.counts(queue)).isEqualTo(expected));
        }
    }

    /** The queue found is the one put: exactly, or in its settings and tags (see {@link #keepsQueuesAsGiven()}). */
    private void assertFound(Optional<Queue> found, Queue expected)
    {
        if (keepsQueuesAsGiven()) {
            assertThat(found).contains(expected);
            return;
        }
        assertThat(found).hasValueSatisfying(queue -> {
            assertThat(queue.name()).isEqualTo(expected.name());
            assertThat(queue.visibilityTimeoutSeconds()).isEqualTo(expected.visibilityTimeoutSeconds());
            assertThat(queue.messageRetentionSeconds()).isEqualTo(expected.messageRetentionSeconds());
            assertThat(queue.delaySeconds()).isEqualTo(expected.delaySeconds());
            assertThat(queue.maximumMessageSize()).isEqualTo(expected.maximumMessageSize());
            assertThat(queue.receiveWaitTimeSeconds()).isEqualTo(expected.receiveWaitTimeSeconds());
            assertThat(queue.redrivePolicy().map(policy -> policy.deadLetterQueue() + "/" + policy.maxReceiveCount()))
                    .isEqualTo(expected.redrivePolicy().map(policy -> policy.deadLetterQueue() + "/" + policy.maxReceiveCount()));
            assertThat(queue.contentBasedDeduplication()).isEqualTo(expected.contentBasedDeduplication());
            assertThat(queue.deduplicationPerMessageGroup()).isEqualTo(expected.deduplicationPerMessageGroup());
            assertThat(queue.attributes()).containsAllEntriesOf(expected.attributes());
            assertThat(queue.tags()).isEqualTo(expected.tags());
        });
    }

    private static List<String> bodies(List<ReceivedMessage> messages)
    {
        return messages.stream().map(ReceivedMessage::body).toList();
    }

    @Test
    void aMessageComesBackWithWhatItWasSentWith()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to fix the message's send and first receive times");
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
        if (handsOutAMessageOnce()) {
            assertThat(receipts.values()).allMatch(count -> count == 1);
        }
        assertCounts(first, queue, new QueueCounts(0, 300, 0));
        assertCounts(second, queue, new QueueCounts(0, 300, 0));
    }

    @Test
    void aMessageIsVisibleAgainWhenItsVisibilityTimeoutEnds()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to the end of a visibility timeout");
        Queues queues = engine();
        Queue queue = create(queues, "visibility", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("once")));
        ReceivedMessage first = receive(queues, queue, 1).get(0);

        clock.advance(29_999);
        assertThat(receive(queues, queue, 1)).isEmpty();
        assertCounts(queues, queue, new QueueCounts(0, 1, 0));
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
        assertCounts(queues, queue, new QueueCounts(0, 0, 0));
    }

    @Test
    void changeMessageVisibilityMovesWhenTheMessageComesBack()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to the end of a changed visibility timeout");
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
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock past a visibility timeout");
        Queues first = engine();
        Queue queue = create(first, "handles", 30, Optional.empty(), false);
        first.send(queue, List.of(message("x"), message("y")));
        List<ReceivedMessage> received = receive(first, queue, 10);
        assertThat(received).hasSize(2);
        stop(first);
        started.remove(first);

        Queues restarted = engine();
        assertCounts(restarted, queue, new QueueCounts(0, 2, 0));
        assertThat(restarted.changeVisibility(queue, List.of(new VisibilityChange(received.get(0).receiptHandle(), 600)))).containsExactly(Optional.empty());
        Queues other = engine();
        assertThat(other.delete(queue, List.of(received.get(1).receiptHandle()))).containsExactly(Optional.empty());
        clock.advance(30_000);

        assertThat(receive(other, queue, 10)).isEmpty();
        // the other engine learns of the deletion when it reads it
        awaitCounts(restarted, queue, new QueueCounts(0, 1, 0));
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
        awaitCounts(first, queue, new QueueCounts(0, 0, 0));
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
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock past visibility timeouts to reach maxReceiveCount");
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
        assertCounts(queues, source, new QueueCounts(0, 0, 0));
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
        assertCounts(queues, deadLetters, new QueueCounts(0, 0, 0));
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
        if (ordersAcrossGroups()) {
            assertThat(results.get(1).sequenceNumber().orElseThrow()).isGreaterThan(results.get(0).sequenceNumber().orElseThrow());
        }
        else {
            // a1 then a2: sequence numbers grow within a group (as numbers: their length is not fixed)
            assertThat(new BigInteger(results.get(2).sequenceNumber().orElseThrow())).isGreaterThan(new BigInteger(results.get(0).sequenceNumber().orElseThrow()));
        }

        List<ReceivedMessage> first = receive(queues, queue, 3);
        // the group of the oldest message first, where the backend orders across groups; either group otherwise
        String one = ordersAcrossGroups() || first.isEmpty() ? "a" : first.get(0).body().substring(0, 1);
        String two = one.equals("a") ? "b" : "a";
        assertThat(bodies(first)).containsExactly(one + "1", one + "2", one + "3");
        List<ReceivedMessage> second = receive(queues, queue, 10);
        assertThat(bodies(second)).containsExactly(two + "1", two + "2", two + "3", two + "4");
        // the first group has messages in flight: its fourth waits
        assertThat(receive(queues, queue, 10)).isEmpty();
        queues.delete(queue, first.stream().map(ReceivedMessage::receiptHandle).toList());
        assertThat(bodies(receive(queues, queue, 10))).containsExactly(one + "4");
    }

    @Test
    void aFifoQueueDropsADuplicateForFiveMinutesAndAnswersWithTheFirstMessagesId()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to the end of the five-minute deduplication interval");
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
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to the end of a message's delay");
        Queues queues = engine();
        Queue queue = create(queues, "delay", 30, Optional.empty(), false);
        queues.send(queue, List.of(new OutgoingMessage("later", Map.of(), Map.of(), Optional.of(10), Optional.empty(), Optional.empty(), "s"),
                message("now")));

        assertCounts(queues, queue, new QueueCounts(1, 0, 1));
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("now");
        clock.advance(10_000);
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("later");
    }

    @Test
    void aMessageOlderThanTheRetentionPeriodIsGone()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock four days, to the end of the retention period");
        Queues queues = engine();
        Queue queue = create(queues, "retention", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("old")));
        clock.advance(345_600_000L - 1);
        queues.send(queue, List.of(message("new")));
        assertCounts(queues, queue, new QueueCounts(2, 0, 0));
        clock.advance(1);

        assertCounts(queues, queue, new QueueCounts(1, 0, 0));
        assertThat(bodies(receive(queues, queue, 10))).containsExactly("new");
    }

    @Test
    void purgeDeletesWhatWasSentBeforeItOncePerMinute()
            throws Exception
    {
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test moves the clock to the end of the minute between purges");
        Queues queues = engine();
        Queue queue = create(queues, "purge", 30, Optional.empty(), false);
        queues.send(queue, List.of(message("a"), message("b")));
        clock.advance(1);

        queues.purge(queue);

        assertCounts(queues, queue, new QueueCounts(0, 0, 0));
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
            // (a backend that makes a new queue usable a moment later waits for it in put, before it says the queue is made)
            assertFound(second.get(queue.name()), queue);
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
        assumeTrue(controlsTime(), "this backend's clock cannot be moved, and the test reads the deletion time off the clock and moves it past the minute before a name is free again");
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

        assertFound(queues.get(queue.name()), again);
        assertCounts(queues, again, new QueueCounts(0, 0, 0));
        queues.send(again, List.of(message("from the second")));
        assertThat(bodies(receive(queues, again, 10))).containsExactly("from the second");
    }
}
