package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lakestack.spi.lambda.FunctionVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The pure core of Lambda's asynchronous invocations (<a href="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html">Asynchronous
 * invocation</a>): each event queued on a function's topic ({@code lakestack.lambda.<function>[.<qualifier>]}) is invoked,
 * retried and finally recorded as Lambda does. It neither reads Kafka nor keeps time: events come in through
 * {@link #accept}, time from a {@link Clock}; whoever drives it runs the {@linkplain #due() due} events (any number at a
 * time, each on one thread) and commits {@link #position}.
 *
 * <ul>
 *   <li>the invocation runs under the request id of the {@code lakestack.request-id} header (the id {@code Invoke}
 *       answered with), or a new one for an event without it (an S3 notification); it invokes the ARN of the
 *       {@code lakestack.invoked-arn} header, or the function (and qualifier) the topic names;</li>
 *   <li>the function's (or qualifier's) event invoke configuration is read once per event
 *       ({@code GetFunctionEventInvokeConfig}; none means 2 retries, 6 hours), and its {@code DeadLetterConfig}
 *       ({@code GetFunctionConfiguration});</li>
 *   <li>a function error is retried {@code MaximumRetryAttempts} times, after {@link Timing#retryDelays()} (Lambda waits
 *       about one minute, then two);</li>
 *   <li>a throttle (429) or an error of Lambda itself (5xx), or any failure to reach the function, is retried with a
 *       pause growing from one second to five minutes, and never counts as an attempt;</li>
 *   <li>an event older than {@code MaximumEventAgeInSeconds} is given up when it reaches that age;</li>
 *   <li>a success goes to the {@code OnSuccess} destination; a given-up event to the {@code OnFailure} destination and
 *       to the dead-letter queue (message attributes {@code RequestID}, {@code ErrorCode}, {@code ErrorMessage}); with
 *       neither, it is logged with its topic, partition and offset and kept on {@code <its topic>.failed}.</li>
 * </ul>
 * An event is done (its offset may be committed) only once it was invoked successfully and its success recorded, or
 * given up and its failure delivered; a destination that refuses is tried again later.
 */
final class AsyncInvocations
{
    static final String DEAD_LETTER_SUFFIX = ".failed";
    private static final Logger log = LoggerFactory.getLogger(AsyncInvocations.class);
    private static final Pattern TOPIC = Pattern.compile("lakestack\\.lambda\\.([a-zA-Z0-9_-]+)(?:\\.([a-zA-Z0-9_$-]+))?");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH.mm.ss").withZone(ZoneOffset.UTC);

