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

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of SQS in the Query protocol (as older SDKs and the AWS CLI v1 speak it): every operation, with the cases
 * {@link QueryFuzz} makes of its parameters, is answered within {@link JsonFuzz#BOUND} with an SQS error (4xx), and
 * the queue it ran against still works afterwards. The queue is a FIFO queue, so that the well-formed sends are one
 * message (the others are deduplicated). The names {@code ReceiveMessage} is asked for are not checked (SQS answers the
 * attributes a message has of them), so they are not sent huge.
 */
@LakestackTest
@Order(72)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqsQueryFuzzIntegrationTest
{
    private static final long SEED = 20121105L;
    private static final String NAME = "it-query-fuzz.fifo";
    private static final String URL = "https://sqs.us-east-1.amazonaws.com/000000000000/" + NAME;
    private static final String ARN = "arn:aws:sqs:us-east-1:000000000000:" + NAME;
    private static final String IN_QUEUE = "QueueUrl!=" + URL;
    static final QueryFuzz.Service SQS = new QueryFuzz.Service("sqs", "2012-11-05",
            Set.of("AWS.SimpleQueueService.NonExistentQueue", "AWS.SimpleQueueService.QueueDeletedRecently", "QueueAlreadyExists", "InvalidParameterValue",
                    "MissingParameter", "InvalidAttributeName", "InvalidAttributeValue", "InvalidMessageContents", "AWS.SimpleQueueService.EmptyBatchRequest",
                    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                    "AWS.SimpleQueueService.InvalidBatchEntryId", "AWS.SimpleQueueService.BatchRequestTooLong", "ResourceNotFoundException", "InvalidAddress",
                    "AWS.SimpleQueueService.UnsupportedOperation", "ReceiptHandleIsInvalid", "AWS.SimpleQueueService.MessageNotInflight",
                    "AWS.SimpleQueueService.PurgeQueueInProgress", "InvalidIdFormat", "OverLimit", "InvalidSecurity", "MalformedQueryString", "InvalidAction",
                    "MissingAction"),
            "<BatchResultErrorEntry>",
            "+CreateQueue QueueName!=" + NAME + " Attribute.1.Name=FifoQueue Attribute.1.Value=true Attribute.2.Name=VisibilityTimeout Attribute.2.Value=45 "
                    + "Tag.1.Key=team Tag.1.Value=it",
            "+GetQueueUrl QueueName!=" + NAME + " QueueOwnerAWSAccountId=000000000000",
            "+GetQueueAttributes " + IN_QUEUE + " AttributeName.1=All",
            "+SetQueueAttributes " + IN_QUEUE + " Attribute.1.Name!=VisibilityTimeout Attribute.1.Value!=45",
            "+ListQueues QueueNamePrefix~=it-query-fuzz MaxResults=10",
            "DeleteQueue QueueUrl!=https://sqs.us-east-1.amazonaws.com/000000000000/fuzz-missing",
            "+PurgeQueue " + IN_QUEUE,
            "+ListDeadLetterSourceQueues " + IN_QUEUE + " MaxResults=10",
            "+SendMessage " + IN_QUEUE + " MessageBody~!=fuzz DelaySeconds=0 MessageGroupId=g MessageDeduplicationId=fuzz "
                    + "MessageAttribute.1.Name=k MessageAttribute.1.Value.DataType=String MessageAttribute.1.Value.StringValue~=v",
            "+SendMessageBatch " + IN_QUEUE + " SendMessageBatchRequestEntry.1.Id!^=a SendMessageBatchRequestEntry.1.MessageBody~!=fuzz "
                    + "SendMessageBatchRequestEntry.1.MessageGroupId!^=g SendMessageBatchRequestEntry.1.MessageDeduplicationId!^=fuzz",
            "+ReceiveMessage " + IN_QUEUE + " AttributeName.1~=All MessageAttributeName.1~=All MaxNumberOfMessages=1 VisibilityTimeout=0 WaitTimeSeconds=0",
            "DeleteMessage " + IN_QUEUE + " ReceiptHandle!=fuzz",
            "+DeleteMessageBatch " + IN_QUEUE + " DeleteMessageBatchRequestEntry.1.Id!^=a DeleteMessageBatchRequestEntry.1.ReceiptHandle!^=fuzz",
            "ChangeMessageVisibility " + IN_QUEUE + " ReceiptHandle!=fuzz VisibilityTimeout!=0",
            "+ChangeMessageVisibilityBatch " + IN_QUEUE + " ChangeMessageVisibilityBatchRequestEntry.1.Id!^=a "
                    + "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle!^=fuzz ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout^=0",
            "+TagQueue " + IN_QUEUE + " Tag.1.Key!=fuzz Tag.1.Value!=v",
            "+UntagQueue " + IN_QUEUE + " TagKey.1!=fuzz",
            "+ListQueueTags " + IN_QUEUE,
            "+AddPermission " + IN_QUEUE + " Label!=fuzz AWSAccountId.1!=000000000000 ActionName.1!=SendMessage",
            "RemovePermission " + IN_QUEUE + " Label!=fuzz-missing",
            "StartMessageMoveTask SourceArn!=" + ARN + " DestinationArn=" + ARN + " MaxNumberOfMessagesPerSecond=1",
            "+ListMessageMoveTasks SourceArn!=" + ARN + " MaxResults=1",
            "CancelMessageMoveTask TaskHandle!=fuzz");

    private final TestStack stack;
    private SqsClient sqs;
    private String queueUrl;

    SqsQueryFuzzIntegrationTest(TestStack stack)
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
    void everyOperationIsFuzzedInBothProtocols()
    {
        assertThat(QueryFuzz.fuzzedOperations(SQS)).isEqualTo(JsonFuzz.fuzzedOperations(SqsFuzzIntegrationTest.SQS));
    }

    @Test
    void malformedInputIsAnSqsErrorInTimeAndTheQueueStillWorks()
    {
        List<QueryFuzz.Case> cases = QueryFuzz.cases(SQS, SEED);
        System.out.println("SQS Query fuzz: " + cases.size() + " requests");

        assertThat(QueryFuzz.run(stack, SQS, cases)).isEmpty();

        assertThat(sqs.listQueues(request -> request.queueNamePrefix("it-query-fuzz")).queueUrls()).containsExactly(queueUrl);
        assertThat(sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT,
                QueueAttributeName.FIFO_QUEUE)).attributesAsStrings()).isEqualTo(Map.of("VisibilityTimeout", "45", "FifoQueue", "true"));
        assertThat(sqs.listQueueTags(request -> request.queueUrl(queueUrl)).tags()).isEqualTo(Map.of("team", "it"));
        // the well-formed sends were one message (the same deduplication id), which no fuzzed request deleted
        sqs.sendMessage(request -> request.queueUrl(queueUrl).messageBody("after").messageGroupId("after").messageDeduplicationId("after"));
        assertThat(sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5)).messages())
                .extracting(Message::body).containsExactlyInAnyOrder("fuzz", "after");
    }
}
