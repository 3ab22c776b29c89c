package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No acknowledged message is lost when lakestack is killed with SIGKILL in the middle of 10,000 sends, and what was
 * received before the kill (receipt handles, deletions, visibility) holds after the restart. The stack runs in a JVM of
 * its own ({@link StackProcess}) so that it can be killed.
 */
@LakestackTest
@Order(66)
class SqsKillIntegrationTest
{
    private static final int MESSAGES = 10_000;
    private static final int SENDERS = 4;
    private static final String QUEUE = "it-kill";

    @Test
    void everyAcknowledgedMessageSurvivesAKill(@TempDir Path dataDirectory)
            throws Exception
    {
        BitSet acknowledged = new BitSet(MESSAGES);
        String queueUrl;
        Message deletedBeforeKill;
        Message inFlightAtKill;
        try (StackProcess first = StackProcess.start(dataDirectory, "127.0.0.1");
                SqsClient sqs = TestStack.client(SqsClient.builder(), first.endpoint())) {
            queueUrl = sqs.createQueue(request -> request.queueName(QUEUE).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "3600"))).queueUrl();
            String url = queueUrl;
            sqs.sendMessage(request -> request.queueUrl(url).messageBody("first"));
            sqs.sendMessage(request -> request.queueUrl(url).messageBody("second"));
            List<Message> received = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(2)).messages();
            assertThat(received).extracting(Message::body).containsExactlyInAnyOrder("first", "second");
            deletedBeforeKill = received.get(0);
            inFlightAtKill = received.get(1);
            sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(deletedBeforeKill.receiptHandle()));

            AtomicInteger next = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                running.add(senders.submit(() -> {
                    while (true) {
                        int start = next.getAndAdd(10);
                        if (start >= MESSAGES) {
                            return;
                        }
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int id = start; id < start + 10; id++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id("m" + id).messageBody(String.valueOf(id)).build());
                        }
                        SendMessageBatchResponse response;
                        try {
                            response = sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entries));
                        }
                        catch (RuntimeException e) {
                            // the stack is gone: what was not answered was not acknowledged
                            return;
                        }
                        synchronized (acknowledged) {
                            response.successful().forEach(entry -> acknowledged.set(Integer.parseInt(entry.id().substring(1))));
                        }
                        if (!response.failed().isEmpty()) {
                            unexpected.compareAndSet(null, new AssertionError("entries failed: " + response.failed()));
                        }
                    }
                }));
            }
            // killed part-way through the sends
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                synchronized (acknowledged) {
                    return acknowledged.cardinality() >= MESSAGES / 3;
                }
            });
            first.kill();
            for (Future<?> sender : running) {
                sender.get();
            }
            senders.shutdown();
            assertThat(unexpected.get()).isNull();
        }
        int acknowledgedCount;
        synchronized (acknowledged) {
            acknowledgedCount = acknowledged.cardinality();
        }
        assertThat(acknowledgedCount).as("sends acknowledged before the kill").isBetween(MESSAGES / 3, MESSAGES - 1);

        try (StackProcess second = StackProcess.start(dataDirectory, "127.0.0.1");
                SqsClient sqs = TestStack.client(SqsClient.builder(), second.endpoint())) {
            String url = sqs.getQueueUrl(request -> request.queueName(QUEUE)).queueUrl();
            // the message in flight when the stack died is still in flight, and its receipt handle still works
            sqs.changeMessageVisibility(request -> request.queueUrl(url).receiptHandle(inFlightAtKill.receiptHandle()).visibilityTimeout(7200));
            BitSet received = new BitSet(MESSAGES);
            int duplicates = 0;
            int empty = 0;
            while (empty < 2) {
                List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                empty = messages.isEmpty() ? empty + 1 : 0;
                for (Message message : messages) {
                    assertThat(message.body()).as("a message deleted or in flight before the kill").isNotIn("first", "second");
                    int id = Integer.parseInt(message.body());
                    if (received.get(id)) {
                        duplicates++;
                    }
                    received.set(id);
                }
                if (!messages.isEmpty()) {
                    sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(messages.stream()
                            .map(message -> software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                                    .id(message.messageId()).receiptHandle(message.receiptHandle()).build())
                            .toList()));
                }
            }
            BitSet lost = (BitSet) acknowledged.clone();
            lost.andNot(received);
            assertThat(lost.cardinality()).as("acknowledged messages lost: %s", lost).isZero();
            assertThat(duplicates).isZero();
            // sent but not answered before the kill: some may have reached Kafka, none more than once
            assertThat(received.cardinality()).isBetween(acknowledgedCount, MESSAGES);
            sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(inFlightAtKill.receiptHandle()));
            assertThat(sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes())
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                    .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
        }
    }
}
