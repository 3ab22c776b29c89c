package io.lakestack.services.sqs;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.lakestack.services.sqs.SqsTester.describe;
import static io.lakestack.services.sqs.SqsTester.form;
import static org.assertj.core.api.Assertions.assertThat;

/** The Query protocol, as the AWS CLI v2 of Debian and older SDKs speak it: flattened lists and maps in, flattened XML out, the queue by path. */
class SqsQueryProtocolTest
{
    private static final Pattern REQUEST_ID = Pattern.compile("<RequestId>([0-9A-F]{16})</RequestId>");
    private final SqsTester sqs = new SqsTester();

    private static String ok(String operation, String result, String xml)
    {
        Matcher id = REQUEST_ID.matcher(xml);
        assertThat(id.find()).isTrue();
        return "<?xml version=\"1.0\"?>\n<" + operation + "Response xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                + (result.isEmpty() ? "" : "<" + operation + "Result>" + result + "</" + operation + "Result>")
                + "<ResponseMetadata><RequestId>" + id.group(1) + "</RequestId></ResponseMetadata></" + operation + "Response>";
    }

    @Test
    void createsAQueueWithAttributesAndTags()
            throws Exception
    {
        String xml = sqs.query("/", form("Action", "CreateQueue", "Version", "2012-11-05", "QueueName", "orders.fifo", "Attribute.1.Name", "FifoQueue",
                "Attribute.1.Value", "true", "Attribute.2.Name", "VisibilityTimeout", "Attribute.2.Value", "45", "Tag.1.Key", "team", "Tag.1.Value", "data"));

        assertThat(xml).isEqualTo(ok("CreateQueue", "<QueueUrl>http://localhost:4566/000000000000/orders.fifo</QueueUrl>", xml));
        assertThat(sqs.queues.get("orders.fifo").orElseThrow().visibilityTimeoutSeconds()).isEqualTo(45);
        assertThat(sqs.queues.get("orders.fifo").orElseThrow().tags()).containsEntry("team", "data");

        String attributes = sqs.query("/", form("Action", "GetQueueAttributes", "QueueUrl", sqs.url("orders.fifo"), "AttributeName.1", "VisibilityTimeout",
                "AttributeName.2", "FifoQueue"));
        assertThat(attributes).isEqualTo(ok("GetQueueAttributes", "<Attribute><Name>FifoQueue</Name><Value>true</Value></Attribute><Attribute><Name>"
                + "VisibilityTimeout</Name><Value>45</Value></Attribute>", attributes));
        String tags = sqs.query("/", form("Action", "ListQueueTags", "QueueUrl", sqs.url("orders.fifo")));
        assertThat(tags).isEqualTo(ok("ListQueueTags", "<Tag><Key>team</Key><Value>data</Value></Tag>", tags));
    }

