package io.lakestack.it;

import io.lakestack.connectors.targets.SdkTargets;
import io.lakestack.connectors.targets.TargetCall;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The deliveries EventBridge rules and Scheduler schedules make ({@link SdkTargets}), against the stack's endpoint: a
 * message with attributes on a queue, a FIFO message in its group, a publish fanned out to a subscribed queue, a
 * record on a Kinesis stream with its partition key, and the errors a delivery ends with (not retried for a missing
 * queue or a Step Functions target).
 */
@LakestackTest
@Order(32)
class TargetsIntegrationTest
{
    private static final String ACCOUNT = "000000000000";
    private static final String PREFIX = "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":";

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private SqsClient sqs;
    private SdkTargets targets;

    TargetsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void clients()
    {
        sqs = stack.client(SqsClient.builder());
        targets = SdkTargets.connect(URI.create(stack.endpoint()), Region.of(TestStack.REGION),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)));
    }

    @AfterEach
    void close()
    {
        targets.close();
        sqs.close();
    }

    private List<Message> receive(String url, int count)
    {
        return await().atMost(Duration.ofSeconds(30)).until(() -> sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10)
                .waitTimeSeconds(1).messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages(),
                messages -> !messages.isEmpty()).subList(0, count);
    }

    @Test
    void sendsToQueuesWithAttributesAndGroups()
            throws TargetException
    {
        String name = "targets-" + run;
        String url = sqs.createQueue(request -> request.queueName(name)).queueUrl();
        targets.deliver(new TargetCall(PREFIX + name, "{\"id\":1}", Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("RULE_ARN", "arn:aws:events:us-east-1:000000000000:rule/r", "ERROR_CODE", "ResourceNotFoundException")));
        Message message = receive(url, 1).get(0);
        assertThat(message.body()).isEqualTo("{\"id\":1}");
        assertThat(message.messageAttributes()).hasSize(2);
        assertThat(message.messageAttributes().get("RULE_ARN").stringValue()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/r");
        assertThat(message.messageAttributes().get("ERROR_CODE").stringValue()).isEqualTo("ResourceNotFoundException");

        String fifo = "targets-" + run + ".fifo";
        String fifoUrl = sqs.createQueue(request -> request.queueName(fifo).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        targets.deliver(new TargetCall(PREFIX + fifo, "first", Optional.of("g1"), Optional.of("event-1"), Optional.empty(), Map.of()));
        Message grouped = receive(fifoUrl, 1).get(0);
        assertThat(grouped.body()).isEqualTo("first");
        assertThat(grouped.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("g1");
        assertThat(grouped.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo("event-1");
    }

    @Test
    void publishesToTopics()
            throws TargetException
    {
        String name = "targets-topic-" + run;
        String url = sqs.createQueue(request -> request.queueName(name)).queueUrl();
        try (SnsClient sns = stack.client(SnsClient.builder())) {
            String topic = sns.createTopic(request -> request.name(name)).topicArn();
            sns.subscribe(request -> request.topicArn(topic).protocol("sqs").endpoint(PREFIX + name).attributes(Map.of("RawMessageDelivery", "true")));
            targets.deliver(TargetCall.of(topic, "{\"detail\":\"done\"}"));
        }
        assertThat(receive(url, 1).get(0).body()).isEqualTo("{\"detail\":\"done\"}");
    }

    @Test
    void putsRecordsOnStreams()
            throws TargetException
    {
        String name = "targets-" + run;
        try (KinesisClient kinesis = stack.kinesis()) {
            kinesis.createStream(request -> request.streamName(name).shardCount(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(request -> request.streamName(name))
                    .streamDescriptionSummary().streamStatusAsString().equals("ACTIVE"));
            targets.deliver(new TargetCall("arn:aws:kinesis:" + TestStack.REGION + ":" + ACCOUNT + ":stream/" + name, "{\"n\":7}", Optional.empty(),
                    Optional.empty(), Optional.of("customer-7"), Map.of()));
            String iterator = kinesis.getShardIterator(request -> request.streamName(name).shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<Record> records = kinesis.getRecords(request -> request.shardIterator(iterator)).records();
            assertThat(records).hasSize(1);
            assertThat(records.get(0).partitionKey()).isEqualTo("customer-7");
            assertThat(records.get(0).data().asString(StandardCharsets.UTF_8)).isEqualTo("{\"n\":7}");
        }
    }

    @Test
    void endsWithTheTargetsError()
    {
        assertThatThrownBy(() -> targets.deliver(TargetCall.of(PREFIX + "missing-" + run, "x")))
                .isInstanceOfSatisfying(TargetException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(() -> targets.deliver(TargetCall.of("arn:aws:states:us-east-1:000000000000:stateMachine:missing-" + run, "{}")))
                .isInstanceOfSatisfying(TargetException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("StateMachineDoesNotExist");
                    assertThat(e.retryable()).isFalse();
                });
        assertThatThrownBy(() -> targets.deliver(TargetCall.of("arn:aws:ecs:us-east-1:000000000000:cluster/c", "{}")))
                .isInstanceOfSatisfying(TargetException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("InvalidArn");
                    assertThat(e.retryable()).isFalse();
                });
    }
}
