package io.lakestack.services.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.sqs.MessageAttribute;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queues;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.lakestack.services.sqs.SqsTester.describe;
import static org.assertj.core.api.Assertions.assertThat;

/** Messages: sending with SQS's checks and digests, receiving with attribute selection, deleting, visibility, batches, FIFO rules, move tasks. */
class SqsMessageOperationsTest
{
    private final SqsTester sqs = new SqsTester();
    private String orders;
    private String events;

    @BeforeEach
    void queues()
            throws Exception
    {
        orders = sqs.createQueue("orders", "{\"ReceiveMessageWaitTimeSeconds\":\"7\"}");
        events = sqs.createQueue("events.fifo", "{\"FifoQueue\":\"true\"}");
    }

    private JsonNode send(String url, String rest)
            throws Exception
    {
        return sqs.json("SendMessage", "{\"QueueUrl\":\"" + url + "\"," + rest + "}");
    }

    private String sendError(String url, String rest)
    {
        return describe(sqs.jsonError("SendMessage", "{\"QueueUrl\":\"" + url + "\"," + rest + "}"));
    }

    @Test
    void sendsWithDigestsAndReceivesWhatWasAskedFor()
            throws Exception
    {
        JsonNode sent = send(orders, "\"MessageBody\":\"test\",\"MessageAttributes\":{\"timestamp\":{\"DataType\":\"Number\",\"StringValue\":\"1493147359900\"},"
                + "\"trace.id\":{\"DataType\":\"String\",\"StringValue\":\"x\"},\"blob\":{\"DataType\":\"Binary.gif\",\"BinaryValue\":\"AAEC\"}},"
                + "\"MessageSystemAttributes\":{\"AWSTraceHeader\":{\"DataType\":\"String\",\"StringValue\":\"Root=1-5759e988-bd862e3fe1be46a994272793\"}}");

        assertThat(sent.toString()).isEqualTo("{\"MD5OfMessageBody\":\"098f6bcd4621d373cade4e832627b4f6\",\"MD5OfMessageAttributes\":\""
                + MessageDigests.attributes(Map.of("timestamp", MessageAttribute.string("Number", "1493147359900"), "trace.id", MessageAttribute.string("String",
                "x"), "blob", MessageAttribute.binary("Binary.gif", new byte[] {0, 1, 2}))) + "\",\"MD5OfMessageSystemAttributes\":\""
                + MessageDigests.attributes(Map.of("AWSTraceHeader", MessageAttribute.string("String", "Root=1-5759e988-bd862e3fe1be46a994272793")))
                + "\",\"MessageId\":\"message-1\"}");
        OutgoingMessage outgoing = sqs.queues.sent.get(0);
        assertThat(outgoing.senderId()).isEqualTo("000000000000");
        assertThat(outgoing.delaySeconds()).isEmpty();
        assertThat(outgoing.groupId()).isEmpty();

        sqs.clock.advance(1_000);
        JsonNode received = sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\",\"MaxNumberOfMessages\":10,\"MessageAttributeNames\":[\"trace.*\"],"
                + "\"MessageSystemAttributeNames\":[\"SentTimestamp\",\"ApproximateReceiveCount\",\"AWSTraceHeader\"]}");
        assertThat(received.toString()).isEqualTo("{\"Messages\":[{\"MessageId\":\"message-1\",\"ReceiptHandle\":\"handle-message-1-1\",\"MD5OfBody\":"
                + "\"098f6bcd4621d373cade4e832627b4f6\",\"Body\":\"test\",\"Attributes\":{\"SentTimestamp\":\"1790000000000\",\"ApproximateReceiveCount\":\"1\","
                + "\"AWSTraceHeader\":\"Root=1-5759e988-bd862e3fe1be46a994272793\"},\"MD5OfMessageAttributes\":\"" + MessageDigests.attributes(Map.of("trace.id",
                MessageAttribute.string("String", "x"))) + "\",\"MessageAttributes\":{\"trace.id\":{\"StringValue\":\"x\",\"DataType\":\"String\"}}}]}");
        // the queue's ReceiveMessageWaitTimeSeconds when the receive names none
        assertThat(sqs.queues.receives).containsExactly(new Queues.ReceiveRequest(10, Optional.empty(), 7_000, Optional.empty()));
    }

    @Test
    void traceIdHeaderIsKeptAsTheTraceHeader()
            throws Exception
    {
        String trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
        RecordedResponse answer = sqs.call(SqsTester.jsonRequest("SendMessage", "{\"QueueUrl\":\"" + orders + "\",\"MessageBody\":\"test\"}",
                Map.of("X-Amzn-Trace-Id", trace)));

        // the request gave no system attribute, so none is digested
        assertThat(answer.text()).isEqualTo("{\"MD5OfMessageBody\":\"098f6bcd4621d373cade4e832627b4f6\",\"MessageId\":\"message-1\"}");
        assertThat(sqs.queues.sent.get(0).systemAttributes()).isEqualTo(Map.of("AWSTraceHeader", MessageAttribute.string("String", trace)));
        assertThat(sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\",\"AttributeNames\":[\"AWSTraceHeader\"]}").at("/Messages/0/Attributes")
                .toString()).isEqualTo("{\"AWSTraceHeader\":\"" + trace + "\"}");
    }

    @Test
    void attributeNamesSelectAllOrByPrefix()
    {
        List<String> names = List.of("a.b", "a.c", "b");
        assertThat(names.stream().filter(name -> SqsService.selected(name, List.of("All")))).containsExactly("a.b", "a.c", "b");
        assertThat(names.stream().filter(name -> SqsService.selected(name, List.of(".*")))).containsExactly("a.b", "a.c", "b");
        assertThat(names.stream().filter(name -> SqsService.selected(name, List.of("a.*")))).containsExactly("a.b", "a.c");
        assertThat(names.stream().filter(name -> SqsService.selected(name, List.of("b", "a.c")))).containsExactly("a.c", "b");
        assertThat(names.stream().filter(name -> SqsService.selected(name, List.of()))).isEmpty();
    }

    @Test
    void receiveAllAnswersEverySystemAttribute()
            throws Exception
    {
        send(events, "\"MessageBody\":\"e1\",\"MessageGroupId\":\"g1\",\"MessageDeduplicationId\":\"d1\"");
        sqs.clock.advance(250);

        JsonNode received = sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + events + "\",\"AttributeNames\":[\"All\"],\"WaitTimeSeconds\":0,"
                + "\"VisibilityTimeout\":60,\"ReceiveRequestAttemptId\":\"attempt-1\"}");
        assertThat(received.at("/Messages/0/Attributes").toString()).isEqualTo("{\"SenderId\":\"000000000000\",\"SentTimestamp\":\"1790000000000\","
                + "\"ApproximateReceiveCount\":\"1\",\"ApproximateFirstReceiveTimestamp\":\"1790000000250\",\"SequenceNumber\":\"00000000000000000001\","
                + "\"MessageDeduplicationId\":\"d1\",\"MessageGroupId\":\"g1\"}");
        assertThat(received.at("/Messages/0/MessageAttributes").isMissingNode()).isTrue();
        assertThat(sqs.queues.receives).containsExactly(new Queues.ReceiveRequest(1, Optional.of(60), 0, Optional.of("attempt-1")));
    }

    @Test
    void emptyReceiveAnswersNoMessages()
            throws Exception
    {
        assertThat(sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\",\"WaitTimeSeconds\":20}").toString()).isEqualTo("{}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"MaxNumberOfMessages\":11|Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
            "\"MaxNumberOfMessages\":0|Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
            "\"WaitTimeSeconds\":21|Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.",
            "\"WaitTimeSeconds\":-1|Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.",
            "\"VisibilityTimeout\":43201|Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.",
            "\"ReceiveRequestAttemptId\":\"a b\"|Value a b for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only "
                    + "include alphanumeric and punctuation characters. 1 to 128 in length."})
    void receiveRefuses(String parameter, String message)
    {
        assertThat(describe(sqs.jsonError("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\"," + parameter + "}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / " + message);
        assertThat(sqs.queues.receives).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"MessageBody\":\"\"|MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter MessageBody.",
            "\"DelaySeconds\":1|MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter MessageBody.",
            "\"MessageBody\":\"b\",\"DelaySeconds\":901|InvalidParameterValueException / InvalidParameterValue / 400 / Value 901 for parameter DelaySeconds "
                    + "is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
            "\"MessageBody\":\"b\",\"MessageDeduplicationId\":\"d\"|InvalidParameterValueException / InvalidParameterValue / 400 / Value d for parameter "
                    + "MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.",
            "\"MessageBody\":\"b\",\"MessageGroupId\":\"group 1\"|InvalidParameterValueException / InvalidParameterValue / 400 / Value group 1 for "
                    + "parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in "
                    + "length.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"e\":{\"DataType\":\"String\",\"StringValue\":\"\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / Message (user) attribute 'e' must contain a non-empty value of type 'String'.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"e\":{\"DataType\":\"Binary\"}}|InvalidParameterValueException / InvalidParameterValue / 400 / "
                    + "Message (user) attribute 'e' must contain a non-empty value of type 'Binary'.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"e\":{\"DataType\":\"Number\",\"StringValue\":\"1x\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / Can't cast the value of message (user) attribute 'e' to a number.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"e\":{\"DataType\":\"Date\",\"StringValue\":\"1\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / The type of message (user) attribute 'e' is invalid. You must use only the following supported type "
                    + "prefixes: Binary, Number, String.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"e\":{\"StringValue\":\"1\"}}|InvalidParameterValueException / InvalidParameterValue / 400 / "
                    + "Message (user) attribute 'e' must contain a non-empty message attribute type.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"AWS.x\":{\"DataType\":\"String\",\"StringValue\":\"1\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / Message (user) attribute name 'AWS.x' is invalid. You can't use message attribute names beginning with "
                    + "'AWS.' or 'Amazon.', starting or ending with a period, or with periods in succession.",
            "\"MessageBody\":\"b\",\"MessageAttributes\":{\"a b\":{\"DataType\":\"String\",\"StringValue\":\"1\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / Message (user) attribute name 'a b' is invalid. A name can contain alphanumeric characters, hyphens (-), "
                    + "underscores (_) and periods (.), and be 1 to 256 characters long.",
            "\"MessageBody\":\"b\",\"MessageSystemAttributes\":{\"Other\":{\"DataType\":\"String\",\"StringValue\":\"1\"}}|InvalidParameterValueException / "
                    + "InvalidParameterValue / 400 / Message system attribute name 'Other' is invalid. The only message system attribute is AWSTraceHeader.",
            "\"MessageBody\":\"b\",\"DelaySeconds\":\"1\"|SerializationException / SerializationException / 400 / 'DelaySeconds' must be an integer, not "
                    + "string \"1\""})
    void sendRefuses(String rest, String error)
    {
        assertThat(sendError(orders, rest)).isEqualTo(error);
        assertThat(sqs.queues.sent).isEmpty();
    }

    @Test
    void bodyCharactersOutsideXmlAreRefused()
            throws Exception
    {
        for (String body : new String[] {"a\\u0001b", "\\ud800", "\\uffff", "\\u001f"}) {
            assertThat(sendError(orders, "\"MessageBody\":\"" + body + "\"")).isEqualTo("InvalidMessageContents / InvalidMessageContents / 400 / Invalid "
                    + "characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
        }
        send(orders, "\"MessageBody\":\"tab\\t cr\\r lf\\n \\ud7ff \\ue000 \\ufffd \\ud83d\\ude00\"");
        assertThat(sqs.queues.sent).hasSize(1);
    }

    @Test
    void atMostTenAttributes()
    {
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            attributes.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":{\"DataType\":\"String\",\"StringValue\":\"v\"}");
        }
        assertThat(sendError(orders, "\"MessageBody\":\"b\",\"MessageAttributes\":{" + attributes + "}"))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Number of message attributes [11] exceeds the allowed maximum [10].");
    }

    @Test
    void bodyAndAttributesCountAgainstTheQueuesMaximumSize()
            throws Exception
    {
        sqs.createQueue("small", "{\"MaximumMessageSize\":\"1024\"}");
        String small = sqs.url("small");
        // 1,024 bytes: 1,013 of body, "k" + "String" + "abcd" of attribute
        send(small, "\"MessageBody\":\"" + "é".repeat(506) + "a\",\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValue\":\"abcd\"}}");

        assertThat(sendError(small, "\"MessageBody\":\"" + "é".repeat(506) + "ab\",\"MessageAttributes\":{\"k\":{\"DataType\":\"String\","
                + "\"StringValue\":\"abcd\"}}"))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / One or more parameters are invalid. Reason: Message must be shorter "
                        + "than 1024 bytes.");
    }

    @Test
    void fifoRules()
            throws Exception
    {
        assertThat(sendError(events, "\"MessageBody\":\"b\",\"MessageDeduplicationId\":\"d\""))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter MessageGroupId.");
        assertThat(sendError(events, "\"MessageBody\":\"b\",\"MessageGroupId\":\"g\""))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / The queue should either have ContentBasedDeduplication enabled "
                        + "or MessageDeduplicationId provided explicitly");
        assertThat(sendError(events, "\"MessageBody\":\"b\",\"MessageGroupId\":\"g\",\"MessageDeduplicationId\":\"d\",\"DelaySeconds\":2"))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value 2 for parameter DelaySeconds is invalid. Reason: The "
                        + "request include parameter that is not valid for this queue type.");

        JsonNode sent = send(events, "\"MessageBody\":\"b\",\"MessageGroupId\":\"g\",\"MessageDeduplicationId\":\"d\",\"DelaySeconds\":0");
        assertThat(sent.get("SequenceNumber").asText()).isEqualTo("00000000000000000001");
        assertThat(sqs.queues.sent.get(0).delaySeconds()).isEmpty();
        assertThat(sqs.queues.sent.get(0).deduplicationId()).contains("d");

        sqs.createQueue("dedup.fifo", "{\"FifoQueue\":\"true\",\"ContentBasedDeduplication\":\"true\"}");
        send(sqs.url("dedup.fifo"), "\"MessageBody\":\"abc\",\"MessageGroupId\":\"g\"");
        assertThat(sqs.queues.sent.get(1).deduplicationId()).contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        send(sqs.url("dedup.fifo"), "\"MessageBody\":\"abc\",\"MessageGroupId\":\"g\",\"MessageDeduplicationId\":\"mine\"");
        assertThat(sqs.queues.sent.get(2).deduplicationId()).contains("mine");
    }

    @Test
    void messageGroupIdOnAStandardQueueMakesAFairQueue()
            throws Exception
    {
        send(orders, "\"MessageBody\":\"b\",\"MessageGroupId\":\"tenant-1\"");

        assertThat(sqs.queues.sent.get(0).groupId()).contains("tenant-1");
        assertThat(sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\",\"MessageSystemAttributeNames\":[\"MessageGroupId\"]}")
                .at("/Messages/0/Attributes").toString()).isEqualTo("{\"MessageGroupId\":\"tenant-1\"}");
    }

    @Test
    void deleteAndVisibilityPassEngineErrorsUnderBothNames()
            throws Exception
    {
        send(orders, "\"MessageBody\":\"b\"");
        String handle = sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\"}").at("/Messages/0/ReceiptHandle").asText();

        sqs.json("ChangeMessageVisibility", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"" + handle + "\",\"VisibilityTimeout\":100}");
        assertThat(describe(sqs.jsonError("ChangeMessageVisibility", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"" + handle
                + "\",\"VisibilityTimeout\":43201}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value 43201 for parameter VisibilityTimeout is invalid. Reason: "
                        + "Must be >= 0 and <= 43200, if provided.");
        assertThat(describe(sqs.jsonError("ChangeMessageVisibility", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"" + handle + "\"}")))
                .isEqualTo("MissingRequiredParameterException / MissingParameter / 400 / The request must contain the parameter VisibilityTimeout.");
        sqs.json("DeleteMessage", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"" + handle + "\"}");
        assertThat(describe(sqs.jsonError("ChangeMessageVisibility", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"" + handle
                + "\",\"VisibilityTimeout\":1}")))
                .isEqualTo("MessageNotInflight / AWS.SimpleQueueService.MessageNotInflight / 400 / Message does not exist or is not available for "
                        + "visibility timeout change.");
        assertThat(describe(sqs.jsonError("DeleteMessage", "{\"QueueUrl\":\"" + orders + "\",\"ReceiptHandle\":\"garbage\"}")))
                .isEqualTo("ReceiptHandleIsInvalid / ReceiptHandleIsInvalid / 404 / The input receipt handle \"garbage\" is not a valid receipt handle.");
    }

    @Test
    void sendBatchAnswersEachEntry()
            throws Exception
    {
        JsonNode result = sqs.json("SendMessageBatch", "{\"QueueUrl\":\"" + orders + "\",\"Entries\":[{\"Id\":\"ok\",\"MessageBody\":\"one\","
                + "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValue\":\"x\"}}},{\"Id\":\"bad-chars\",\"MessageBody\":\"\\u0001\"},"
                + "{\"Id\":\"too_late\",\"MessageBody\":\"two\",\"DelaySeconds\":901},{\"Id\":\"ok2\",\"MessageBody\":\"a\",\"DelaySeconds\":5}]}");

        assertThat(result.toString()).isEqualTo("{\"Successful\":[{\"Id\":\"ok\",\"MessageId\":\"message-1\",\"MD5OfMessageBody\":"
                + "\"f97c5d29941bfb1b2fdab0874906ab82\",\"MD5OfMessageAttributes\":\"a45daa70926828a2f0a1db3418e6feb4\"},{\"Id\":\"ok2\",\"MessageId\":"
                + "\"message-2\",\"MD5OfMessageBody\":\"0cc175b9c0f1b6a831c399e269772661\"}],\"Failed\":[{\"Id\":\"bad-chars\",\"SenderFault\":true,\"Code\":"
                + "\"InvalidMessageContents\",\"Message\":\"Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 "
                + "to #xFFFD | #x10000 to #x10FFFF\"},{\"Id\":\"too_late\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\",\"Message\":\"Value 901 "
                + "for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.\"}]}");
        assertThat(sqs.queues.sent).extracting(OutgoingMessage::delaySeconds).containsExactly(Optional.empty(), Optional.of(5));
    }

    @Test
    void batchTooLargeMessageFailsItsEntryInAwsWords()
            throws Exception
    {
        sqs.createQueue("small", "{\"MaximumMessageSize\":\"1024\"}");
        JsonNode result = sqs.json("SendMessageBatch", "{\"QueueUrl\":\"" + sqs.url("small") + "\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\""
                + "a".repeat(1024) + "\"},{\"Id\":\"b\",\"MessageBody\":\"" + "a".repeat(1025) + "\"}]}");

        assertThat(result.get("Successful")).hasSize(1);
        assertThat(result.get("Failed").toString()).isEqualTo("[{\"Id\":\"b\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\",\"Message\":\"One or "
                + "more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.\"}]");
    }

    @Test
    void batchRequestErrors()
    {
        assertThat(batchError("SendMessageBatch", "[]")).isEqualTo("EmptyBatchRequest / AWS.SimpleQueueService.EmptyBatchRequest / 400 / There should be "
                + "at least one SendMessageBatchRequestEntry in the request.");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("{\"Id\":\"m").append(i).append("\",\"MessageBody\":\"b\"}");
        }
        assertThat(batchError("SendMessageBatch", "[" + eleven + "]")).isEqualTo("TooManyEntriesInBatchRequest / "
                + "AWS.SimpleQueueService.TooManyEntriesInBatchRequest / 400 / Maximum number of entries per request are 10. You have sent 11.");
        assertThat(batchError("SendMessageBatch", "[{\"Id\":\"a:b\",\"MessageBody\":\"b\"}]")).isEqualTo("InvalidBatchEntryId / "
                + "AWS.SimpleQueueService.InvalidBatchEntryId / 400 / A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                + "It can be at most 80 letters long.");
        assertThat(batchError("DeleteMessageBatch", "[{\"Id\":\"" + "x".repeat(81) + "\",\"ReceiptHandle\":\"h\"}]"))
                .startsWith("InvalidBatchEntryId / AWS.SimpleQueueService.InvalidBatchEntryId / 400 /");
        assertThat(batchError("SendMessageBatch", "[{\"Id\":\"a\",\"MessageBody\":\"b\"},{\"Id\":\"a\",\"MessageBody\":\"c\"}]"))
                .isEqualTo("BatchEntryIdsNotDistinct / AWS.SimpleQueueService.BatchEntryIdsNotDistinct / 400 / Id a repeated.");
        String half = "a".repeat(524_288);
        assertThat(batchError("SendMessageBatch", "[{\"Id\":\"a\",\"MessageBody\":\"" + half + "\"},{\"Id\":\"b\",\"MessageBody\":\"" + half + "b\"}]"))
                .isEqualTo("BatchRequestTooLong / AWS.SimpleQueueService.BatchRequestTooLong / 400 / Batch requests cannot be longer than 1048576 bytes. "
                        + "You have sent 1048577 bytes.");
        assertThat(batchError("ChangeMessageVisibilityBatch", "[]")).isEqualTo("EmptyBatchRequest / AWS.SimpleQueueService.EmptyBatchRequest / 400 / "
                + "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.");
        assertThat(sqs.queues.sent).isEmpty();
    }

    @Test
    void fifoBatchNeedsGroupAndDeduplicationIdsForEveryEntry()
    {
        assertThat(describe(sqs.jsonError("SendMessageBatch", "{\"QueueUrl\":\"" + events + "\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"b\","
                + "\"MessageGroupId\":\"g\",\"MessageDeduplicationId\":\"1\"},{\"Id\":\"b\",\"MessageBody\":\"b\",\"MessageDeduplicationId\":\"2\"}]}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / The request must contain the parameter MessageGroupId.");
        assertThat(describe(sqs.jsonError("SendMessageBatch", "{\"QueueUrl\":\"" + events + "\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"b\","
                + "\"MessageGroupId\":\"g\"}]}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / The queue should either have ContentBasedDeduplication enabled "
                        + "or MessageDeduplicationId provided explicitly");
    }

    private String batchError(String operation, String entries)
    {
        return describe(sqs.jsonError(operation, "{\"QueueUrl\":\"" + orders + "\",\"Entries\":" + entries + "}"));
    }

    @Test
    void deleteAndVisibilityBatchesAnswerEachEntry()
            throws Exception
    {
        send(orders, "\"MessageBody\":\"one\"");
        send(orders, "\"MessageBody\":\"two\"");
        JsonNode received = sqs.json("ReceiveMessage", "{\"QueueUrl\":\"" + orders + "\",\"MaxNumberOfMessages\":2}");
        String first = received.at("/Messages/0/ReceiptHandle").asText();
        String second = received.at("/Messages/1/ReceiptHandle").asText();

        JsonNode changed = sqs.json("ChangeMessageVisibilityBatch", "{\"QueueUrl\":\"" + orders + "\",\"Entries\":[{\"Id\":\"1\",\"ReceiptHandle\":\""
                + first + "\",\"VisibilityTimeout\":40},{\"Id\":\"2\",\"ReceiptHandle\":\"" + second + "\",\"VisibilityTimeout\":50000},{\"Id\":\"3\","
                + "\"ReceiptHandle\":\"nonsense\",\"VisibilityTimeout\":1}]}");
        assertThat(changed.toString()).isEqualTo("{\"Successful\":[{\"Id\":\"1\"}],\"Failed\":[{\"Id\":\"2\",\"SenderFault\":true,\"Code\":"
                + "\"InvalidParameterValue\",\"Message\":\"Value 50000 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if "
                + "provided.\"},{\"Id\":\"3\",\"SenderFault\":true,\"Code\":\"ReceiptHandleIsInvalid\",\"Message\":\"The input receipt handle \\\"nonsense\\\" "
                + "is not a valid receipt handle.\"}]}");

        JsonNode deleted = sqs.json("DeleteMessageBatch", "{\"QueueUrl\":\"" + orders + "\",\"Entries\":[{\"Id\":\"1\",\"ReceiptHandle\":\"" + first
                + "\"},{\"Id\":\"2\",\"ReceiptHandle\":\"bogus\"}]}");
        assertThat(deleted.toString()).isEqualTo("{\"Successful\":[{\"Id\":\"1\"}],\"Failed\":[{\"Id\":\"2\",\"SenderFault\":true,\"Code\":"
                + "\"ReceiptHandleIsInvalid\",\"Message\":\"The input receipt handle \\\"bogus\\\" is not a valid receipt handle.\"}]}");
    }

    @Test
    void moveTasksStartOnlyFromDeadLetterQueues()
            throws Exception
    {
        sqs.createQueue("dlq", "{}");
        sqs.createQueue("source", "{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:us-east-1:000000000000:dlq\\\","
                + "\\\"maxReceiveCount\\\":1}\"}");

        assertThat(describe(sqs.jsonError("StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:orders\"}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Source queue must be configured as a Dead Letter Queue.");
        assertThat(describe(sqs.jsonError("StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:nothing\"}")))
                .isEqualTo("ResourceNotFoundException / ResourceNotFoundException / 404 / The resource that you specified for the SourceArn parameter "
                        + "doesn't exist.");
        assertThat(describe(sqs.jsonError("StartMessageMoveTask", "{\"SourceArn\":\"dlq\"}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / You must use this format to specify the SourceArn: "
                        + "arn:<partition>:<service>:<region>:<account-id>:<resource-id>");
        assertThat(describe(sqs.jsonError("StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"DestinationArn\":"
                + "\"arn:aws:sqs:us-east-1:000000000000:nothing\"}")))
                .isEqualTo("ResourceNotFoundException / ResourceNotFoundException / 404 / The resource that you specified for the DestinationArn parameter "
                        + "doesn't exist.");

        JsonNode started = sqs.json("StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"DestinationArn\":"
                + "\"arn:aws:sqs:us-east-1:000000000000:orders\",\"MaxNumberOfMessagesPerSecond\":5}");
        assertThat(started.toString()).isEqualTo("{\"TaskHandle\":\"task-1\"}");
        assertThat(describe(sqs.jsonError("StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / There is already a task running. Only one active task is allowed "
                        + "for a source queue arn at a given time.");
        assertThat(sqs.json("ListMessageMoveTasks", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"MaxResults\":10}").toString())
                .isEqualTo("{\"Results\":[{\"TaskHandle\":\"task-1\",\"Status\":\"RUNNING\",\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\","
                        + "\"DestinationArn\":\"arn:aws:sqs:us-east-1:000000000000:orders\",\"MaxNumberOfMessagesPerSecond\":5,"
                        + "\"ApproximateNumberOfMessagesMoved\":0,\"ApproximateNumberOfMessagesToMove\":0,\"StartedTimestamp\":1790000000000}]}");
        assertThat(sqs.json("CancelMessageMoveTask", "{\"TaskHandle\":\"task-1\"}").toString()).isEqualTo("{\"ApproximateNumberOfMessagesMoved\":3}");
        assertThat(sqs.json("ListMessageMoveTasks", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"}").at("/Results/0").toString())
                .isEqualTo("{\"Status\":\"CANCELLED\",\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"DestinationArn\":"
                        + "\"arn:aws:sqs:us-east-1:000000000000:orders\",\"MaxNumberOfMessagesPerSecond\":5,\"ApproximateNumberOfMessagesMoved\":3,"
                        + "\"ApproximateNumberOfMessagesToMove\":0,\"StartedTimestamp\":1790000000000}");
        assertThat(describe(sqs.jsonError("CancelMessageMoveTask", "{\"TaskHandle\":\"task-9\"}")))
                .isEqualTo("ResourceNotFoundException / ResourceNotFoundException / 404 / Task does not exist.");
        assertThat(describe(sqs.jsonError("ListMessageMoveTasks", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"MaxResults\":11}")))
                .isEqualTo("InvalidParameterValueException / InvalidParameterValue / 400 / Value 11 for parameter MaxResults is invalid. Reason: You must "
                        + "enter a number that's between 1 and 10.");
    }
}