    @Test
    void namesTheQueueByPath()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        String deleted = sqs.query("/000000000000/orders", form("Action", "DeleteQueue"));
        assertThat(deleted).isEqualTo(ok("DeleteQueue", "", deleted));
        assertThat(sqs.queues.list()).isEmpty();
        assertThat(describe(sqs.queryError("/000000000000/orders", form("Action", "PurgeQueue"))))
                .isEqualTo("QueueDoesNotExist / AWS.SimpleQueueService.NonExistentQueue / 400 / The specified queue does not exist for this wsdl version.");
        assertThat(describe(sqs.queryError("/", form("Action", "PurgeQueue"))))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter QueueUrl.");
    }

    @Test
    void sendsAndReceivesWithAttributes()
            throws Exception
    {
        sqs.createQueue("orders", "{}");
        String url = sqs.url("orders");

        String sent = sqs.query("/", form("Action", "SendMessage", "QueueUrl", url, "MessageBody", "line one\r\nline <two> & 'three'", "DelaySeconds", "0",
                "MessageAttribute.1.Name", "k", "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", "x",
                "MessageAttribute.2.Name", "bin", "MessageAttribute.2.Value.DataType", "Binary", "MessageAttribute.2.Value.BinaryValue", "AAEC"));
        String attributesDigest = MessageDigests.attributes(java.util.Map.of("k", io.lakestack.spi.sqs.MessageAttribute.string("String", "x"), "bin",
                io.lakestack.spi.sqs.MessageAttribute.binary("Binary", new byte[] {0, 1, 2})));
        assertThat(sent).isEqualTo(ok("SendMessage", "<MD5OfMessageBody>" + MessageDigests.body("line one\r\nline <two> & 'three'") + "</MD5OfMessageBody>"
                + "<MD5OfMessageAttributes>" + attributesDigest + "</MD5OfMessageAttributes><MessageId>message-1</MessageId>", sent));
        assertThat(sqs.queues.sent.get(0).delaySeconds()).contains(0);

        String received = sqs.query("/", form("Action", "ReceiveMessage", "QueueUrl", url, "AttributeName.1", "SenderId", "MessageAttributeName.1", "All",
                "MaxNumberOfMessages", "5"));
        assertThat(received).isEqualTo(ok("ReceiveMessage", "<Message><MessageId>message-1</MessageId><ReceiptHandle>handle-message-1-1</ReceiptHandle>"
                + "<MD5OfBody>" + MessageDigests.body("line one\r\nline <two> & 'three'") + "</MD5OfBody><Body>line one&#xD;\nline &lt;two&gt; &amp; "
                + "&apos;three&apos;</Body><Attribute><Name>SenderId</Name><Value>000000000000</Value></Attribute><MD5OfMessageAttributes>" + attributesDigest
                + "</MD5OfMessageAttributes><MessageAttribute><Name>bin</Name><Value><BinaryValue>AAEC</BinaryValue><DataType>Binary</DataType></Value>"
                + "</MessageAttribute><MessageAttribute><Name>k</Name><Value><StringValue>x</StringValue><DataType>String</DataType></Value>"
                + "</MessageAttribute></Message>", received));
    }

    @Test
    void batchesAreFlattenedEntries()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        String result = sqs.query("/000000000000/orders", form("Action", "SendMessageBatch",
                "SendMessageBatchRequestEntry.1.Id", "a", "SendMessageBatchRequestEntry.1.MessageBody", "one",
                "SendMessageBatchRequestEntry.2.Id", "b", "SendMessageBatchRequestEntry.2.MessageBody", "two",
                "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name", "n", "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType", "Number",
                "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue", "x"));

        assertThat(result).isEqualTo(ok("SendMessageBatch", "<SendMessageBatchResultEntry><Id>a</Id><MessageId>message-1</MessageId><MD5OfMessageBody>"
                + "f97c5d29941bfb1b2fdab0874906ab82</MD5OfMessageBody></SendMessageBatchResultEntry><BatchResultErrorEntry><Id>b</Id><SenderFault>true"
                + "</SenderFault><Code>InvalidParameterValue</Code><Message>Can&apos;t cast the value of message (user) attribute &apos;n&apos; to a number."
                + "</Message></BatchResultErrorEntry>", result));
        String deleted = sqs.query("/000000000000/orders", form("Action", "DeleteMessageBatch", "DeleteMessageBatchRequestEntry.1.Id", "x",
                "DeleteMessageBatchRequestEntry.1.ReceiptHandle", "handle-message-1-1"));
        assertThat(deleted).isEqualTo(ok("DeleteMessageBatch", "<DeleteMessageBatchResultEntry><Id>x</Id></DeleteMessageBatchResultEntry>", deleted));
        assertThat(describe(sqs.queryError("/000000000000/orders", form("Action", "DeleteMessageBatch"))))
                .isEqualTo("EmptyBatchRequest / AWS.SimpleQueueService.EmptyBatchRequest / 400 / There should be at least one DeleteMessageBatchRequestEntry "
                        + "in the request.");
    }

    @Test
    void listsArePlainRepeatedElements()
            throws Exception
    {
        sqs.createQueue("a", "{}");
        sqs.createQueue("b", "{}");

        String listed = sqs.query("/", form("Action", "ListQueues", "MaxResults", "1"));
        assertThat(listed).isEqualTo(ok("ListQueues", "<QueueUrl>http://localhost:4566/000000000000/a</QueueUrl><NextToken>YQ"
                + "</NextToken>", listed));
        assertThat(describe(sqs.queryError("/", form("Action", "ListQueues", "MaxResults", "many"))))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value many for parameter MaxResults is invalid. Reason: Must be an "
                        + "integer.");
    }

    @Test
    void permissionsTakeFlattenedLists()
            throws Exception
    {
        sqs.createQueue("orders", "{}");

        sqs.query("/000000000000/orders", form("Action", "AddPermission", "Label", "l1", "AWSAccountId.1", "111111111111", "ActionName.1", "SendMessage",
                "ActionName.2", "ReceiveMessage"));

        assertThat(sqs.queues.get("orders").orElseThrow().attributes().get("Policy")).contains("\"Action\":[\"SQS:SendMessage\",\"SQS:ReceiveMessage\"]")
                .contains("\"AWS\":\"arn:aws:iam::111111111111:root\"");
    }

    @Test
    void unknownActionAndMissingOne()
    {
        assertThat(describe(sqs.queryError("/", form("Action", "Publish"))))
                .isEqualTo("InvalidAction / InvalidAction / 400 / The action Publish is not valid for this web service.");
        assertThat(describe(sqs.queryError("/", form("Version", "2012-11-05"))))
                .isEqualTo("MissingAction / MissingAction / 400 / The request must contain the parameter Action.");
    }

    @Test
    void membersOutOfSequenceAreRefused()
    {
        assertThat(describe(sqs.queryError("/", form("Action", "CreateQueue", "QueueName", "orders", "Attribute.0.Name", "DelaySeconds",
                "Attribute.0.Value", "5"))))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / The parameter Attribute.0.Name is not a member of Attribute: "
                        + "members are numbered 1, 2, 3... without gaps, and each has its name or key");
        assertThat(describe(sqs.queryError("/", form("Action", "CreateQueue", "QueueName", "orders", "Tag.1.Key", "team", "Tag.1.Value", "data",
                "Tag.3.Key", "env", "Tag.3.Value", "dev"))))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / The parameter Tag.3.Key is not a member of Tag: "
                        + "members are numbered 1, 2, 3... without gaps, and each has its name or key");
    }
}
