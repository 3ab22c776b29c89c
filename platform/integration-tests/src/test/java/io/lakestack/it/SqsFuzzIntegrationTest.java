package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of SQS in its JSON protocol: every operation, with the inputs {@link FuzzInputs} makes of its fields, is
 * answered within {@link JsonFuzz#BOUND} with an SQS error (4xx), and the queue it ran against still works afterwards.
 * The queue is a FIFO queue, so that the well-formed sends are one message (the others are deduplicated) and the
 * dead-letter queue is its own: no other queue is touched. A {@code QueueNamePrefix} of any length is valid (no queue has it).
 */
@LakestackTest
@Order(70)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqsFuzzIntegrationTest
{
    private static final long SEED = 20061113L;
    private static final String NAME = "it-fuzz.fifo";
    private static final String URL = "https://sqs.us-east-1.amazonaws.com/000000000000/" + NAME;
    private static final String ARN = "arn:aws:sqs:us-east-1:000000000000:" + NAME;
    private static final String IN_QUEUE = "QueueUrl!:string=" + URL;
    private static final String SEND = "MessageGroupId:string=g MessageDeduplicationId:string=fuzz";
    private static final Set<String> ERRORS = Stream.of("QueueDoesNotExist", "QueueDeletedRecently", "QueueNameExists", "InvalidParameterValueException",
            "MissingRequiredParameterException", "InvalidAttributeName", "InvalidAttributeValue", "InvalidMessageContents", "EmptyBatchRequest",
            "TooManyEntriesInBatchRequest", "BatchEntryIdsNotDistinct", "InvalidBatchEntryId", "BatchRequestTooLong", "ResourceNotFoundException",
            "InvalidAddress", "UnsupportedOperation", "ReceiptHandleIsInvalid", "MessageNotInflight", "PurgeQueueInProgress", "InvalidIdFormat", "OverLimit",
            "InvalidSecurity", "SerializationException")
            .map(name -> "com.amazonaws.sqs#" + name).collect(Collectors.toSet());
    static final JsonFuzz.Service SQS = new JsonFuzz.Service("sqs", "AmazonSQS",
            Stream.concat(ERRORS.stream(), Stream.of("UnknownOperationException")).collect(Collectors.toSet()),
            "+CreateQueue QueueName!:string=" + NAME + " Attributes:map={\"FifoQueue\":\"true\",\"VisibilityTimeout\":\"45\"} tags:map={\"team\":\"it\"}",
            "+GetQueueUrl QueueName!:string=" + NAME + " QueueOwnerAWSAccountId:string=000000000000",
            "+GetQueueAttributes " + IN_QUEUE + " AttributeNames:strings=[\"All\"]",
            "+SetQueueAttributes " + IN_QUEUE + " Attributes!:map={\"VisibilityTimeout\":\"45\"}",
            "+ListQueues QueueNamePrefix:text=it-fuzz NextToken:token MaxResults:integer=10",
            "DeleteQueue QueueUrl!:string=https://sqs.us-east-1.amazonaws.com/000000000000/fuzz-missing",
            "+PurgeQueue " + IN_QUEUE,
            "+ListDeadLetterSourceQueues " + IN_QUEUE + " NextToken:token MaxResults:integer=10",
            "+SendMessage " + IN_QUEUE + " MessageBody!:text=fuzz DelaySeconds:integer=0 MessageAttributes:map MessageSystemAttributes:map " + SEND,
            "+SendMessageBatch " + IN_QUEUE + " Entries!:structures=[{\"Id\":\"a\",\"MessageBody\":\"fuzz\",\"MessageGroupId\":\"g\","
                    + "\"MessageDeduplicationId\":\"fuzz\"}]",
            "+ReceiveMessage " + IN_QUEUE + " AttributeNames:strings=[\"All\"] MessageSystemAttributeNames:strings=[\"All\"] "
                    + "MessageAttributeNames:strings=[\"All\"] MaxNumberOfMessages:integer=1 VisibilityTimeout:integer=0 WaitTimeSeconds:integer=0 "
                    + "ReceiveRequestAttemptId:string=fuzz",
            "DeleteMessage " + IN_QUEUE + " ReceiptHandle!:token",
            "+DeleteMessageBatch " + IN_QUEUE + " Entries!:structures=[{\"Id\":\"a\",\"ReceiptHandle\":\"fuzz\"}]",
            "ChangeMessageVisibility " + IN_QUEUE + " ReceiptHandle!:token VisibilityTimeout!:integer=0",
            "+ChangeMessageVisibilityBatch " + IN_QUEUE + " Entries!:structures=[{\"Id\":\"a\",\"ReceiptHandle\":\"fuzz\",\"VisibilityTimeout\":0}]",
            "+TagQueue " + IN_QUEUE + " Tags!:map={\"fuzz\":\"v\"}",
            "+UntagQueue " + IN_QUEUE + " TagKeys!:strings=[\"fuzz\"]",
            "+ListQueueTags " + IN_QUEUE,
            "+AddPermission " + IN_QUEUE + " Label!:string=fuzz AWSAccountIds!:strings=[\"000000000000\"] Actions!:strings=[\"SendMessage\"]",
            "RemovePermission " + IN_QUEUE + " Label!:string=fuzz-missing",
            "StartMessageMoveTask SourceArn!:string=" + ARN + " DestinationArn:string=" + ARN + " MaxNumberOfMessagesPerSecond:integer=1",
            "+ListMessageMoveTasks SourceArn!:string=" + ARN + " MaxResults:integer=1",
            "CancelMessageMoveTask TaskHandle!:token").json10();

    private final TestStack stack;
    private SqsClient sqs;
    private String queueUrl;

    SqsFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createQueue()
    {
        sqs = stack.client(SqsClient.builder());
        queueUrl = sqs.createQueue(request -> request.queueName(NAME).attributesWithStrings(Map.of("FifoQueue", "true", "VisibilityTimeout", "45"))
                .tags(Map.of("team", "it"))).queueUrl();
    }

    @AfterAll
    void close()
    {
        sqs.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(SQS)).isEqualTo(JsonFuzz.implementedOperations(stack, SQS));
    }

    @Test
    void malformedInputIsAnSqsErrorInTimeAndTheQueueStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(SQS, SEED);
        System.out.println("SQS fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, SQS, cases)).isEmpty();

        assertThat(sqs.listQueues(request -> request.queueNamePrefix("it-fuzz")).queueUrls()).containsExactly(queueUrl);
        assertThat(sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT,
                QueueAttributeName.FIFO_QUEUE)).attributesAsStrings()).isEqualTo(Map.of("VisibilityTimeout", "45", "FifoQueue", "true"));
        assertThat(sqs.listQueueTags(request -> request.queueUrl(queueUrl)).tags()).isEqualTo(Map.of("team", "it"));
        // the well-formed sends were one message (the same deduplication id), which no fuzzed request deleted
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody("after").messageGroupId("after").messageDeduplicationId("after"));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5)).messages())
                .extracting(Message::body).containsExactlyInAnyOrder("fuzz", "after");
    }
}
