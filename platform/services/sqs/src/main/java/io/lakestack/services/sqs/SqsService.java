package io.lakestack.services.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.query.QueryForms;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.MessageAttribute;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.sqs.ReceivedMessage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Amazon SQS on {@link Queues}: every operation of its API with AWS's validation and errors, in both of its
 * protocols: JSON 1.0 ({@code X-Amz-Target: AmazonSQS.<Operation>}, what current SDKs and boto3 send) and Query (a
 * form with {@code Action=<Operation>}, what older SDKs and the AWS CLI v2 of Debian send; the queue may then be
 * named by the request's path {@code /<account>/<queue>}). One implementation of each operation reads its input
 * through {@link SqsInput} and builds its output as the JSON document, which the Query protocol writes as XML
 * ({@link QueryXml}); errors carry both protocols' names ({@link SqsErrors}).
 *
 * <p>Where lakestack differs from AWS:
 * <ul>
 *   <li>a queue's {@code Policy} (set directly or by {@code AddPermission} / {@code RemovePermission}) is kept and
 *       answered, but lakestack has one account and no IAM, so no policy ever denies anything;</li>
 *   <li>queues are not encrypted at rest: {@code KmsMasterKeyId}, {@code KmsDataKeyReusePeriodSeconds} and
 *       {@code SqsManagedSseEnabled=true} are refused ({@code InvalidAttributeValue}), and {@code SqsManagedSseEnabled}
 *       is answered {@code false};</li>
 *   <li>there are no throughput quotas, so both values of {@code FifoThroughputLimit} apply trivially;</li>
 *   <li>queue URLs are {@code http://<the request's Host>/<account>/<name>}, so that they work against the endpoint
 *       that answered; any URL whose last two path segments name the account and a queue is accepted.</li>
 * </ul>
 */
public final class SqsService
        implements ServiceHandler
{
    public static final String TARGET_PREFIX = "AmazonSQS";
    /** The largest batch SQS accepts, in bytes of bodies and attributes. */
    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int MAX_BATCH_ENTRIES = 10;
    static final int MAX_TAGS = 50;
    /**
     * The largest request body read: 10 batch entries at the largest message size, each byte percent-encoded as three
     * in a form (the larger of the two protocols: JSON escapes the characters a body may hold in at most two), plus a
     * mebibyte for ids, attribute names and the rest of the request. A batch over {@link #MAX_BATCH_BYTES} within this
     * is answered {@code BatchRequestTooLong} with its size, as AWS answers it.
     */
    static final long MAX_REQUEST_BYTES = 10L * QueueDefinitions.MAX_MESSAGE_SIZE * 3 + 1024 * 1024;
    static final long DELETED_RECENTLY_MILLIS = 60_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BATCH_ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    private final Queues queues;
    private final QueueArns arns;
    private final QueueDefinitions definitions;
    private final Clock clock;
    private final Map<String, Operation> operations = new TreeMap<>();

    /** An operation: reads its input, returns its output as the JSON protocol's document. */
    @FunctionalInterface
    private interface Operation
    {
        ObjectNode apply(Call call)
                throws Exception;
    }

    /** One request to an operation. */
    private record Call(SqsInput input, AwsRequest request, boolean query, String region)
    {
        String host()
        {
            return request.header("host").orElse("localhost:4566");
        }

        Optional<String> traceHeader()
        {
            return request.header("x-amzn-trace-id").filter(header -> !header.isBlank());
        }
    }

    /**
     * @param region the stack's configured region: that of queues stored before queues kept the region of the request
     *         that created them
     */
    public SqsService(Queues queues, String region, String accountId, Clock clock)
    {
        this.queues = requireNonNull(queues, "queues is null");
        this.arns = new QueueArns(queues, region, accountId);
        this.definitions = new QueueDefinitions(queues, arns);
        this.clock = requireNonNull(clock, "clock is null");
        queueOperations();
        messageOperations();
        batchOperations();
        tagAndPermissionOperations();
        moveTaskOperations();
    }

    @Override
    public String signingName()
    {
        return "sqs";
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.JSON_1_0;
    }

    @Override
    public Set<String> targetPrefixes()
    {
        return Set.of(TARGET_PREFIX);
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    public Set<String> operationNames()
    {
        return operations.keySet();
    }

    @Override
    public void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception
    {
        Optional<String> target = request.header("x-amz-target");
        try {
            byte[] body;
            String contentType;
            if (target.isPresent()) {
                String name = target.get().startsWith(TARGET_PREFIX + ".") ? target.get().substring(TARGET_PREFIX.length() + 1) : "";
                Operation operation = operations.get(name);
                if (operation == null) {
                    throw ServiceException.user("UnknownOperationException", "Operation " + target.get() + " is not supported by lakestack's sqs (supported: "
                            + String.join(", ", operations.keySet()) + ")");
                }
                ObjectNode output = operation.apply(new Call(new SqsInput.Json(parse(request.body()), ""), request, false, caller.region()));
                body = JSON.writeValueAsBytes(output);
                contentType = AwsProtocol.JSON_1_0.contentType();
            }
            else {
                Map<String, String> parameters = QueryForms.parameters(request);
                String action = parameters.getOrDefault("Action", "");
                if (action.isEmpty()) {
                    throw ServiceException.user("MissingAction", "The request must contain the parameter Action.");
                }
                Operation operation = operations.get(action);
                if (operation == null) {
                    throw ServiceException.user("InvalidAction", "The action " + action + " is not valid for this web service.");
                }
                ObjectNode output = operation.apply(new Call(new SqsInput.Query(parameters, ""), request, true, caller.region()));
                body = QueryXml.document(action, output, request.requestId()).getBytes(StandardCharsets.UTF_8);
                contentType = "text/xml";
            }
            response.setStatus(200);
            response.setContentType(contentType);
            response.setHeader("x-amzn-RequestId", request.requestId());
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
        catch (ServiceException e) {
            throw SqsErrors.compatible(e);
        }
    }

    private static JsonNode parse(byte[] body)
    {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ServiceException.user("SerializationException", "The request body must be a JSON object");
            }
            return node;
        }
        catch (JsonProcessingException e) {
            throw ServiceException.user("SerializationException", "The request body is not valid JSON: " + e.getOriginalMessage());
        }
        catch (java.io.IOException e) {
            throw ServiceException.user("SerializationException", "The request body cannot be read: " + e.getMessage());
        }
    }

    private void operation(String name, Operation operation)
    {
        if (operations.put(name, operation) != null) {
            throw new IllegalArgumentException("operation " + name + " registered twice");
        }
    }

    private static ObjectNode output()
    {
        return JSON.createObjectNode();
    }

    private static String required(SqsInput input, String name)
    {
        return input.string(name).orElseThrow(() -> SqsErrors.missingParameter(name));
    }

    /** The queue a request names by {@code QueueUrl}, or in the Query protocol by its path. */
    private Queue queue(Call call)
    {
        Optional<String> url = call.input().string("QueueUrl");
        Optional<String[]> accountAndName;
        if (url.isPresent()) {
            accountAndName = QueueArns.accountAndName(url.get());
            if (accountAndName.isEmpty()) {
                throw SqsErrors.error(SqsErrors.INVALID_ADDRESS, "The address " + url.get() + " is not valid for this endpoint.");
            }
        }
        else {
            accountAndName = call.query() ? QueueArns.accountAndName(call.request().rawPath()) : Optional.empty();
            if (accountAndName.isEmpty()) {
                throw SqsErrors.missingParameter("QueueUrl");
            }
        }
        if (!accountAndName.get()[0].equals(arns.accountId())) {
            throw SqsErrors.queueDoesNotExist(call.query());
        }
        return queues.get(accountAndName.get()[1]).orElseThrow(() -> SqsErrors.queueDoesNotExist(call.query()));
    }

    private void queueOperations()
    {
        operation("CreateQueue", call -> {
            SqsInput input = call.input();
            String name = required(input, "QueueName");
            Map<String, String> attributes = input.map("Attributes", "Attribute", "Name", "Value");
            Map<String, String> tags = input.map("tags", "Tag", "Key", "Value");
            QueueDefinitions.checkName(name, attributes);
            checkTags(name, tags, Map.of());
            Optional<Queue> existing = queues.get(name);
            if (existing.isPresent()) {
                Optional<String> differing = definitions.differingAttribute(existing.get(), attributes);
                if (differing.isPresent()) {
                    throw SqsErrors.error(SqsErrors.QUEUE_NAME_EXISTS, "A queue already exists with the same name and a different value for attribute "
                            + differing.get());
                }
            }
            else {
                OptionalLong deleted = queues.deletedMillis(name);
                if (deleted.isPresent() && clock.millis() - deleted.getAsLong() < DELETED_RECENTLY_MILLIS) {
                    throw SqsErrors.error(SqsErrors.QUEUE_DELETED_RECENTLY, "You must wait 60 seconds after deleting a queue before you can create "
                            + "another with the same name.");
                }
                queues.put(definitions.create(name, call.region(), attributes, tags, clock.millis()));
            }
            return output().put("QueueUrl", arns.url(call.host(), name));
        });
        operation("GetQueueUrl", call -> {
            String name = required(call.input(), "QueueName");
            Optional<String> owner = call.input().string("QueueOwnerAWSAccountId");
            if (owner.isPresent() && !owner.get().equals(arns.accountId()) || queues.get(name).isEmpty()) {
                throw SqsErrors.queueDoesNotExist(call.query());
            }
            return output().put("QueueUrl", arns.url(call.host(), name));
        });
        operation("GetQueueAttributes", call -> {
            Queue queue = queue(call);
            Set<String> names = new LinkedHashSet<>(call.input().strings("AttributeNames", "AttributeName"));
            for (String name : names) {
                if (!name.equals("All") && !QueueDefinitions.isAttributeName(name)) {
                    throw SqsErrors.unknownAttribute(name);
                }
            }
            ObjectNode result = output();
            if (names.isEmpty()) {
                return result;
            }
            boolean counted = names.contains("All") || names.stream().anyMatch(name -> name.startsWith("ApproximateNumberOfMessages"));
            Map<String, String> all = QueueDefinitions.all(queue, counted ? queues.counts(queue) : new Queues.QueueCounts(0, 0, 0), arns.arn(queue));
            ObjectNode attributes = result.putObject("Attributes");
            all.forEach((name, value) -> {
                if (names.contains("All") || names.contains(name)) {
                    attributes.put(name, value);
                }
            });
            return attributes.isEmpty() ? output() : result;
        });
        operation("SetQueueAttributes", call -> {
            Queue queue = queue(call);
            Map<String, String> attributes = call.input().map("Attributes", "Attribute", "Name", "Value");
            if (attributes.isEmpty()) {
                throw SqsErrors.missingParameter("Attributes");
            }
            queues.put(definitions.update(queue, attributes, clock.millis()));
            return output();
        });
        operation("ListQueues", call -> {
            String prefix = call.input().string("QueueNamePrefix").orElse("");
            List<String> names = queues.list().keySet().stream().filter(name -> name.startsWith(prefix)).toList();
            return page(call, names, "QueueUrls");
        });
        operation("DeleteQueue", call -> {
            queues.delete(queue(call).name());
            return output();
        });
        operation("PurgeQueue", call -> {
            Queue queue = queue(call);
            try {
                queues.purge(queue);
            }
            catch (ServiceException e) {
                if (e.errorCode().equals("PurgeQueueInProgress")) {
                    throw SqsErrors.error("PurgeQueueInProgress", "Only one PurgeQueue operation on " + queue.name() + " is allowed every 60 seconds.");
                }
                throw e;
            }
            return output();
        });
        operation("ListDeadLetterSourceQueues", call -> {
            Queue deadLetter = queue(call);
            List<String> sources = queues.list().values().stream()
                    .filter(queue -> queue.redrivePolicy().map(policy -> policy.deadLetterQueue().equals(deadLetter.name())).orElse(false))
                    .map(Queue::name)
                    .toList();
            ObjectNode result = page(call, sources, "queueUrls");
            if (!result.has("queueUrls")) {
                result.putArray("queueUrls");
            }
            return result;
        });
    }

    /** One page of queue URLs, as {@code ListQueues} and {@code ListDeadLetterSourceQueues} answer them. */
    private ObjectNode page(Call call, List<String> names, String member)
    {
        Optional<Integer> maxResults = call.input().integer("MaxResults");
        maxResults.ifPresent(max -> {
            if (max < 1 || max > 1000) {
                throw SqsErrors.invalidParameter("MaxResults", max, "You must enter a number that's between 1 and 1000.");
            }
        });
        // a token is the last name of the page before, which only a queue's name can be
        Optional<String> after = call.input().string("NextToken").map(token -> {
            String last;
            try {
                last = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            }
            catch (IllegalArgumentException e) {
                throw SqsErrors.invalidParameter("Invalid NextToken value.");
            }
            if (!QueueDefinitions.isName(last)) {
                throw SqsErrors.invalidParameter("Invalid NextToken value.");
            }
            return last;
        });
        List<String> remaining = after.map(last -> names.stream().filter(name -> name.compareTo(last) > 0).toList()).orElse(names);
        int limit = maxResults.orElse(1000);
        List<String> page = remaining.subList(0, Math.min(limit, remaining.size()));
        ObjectNode result = output();
        if (!page.isEmpty()) {
            ArrayNode urls = result.putArray(member);
            page.forEach(name -> urls.add(arns.url(call.host(), name)));
        }
        if (maxResults.isPresent() && remaining.size() > page.size()) {
            result.put("NextToken", Base64.getUrlEncoder().withoutPadding().encodeToString(page.get(page.size() - 1).getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    private void messageOperations()
    {
        operation("SendMessage", call -> {
            Queue queue = queue(call);
            Checked message = message(queue, call.input(), false, call.traceHeader());
            Queues.SendResult sent = queues.send(queue, List.of(message.outgoing())).get(0);
            ObjectNode result = output();
            digests(result, message);
            result.put("MessageId", sent.messageId());
            sent.sequenceNumber().ifPresent(sequence -> result.put("SequenceNumber", sequence));
            return result;
        });
        operation("ReceiveMessage", this::receiveMessage);
        operation("DeleteMessage", call -> {
            Queue queue = queue(call);
            String handle = required(call.input(), "ReceiptHandle");
            Optional<ServiceException> error = queues.delete(queue, List.of(handle)).get(0);
            if (error.isPresent()) {
                throw error.get();
            }
            return output();
        });
        operation("ChangeMessageVisibility", call -> {
            Queue queue = queue(call);
            String handle = required(call.input(), "ReceiptHandle");
            int seconds = call.input().integer("VisibilityTimeout").orElseThrow(() -> SqsErrors.missingParameter("VisibilityTimeout"));
            checkVisibility(seconds);
            Optional<ServiceException> error = queues.changeVisibility(queue, List.of(new Queues.VisibilityChange(handle, seconds))).get(0);
            if (error.isPresent()) {
                throw error.get();
            }
            return output();
        });
    }

    private static void checkVisibility(int seconds)
    {
        if (seconds < 0 || seconds > 43_200) {
            throw SqsErrors.invalidParameter("VisibilityTimeout", seconds, "Must be >= 0 and <= 43200, if provided.");
        }
    }

    /**
     * A message checked against its queue, ready to send.
     *
     * @param givenSystemAttributes the system attributes the request gave, which {@code MD5OfMessageSystemAttributes} digests
     */
    private record Checked(OutgoingMessage outgoing, Map<String, MessageAttribute> givenSystemAttributes) {}

    /**
     * @param traceHeader the request's {@code X-Amzn-Trace-Id}, which SQS keeps as the message's {@code AWSTraceHeader} when the
     *         message gives none
     */
    private Checked message(Queue queue, SqsInput input, boolean batch, Optional<String> traceHeader)
    {
        Optional<String> body = input.string("MessageBody");
        MessageChecks.body(body);
        Map<String, MessageAttribute> attributes = MessageChecks.messageAttributes(input.messageAttributes("MessageAttributes", "MessageAttribute"));
        Map<String, MessageAttribute> systemAttributes = MessageChecks.systemAttributes(
                input.messageAttributes("MessageSystemAttributes", "MessageSystemAttribute"));
        if (MessageChecks.size(body.get(), attributes) > queue.maximumMessageSize()) {
            throw MessageChecks.tooLong(queue.maximumMessageSize(), batch);
        }
        Optional<Integer> delay = input.integer("DelaySeconds");
        if (delay.isPresent() && (delay.get() < 0 || delay.get() > 900)) {
            throw SqsErrors.invalidParameter("DelaySeconds", delay.get(), "DelaySeconds must be >= 0 and <= 900.");
        }
        Optional<String> group = input.string("MessageGroupId").map(id -> MessageChecks.fifoId("MessageGroupId", id));
        Optional<String> deduplication = input.string("MessageDeduplicationId").map(id -> MessageChecks.fifoId("MessageDeduplicationId", id));
        if (queue.fifo()) {
            if (delay.isPresent() && delay.get() != 0) {
                throw SqsErrors.invalidParameter("DelaySeconds", delay.get(), "The request include parameter that is not valid for this queue type.");
            }
            // a delay of 0 on a FIFO queue leaves the queue's delay in force
            delay = Optional.empty();
            if (group.isEmpty()) {
                throw batch ? SqsErrors.invalidParameter("The request must contain the parameter MessageGroupId.") : SqsErrors.missingParameter("MessageGroupId");
            }
            if (deduplication.isEmpty()) {
                if (!queue.contentBasedDeduplication()) {
                    throw missingDeduplicationId();
                }
                deduplication = Optional.of(MessageDigests.sha256(body.get()));
            }
        }
        else if (deduplication.isPresent()) {
            throw SqsErrors.invalidParameter("MessageDeduplicationId", deduplication.get(), "The request includes a parameter that is not valid for this "
                    + "queue type.");
        }
        Map<String, MessageAttribute> kept = systemAttributes;
        if (traceHeader.isPresent() && !systemAttributes.containsKey(MessageChecks.TRACE_HEADER)) {
            kept = new LinkedHashMap<>(systemAttributes);
            kept.put(MessageChecks.TRACE_HEADER, MessageAttribute.string("String", traceHeader.get()));
        }
        return new Checked(new OutgoingMessage(body.get(), attributes, kept, delay, group, deduplication, arns.accountId()), systemAttributes);
    }

    private static ServiceException missingDeduplicationId()
    {
        return SqsErrors.invalidParameter("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    }

    private static void digests(ObjectNode result, Checked message)
    {
        result.put("MD5OfMessageBody", MessageDigests.body(message.outgoing().body()));
        if (!message.outgoing().messageAttributes().isEmpty()) {
            result.put("MD5OfMessageAttributes", MessageDigests.attributes(message.outgoing().messageAttributes()));
        }
        if (!message.givenSystemAttributes().isEmpty()) {
            result.put("MD5OfMessageSystemAttributes", MessageDigests.attributes(message.givenSystemAttributes()));
        }
    }

    private ObjectNode receiveMessage(Call call)
            throws InterruptedException
    {
        Queue queue = queue(call);
        SqsInput input = call.input();
        int maxMessages = input.integer("MaxNumberOfMessages").orElse(1);
        if (maxMessages < 1 || maxMessages > 10) {
            throw SqsErrors.invalidParameter("MaxNumberOfMessages", maxMessages, "Must be between 1 and 10, if provided.");
        }
        Optional<Integer> visibility = input.integer("VisibilityTimeout");
        visibility.ifPresent(SqsService::checkVisibility);
        Optional<Integer> wait = input.integer("WaitTimeSeconds");
        if (wait.isPresent() && (wait.get() < 0 || wait.get() > 20)) {
            throw SqsErrors.invalidParameter("WaitTimeSeconds", wait.get(), "Must be >= 0 and <= 20, if provided.");
        }
        Optional<String> attempt = input.string("ReceiveRequestAttemptId").map(id -> MessageChecks.fifoId("ReceiveRequestAttemptId", id));
        Set<String> systemNames = new HashSet<>(input.strings("AttributeNames", "AttributeName"));
        systemNames.addAll(input.strings("MessageSystemAttributeNames", "MessageSystemAttributeName"));
        List<String> attributeNames = input.strings("MessageAttributeNames", "MessageAttributeName");

        List<ReceivedMessage> received = queues.receive(queue, new Queues.ReceiveRequest(maxMessages, visibility,
                wait.orElse(queue.receiveWaitTimeSeconds()) * 1000L, queue.fifo() ? attempt : Optional.empty()));
        ObjectNode result = output();
        if (received.isEmpty()) {
            return result;
        }
        ArrayNode messages = result.putArray("Messages");
        for (ReceivedMessage message : received) {
            ObjectNode node = messages.addObject();
            node.put("MessageId", message.messageId());
            node.put("ReceiptHandle", message.receiptHandle());
            node.put("MD5OfBody", MessageDigests.body(message.body()));
            node.put("Body", message.body());
            Map<String, String> system = systemAttributes(message, systemNames);
            if (!system.isEmpty()) {
                ObjectNode attributes = node.putObject("Attributes");
                system.forEach(attributes::put);
            }
            Map<String, MessageAttribute> selected = new TreeMap<>();
            message.messageAttributes().forEach((name, attribute) -> {
                if (selected(name, attributeNames)) {
                    selected.put(name, attribute);
                }
            });
            if (!selected.isEmpty()) {
                node.put("MD5OfMessageAttributes", MessageDigests.attributes(selected));
                ObjectNode attributes = node.putObject("MessageAttributes");
                selected.forEach((name, attribute) -> attributeValue(attributes.putObject(name), attribute));
            }
        }
        return result;
    }

    private Map<String, String> systemAttributes(ReceivedMessage message, Set<String> names)
    {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("SenderId", message.senderId());
        all.put("SentTimestamp", Long.toString(message.sentMillis()));
        all.put("ApproximateReceiveCount", Integer.toString(message.receiveCount()));
        all.put("ApproximateFirstReceiveTimestamp", Long.toString(message.firstReceiveMillis()));
        message.sequenceNumber().ifPresent(sequence -> all.put("SequenceNumber", sequence));
        message.deduplicationId().ifPresent(id -> all.put("MessageDeduplicationId", id));
        message.groupId().ifPresent(group -> all.put("MessageGroupId", group));
        Optional.ofNullable(message.systemAttributes().get(MessageChecks.TRACE_HEADER)).flatMap(MessageAttribute::stringValue)
                .ifPresent(header -> all.put(MessageChecks.TRACE_HEADER, header));
        message.deadLetterQueueSourceQueue().ifPresent(source -> all.put("DeadLetterQueueSourceArn", arns.arn(source)));
        if (names.contains("All")) {
            return all;
        }
        Map<String, String> selected = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (names.contains(name)) {
                selected.put(name, value);
            }
        });
        return selected;
    }

    /** Whether {@code MessageAttributeNames} asks for an attribute: {@code All}, {@code .*}, its name, or {@code prefix.*} of it. */
    static boolean selected(String name, List<String> requested)
    {
        for (String pattern : requested) {
            if (pattern.equals("All") || pattern.equals(".*") || pattern.equals(name)
                    || pattern.endsWith(".*") && name.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static void attributeValue(ObjectNode node, MessageAttribute attribute)
    {
        attribute.stringValue().ifPresent(value -> node.put("StringValue", value));
        attribute.binaryValue().ifPresent(value -> node.put("BinaryValue", Base64.getEncoder().encodeToString(value)));
        node.put("DataType", attribute.dataType());
    }

    private void batchOperations()
    {
        operation("SendMessageBatch", call -> {
            Queue queue = queue(call);
            List<SqsInput> entries = call.input().entries("Entries", "SendMessageBatchRequestEntry");
            List<String> ids = batchIds(entries, "SendMessageBatchRequestEntry");
            long size = 0;
            for (SqsInput entry : entries) {
                if (queue.fifo()) {
                    if (entry.string("MessageGroupId").isEmpty()) {
                        throw SqsErrors.invalidParameter("The request must contain the parameter MessageGroupId.");
                    }
                    if (entry.string("MessageDeduplicationId").isEmpty() && !queue.contentBasedDeduplication()) {
                        throw missingDeduplicationId();
                    }
                }
                size += rawSize(entry);
            }
            if (size > MAX_BATCH_BYTES) {
                throw SqsErrors.error(SqsErrors.BATCH_REQUEST_TOO_LONG, "Batch requests cannot be longer than " + MAX_BATCH_BYTES + " bytes. You have sent "
                        + size + " bytes.");
            }
            ObjectNode result = output();
            ArrayNode successful = result.putArray("Successful");
            ArrayNode failed = result.putArray("Failed");
            List<Checked> valid = new ArrayList<>();
            List<String> validIds = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                try {
                    valid.add(message(queue, entries.get(i), true, call.traceHeader()));
                    validIds.add(ids.get(i));
                }
                catch (ServiceException e) {
                    failure(failed, ids.get(i), e);
                }
            }
            List<Queues.SendResult> sent = valid.isEmpty() ? List.of() : queues.send(queue, valid.stream().map(Checked::outgoing).toList());
            for (int i = 0; i < valid.size(); i++) {
                ObjectNode entry = successful.addObject();
                entry.put("Id", validIds.get(i));
                entry.put("MessageId", sent.get(i).messageId());
                digests(entry, valid.get(i));
                sent.get(i).sequenceNumber().ifPresent(sequence -> entry.put("SequenceNumber", sequence));
            }
            return result;
        });
        operation("DeleteMessageBatch", call -> {
            Queue queue = queue(call);
            List<SqsInput> entries = call.input().entries("Entries", "DeleteMessageBatchRequestEntry");
            List<String> ids = batchIds(entries, "DeleteMessageBatchRequestEntry");
            List<String> handles = entries.stream().map(entry -> required(entry, "ReceiptHandle")).toList();
            return batchResult(ids, queues.delete(queue, handles));
        });
        operation("ChangeMessageVisibilityBatch", call -> {
            Queue queue = queue(call);
            List<SqsInput> entries = call.input().entries("Entries", "ChangeMessageVisibilityBatchRequestEntry");
            List<String> ids = batchIds(entries, "ChangeMessageVisibilityBatchRequestEntry");
            List<String> handles = entries.stream().map(entry -> required(entry, "ReceiptHandle")).toList();
            List<Optional<ServiceException>> invalid = new ArrayList<>();
            List<Queues.VisibilityChange> changes = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                try {
                    int seconds = entries.get(i).integer("VisibilityTimeout").orElseThrow(() -> SqsErrors.missingParameter("VisibilityTimeout"));
                    checkVisibility(seconds);
                    changes.add(new Queues.VisibilityChange(handles.get(i), seconds));
                    invalid.add(Optional.empty());
                }
                catch (ServiceException e) {
                    invalid.add(Optional.of(e));
                }
            }
            List<Optional<ServiceException>> changed = changes.isEmpty() ? List.of() : queues.changeVisibility(queue, changes);
            List<Optional<ServiceException>> outcomes = new ArrayList<>();
            int next = 0;
            for (Optional<ServiceException> refused : invalid) {
                outcomes.add(refused.isPresent() ? refused : changed.get(next++));
            }
            return batchResult(ids, outcomes);
        });
    }

    private static ObjectNode batchResult(List<String> ids, List<Optional<ServiceException>> outcomes)
    {
        ObjectNode result = output();
        ArrayNode successful = result.putArray("Successful");
        ArrayNode failed = result.putArray("Failed");
        for (int i = 0; i < ids.size(); i++) {
            if (outcomes.get(i).isPresent()) {
                failure(failed, ids.get(i), outcomes.get(i).get());
            }
            else {
                successful.addObject().put("Id", ids.get(i));
            }
        }
        return result;
    }

    private static void failure(ArrayNode failed, String id, ServiceException error)
    {
        ObjectNode entry = failed.addObject();
        entry.put("Id", id);
        entry.put("SenderFault", error.kind() == io.lakestack.spi.ErrorKind.USER);
        entry.put("Code", SqsErrors.batchCode(error));
        entry.put("Message", error.getMessage());
    }

    /** The ids of a batch's entries: 1 to 10 entries, each id valid and distinct. */
    private static List<String> batchIds(List<SqsInput> entries, String entryName)
    {
        if (entries.isEmpty()) {
            throw SqsErrors.error(SqsErrors.EMPTY_BATCH_REQUEST, "There should be at least one " + entryName + " in the request.");
        }
        if (entries.size() > MAX_BATCH_ENTRIES) {
            throw SqsErrors.error(SqsErrors.TOO_MANY_ENTRIES, "Maximum number of entries per request are " + MAX_BATCH_ENTRIES + ". You have sent "
                    + entries.size() + ".");
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SqsInput entry : entries) {
            String id = required(entry, "Id");
            if (!BATCH_ENTRY_ID.matcher(id).matches()) {
                throw SqsErrors.error(SqsErrors.INVALID_BATCH_ENTRY_ID, "A batch entry id can only contain alphanumeric characters, hyphens and "
                        + "underscores. It can be at most 80 letters long.");
            }
            if (!seen.add(id)) {
                throw SqsErrors.error(SqsErrors.BATCH_ENTRY_IDS_NOT_DISTINCT, "Id " + id + " repeated.");
            }
            ids.add(id);
        }
        return ids;
    }

    /** An entry's size as sent, before any check: its body and its attributes' names, types and values. */
    private static long rawSize(SqsInput entry)
    {
        long size = entry.string("MessageBody").map(body -> body.getBytes(StandardCharsets.UTF_8).length).orElse(0);
        for (Map.Entry<String, SqsInput.AttributeValue> attribute : entry.messageAttributes("MessageAttributes", "MessageAttribute").entrySet()) {
            SqsInput.AttributeValue value = attribute.getValue();
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
            size += value.dataType().map(type -> type.getBytes(StandardCharsets.UTF_8).length).orElse(0);
            size += value.stringValue().map(text -> text.getBytes(StandardCharsets.UTF_8).length).orElse(0);
            size += value.binaryValue().map(bytes -> bytes.length).orElse(0);
        }
        return size;
    }

    private void tagAndPermissionOperations()
    {
        operation("TagQueue", call -> {
            Queue queue = queue(call);
            Map<String, String> tags = call.input().map("Tags", "Tag", "Key", "Value");
            if (tags.isEmpty()) {
                throw SqsErrors.missingParameter("Tags");
            }
            checkTags(queue.name(), tags, queue.tags());
            Map<String, String> merged = new TreeMap<>(queue.tags());
            merged.putAll(tags);
            queues.put(withTags(queue, merged));
            return output();
        });
        operation("UntagQueue", call -> {
            Queue queue = queue(call);
            List<String> keys = call.input().strings("TagKeys", "TagKey");
            if (keys.isEmpty()) {
                throw SqsErrors.missingParameter("TagKeys");
            }
            if (keys.stream().anyMatch(key -> key.isEmpty() || key.length() > 128)) {
                throw SqsErrors.invalidParameter("Tag keys must be between 1 and 128 characters in length.");
            }
            Map<String, String> remaining = new TreeMap<>(queue.tags());
            keys.forEach(remaining::remove);
            queues.put(withTags(queue, remaining));
            return output();
        });
        operation("ListQueueTags", call -> {
            Queue queue = queue(call);
            ObjectNode result = output();
            if (!queue.tags().isEmpty()) {
                ObjectNode tags = result.putObject("Tags");
                new TreeMap<>(queue.tags()).forEach(tags::put);
            }
            return result;
        });
        operation("AddPermission", call -> {
            Queue queue = queue(call);
            SqsInput input = call.input();
            String policy = QueuePolicies.add(Optional.ofNullable(queue.attributes().get(QueueDefinitions.POLICY)), arns.arn(queue),
                    required(input, "Label"), input.strings("AWSAccountIds", "AWSAccountId"), input.strings("Actions", "ActionName"));
            queues.put(definitions.update(queue, Map.of(QueueDefinitions.POLICY, policy), clock.millis()));
            return output();
        });
        operation("RemovePermission", call -> {
            Queue queue = queue(call);
            Optional<String> policy = QueuePolicies.remove(Optional.ofNullable(queue.attributes().get(QueueDefinitions.POLICY)), required(call.input(), "Label"));
            queues.put(definitions.update(queue, Map.of(QueueDefinitions.POLICY, policy.orElse("")), clock.millis()));
            return output();
        });
    }

    private static Queue withTags(Queue queue, Map<String, String> tags)
    {
        return new Queue(queue.name(), queue.region(), queue.createdMillis(), queue.modifiedMillis(), queue.visibilityTimeoutSeconds(), queue.messageRetentionSeconds(),
                queue.delaySeconds(), queue.maximumMessageSize(), queue.receiveWaitTimeSeconds(), queue.redrivePolicy(), queue.contentBasedDeduplication(),
                queue.deduplicationPerMessageGroup(), queue.attributes(), tags);
    }

    /** Tags as SQS takes them: keys of 1 to 128 characters, values of up to 256, at most 50 on a queue. */
    private static void checkTags(String queueName, Map<String, String> tags, Map<String, String> existing)
    {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().isEmpty() || tag.getKey().length() > 128) {
                throw SqsErrors.invalidParameter("Tag keys must be between 1 and 128 characters in length.");
            }
            if (tag.getValue().length() > 256) {
                throw SqsErrors.invalidParameter("Tag values must be between 0 and 256 characters in length.");
            }
        }
        Set<String> keys = new HashSet<>(existing.keySet());
        keys.addAll(tags.keySet());
        if (keys.size() > MAX_TAGS) {
            throw SqsErrors.invalidParameter("Too many tags added for queue " + queueName + ".");
        }
    }

    private void moveTaskOperations()
    {
        operation("StartMessageMoveTask", call -> {
            SqsInput input = call.input();
            Queue source = moveTaskQueue(required(input, "SourceArn"), "SourceArn");
            boolean deadLetterQueue = queues.list().values().stream()
                    .anyMatch(queue -> queue.redrivePolicy().map(policy -> policy.deadLetterQueue().equals(source.name())).orElse(false));
            if (!deadLetterQueue) {
                throw SqsErrors.invalidParameter("Source queue must be configured as a Dead Letter Queue.");
            }
            Optional<Queue> destination = input.string("DestinationArn").map(arn -> moveTaskQueue(arn, "DestinationArn"));
            Optional<Integer> perSecond = input.integer("MaxNumberOfMessagesPerSecond");
            if (perSecond.isPresent() && (perSecond.get() < 1 || perSecond.get() > 500)) {
                throw SqsErrors.invalidParameter("MaxNumberOfMessagesPerSecond", perSecond.get(), "Must be between 1 and 500.");
            }
            if (queues.moveTasks(source.name()).stream().anyMatch(task -> task.status().equals("RUNNING") || task.status().equals("CANCELLING"))) {
                throw taskRunning();
            }
            Queues.MoveTask task;
            try {
                task = queues.startMoveTask(source, destination, perSecond);
            }
            catch (ServiceException e) {
                // the engine refuses a second task of a source as UnsupportedOperation; AWS answers this
                throw e.errorCode().equals(SqsErrors.UNSUPPORTED_OPERATION) ? taskRunning() : e;
            }
            return output().put("TaskHandle", task.taskHandle());
        });
        operation("ListMessageMoveTasks", call -> {
            Queue source = moveTaskQueue(required(call.input(), "SourceArn"), "SourceArn");
            int maxResults = call.input().integer("MaxResults").orElse(1);
            if (maxResults < 1 || maxResults > 10) {
                throw SqsErrors.invalidParameter("MaxResults", maxResults, "You must enter a number that's between 1 and 10.");
            }
            ObjectNode result = output();
            ArrayNode results = result.putArray("Results");
            queues.moveTasks(source.name()).stream().limit(maxResults).forEach(task -> {
                ObjectNode entry = results.addObject();
                if (task.status().equals("RUNNING")) {
                    entry.put("TaskHandle", task.taskHandle());
                }
                entry.put("Status", task.status());
                entry.put("SourceArn", arns.arn(task.sourceQueue()));
                task.destinationQueue().ifPresent(destination -> entry.put("DestinationArn", arns.arn(destination)));
                task.maxPerSecond().ifPresent(perSecond -> entry.put("MaxNumberOfMessagesPerSecond", perSecond));
                entry.put("ApproximateNumberOfMessagesMoved", task.movedCount());
                entry.put("ApproximateNumberOfMessagesToMove", task.toMoveCount());
                task.failureReason().ifPresent(reason -> entry.put("FailureReason", reason));
                entry.put("StartedTimestamp", task.startedMillis());
            });
            return result;
        });
        operation("CancelMessageMoveTask", call -> {
            Queues.MoveTask task = queues.cancelMoveTask(required(call.input(), "TaskHandle"));
            return output().put("ApproximateNumberOfMessagesMoved", task.movedCount());
        });
    }

    private static ServiceException taskRunning()
    {
        return SqsErrors.invalidParameter("There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
    }

    private Queue moveTaskQueue(String arn, String parameter)
    {
        if (!QueueArns.isArn(arn)) {
            throw SqsErrors.invalidParameter("You must use this format to specify the " + parameter
                    + ": arn:<partition>:<service>:<region>:<account-id>:<resource-id>");
        }
        return arns.queue(arn)
                .orElseThrow(() -> SqsErrors.error(SqsErrors.RESOURCE_NOT_FOUND, "The resource that you specified for the " + parameter
                        + " parameter doesn't exist."));
    }
}
