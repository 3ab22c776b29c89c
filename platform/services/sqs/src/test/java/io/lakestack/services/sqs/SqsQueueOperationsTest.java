package io.lakestack.services.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.spi.sqs.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.lakestack.services.sqs.SqsTester.describe;
import static org.assertj.core.api.Assertions.assertThat;

/** Queues: creation with AWS's names, attributes, defaults and errors; attributes, listing, tags, permissions, dead-letter sources. */
class SqsQueueOperationsTest
{
    private final SqsTester sqs = new SqsTester();

    @Test
    void createsAStandardQueueWithDefaults()
            throws Exception
    {
        assertThat(sqs.createQueue("orders", "{}")).isEqualTo("http://localhost:4566/000000000000/orders");

        JsonNode attributes = sqs.json("GetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"AttributeNames\":[\"All\"]}").get("Attributes");
        assertThat(SqsTester.JSON.convertValue(attributes, Map.class)).isEqualTo(Map.ofEntries(
                Map.entry("QueueArn", "arn:aws:sqs:us-east-1:000000000000:orders"),
                Map.entry("ApproximateNumberOfMessages", "0"),
                Map.entry("ApproximateNumberOfMessagesNotVisible", "0"),
                Map.entry("ApproximateNumberOfMessagesDelayed", "0"),
                Map.entry("CreatedTimestamp", "1790000000"),
                Map.entry("LastModifiedTimestamp", "1790000000"),
                Map.entry("DelaySeconds", "0"),
                Map.entry("MaximumMessageSize", "1048576"),
                Map.entry("MessageRetentionPeriod", "345600"),
                Map.entry("ReceiveMessageWaitTimeSeconds", "0"),
                Map.entry("SqsManagedSseEnabled", "false"),
                Map.entry("VisibilityTimeout", "30")));
        Queue queue = sqs.queues.get("orders").orElseThrow();
        assertThat(queue.visibilityTimeoutSeconds()).isEqualTo(30);
        assertThat(queue.maximumMessageSize()).isEqualTo(1_048_576);
        assertThat(queue.messageRetentionSeconds()).isEqualTo(345_600);
        assertThat(queue.redrivePolicy()).isEmpty();
    }

    @Test
    void createsAFifoQueueWithItsAttributes()
            throws Exception
    {
        sqs.json("CreateQueue", "{\"QueueName\":\"events.fifo\",\"Attributes\":{\"FifoQueue\":\"true\",\"ContentBasedDeduplication\":\"true\","
                + "\"DeduplicationScope\":\"messageGroup\",\"FifoThroughputLimit\":\"perMessageGroupId\",\"VisibilityTimeout\":\"60\"},"
                + "\"tags\":{\"team\":\"data\"}}");

        JsonNode attributes = sqs.json("GetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("events.fifo") + "\",\"AttributeNames\":[\"FifoQueue\","
                + "\"ContentBasedDeduplication\",\"DeduplicationScope\",\"FifoThroughputLimit\",\"VisibilityTimeout\"]}").get("Attributes");
        assertThat(attributes.toString()).isEqualTo("{\"ContentBasedDeduplication\":\"true\",\"DeduplicationScope\":\"messageGroup\",\"FifoQueue\":\"true\","
                + "\"FifoThroughputLimit\":\"perMessageGroupId\",\"VisibilityTimeout\":\"60\"}");
        Queue queue = sqs.queues.get("events.fifo").orElseThrow();
        assertThat(queue.fifo()).isTrue();
        assertThat(queue.contentBasedDeduplication()).isTrue();
        assertThat(queue.deduplicationPerMessageGroup()).isTrue();
        assertThat(queue.visibilityTimeoutSeconds()).isEqualTo(60);
        assertThat(queue.tags()).isEqualTo(Map.of("team", "data"));
    }

