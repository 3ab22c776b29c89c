package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.embedded.EndpointMain;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A FIFO topic's deduplication holds across endpoints on one Kafka: a second endpoint process ({@link EndpointMain})
 * joins each subscription's consumer group, so the topic's partition is handed out again and its new holder rebuilds
 * its deduplication window from the log; duplicates published through the second endpoint (by {@code Publish} and
 * {@code PublishBatch}), and again after it stopped and the partition came back, are delivered to nobody. The queue is
 * a standard queue, which does not deduplicate itself: what it does not receive, the fan-out skipped.
 */
@LakestackTest
@Order(33)
class SnsFifoEndpointsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final EndpointProcesses endpoints;

    SnsFifoEndpointsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
        this.endpoints = new EndpointProcesses(stack);
    }

    @Test
    void duplicatesAreSkippedWhateverEndpointTheyComeThroughAndWhereverTheFanOutRuns()
            throws Exception
    {
        try (SnsClient sns = stack.client(SnsClient.builder()); SqsClient sqs = stack.client(SqsClient.builder())) {
            String topic = sns.createTopic(request -> request.name("endpoints-" + run + ".fifo").attributes(Map.of("FifoTopic", "true"))).topicArn();
            String queueName = "fifo-endpoints-" + run;
            String queueUrl = sqs.createQueue(request -> request.queueName(queueName)).queueUrl();
            String subscription = sns.subscribe(request -> request.topicArn(topic).protocol("sqs")
                    .endpoint("arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + queueName)).subscriptionArn();
            String group = "lakestack.sns.sub." + subscription.substring(subscription.lastIndexOf(':') + 1);
            for (int i = 0; i < 5; i++) {
                publish(sns, topic, "m" + i, "m" + i);
            }
            assertThat(receiveExactly(sqs, queueUrl, 5)).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");

            EndpointProcesses.Endpoint second = endpoints.start();
            // both endpoints' fan-outs are members of the subscription's group: the partition was handed out anew
            awaitMembers(group, 2);
            try (SnsClient throughSecond = TestStack.client(SnsClient.builder(), second.url())) {
                publish(throughSecond, topic, "m2 again", "m2");
                publish(throughSecond, topic, "m5", "m5");
                throughSecond.publishBatch(request -> request.topicArn(topic).publishBatchRequestEntries(
                        PublishBatchRequestEntry.builder().id("dup").message("m4 again").messageGroupId("g").messageDeduplicationId("m4").build(),
                        PublishBatchRequestEntry.builder().id("new").message("m6").messageGroupId("g").messageDeduplicationId("m6").build()));
                assertThat(receiveExactly(sqs, queueUrl, 2)).containsExactlyInAnyOrder("m5", "m6");
            }

            // the second endpoint stops: the partition comes back to the stack's fan-out, which rebuilds its window again
            second.process().destroy();
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            awaitMembers(group, 1);
            publish(sns, topic, "m5 again", "m5");
            publish(sns, topic, "m7", "m7");
            assertThat(receiveExactly(sqs, queueUrl, 1)).containsExactly("m7");
        }
    }

    private static void publish(SnsClient sns, String topic, String body, String deduplicationId)
    {
        sns.publish(request -> request.topicArn(topic).message(body).messageGroupId("g").messageDeduplicationId(deduplicationId));
    }

    private void awaitMembers(String group, int members)
    {
        await().atMost(PATIENCE).until(() -> {
            ConsumerGroupDescription description = stack.kafkaAdmin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            return description.members().size() == members && description.state() == ConsumerGroupState.STABLE
                    && description.members().stream().anyMatch(member -> !member.assignment().topicPartitions().isEmpty());
        });
    }

    /** The messages' {@code Message}s, received until {@code count} arrived; a long poll then finds no further one. */
    private static List<String> receiveExactly(SqsClient sqs, String queueUrl, int count)
    {
        List<String> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            for (Message message : sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                received.add(JSON.readTree(message.body()).get("Message").asText());
            }
            return received.size() >= count;
        });
        assertThat(sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(3)).messages())
                .as("messages after the expected ones").isEmpty();
        assertThat(received).hasSize(count);
        return received;
    }

    @AfterEach
    void stop()
            throws Exception
    {
        endpoints.close();
    }
}