    /**
     * @param retryDelays the waits before the first and second retry of a function error
     * @param firstThrottleBackoff the wait after the first throttle; it doubles with each further one
     * @param maximumThrottleBackoff the longest wait after a throttle
     * @param firstDeliveryBackoff the wait before trying a refusing destination again; it doubles up to the throttle maximum
     */
    record Timing(List<Duration> retryDelays, Duration firstThrottleBackoff, Duration maximumThrottleBackoff, Duration firstDeliveryBackoff)
    {
        /** Lambda's: one minute, then two; throttles from one second up to five minutes. */
        static final Timing LAMBDA = new Timing(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)), Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofSeconds(1));

        Timing
        {
            retryDelays = List.copyOf(retryDelays);
            if (retryDelays.isEmpty()) {
                throw new IllegalArgumentException("at least one retry delay is needed");
            }
        }
    }

    /** An event as its queue holds it. */
    record QueuedEvent(String topic, int partition, long offset, long timestampMillis, byte[] payload, Map<String, String> headers)
    {
        QueuedEvent
        {
            requireNonNull(topic, "topic is null");
            requireNonNull(payload, "payload is null");
            headers = Map.copyOf(headers);
        }
    }

    private record PartitionKey(String topic, int partition)
    {
    }

    private enum Target
    {
        ON_SUCCESS, ON_FAILURE, DEAD_LETTER_QUEUE, DEAD_LETTER_TOPIC
    }

    /** An event on its way. */
    final class Event
    {
        final QueuedEvent queued;
        final String requestId;
        final String functionName;
        final Optional<String> qualifier;
        final String invokedArn;
        FunctionSettings.EventInvokeConfig config;
        Optional<String> deadLetterQueue = Optional.empty();
        int invocations;
        int functionErrors;
        int serviceErrors;
        Optional<Invoker.Invocation> lastResponse = Optional.empty();
        Optional<Invoker.InvokeException> lastServiceError = Optional.empty();
        String condition;
        List<Target> undelivered = List.of();
        int deliveryFailures;
        long dueAt;

        Event(QueuedEvent queued, String requestId, String functionName, Optional<String> qualifier, String invokedArn)
        {
            this.queued = queued;
            this.requestId = requestId;
            this.functionName = functionName;
            this.qualifier = qualifier;
            this.invokedArn = invokedArn;
        }

        /** Runs the event's next step: an invocation, or the delivery of its outcome. */
        void run()
        {
            step(this);
        }
    }

    private final Invoker invoker;
    private final FunctionSettings settings;
    private final DestinationRouter router;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final Timing timing;
    private final PriorityQueue<Event> scheduled = new PriorityQueue<>((left, right) -> Long.compare(left.dueAt, right.dueAt));
    private final Map<PartitionKey, OffsetTracker> offsets = new HashMap<>();

    AsyncInvocations(Invoker invoker, FunctionSettings settings, DestinationRouter router, String region, String accountId, Clock clock, Supplier<UUID> ids,
            Timing timing)
    {
        this.invoker = requireNonNull(invoker, "invoker is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.router = requireNonNull(router, "router is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.timing = requireNonNull(timing, "timing is null");
    }

    /** Takes an event of a function's queue, in offset order per partition. */
    synchronized void accept(QueuedEvent queued)
    {
        offsets.computeIfAbsent(new PartitionKey(queued.topic(), queued.partition()), ignored -> new OffsetTracker()).track(queued.offset());
        Matcher topic = TOPIC.matcher(queued.topic());
        if (!topic.matches()) {
            throw new IllegalArgumentException("not a function's asynchronous invocation queue: " + queued.topic());
        }
        String function = topic.group(1);
        Optional<String> qualifier = Optional.ofNullable(topic.group(2));
        String arn = Optional.ofNullable(queued.headers().get(DestinationRouter.INVOKED_ARN_HEADER))
                .orElseGet(() -> functionArn(function) + qualifier.map(value -> ":" + value).orElse(""));
        String requestId = Optional.ofNullable(queued.headers().get(DestinationRouter.REQUEST_ID_HEADER)).orElseGet(() -> ids.get().toString());
        Event event = new Event(queued, requestId, function, qualifier, arn);
        event.dueAt = clock.millis();
        scheduled.add(event);
    }

    /** Forgets the events of a partition this worker no longer reads: another reads them again from the committed offset. */
    synchronized void revoke(String topic, int partition)
    {
        offsets.remove(new PartitionKey(topic, partition));
        scheduled.removeIf(event -> event.queued.topic().equals(topic) && event.queued.partition() == partition);
    }

    /** Takes the events due now off the schedule; run each, once. */
    synchronized List<Event> due()
    {
        long now = clock.millis();
        List<Event> due = new ArrayList<>();
        while (!scheduled.isEmpty() && scheduled.peek().dueAt <= now) {
            due.add(scheduled.poll());
        }
        return due;
    }

    /** When the next event is due; {@link Long#MAX_VALUE} when none is scheduled. */
    synchronized long nextDueAt()
    {
        return scheduled.isEmpty() ? Long.MAX_VALUE : scheduled.peek().dueAt;
    }

    synchronized OptionalLong position(String topic, int partition)
    {
        return Optional.ofNullable(offsets.get(new PartitionKey(topic, partition))).map(OffsetTracker::position).orElse(OptionalLong.empty());
    }

    /** Events taken and not done. */
    synchronized int pending()
    {
        return offsets.values().stream().mapToInt(OffsetTracker::pending).sum();
    }

    private synchronized void schedule(Event event, long at)
    {
        if (offsets.containsKey(new PartitionKey(event.queued.topic(), event.queued.partition()))) {
            event.dueAt = at;
            scheduled.add(event);
        }
    }

    private synchronized void finish(Event event)
    {
        Optional.ofNullable(offsets.get(new PartitionKey(event.queued.topic(), event.queued.partition()))).ifPresent(tracker -> tracker.done(event.queued.offset()));
    }

    private String functionArn(String function)
    {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + function;
    }

    private long expiresAt(Event event)
    {
        return event.queued.timestampMillis() + event.config.maximumEventAgeSeconds() * 1000L;
    }

    private void step(Event event)
    {
        long now = clock.millis();
        if (!event.undelivered.isEmpty()) {
            deliver(event);
            return;
        }
        if (event.config == null) {
            try {
                event.config = settings.eventInvokeConfig(event.functionName, event.qualifier);
                event.deadLetterQueue = settings.deadLetterTarget(event.functionName, event.qualifier);
            }
            catch (Invoker.InvokeException e) {
                serviceError(event, e, now, FunctionSettings.EventInvokeConfig.DEFAULT);
                return;
            }
        }
        if (now >= expiresAt(event)) {
            giveUp(event, "EventAgeExceeded");
            return;
        }
        Invoker.Invocation result;
        try {
            result = invoker.invoke(event.invokedArn, event.queued.payload(), Optional.of(event.requestId));
        }
        catch (Invoker.InvokeException e) {
            serviceError(event, e, now, event.config);
            return;
        }
        event.invocations++;
        event.serviceErrors = 0;
        event.lastResponse = Optional.of(result);
        if (!result.failed()) {
            event.condition = "Success";
            event.undelivered = event.config.onSuccess().isPresent() ? List.of(Target.ON_SUCCESS) : List.of();
            deliver(event);
            return;
        }
        event.functionErrors++;
        if (event.functionErrors > event.config.maximumRetryAttempts()) {
            giveUp(event, "RetriesExhausted");
            return;
        }
        Duration delay = timing.retryDelays().get(Math.min(event.functionErrors, timing.retryDelays().size()) - 1);
        schedule(event, Math.min(now + delay.toMillis(), expiresAt(event)));
    }

    private void serviceError(Event event, Invoker.InvokeException e, long now, FunctionSettings.EventInvokeConfig config)
    {
        event.serviceErrors++;
        event.lastServiceError = Optional.of(e);
        long backoff = Math.min(timing.firstThrottleBackoff().toMillis() << Math.min(20, event.serviceErrors - 1), timing.maximumThrottleBackoff().toMillis());
        long expires = event.queued.timestampMillis() + config.maximumEventAgeSeconds() * 1000L;
        log.debug("asynchronous invocation {} of {} not run ({} {}), retrying in {} ms", event.requestId, event.invokedArn, e.statusCode(), e.errorCode(), backoff);
        if (event.config == null && now >= expires) {
            event.config = config;
            giveUp(event, "EventAgeExceeded");
            return;
        }
        schedule(event, Math.min(now + backoff, expires));
    }

    private void giveUp(Event event, String condition)
    {
        event.condition = condition;
        List<Target> targets = new ArrayList<>();
        event.config.onFailure().ifPresent(arn -> targets.add(Target.ON_FAILURE));
        event.deadLetterQueue.ifPresent(arn -> targets.add(Target.DEAD_LETTER_QUEUE));
        if (targets.isEmpty()) {
            targets.add(Target.DEAD_LETTER_TOPIC);
        }
        event.undelivered = targets;
        deliver(event);
    }

    private void deliver(Event event)
    {
        List<Target> remaining = new ArrayList<>(event.undelivered);
        while (!remaining.isEmpty()) {
            Target target = remaining.get(0);
            try {
                deliver(event, target);
            }
            catch (Destinations.DestinationException | RuntimeException e) {
                event.undelivered = List.copyOf(remaining);
                event.deliveryFailures++;
                long backoff = Math.min(timing.firstDeliveryBackoff().toMillis() << Math.min(20, event.deliveryFailures - 1),
                        timing.maximumThrottleBackoff().toMillis());
                log.warn("asynchronous invocation {} of {} ({} partition {} offset {}): cannot deliver its {} record, retrying in {} ms: {}", event.requestId,
                        event.invokedArn, event.queued.topic(), event.queued.partition(), event.queued.offset(), target, backoff, e.toString());
                schedule(event, clock.millis() + backoff);
                return;
            }
            remaining.remove(0);
        }
        event.undelivered = List.of();
        finish(event);
    }

    private void deliver(Event event, Target target)
            throws Destinations.DestinationException
    {
        switch (target) {
            case ON_SUCCESS -> toDestination(event, event.config.onSuccess().orElseThrow(), true);
            case ON_FAILURE -> toDestination(event, event.config.onFailure().orElseThrow(), false);
            case DEAD_LETTER_QUEUE -> router.toQueueOrTopic(event.deadLetterQueue.orElseThrow(), event.requestId, event.queued.payload(), deadLetterAttributes(event));
            case DEAD_LETTER_TOPIC -> {
                String topic = event.queued.topic() + DEAD_LETTER_SUFFIX;
                log.warn("asynchronous invocation {} of {} ({} partition {} offset {}) given up ({}); no destination or dead-letter queue, kept on {}",
                        event.requestId, event.invokedArn, event.queued.topic(), event.queued.partition(), event.queued.offset(), event.condition, topic);
                Map<String, String> headers = new LinkedHashMap<>(deadLetterAttributes(event));
                headers.put("lakestack.condition", event.condition);
                headers.put("lakestack.source-topic", event.queued.topic());
                headers.put("lakestack.source-partition", Integer.toString(event.queued.partition()));
                headers.put("lakestack.source-offset", Long.toString(event.queued.offset()));
                router.toTopic(topic, event.requestId, event.queued.payload(), headers);
            }
        }
    }

    private void toDestination(Event event, String arn, boolean success)
            throws Destinations.DestinationException
    {
        ObjectNode record = record(event);
        switch (DestinationRouter.kind(arn)) {
            case QUEUE, TOPIC -> router.toQueueOrTopic(arn, event.requestId, Json.bytes(record), Map.of());
            case FUNCTION -> router.toFunction(arn, Json.bytes(record));
            case EVENT_BUS -> router.toEventBus(arn, "Lambda Function Invocation Result - " + (success ? "Success" : "Failure"),
                    record.path("requestContext").path("functionArn").asText(), record);
            case BUCKET -> {
                Instant now = clock.instant();
                router.toBucket(arn, "aws/lambda/async/" + event.functionName + "/" + DAY.format(now) + "/" + SECOND.format(now) + "-" + ids.get(),
                        Json.bytes(record));
            }
        }
    }

    /**
     * The invocation record of <a href="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html">Capturing
     * records of Lambda asynchronous invocations</a>; without {@code responseContext} and {@code responsePayload} when the
     * function never answered.
     */
    ObjectNode record(Event event)
    {
        ObjectNode record = Json.object();
        record.put("version", "1.0");
        record.put("timestamp", Json.isoMillis(clock.millis()));
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", event.requestId);
        request.put("functionArn", event.qualifier.isPresent() || event.invokedArn.split(":").length > 7 ? event.invokedArn
                : event.invokedArn + ":" + FunctionVersion.LATEST);
        request.put("condition", event.condition);
        request.put("approximateInvokeCount", event.invocations);
        record.set("requestPayload", document(event.queued.payload()));
        if (event.lastResponse.isPresent()) {
            Invoker.Invocation response = event.lastResponse.get();
            ObjectNode context = record.putObject("responseContext");
            context.put("statusCode", response.statusCode());
            context.put("executedVersion", response.executedVersion());
            response.functionError().ifPresent(error -> context.put("functionError", error));
            record.set("responsePayload", document(response.payload()));
        }
        return record;
    }

    private static JsonNode document(byte[] payload)
    {
        if (payload.length == 0) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        return Json.parse(payload).orElseGet(() -> TextNode.valueOf(new String(payload, StandardCharsets.UTF_8)));
    }

    /** What Lambda adds to a dead-letter message: the request id, the HTTP status code, the first 1 KB of the error message. */
    private static Map<String, String> deadLetterAttributes(Event event)
    {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("RequestID", event.requestId);
        String code;
        String message;
        if (event.lastResponse.isPresent()) {
            Invoker.Invocation response = event.lastResponse.get();
            code = Integer.toString(response.statusCode());
            JsonNode error = Json.parse(response.payload()).orElse(null);
            message = error != null && error.hasNonNull("errorMessage") ? error.get("errorMessage").asText() : new String(response.payload(), StandardCharsets.UTF_8);
        }
        else if (event.lastServiceError.isPresent()) {
            code = Integer.toString(event.lastServiceError.get().statusCode());
            message = event.lastServiceError.get().errorCode() + ": " + event.lastServiceError.get().getMessage();
        }
        else {
            code = "200";
            message = "Event age exceeded before an invocation";
        }
        attributes.put("ErrorCode", code);
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        attributes.put("ErrorMessage", bytes.length <= 1024 ? message : new String(bytes, 0, 1024, StandardCharsets.UTF_8));
        return attributes;
    }
}