    @Test
    void createQueueIsIdempotentForTheSameAttributes()
            throws Exception
    {
        sqs.createQueue("orders", "{\"DelaySeconds\":\"1\",\"ReceiveMessageWaitTimeSeconds\":\"1\"}");

        assertThat(sqs.createQueue("orders", "{}")).isEqualTo(sqs.url("orders"));
        assertThat(sqs.createQueue("orders", "{\"DelaySeconds\":\"1\"}")).isEqualTo(sqs.url("orders"));
        assertThat(sqs.createQueue("orders", "{\"VisibilityTimeout\":\"30\"}")).isEqualTo(sqs.url("orders"));
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"orders\",\"Attributes\":{\"ReceiveMessageWaitTimeSeconds\":\"1\","
                + "\"DelaySeconds\":\"2\"}}")))
                .isEqualTo("QueueNameExists / QueueAlreadyExists / 400 / A queue already exists with the same name and a different value for attribute "
                        + "DelaySeconds");
    }

    @Test
    void aDeletedQueueNameWaitsSixtySeconds()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        sqs.json("DeleteQueue", "{\"QueueUrl\":\"" + sqs.url("orders") + "\"}");
        sqs.clock.advance(59_999);

        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"orders\"}"))).isEqualTo("QueueDeletedRecently / "
                + "AWS.SimpleQueueService.QueueDeletedRecently / 400 / You must wait 60 seconds after deleting a queue before you can create another with "
                + "the same name.");
        sqs.clock.advance(1);
        assertThat(sqs.createQueue("orders", "{}")).isEqualTo(sqs.url("orders"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "VisibilityTimeout|43201", "VisibilityTimeout|-1", "VisibilityTimeout|abc",
            "MessageRetentionPeriod|59", "MessageRetentionPeriod|1209601",
            "DelaySeconds|901", "MaximumMessageSize|1023", "MaximumMessageSize|1048577",
            "ReceiveMessageWaitTimeSeconds|21", "ReceiveMessageWaitTimeSeconds|99999999999"})
    void attributeOutOfRange(String name, String value)
    {
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"q\",\"Attributes\":{\"" + name + "\":\"" + value + "\"}}")))
                .isEqualTo("InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter " + name + ".");
    }

    @Test
    void attributesAtTheirLimitsAreTaken()
            throws Exception
    {
        sqs.createQueue("low", "{\"VisibilityTimeout\":\"0\",\"MessageRetentionPeriod\":\"60\",\"DelaySeconds\":\"0\",\"MaximumMessageSize\":\"1024\","
                + "\"ReceiveMessageWaitTimeSeconds\":\"0\"}");
        sqs.createQueue("high", "{\"VisibilityTimeout\":\"43200\",\"MessageRetentionPeriod\":\"1209600\",\"DelaySeconds\":\"900\","
                + "\"MaximumMessageSize\":\"1048576\",\"ReceiveMessageWaitTimeSeconds\":\"20\"}");

        Queue high = sqs.queues.get("high").orElseThrow();
        assertThat(new int[] {high.visibilityTimeoutSeconds(), high.messageRetentionSeconds(), high.delaySeconds(), high.maximumMessageSize(),
                high.receiveWaitTimeSeconds()}).containsExactly(43_200, 1_209_600, 900, 1_048_576, 20);
        assertThat(sqs.queues.get("low").orElseThrow().maximumMessageSize()).isEqualTo(1024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bad name|{}|InvalidParameterValueException / InvalidParameterValue / 400 / Can only include alphanumeric characters, hyphens, or underscores. "
                    + "1 to 80 in length",
            "a123456789a123456789a123456789a123456789a123456789a123456789a123456789a1234567890|{}|InvalidParameterValueException / InvalidParameterValue / "
                    + "400 / Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
            "orders.fifo|{}|InvalidParameterValueException / InvalidParameterValue / 400 / Can only include alphanumeric characters, hyphens, or "
                    + "underscores. 1 to 80 in length",
            "orders|{\"FifoQueue\":\"true\"}|InvalidParameterValueException / InvalidParameterValue / 400 / The name of a FIFO queue can only include "
                    + "alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
            "orders|{\"FifoQueue\":\"false\"}|InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute FifoQueue.",
            "orders|{\"ContentBasedDeduplication\":\"false\"}|InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute "
                    + "ContentBasedDeduplication.",
            "orders|{\"DeduplicationScope\":\"queue\"}|InvalidAttributeName / InvalidAttributeName / 400 / You can specify the DeduplicationScope only "
                    + "when FifoQueue is set to true.",
            "orders|{\"FifoThroughputLimit\":\"perQueue\"}|InvalidAttributeName / InvalidAttributeName / 400 / You can specify the FifoThroughputLimit "
                    + "only when FifoQueue is set to true.",
            "orders|{\"QueueArn\":\"x\"}|InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute QueueArn.",
            "orders|{\"Colour\":\"blue\"}|InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute Colour.",
            "o.fifo|{\"FifoQueue\":\"true\",\"DeduplicationScope\":\"messageQueue\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value "
                    + "for the parameter DeduplicationScope. Reason: Valid values are messageGroup and queue.",
            "o.fifo|{\"FifoQueue\":\"true\",\"FifoThroughputLimit\":\"perMessageGroupId\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid "
                    + "value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId value is allowed only when the value for "
                    + "DeduplicationScope is messageGroup.",
            "o.fifo|{\"FifoQueue\":\"true\",\"ContentBasedDeduplication\":\"yes\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value "
                    + "for the parameter ContentBasedDeduplication.",
            "orders|{\"KmsMasterKeyId\":\"alias/aws/sqs\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter "
                    + "KmsMasterKeyId. Reason: lakestack does not encrypt queues at rest, so it cannot apply a KMS key. Leave KmsMasterKeyId out: messages "
                    + "are kept unencrypted by the engine underneath (SqsManagedSseEnabled is false).",
            "orders|{\"KmsDataKeyReusePeriodSeconds\":\"300\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter "
                    + "KmsDataKeyReusePeriodSeconds. Reason: lakestack does not encrypt queues at rest and uses no KMS data keys. Leave "
                    + "KmsDataKeyReusePeriodSeconds out.",
            "orders|{\"SqsManagedSseEnabled\":\"true\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter "
                    + "SqsManagedSseEnabled. Reason: lakestack does not encrypt queues at rest, so it cannot apply SSE-SQS. Leave SqsManagedSseEnabled out "
                    + "or set it to false.",
            "orders|{\"Policy\":\"not json\"}|InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter Policy. Reason: The "
                    + "policy must be a JSON document."})
    void createQueueRefuses(String name, String attributes, String error)
    {
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"" + name + "\",\"Attributes\":" + attributes + "}"))).isEqualTo(error);
        assertThat(sqs.queues.list()).isEmpty();
    }

    @Test
    void noEncryptionIsTheTruthAndTakenAsSuch()
            throws Exception
    {
        sqs.createQueue("plain", "{\"SqsManagedSseEnabled\":\"false\",\"KmsMasterKeyId\":\"\"}");

        assertThat(sqs.queues.get("plain").orElseThrow().attributes()).containsEntry("SqsManagedSseEnabled", "false").doesNotContainKey("KmsMasterKeyId");
    }

    @Test
    void setQueueAttributesChangesTheDefinition()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        sqs.clock.advance(5_000);
        sqs.json("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"Attributes\":{\"VisibilityTimeout\":\"5\",\"DelaySeconds\":\"3\","
                + "\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\"}}");

        Queue queue = sqs.queues.get("orders").orElseThrow();
        assertThat(queue.visibilityTimeoutSeconds()).isEqualTo(5);
        assertThat(queue.delaySeconds()).isEqualTo(3);
        assertThat(queue.modifiedMillis()).isEqualTo(1_790_000_005_000L);
        assertThat(queue.createdMillis()).isEqualTo(1_790_000_000_000L);
        assertThat(queue.attributes()).containsEntry("Policy", "{\"Version\":\"2012-10-17\"}");

        sqs.json("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"Attributes\":{\"Policy\":\"\"}}");
        assertThat(sqs.queues.get("orders").orElseThrow().attributes()).doesNotContainKey("Policy");
    }

    @Test
    void queueTypeCannotChange()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        sqs.createQueue("events.fifo", "{\"FifoQueue\":\"true\"}");

        assertThat(describe(sqs.jsonError("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"Attributes\":{\"FifoQueue\":\"true\"}}")))
                .isEqualTo("InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute FifoQueue.");
        assertThat(describe(sqs.jsonError("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("events.fifo")
                + "\",\"Attributes\":{\"FifoQueue\":\"false\"}}")))
                .isEqualTo("InvalidAttributeValue / InvalidAttributeValue / 400 / Invalid value for the parameter FifoQueue. Reason: Modifying queue type "
                        + "is not supported.");
        sqs.json("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("events.fifo") + "\",\"Attributes\":{\"FifoQueue\":\"true\"}}");
        assertThat(describe(sqs.jsonError("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\"}")))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter Attributes.");
    }

    @Test
    void redrivePolicyNamesAnExistingQueueOfTheSameType()
            throws Exception
    {
        sqs.createQueue("orders-dlq", "{}");
        sqs.createQueue("events-dlq.fifo", "{\"FifoQueue\":\"true\"}");
        String arn = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";

        sqs.createQueue("orders", "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"" + arn + "\\\",\\\"maxReceiveCount\\\":\\\"3\\\"}\"}");

        Queue orders = sqs.queues.get("orders").orElseThrow();
        assertThat(orders.redrivePolicy()).contains(new Queue.RedrivePolicy("orders-dlq", arn, 3));
        assertThat(orders.attributes()).containsEntry("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":3}");

        assertThat(redriveError("orders2", "{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:missing\\\",\\\"maxReceiveCount\\\":3}"))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value {\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:"
                        + "000000000000:missing\",\"maxReceiveCount\":3} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
        assertThat(redriveError("orders2", "{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:events-dlq.fifo\\\","
                + "\\\"maxReceiveCount\\\":3}"))
                .endsWith("for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.");
        assertThat(redriveError("orders2", "{\\\"deadLetterTargetArn\\\":\\\"" + arn + "\\\",\\\"maxReceiveCount\\\":1001}"))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value {\"deadLetterTargetArn\":\"" + arn + "\","
                        + "\"maxReceiveCount\":1001} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: 1001, valid values "
                        + "are from 1 to 1000 both inclusive.");
        assertThat(redriveError("orders2", "{\\\"deadLetterTargetArn\\\":\\\"" + arn + "\\\",\\\"maxReceiveCount\\\":0}"))
                .endsWith("Reason: Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.");
        assertThat(redriveError("orders2", "{\\\"maxReceiveCount\\\":3}"))
                .endsWith("Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
        assertThat(redriveError("orders2", "not json")).isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value not json for "
                + "parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.");

        sqs.json("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"Attributes\":{\"RedrivePolicy\":\"\"}}");
        assertThat(sqs.queues.get("orders").orElseThrow().redrivePolicy()).isEmpty();
    }

    @Test
    void redriveAllowPolicyDecidesWhichQueuesMayUseADeadLetterQueue()
            throws Exception
    {
        sqs.createQueue("allowed", "{}");
        sqs.createQueue("dlq", "{\"RedriveAllowPolicy\":\"{\\\"redrivePermission\\\":\\\"byQueue\\\",\\\"sourceQueueArns\\\":[\\\"arn:aws:sqs:us-east-1:"
                + "000000000000:allowed\\\"]}\"}");
        sqs.createQueue("closed", "{\"RedriveAllowPolicy\":\"{\\\"redrivePermission\\\":\\\"denyAll\\\"}\"}");
        String policy = "{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:dlq\\\",\\\"maxReceiveCount\\\":2}";

        sqs.json("SetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("allowed") + "\",\"Attributes\":{\"RedrivePolicy\":\"" + policy + "\"}}");
        assertThat(redriveError("other", policy)).isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value "
                + "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"maxReceiveCount\":2} for parameter RedrivePolicy is invalid. Reason: "
                + "Queue arn:aws:sqs:us-east-1:000000000000:dlq does not allow arn:aws:sqs:us-east-1:000000000000:other to use it as a dead-letter queue: "
                + "its RedriveAllowPolicy is {\"redrivePermission\":\"byQueue\",\"sourceQueueArns\":[\"arn:aws:sqs:us-east-1:000000000000:allowed\"]}.");
        assertThat(redriveError("other", "{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:closed\\\",\\\"maxReceiveCount\\\":2}"))
                .endsWith("its RedriveAllowPolicy is {\"redrivePermission\":\"denyAll\"}.");

        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("\\\"arn:aws:sqs:us-east-1:000000000000:q").append(i).append("\\\"");
        }
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"dlq2\",\"Attributes\":{\"RedriveAllowPolicy\":\"{\\\"redrivePermission\\\":"
                + "\\\"byQueue\\\",\\\"sourceQueueArns\\\":[" + eleven + "]}\"}}")))
                .endsWith("for parameter RedriveAllowPolicy is invalid. Reason: At most 10 sourceQueueArns can be specified; 11 were. Use allowAll to allow "
                        + "more source queues.");
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"dlq2\",\"Attributes\":{\"RedriveAllowPolicy\":\"{\\\"redrivePermission\\\":"
                + "\\\"allowSome\\\"}\"}}")))
                .endsWith("Reason: Invalid value for redrivePermission: allowSome, valid values are allowAll, denyAll and byQueue.");
    }

    private String redriveError(String queue, String policy)
    {
        return describe(sqs.jsonError("CreateQueue", "{\"QueueName\":\"" + queue + "\",\"Attributes\":{\"RedrivePolicy\":\"" + policy + "\"}}"));
    }

    @Test
    void getQueueAttributesRefusesUnknownNamesAndAnswersNothingForNone()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        assertThat(sqs.json("GetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\"}").toString()).isEqualTo("{}");
        assertThat(describe(sqs.jsonError("GetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"AttributeNames\":[\"Colour\"]}")))
                .isEqualTo("InvalidAttributeName / InvalidAttributeName / 400 / Unknown Attribute Colour.");
        assertThat(sqs.json("GetQueueAttributes", "{\"QueueUrl\":\"" + sqs.url("orders") + "\",\"AttributeNames\":[\"QueueArn\",\"Policy\"]}").toString())
                .isEqualTo("{\"Attributes\":{\"QueueArn\":\"arn:aws:sqs:us-east-1:000000000000:orders\"}}");
    }

    @Test
    void queueUrlsInAnyFormNameTheQueue()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        for (String url : new String[] {"https://sqs.us-east-1.amazonaws.com/000000000000/orders", "https://queue.amazonaws.com/000000000000/orders",
                "http://localhost:4566/000000000000/orders", "http://127.0.0.1:9000/000000000000/orders/"}) {
            assertThat(sqs.json("GetQueueAttributes", "{\"QueueUrl\":\"" + url + "\",\"AttributeNames\":[\"QueueArn\"]}").at("/Attributes/QueueArn").asText())
                    .isEqualTo("arn:aws:sqs:us-east-1:000000000000:orders");
        }
        assertThat(describe(sqs.jsonError("GetQueueAttributes", "{\"QueueUrl\":\"http://localhost:4566/111111111111/orders\"}")))
                .isEqualTo("QueueDoesNotExist / AWS.SimpleQueueService.NonExistentQueue / 400 / The specified queue does not exist.");
        assertThat(describe(sqs.jsonError("GetQueueAttributes", "{\"QueueUrl\":\"http://localhost:4566/000000000000/missing\"}")))
                .isEqualTo("QueueDoesNotExist / AWS.SimpleQueueService.NonExistentQueue / 400 / The specified queue does not exist.");
        assertThat(describe(sqs.jsonError("GetQueueAttributes", "{\"QueueUrl\":\"orders\"}")))
                .isEqualTo("InvalidAddress / InvalidAddress / 404 / The address orders is not valid for this endpoint.");
        assertThat(describe(sqs.jsonError("GetQueueAttributes", "{}")))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter QueueUrl.");
    }

    @Test
    void getQueueUrlChecksTheOwner()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        assertThat(sqs.json("GetQueueUrl", "{\"QueueName\":\"orders\",\"QueueOwnerAWSAccountId\":\"000000000000\"}").toString())
                .isEqualTo("{\"QueueUrl\":\"http://localhost:4566/000000000000/orders\"}");
        assertThat(describe(sqs.jsonError("GetQueueUrl", "{\"QueueName\":\"orders\",\"QueueOwnerAWSAccountId\":\"123456789012\"}")))
                .isEqualTo("QueueDoesNotExist / AWS.SimpleQueueService.NonExistentQueue / 400 / The specified queue does not exist.");
        assertThat(describe(sqs.jsonError("GetQueueUrl", "{\"QueueName\":\"missing\"}"))).startsWith("QueueDoesNotExist /");
    }

    @Test
    void listQueuesByPrefixInPages()
            throws Exception
    {
        for (String name : new String[] {"a1", "a2", "a3", "b1"}) {
            sqs.createQueue(name, "{}");
        }

        assertThat(sqs.json("ListQueues", "{\"QueueNamePrefix\":\"a\"}").toString()).isEqualTo("{\"QueueUrls\":[\"" + sqs.url("a1") + "\",\""
                + sqs.url("a2") + "\",\"" + sqs.url("a3") + "\"]}");
        JsonNode first = sqs.json("ListQueues", "{\"MaxResults\":2}");
        assertThat(first.get("QueueUrls")).hasSize(2);
        assertThat(first.get("NextToken").asText()).isEqualTo("YTI");
        JsonNode second = sqs.json("ListQueues", "{\"MaxResults\":2,\"NextToken\":\"YTI\"}");
        assertThat(second.toString()).isEqualTo("{\"QueueUrls\":[\"" + sqs.url("a3") + "\",\"" + sqs.url("b1") + "\"]}");
        assertThat(sqs.json("ListQueues", "{\"QueueNamePrefix\":\"z\"}").toString()).isEqualTo("{}");
        assertThat(describe(sqs.jsonError("ListQueues", "{\"MaxResults\":1001}"))).isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 "
                + "/ Value 1001 for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 1000.");
        // a token that decodes to something no queue can be named was not issued
        assertThat(describe(sqs.jsonError("ListQueues", "{\"MaxResults\":2,\"NextToken\":\"Zm9yZ2VkIQ\"}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Invalid NextToken value.");
    }

    @Test
    void tagsAreSetListedAndRemoved()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        String url = sqs.url("orders");

        sqs.json("TagQueue", "{\"QueueUrl\":\"" + url + "\",\"Tags\":{\"team\":\"data\",\"env\":\"dev\"}}");
        sqs.json("UntagQueue", "{\"QueueUrl\":\"" + url + "\",\"TagKeys\":[\"env\"]}");

        assertThat(sqs.json("ListQueueTags", "{\"QueueUrl\":\"" + url + "\"}").toString()).isEqualTo("{\"Tags\":{\"team\":\"data\"}}");
        assertThat(describe(sqs.jsonError("TagQueue", "{\"QueueUrl\":\"" + url + "\",\"Tags\":{}}")))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter Tags.");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 50; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertThat(describe(sqs.jsonError("TagQueue", "{\"QueueUrl\":\"" + url + "\",\"Tags\":" + many + "}}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Too many tags added for queue orders.");
    }

    @Test
    void permissionsEditThePolicyAsAwsDoes()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        String url = sqs.url("orders");

        sqs.json("AddPermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"consumers\",\"AWSAccountIds\":[\"111111111111\",\"222222222222\"],"
                + "\"Actions\":[\"ReceiveMessage\"]}");
        sqs.json("AddPermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"producer\",\"AWSAccountIds\":[\"111111111111\"],"
                + "\"Actions\":[\"SendMessage\",\"GetQueueUrl\"]}");

        String arn = "arn:aws:sqs:us-east-1:000000000000:orders";
        assertThat(sqs.queues.get("orders").orElseThrow().attributes().get("Policy")).isEqualTo("{\"Version\":\"2008-10-17\",\"Id\":\"" + arn
                + "/SQSDefaultPolicy\",\"Statement\":[{\"Sid\":\"consumers\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111111111111:root\","
                + "\"arn:aws:iam::222222222222:root\"]},\"Action\":\"SQS:ReceiveMessage\",\"Resource\":\"" + arn + "\"},{\"Sid\":\"producer\",\"Effect\":"
                + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":[\"SQS:SendMessage\",\"SQS:GetQueueUrl\"],\"Resource\":\""
                + arn + "\"}]}");
        assertThat(describe(sqs.jsonError("AddPermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"producer\",\"AWSAccountIds\":[\"111111111111\"],"
                + "\"Actions\":[\"SendMessage\"]}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value producer for parameter Label is invalid. Reason: Already "
                        + "exists.");
        assertThat(describe(sqs.jsonError("AddPermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"admin\",\"AWSAccountIds\":[\"111111111111\"],"
                + "\"Actions\":[\"DeleteQueue\"]}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value SQS:DeleteQueue for parameter ActionName is invalid. "
                        + "Reason: Please refer to the appropriate WSDL for a list of valid actions.");

        sqs.json("RemovePermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"consumers\"}");
        assertThat(sqs.queues.get("orders").orElseThrow().attributes().get("Policy")).doesNotContain("consumers").contains("producer");
        sqs.json("RemovePermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"producer\"}");
        assertThat(sqs.queues.get("orders").orElseThrow().attributes()).doesNotContainKey("Policy");
        assertThat(describe(sqs.jsonError("RemovePermission", "{\"QueueUrl\":\"" + url + "\",\"Label\":\"producer\"}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value producer for parameter Label is invalid. Reason: can't "
                        + "find label.");
    }

    @Test
    void deadLetterSourceQueuesAreThoseThatNameIt()
            throws Exception
    {
        sqs.createQueue("dlq", "{}");
        String policy = "{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:dlq\\\",\\\"maxReceiveCount\\\":2}";
        sqs.createQueue("orders", "{\"RedrivePolicy\":\"" + policy + "\"}");
        sqs.createQueue("payments", "{\"RedrivePolicy\":\"" + policy + "\"}");
        sqs.createQueue("other", "{}");

        assertThat(sqs.json("ListDeadLetterSourceQueues", "{\"QueueUrl\":\"" + sqs.url("dlq") + "\"}").toString())
                .isEqualTo("{\"queueUrls\":[\"" + sqs.url("orders") + "\",\"" + sqs.url("payments") + "\"]}");
        assertThat(sqs.json("ListDeadLetterSourceQueues", "{\"QueueUrl\":\"" + sqs.url("other") + "\"}").toString()).isEqualTo("{\"queueUrls\":[]}");
    }

    @Test
    void purgeTwiceWithinAMinuteIsRefusedWithItsQueryName()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        sqs.json("PurgeQueue", "{\"QueueUrl\":\"" + sqs.url("orders") + "\"}");

        assertThat(describe(sqs.jsonError("PurgeQueue", "{\"QueueUrl\":\"" + sqs.url("orders") + "\"}")))
                .isEqualTo("PurgeQueueInProgress / AWS.SimpleQueueService.PurgeQueueInProgress / 403 / Only one PurgeQueue operation on orders is allowed "
                        + "every 60 seconds.");
    }

    @Test
    void unknownOperationAndWrongTypes()
    {
        assertThat(describe(sqs.jsonError("CreateTopic", "{}"))).startsWith("UnknownOperationException / UnknownOperationException / 400 / Operation "
                + "AmazonSQS.CreateTopic is not supported by lakestack's sqs");
        assertThat(describe(sqs.jsonError("CreateQueue", "{\"QueueName\":5}")))
                .isEqualTo("SerializationException / SerializationException / 400 / 'QueueName' must be a string, not number 5");
        assertThat(describe(sqs.jsonError("CreateQueue", "[1]")))
                .isEqualTo("SerializationException / SerializationException / 400 / The request body must be a JSON object");
    }

    @Test
    void requestLimitFitsTenMessagesOfTheLargestSizeInAForm()
    {
        assertThat(sqs.service.maxRequestBytes()).hasValue(10L * 1_048_576 * 3 + 1_048_576);
        assertThat(sqs.service.signingName()).isEqualTo("sqs");
        assertThat(sqs.service.targetPrefixes()).containsExactly("AmazonSQS");
        assertThat(sqs.service.operationNames()).hasSize(23);
    }
}
