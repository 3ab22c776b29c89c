package io.lakestack.it.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.MessageAttribute;
import io.lakestack.spi.sqs.OutgoingMessage;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.sqs.ReceivedMessage;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * {@link Queues} on Amazon SQS, for the contract suite: each operation is the SQS call of the same name (sends,
 * deletions and visibility changes in batches of ten), and SQS's errors are {@link ServiceException}s under the JSON
 * protocol's names, as lakestack's engine throws them: the SDK reports the Query protocol's names
 * ({@code AWS.SimpleQueueService.NonExistentQueue}), which {@link #translate} turns back into {@code QueueDoesNotExist}.
 *
 * <p>Where SQS does what the engine does in a way of its own:
 * <ul>
 * <li>Time is SQS's: the clock the suite starts an engine with is not read. Send, receive, creation and modification
 *     times, and the ends of visibility timeouts, delays, retention and the deduplication and purge intervals, are on
 *     SQS's clock.</li>
 * <li>AWS says to "wait at least one second after the queue is created to be able to use the queue": {@link #put}
 *     returns once the new queue answers, and a second after it was made at the earliest. A deletion "takes up to 60
 *     seconds": {@link #delete(String)} returns once SQS no longer finds the queue. A change of a queue's attributes
 *     reaches all of SQS within 60 seconds (15 minutes for the retention period), a purge within 60 seconds: those
 *     calls return when SQS has taken them.</li>
 * <li>SQS says when a queue was deleted to no one ({@link #deletedMillis} is refused); it refuses a new queue of that
 *     name for 60 seconds itself ({@code QueueDeletedRecently}).</li>
 * <li>A message's sender is who sent it, as SQS records it: {@link OutgoingMessage#senderId()} is not sent.</li>
 * <li>A receive waits in long polls of at most 20 seconds (SQS's longest) until the wait asked for is over, rounded up
 *     to whole seconds; a receive that does not wait is SQS's short poll, which samples SQS's servers.</li>
 * <li>A visibility change of a message since deleted is refused with {@code InvalidParameterValue}, where the engine
 *     says {@code MessageNotInflight}.</li>
 * <li>A dead-letter queue is named by its ARN in this account and region, which the adapter asks SQS for.</li>
 * <li>SQS lists the handle of a message move task while the task runs only: the adapters of one {@link Account}
 *     remember the handles they saw, and answer an empty handle for a task that ended before they saw it.</li>
 * </ul>
 */
final class AwsQueues
        implements Queues, AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most entries of a batch call. */
    private static final int BATCH = 10;
    /** The most bytes of messages (bodies and attributes) this adapter sends in one SendMessageBatch. */
    private static final int BATCH_BYTES = 256 * 1024;
    /** The longest long poll SQS takes. */
    private static final int MAX_WAIT_SECONDS = 20;
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration GONE = Duration.ofSeconds(90);
    private static final Duration TASK_LISTED = Duration.ofSeconds(30);
    /** How far SQS's clock may be from this machine's, where the adapter compares their times. */
    private static final long CLOCK_SKEW_MILLIS = 60_000;
    private static final long POLL_MILLIS = 500;
    /** The attributes GetQueueAttributes answers that no one sets. */
    private static final Set<String> READ_ONLY = Set.of("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn");
    /** The settable attributes the engine does not read, sent as the queue has them. */
    private static final List<String> PASSED_ON = List.of("Policy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
            "SqsManagedSseEnabled", "FifoThroughputLimit");
    /** Query protocol names (without {@code AWS.SimpleQueueService.}) whose JSON protocol name differs. */
    private static final Map<String, String> JSON_NAMES = Map.of(
            "NonExistentQueue", "QueueDoesNotExist",
            "QueueAlreadyExists", "QueueNameExists",
            "InvalidParameterValue", "InvalidParameterValueException",
            "MissingParameter", "MissingRequiredParameterException");
    private static final String QUERY_PREFIX = "AWS.SimpleQueueService.";

    private final SqsClient sqs;
    private final String region;
    private final Account account;
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, String> arns = new ConcurrentHashMap<>();

    /**
     * What the adapters on one account share, as the engines of one lakestack share their storage: the queues they
     * created (for the suite to delete), and the move tasks they started and the handles SQS listed for them.
     */
    static final class Account
    {
        private final Set<String> created = ConcurrentHashMap.newKeySet();
        /** Task handle -> source queue. */
        private final Map<String, String> taskSources = new ConcurrentHashMap<>();
        /** Source ARN and start time of a task -> its handle. */
        private final Map<String, String> taskHandles = new ConcurrentHashMap<>();

        /** The names of the queues the adapters created. */
        Set<String> created()
        {
            return Set.copyOf(created);
        }
    }

    /**
     * @param region the region of the client, which the queues report
     */
    AwsQueues(SqsClient sqs, String region, Account account)
    {
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.region = requireNonNull(region, "region is null");
        this.account = requireNonNull(account, "account is null");
    }

    // definitions

    @Override
    public Optional<Queue> get(String name)
    {
        Optional<String> url = findUrl(name);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(url.get()).attributeNames(QueueAttributeName.ALL))
                    .attributesAsStrings();
            Map<String, String> tags = sqs.listQueueTags(request -> request.queueUrl(url.get())).tags();
            return Optional.of(queue(name, attributes, tags));
        }
        catch (QueueDoesNotExistException e) {
            // deleted since GetQueueUrl answered
            return Optional.empty();
        }
        catch (SqsException e) {
            throw translate(e);
        }
    }

    @Override
    public SortedMap<String, Queue> list()
    {
        SortedMap<String, Queue> queues = new TreeMap<>();
        for (String url : call(() -> sqs.listQueuesPaginator().queueUrls().stream().toList())) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            get(name).ifPresent(queue -> queues.put(name, queue));
        }
        return queues;
    }

    @Override
    public void put(Queue queue)
    {
        String name = queue.name();
        Optional<String> existing = findUrl(name);
        Map<String, String> attributes = attributes(queue, existing.isPresent());
        if (existing.isEmpty()) {
            Map<String, String> creation = new HashMap<>(attributes);
            if (queue.fifo()) {
                // FifoQueue is set when a queue is made, and never after
                creation.put("FifoQueue", "true");
            }
            long requested = System.nanoTime();
            String url = call(() -> sqs.createQueue(request -> {
                request.queueName(name).attributesWithStrings(creation);
                if (!queue.tags().isEmpty()) {
                    request.tags(queue.tags());
                }
            })).queueUrl();
            account.created.add(name);
            urls.put(name, url);
            awaitUsable(name, url, requested);
            return;
        }
        String url = existing.get();
        call(() -> sqs.setQueueAttributes(request -> request.queueUrl(url).attributesWithStrings(attributes)));
        Map<String, String> current = call(() -> sqs.listQueueTags(request -> request.queueUrl(url))).tags();
        List<String> removed = current.keySet().stream().filter(key -> !queue.tags().containsKey(key)).toList();
        if (!removed.isEmpty()) {
            call(() -> sqs.untagQueue(request -> request.queueUrl(url).tagKeys(removed)));
        }
        if (!queue.tags().isEmpty()) {
            call(() -> sqs.tagQueue(request -> request.queueUrl(url).tags(queue.tags())));
        }
    }

    /** The attributes SQS is to apply: the typed settings, and the settable attributes the engine does not read. */
    private Map<String, String> attributes(Queue queue, boolean existing)
    {
        Map<String, String> attributes = new HashMap<>();
        for (String name : PASSED_ON) {
            String value = queue.attributes().get(name);
            if (value != null && (queue.fifo() || !name.equals("FifoThroughputLimit"))) {
                attributes.put(name, value);
            }
        }
        attributes.put("VisibilityTimeout", String.valueOf(queue.visibilityTimeoutSeconds()));
        attributes.put("MessageRetentionPeriod", String.valueOf(queue.messageRetentionSeconds()));
        attributes.put("DelaySeconds", String.valueOf(queue.delaySeconds()));
        attributes.put("MaximumMessageSize", String.valueOf(queue.maximumMessageSize()));
        attributes.put("ReceiveMessageWaitTimeSeconds", String.valueOf(queue.receiveWaitTimeSeconds()));
        if (queue.redrivePolicy().isPresent()) {
            Queue.RedrivePolicy policy = queue.redrivePolicy().get();
            attributes.put("RedrivePolicy", JSON.createObjectNode()
                    .put("deadLetterTargetArn", arn(policy.deadLetterQueue()))
                    .put("maxReceiveCount", policy.maxReceiveCount())
                    .toString());
        }
        else if (existing) {
            // SetQueueAttributes removes a redrive policy given as the empty string
            attributes.put("RedrivePolicy", "");
        }
        if (queue.fifo()) {
            attributes.put("ContentBasedDeduplication", String.valueOf(queue.contentBasedDeduplication()));
            attributes.put("DeduplicationScope", queue.deduplicationPerMessageGroup() ? "messageGroup" : "queue");
        }
        return attributes;
    }

    /**
     * Waits until the new queue answers, and until a second after it was made: AWS says to "wait at least one second
     * after the queue is created to be able to use the queue".
     */
    private void awaitUsable(String name, String url, long requestedNanos)
    {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            try {
                String arn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributesAsStrings()
                        .get("QueueArn");
                if (arn != null) {
                    arns.put(name, arn);
                }
                break;
            }
            catch (QueueDoesNotExistException e) {
                if (System.nanoTime() > deadline) {
                    throw ServiceException.external("ServiceUnavailable", "SQS made queue " + name + " but did not find it within " + READY.toSeconds()
                            + " s", e);
                }
            }
            catch (SqsException e) {
                throw translate(e);
            }
            pause(POLL_MILLIS);
        }
        long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - requestedNanos);
        if (left > 0) {
            pause(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
    }

    @Override
    public void delete(String name)
    {
        String url = url(name);
        call(() -> sqs.deleteQueue(request -> request.queueUrl(url)));
        urls.remove(name);
        arns.remove(name);
        // "the deletion process takes up to 60 seconds": lakestack's delete returns with the queue gone
        long deadline = System.nanoTime() + GONE.toNanos();
        while (findUrl(name).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw ServiceException.external("ServiceUnavailable", "SQS still finds queue " + name + " " + GONE.toSeconds() + " s after deleting it",
                        null);
            }
            pause(POLL_MILLIS * 4);
        }
    }

    @Override
    public OptionalLong deletedMillis(String name)
    {
        throw new UnsupportedOperationException("SQS does not say when a queue was deleted; it refuses a new queue of the name for 60 seconds itself "
                + "(QueueDeletedRecently)");
    }

    // messages

    @Override
    public List<SendResult> send(Queue queue, List<OutgoingMessage> messages)
    {
        String url = url(queue.name());
        List<SendResult> results = new ArrayList<>(messages.size());
        for (List<OutgoingMessage> batch : sendBatches(messages)) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                entries.add(entry(String.valueOf(i), batch.get(i)));
            }
            SendMessageBatchResponse response = call(() -> sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entries)));
            if (!response.failed().isEmpty()) {
                // the entries before it, and those of earlier batches, are sent
                throw entryError(response.failed().get(0));
            }
            Map<String, SendMessageBatchResultEntry> sent = new HashMap<>();
            response.successful().forEach(entry -> sent.put(entry.id(), entry));
            for (int i = 0; i < batch.size(); i++) {
                SendMessageBatchResultEntry entry = sent.get(String.valueOf(i));
                if (entry == null) {
                    throw ServiceException.external("ServiceUnavailable", "SQS answered SendMessageBatch without entry " + i, null);
                }
                results.add(new SendResult(entry.messageId(), Optional.ofNullable(entry.sequenceNumber())));
            }
        }
        return results;
    }

    /** The messages in order, in batches of at most ten entries and {@value #BATCH_BYTES} bytes (a larger message alone). */
    private static List<List<OutgoingMessage>> sendBatches(List<OutgoingMessage> messages)
    {
        List<List<OutgoingMessage>> batches = new ArrayList<>();
        List<OutgoingMessage> batch = new ArrayList<>();
        long bytes = 0;
        for (OutgoingMessage message : messages) {
            long size = size(message);
            if (!batch.isEmpty() && (batch.size() == BATCH || bytes + size > BATCH_BYTES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(message);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** A message's size as SQS counts it: the body and, per message attribute, its name, type and value. */
    private static long size(OutgoingMessage message)
    {
        long size = utf8(message.body());
        for (Map.Entry<String, MessageAttribute> attribute : message.messageAttributes().entrySet()) {
            MessageAttribute value = attribute.getValue();
            size += utf8(attribute.getKey()) + utf8(value.dataType()) + value.stringValue().map(AwsQueues::utf8)
                    .orElseGet(() -> (long) value.binaryValue().orElseThrow().length);
        }
        return size;
    }

    private static long utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static SendMessageBatchRequestEntry entry(String id, OutgoingMessage message)
    {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(id).messageBody(message.body());
        if (!message.messageAttributes().isEmpty()) {
            entry.messageAttributes(values(message.messageAttributes(), attribute -> {
                MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(attribute.dataType());
                attribute.stringValue().ifPresent(value::stringValue);
                attribute.binaryValue().ifPresent(bytes -> value.binaryValue(SdkBytes.fromByteArray(bytes)));
                return value.build();
            }));
        }
        if (!message.systemAttributes().isEmpty()) {
            entry.messageSystemAttributesWithStrings(values(message.systemAttributes(), attribute -> {
                MessageSystemAttributeValue.Builder value = MessageSystemAttributeValue.builder().dataType(attribute.dataType());
                attribute.stringValue().ifPresent(value::stringValue);
                attribute.binaryValue().ifPresent(bytes -> value.binaryValue(SdkBytes.fromByteArray(bytes)));
                return value.build();
            }));
        }
        message.delaySeconds().ifPresent(entry::delaySeconds);
        message.groupId().ifPresent(entry::messageGroupId);
        message.deduplicationId().ifPresent(entry::messageDeduplicationId);
        return entry.build();
    }

    private static <V> Map<String, V> values(Map<String, MessageAttribute> attributes, Function<MessageAttribute, V> value)
    {
        Map<String, V> values = new HashMap<>();
        attributes.forEach((name, attribute) -> values.put(name, value.apply(attribute)));
        return values;
    }

    @Override
    public List<ReceivedMessage> receive(Queue queue, ReceiveRequest receive)
            throws InterruptedException
    {
        String url = url(queue.name());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, receive.waitMillis()));
        while (true) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            // whole seconds, rounded up: rounding a wait down to none would make it a short poll
            int waitSeconds = (int) Math.min(MAX_WAIT_SECONDS, Math.max(0, (remainingMillis + 999) / 1000));
            ReceiveMessageResponse response;
            try {
                response = call(() -> sqs.receiveMessage(request -> {
                    request.queueUrl(url)
                            .maxNumberOfMessages(receive.maxMessages())
                            .waitTimeSeconds(waitSeconds)
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL);
                    receive.visibilityTimeoutSeconds().ifPresent(request::visibilityTimeout);
                    receive.receiveRequestAttemptId().ifPresent(request::receiveRequestAttemptId);
                }));
            }
            catch (AbortedException e) {
                // the SDK's answer to an interrupt
                Thread.interrupted();
                InterruptedException interrupted = new InterruptedException("interrupted while receiving from queue " + queue.name());
                interrupted.initCause(e);
                throw interrupted;
            }
            if (!response.messages().isEmpty() || waitSeconds == 0 || System.nanoTime() >= deadline) {
                return response.messages().stream().map(AwsQueues::received).toList();
            }
        }
    }

    private static ReceivedMessage received(Message message)
    {
        Map<String, String> attributes = message.attributesAsStrings();
        Map<String, MessageAttribute> messageAttributes = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> messageAttributes.put(name, value.binaryValue() != null
                ? MessageAttribute.binary(value.dataType(), value.binaryValue().asByteArray())
                : MessageAttribute.string(value.dataType(), value.stringValue())));
        Map<String, MessageAttribute> systemAttributes = new HashMap<>();
        Optional.ofNullable(attributes.get("AWSTraceHeader")).ifPresent(header -> systemAttributes.put("AWSTraceHeader", MessageAttribute.string("String",
                header)));
        return new ReceivedMessage(
                message.messageId(),
                message.receiptHandle(),
                message.body(),
                messageAttributes,
                systemAttributes,
                attributes.getOrDefault("SenderId", ""),
                Long.parseLong(required(attributes, "SentTimestamp")),
                Long.parseLong(required(attributes, "ApproximateFirstReceiveTimestamp")),
                Integer.parseInt(required(attributes, "ApproximateReceiveCount")),
                Optional.ofNullable(attributes.get("MessageGroupId")),
                Optional.ofNullable(attributes.get("MessageDeduplicationId")),
                Optional.ofNullable(attributes.get("SequenceNumber")),
                Optional.ofNullable(attributes.get("DeadLetterQueueSourceArn")).map(AwsQueues::name));
    }

    @Override
    public List<Optional<ServiceException>> delete(Queue queue, List<String> receiptHandles)
    {
        if (receiptHandles.isEmpty()) {
            return List.of();
        }
        String url = url(queue.name());
        List<Optional<ServiceException>> results = new ArrayList<>(receiptHandles.size());
        for (int from = 0; from < receiptHandles.size(); from += BATCH) {
            List<String> chunk = receiptHandles.subList(from, Math.min(receiptHandles.size(), from + BATCH));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(chunk.get(i)).build());
            }
            List<BatchResultErrorEntry> failed = call(() -> sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(entries))).failed();
            results.addAll(entryResults(chunk.size(), failed));
        }
        return results;
    }

    @Override
    public List<Optional<ServiceException>> changeVisibility(Queue queue, List<VisibilityChange> changes)
    {
        if (changes.isEmpty()) {
            return List.of();
        }
        String url = url(queue.name());
        List<Optional<ServiceException>> results = new ArrayList<>(changes.size());
        for (int from = 0; from < changes.size(); from += BATCH) {
            List<VisibilityChange> chunk = changes.subList(from, Math.min(changes.size(), from + BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(String.valueOf(i))
                        .receiptHandle(chunk.get(i).receiptHandle())
                        .visibilityTimeout(chunk.get(i).seconds())
                        .build());
            }
            List<BatchResultErrorEntry> failed = call(() -> sqs.changeMessageVisibilityBatch(request -> request.queueUrl(url).entries(entries))).failed();
            results.addAll(entryResults(chunk.size(), failed));
        }
        return results;
    }

    /** Per entry of a batch whose ids are its places: empty, or the error SQS answered it with. */
    private static List<Optional<ServiceException>> entryResults(int size, List<BatchResultErrorEntry> failed)
    {
        Map<String, BatchResultErrorEntry> errors = new HashMap<>();
        failed.forEach(entry -> errors.put(entry.id(), entry));
        List<Optional<ServiceException>> results = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            results.add(Optional.ofNullable(errors.get(String.valueOf(i))).map(AwsQueues::entryError));
        }
        return results;
    }

    /** A failed entry of a batch: SQS writes its code under the Query protocol's name in both protocols. */
    private static ServiceException entryError(BatchResultErrorEntry entry)
    {
        boolean sender = !Boolean.FALSE.equals(entry.senderFault());
        String code = jsonName(entry.code() == null ? "InternalFailure" : entry.code());
        String message = entry.message() == null ? code : entry.message();
        return new ServiceException(sender ? ErrorKind.USER : ErrorKind.EXTERNAL, code, sender ? 400 : 500, message);
    }

    @Override
    public void purge(Queue queue)
    {
        String url = url(queue.name());
        call(() -> sqs.purgeQueue(request -> request.queueUrl(url)));
    }

    @Override
    public QueueCounts counts(Queue queue)
    {
        String url = url(queue.name());
        Map<String, String> attributes = call(() -> sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))).attributesAsStrings();
        return new QueueCounts(
                Long.parseLong(required(attributes, "ApproximateNumberOfMessages")),
                Long.parseLong(required(attributes, "ApproximateNumberOfMessagesNotVisible")),
                Long.parseLong(required(attributes, "ApproximateNumberOfMessagesDelayed")));
    }

    // message move tasks

    @Override
    public MoveTask startMoveTask(Queue source, Optional<Queue> destination, Optional<Integer> maxPerSecond)
    {
        String sourceArn = arn(source.name());
        Optional<String> destinationArn = destination.map(queue -> arn(queue.name()));
        long before = System.currentTimeMillis();
        String handle = call(() -> sqs.startMessageMoveTask(request -> {
            request.sourceArn(sourceArn);
            destinationArn.ifPresent(request::destinationArn);
            maxPerSecond.ifPresent(request::maxNumberOfMessagesPerSecond);
        })).taskHandle();
        account.taskSources.put(handle, source.name());
        long deadline = System.nanoTime() + TASK_LISTED.toNanos();
        while (true) {
            List<ListMessageMoveTasksResultEntry> listed = listTasks(sourceArn);
            for (ListMessageMoveTasksResultEntry entry : listed) {
                if (handle.equals(entry.taskHandle())) {
                    return task(entry);
                }
            }
            // SQS lists a task's handle while it runs only: one that ended already is the newest without one
            Optional<ListMessageMoveTasksResultEntry> ended = listed.stream()
                    .filter(entry -> entry.taskHandle() == null && entry.startedTimestamp() != null)
                    .max(Comparator.comparingLong(ListMessageMoveTasksResultEntry::startedTimestamp));
            if (ended.isPresent() && ended.get().startedTimestamp() >= before - CLOCK_SKEW_MILLIS
                    && account.taskHandles.putIfAbsent(taskKey(ended.get()), handle) == null) {
                return task(ended.get());
            }
            if (System.nanoTime() > deadline) {
                throw ServiceException.external("ServiceUnavailable", "SQS did not list the message move task " + handle + " it started on queue "
                        + source.name(), null);
            }
            pause(POLL_MILLIS);
        }
    }

    @Override
    public List<MoveTask> moveTasks(String sourceQueue)
    {
        return listTasks(arn(sourceQueue)).stream()
                .map(this::task)
                .sorted(Comparator.comparingLong(MoveTask::startedMillis).reversed())
                .toList();
    }

    @Override
    public MoveTask cancelMoveTask(String taskHandle)
    {
        long moved = orZero(call(() -> sqs.cancelMessageMoveTask(request -> request.taskHandle(taskHandle))).approximateNumberOfMessagesMoved());
        String source = account.taskSources.get(taskHandle);
        if (source != null) {
            Optional<MoveTask> listed = moveTasks(source).stream().filter(task -> task.taskHandle().equals(taskHandle)).findFirst();
            if (listed.isPresent()) {
                return listed.get();
            }
        }
        // SQS answers a cancellation with the count moved only, and lists tasks by source queue, which a task started
        // through no adapter of this account does not tell
        return new MoveTask(taskHandle, source == null ? "" : source, Optional.empty(), Optional.empty(), "CANCELLING", moved, 0, Optional.empty(), 0);
    }

    private List<ListMessageMoveTasksResultEntry> listTasks(String sourceArn)
    {
        return call(() -> sqs.listMessageMoveTasks(request -> request.sourceArn(sourceArn).maxResults(10))).results();
    }

    private MoveTask task(ListMessageMoveTasksResultEntry entry)
    {
        String handle = entry.taskHandle();
        if (handle != null) {
            account.taskHandles.put(taskKey(entry), handle);
        }
        else {
            handle = account.taskHandles.getOrDefault(taskKey(entry), "");
        }
        return new MoveTask(
                handle,
                name(entry.sourceArn()),
                Optional.ofNullable(entry.destinationArn()).map(AwsQueues::name),
                Optional.ofNullable(entry.maxNumberOfMessagesPerSecond()),
                entry.status(),
                orZero(entry.approximateNumberOfMessagesMoved()),
                orZero(entry.approximateNumberOfMessagesToMove()),
                Optional.ofNullable(entry.failureReason()),
                orZero(entry.startedTimestamp()));
    }

    private static String taskKey(ListMessageMoveTasksResultEntry entry)
    {
        return entry.sourceArn() + "@" + entry.startedTimestamp();
    }

    // helpers

    private Queue queue(String name, Map<String, String> attributes, Map<String, String> tags)
    {
        Map<String, String> settable = new HashMap<>(attributes);
        READ_ONLY.forEach(settable::remove);
        return new Queue(
                name,
                Optional.of(region),
                Long.parseLong(required(attributes, "CreatedTimestamp")) * 1000,
                Long.parseLong(required(attributes, "LastModifiedTimestamp")) * 1000,
                Integer.parseInt(required(attributes, "VisibilityTimeout")),
                Integer.parseInt(required(attributes, "MessageRetentionPeriod")),
                Integer.parseInt(required(attributes, "DelaySeconds")),
                Integer.parseInt(required(attributes, "MaximumMessageSize")),
                Integer.parseInt(required(attributes, "ReceiveMessageWaitTimeSeconds")),
                Optional.ofNullable(attributes.get("RedrivePolicy")).filter(policy -> !policy.isBlank()).map(AwsQueues::redrivePolicy),
                Boolean.parseBoolean(attributes.get("ContentBasedDeduplication")),
                "messageGroup".equals(attributes.get("DeduplicationScope")),
                settable,
                tags);
    }

    private static Queue.RedrivePolicy redrivePolicy(String json)
    {
        JsonNode policy;
        try {
            policy = JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("SQS answered a RedrivePolicy that is not JSON: " + json, e);
        }
        String arn = policy.path("deadLetterTargetArn").asText();
        // maxReceiveCount comes as a number or as a string of one
        return new Queue.RedrivePolicy(name(arn), arn, policy.path("maxReceiveCount").asInt());
    }

    /** A queue's name from its ARN ({@code arn:aws:sqs:<region>:<account>:<name>}). */
    private static String name(String arn)
    {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    private static String required(Map<String, String> attributes, String name)
    {
        String value = attributes.get(name);
        if (value == null) {
            throw new IllegalStateException("SQS did not answer attribute " + name);
        }
        return value;
    }

    private static long orZero(Long value)
    {
        return value == null ? 0 : value;
    }

    /** The queue's URL, asked of SQS each time: a URL remembered from before another adapter deleted the queue would not say it is gone. */
    private Optional<String> findUrl(String name)
    {
        try {
            String url = sqs.getQueueUrl(request -> request.queueName(name)).queueUrl();
            urls.put(name, url);
            return Optional.of(url);
        }
        catch (QueueDoesNotExistException e) {
            return Optional.empty();
        }
        catch (SqsException e) {
            throw translate(e);
        }
    }

    /** The queue's URL (SQS answers {@code QueueDoesNotExist} for a queue that is gone, whichever URL names it). */
    private String url(String name)
    {
        return urls.computeIfAbsent(name, missing -> call(() -> sqs.getQueueUrl(request -> request.queueName(missing))).queueUrl());
    }

    private String arn(String name)
    {
        String url = url(name);
        return arns.computeIfAbsent(name, missing -> required(call(() -> sqs.getQueueAttributes(request -> request.queueUrl(url)
                .attributeNames(QueueAttributeName.QUEUE_ARN))).attributesAsStrings(), "QueueArn"));
    }

    private static void pause(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.external("ServiceUnavailable", "interrupted while waiting for SQS", e);
        }
    }

    private static <T> T call(Supplier<T> call)
    {
        try {
            return call.get();
        }
        catch (SqsException e) {
            throw translate(e);
        }
    }

    /** SQS's error under its JSON protocol name, the one lakestack's engine throws. */
    static ServiceException translate(SqsException e)
    {
        ServiceException error = AwsErrors.translate(e);
        String code = jsonName(error.errorCode());
        return code.equals(error.errorCode()) ? error : new ServiceException(error.kind(), code, error.httpStatus(), error.getMessage(), e);
    }

    /** {@code AWS.SimpleQueueService.NonExistentQueue} -> {@code QueueDoesNotExist}, and so on; a JSON name as it is. */
    private static String jsonName(String code)
    {
        String name = code.startsWith(QUERY_PREFIX) ? code.substring(QUERY_PREFIX.length()) : code;
        return JSON_NAMES.getOrDefault(name, name);
    }

    @Override
    public void close()
    {
        sqs.close();
    }
}
