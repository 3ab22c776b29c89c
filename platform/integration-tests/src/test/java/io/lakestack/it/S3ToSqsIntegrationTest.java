package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 event notifications to a queue are SQS messages: received with the Debian AWS CLI, in AWS's S3 event JSON, the
 * test event first.
 */
@LakestackTest
@Order(30)
class S3ToSqsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestStack stack;

    S3ToSqsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void anObjectCreatedEventIsReceivedWithTheAwsCli()
            throws Exception
    {
        AwsCli aws = AwsCli.required(stack);
        try (S3Client s3 = stack.s3(); SqsClient sqs = stack.client(SqsClient.builder())) {
            String url = sqs.createQueue(request -> request.queueName("it-s3-events")).queueUrl();
            String arn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            assertThat(arn).isEqualTo("arn:aws:sqs:us-east-1:000000000000:it-s3-events");
            s3.createBucket(request -> request.bucket("it-s3-to-sqs"));
            s3.putBucketNotificationConfiguration(request -> request.bucket("it-s3-to-sqs").notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue.id("to-queue").queueArn(arn).events(Event.S3_OBJECT_CREATED))));
            s3.putObject(request -> request.bucket("it-s3-to-sqs").key("raw/2026/11/29/events.json"), RequestBody.fromString("{\"a\":1}\n"));

            JsonNode test = receive(aws, url);
            assertThat(test.path("Event").asText()).isEqualTo("s3:TestEvent");
            assertThat(test.path("Bucket").asText()).isEqualTo("it-s3-to-sqs");

            JsonNode created = receive(aws, url).path("Records").get(0);
            assertThat(created.path("eventSource").asText()).isEqualTo("aws:s3");
            assertThat(created.path("eventName").asText()).isEqualTo("ObjectCreated:Put");
            assertThat(created.path("s3").path("configurationId").asText()).isEqualTo("to-queue");
            assertThat(created.path("s3").path("bucket").path("name").asText()).isEqualTo("it-s3-to-sqs");
            assertThat(created.path("s3").path("object").path("key").asText()).isEqualTo("raw/2026/11/29/events.json");
            assertThat(created.path("s3").path("object").path("size").asLong()).isEqualTo(8);
        }
    }

    /** Receives one message with the CLI (Query protocol), deletes it, and returns its body. */
    private static JsonNode receive(AwsCli aws, String url)
            throws Exception
    {
        AwsCli.Result received = aws.run("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "20", "--max-number-of-messages", "1",
                "--output", "json");
        assertThat(received.exitCode()).as(received.stderr()).isZero();
        JsonNode message = JSON.readTree(received.stdout()).path("Messages").get(0);
        AwsCli.Result deleted = aws.run("sqs", "delete-message", "--queue-url", url, "--receipt-handle", message.path("ReceiptHandle").asText());
        assertThat(deleted).isEqualTo(new AwsCli.Result(0, "", ""));
        return JSON.readTree(message.path("Body").asText());
    }
}
