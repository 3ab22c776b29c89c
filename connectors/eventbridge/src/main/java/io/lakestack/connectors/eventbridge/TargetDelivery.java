package io.lakestack.connectors.eventbridge;

import io.lakestack.connectors.targets.TargetCall;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.connectors.targets.Targets;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.eventbridge.TargetInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Delivers one event to one target of a rule as EventBridge does: builds the target's input, calls the target, retries
 * a retryable failure with exponential backoff while the target's retry policy allows (attempts and event age), and
 * then sends the event to the target's dead-letter queue with EventBridge's message attributes ({@code RULE_ARN},
 * {@code TARGET_ARN}, {@code ERROR_CODE}, {@code ERROR_MESSAGE}, {@code EXHAUSTED_RETRY_CONDITION},
 * {@code RETRY_ATTEMPTS}), or, without one, logs it as dropped with the rule, target and event id.
 */
final class TargetDelivery
{
    private static final Logger log = LoggerFactory.getLogger(TargetDelivery.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> NOT_FOUND = Set.of("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "ResourceNotFoundException",
            "NotFound", "InvalidArn");
    private static final Set<String> THROTTLED = Set.of("ThrottlingException", "Throttling", "TooManyRequestsException", "RequestThrottled",
            "ProvisionedThroughputExceededException");

    /** Waits between attempts; returns false when the wait was cut short because the worker stops ({@code running} turned false). */
    interface Sleeper
    {
        boolean sleep(Duration duration, BooleanSupplier running);
    }

    /** What became of a delivery. */
    enum Outcome
    {
        DELIVERED, DEAD_LETTERED, DROPPED, STOPPED
    }

    private final Targets targets;
    private final RuleEngineConfig config;
    private final Clock clock;
    private final Sleeper sleeper;

    TargetDelivery(Targets targets, RuleEngineConfig config, Clock clock, Sleeper sleeper)
    {
        this.targets = requireNonNull(targets, "targets is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    /**
     * @param event the event as it is on the bus
     * @param document the event read by {@code JsonText}
     * @param eventId the event's {@code id}, for the log
     * @param ingestionMillis when the event was put on the bus: its age counts from then
     * @param running false once the worker stops: a delivery in progress then ends with {@link Outcome#STOPPED}
     */
    Outcome deliver(Rule rule, Target target, String event, Object document, String eventId, long ingestionMillis, BooleanSupplier running)
    {
        TargetCall call;
        try {
            String payload = TargetInput.render(target, event, document, new TargetInput.Context(rule.arn(), rule.name(),
                    TIME.format(Instant.ofEpochMilli(ingestionMillis))));
            Optional<String> partitionKey = target.partitionKeyPath().flatMap(path -> TargetInput.text(path, document));
            call = new TargetCall(target.arn(), payload, target.messageGroupId(), Optional.empty(), partitionKey, Map.of());
        }
        catch (RuntimeException e) {
            return giveUp(rule, target, event, eventId, "INVALID_JSON", "The input of target " + target.id() + " could not be built: " + e.getMessage(),
                    Optional.empty(), 0);
        }
        int retries = 0;
        Duration delay = config.firstRetryDelay();
        while (true) {
            try {
                targets.deliver(call);
                log.debug("EventBridge event {} delivered to target {} of {}", eventId, target.id(), rule.arn());
                return Outcome.DELIVERED;
            }
            catch (TargetException e) {
                String code = errorCode(e);
                if (!e.retryable()) {
                    return giveUp(rule, target, event, eventId, code, e.getMessage(), Optional.empty(), retries);
                }
                if (retries >= target.retryPolicy().maximumRetryAttempts()) {
                    return giveUp(rule, target, event, eventId, code, e.getMessage(), Optional.of("MaximumRetryAttempts"), retries);
                }
                long ageAfterWait = clock.millis() + delay.toMillis() - ingestionMillis;
                if (ageAfterWait > target.retryPolicy().maximumEventAgeSeconds() * 1000L) {
                    return giveUp(rule, target, event, eventId, code, e.getMessage(), Optional.of("MaximumEventAgeInSeconds"), retries);
                }
                log.info("EventBridge delivery of event {} to target {} of {} failed ({}: {}); retry {} in {}", eventId, target.id(), rule.arn(),
                        e.errorCode(), e.getMessage(), retries + 1, delay);
                if (!running.getAsBoolean() || !sleeper.sleep(delay, running)) {
                    return Outcome.STOPPED;
                }
                retries++;
                delay = delay.multipliedBy(2).compareTo(config.maximumRetryDelay()) > 0 ? config.maximumRetryDelay() : delay.multipliedBy(2);
            }
        }
    }

    /** EventBridge's error codes in dead-letter messages. */
    private static String errorCode(TargetException e)
    {
        if (NOT_FOUND.contains(e.errorCode())) {
            return "RESOURCE_NOT_FOUND";
        }
        if (THROTTLED.contains(e.errorCode())) {
            return "THROTTLING";
        }
        return "SDK_CLIENT_ERROR";
    }

    private Outcome giveUp(Rule rule, Target target, String event, String eventId, String code, String message, Optional<String> exhausted, int retries)
    {
        if (target.deadLetterArn().isEmpty()) {
            // kept in the log whole (and on the bus's topic for its retention), so that it can be put again
            log.warn("EventBridge event {} could not be delivered to target {} ({}) of rule {}, which has no dead-letter queue: {} {}. The event: {}",
                    eventId, target.id(), target.arn(), rule.arn(), code, message, event);
            return Outcome.DROPPED;
        }
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("RULE_ARN", rule.arn());
        attributes.put("TARGET_ARN", target.arn());
        attributes.put("ERROR_CODE", code);
        attributes.put("ERROR_MESSAGE", message == null || message.isEmpty() ? code : message);
        exhausted.ifPresent(condition -> attributes.put("EXHAUSTED_RETRY_CONDITION", condition));
        attributes.put("RETRY_ATTEMPTS", Integer.toString(retries));
        try {
            targets.deliver(new TargetCall(target.deadLetterArn().get(), event, Optional.empty(), Optional.empty(), Optional.empty(), attributes));
            log.info("EventBridge event {} could not be delivered to target {} of rule {} ({}); sent to the dead-letter queue {}", eventId, target.id(),
                    rule.arn(), code, target.deadLetterArn().get());
            return Outcome.DEAD_LETTERED;
        }
        catch (TargetException e) {
            log.error("EventBridge event {} could not be delivered to target {} ({}) of rule {} ({}: {}) nor to its dead-letter queue {} ({}); it is "
                    + "dropped. The event: {}", eventId, target.id(), target.arn(), rule.arn(), code, message, target.deadLetterArn().get(), e.getMessage(),
                    event);
            return Outcome.DROPPED;
        }
    }
}
