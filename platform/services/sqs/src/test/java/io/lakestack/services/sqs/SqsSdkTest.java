package io.lakestack.services.sqs;

import io.lakestack.spi.testing.ManualClock;
import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.endpoint.EndpointServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.PurgeQueueInProgressException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AWS SDK for Java v2 against the service behind the real endpoint (on {@link InMemoryQueues}): it parses every
 * answer, checks the MD5 digests of sends and receives (failing the call on a mismatch), and maps errors to their
 * exception classes by the JSON name while reading the Query code from {@code x-amzn-query-error}.
 */
class SqsSdkTest
{
    private static final ManualClock CLOCK = new ManualClock(1_790_000_000_000L);
    private static EndpointServer server;
    private static SqsClient sqs;

    @BeforeAll
    static void start()
    {
        server = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0")),
                List.of(new SqsService(new InMemoryQueues(CLOCK), "us-east-1", "000000000000", CLOCK)), List::of).start();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://localhost:" + server.port())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create()).build();
    }

    @AfterAll
    static void stop()
    {
        sqs.close();
        server.close();
    }

    @Test
    void digestsPassTheSdksChecks()
    {
        String url = sqs.createQueue(request -> request.queueName("sdk-digests")).queueUrl();
        assertThat(url).isEqualTo("http://localhost:" + server.port() + "/000000000000/sdk-digests");
        Map<String, MessageAttributeValue> attributes = Map.of(
                "text", MessageAttributeValue.builder().dataType("String.note").stringValue("ünïcode ✓ 𝄞").build(),
                "number", MessageAttributeValue.builder().dataType("Number").stringValue("42.5").build(),
                "bytes", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[] {(byte) 0xff, 0, 7})).build());

        String id = sqs.sendMessage(request -> request.queueUrl(url).messageBody("body\r\nwith ✓").messageAttributes(attributes)).messageId();
        SendMessageBatchResponse batch = sqs.sendMessageBatch(request -> request.queueUrl(url).entries(
                entry -> entry.id("one").messageBody("first").messageAttributes(attributes),
                entry -> entry.id("two").messageBody("second"),
                entry -> entry.id("three").messageBody("")));
        assertThat(batch.successful()).extracting(entry -> entry.id()).containsExactly("one", "two");
        assertThat(batch.failed()).extracting(entry -> entry.id() + " " + entry.code() + " " + entry.senderFault())
                .containsExactly("three MissingParameter true");

        List<Message> received = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).messageAttributeNames("All")).messages();
        assertThat(received).extracting(Message::messageId).startsWith(id);
        assertThat(received).extracting(Message::body).containsExactly("body\r\nwith ✓", "first", "second");
        assertThat(received.get(0).messageAttributes()).isEqualTo(attributes);
        List<Message> selected = sqs.receiveMessage(request -> request.queueUrl(url)).messages();
        assertThat(selected).isEmpty();
    }

    @Test
    void errorsCarryBothNames()
    {
        assertThatThrownBy(() -> sqs.getQueueUrl(request -> request.queueName("sdk-missing"))).isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The specified queue does not exist.");
        });

        String url = sqs.createQueue(request -> request.queueName("sdk-errors").attributes(Map.of(QueueAttributeName.DELAY_SECONDS, "1"))).queueUrl();
        assertThatThrownBy(() -> sqs.createQueue(request -> request.queueName("sdk-errors").attributes(Map.of(QueueAttributeName.DELAY_SECONDS, "2"))))
                .isInstanceOfSatisfying(QueueNameExistsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("QueueAlreadyExists"));
        sqs.purgeQueue(request -> request.queueUrl(url));
        assertThatThrownBy(() -> sqs.purgeQueue(request -> request.queueUrl(url))).isInstanceOfSatisfying(PurgeQueueInProgressException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.PurgeQueueInProgress");
        });
        assertThatThrownBy(() -> sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(11))).isInstanceOfSatisfying(SqsException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, "
                    + "if provided.");
        });
    }
}
