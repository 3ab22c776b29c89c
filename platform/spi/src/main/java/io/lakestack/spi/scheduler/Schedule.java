package io.lakestack.spi.scheduler;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A schedule as the service keeps it in {@value Schedules#SCHEDULES_STORE}, keyed by {@link Schedules#key}.
 *
 * @param timezone the {@code ScheduleExpressionTimezone} (an IANA name), UTC when none was given
 * @param flexibleWindowMinutes the {@code MaximumWindowInMinutes} of a {@code FLEXIBLE} window; empty when the mode
 *         is {@code OFF}
 * @param clientToken the {@code ClientToken} of the request that created it, for idempotent retries
 * @param createdMillis when it was created; a schedule deleted and created again under its name is another schedule
 */
public record Schedule(String groupName, String name, String arn, String description, String expression, String timezone, Optional<Long> startMillis,
        Optional<Long> endMillis, State state, Optional<Integer> flexibleWindowMinutes, ActionAfterCompletion actionAfterCompletion, ScheduleTarget target,
        Optional<String> clientToken, long createdMillis, long modifiedMillis)
{
    public enum State
    {
        ENABLED, DISABLED
    }

    public enum ActionAfterCompletion
    {
        NONE, DELETE
    }

    public Schedule
    {
        requireNonNull(groupName, "groupName is null");
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(description, "description is null");
        requireNonNull(expression, "expression is null");
        requireNonNull(timezone, "timezone is null");
        requireNonNull(startMillis, "startMillis is null");
        requireNonNull(endMillis, "endMillis is null");
        requireNonNull(state, "state is null");
        requireNonNull(flexibleWindowMinutes, "flexibleWindowMinutes is null");
        requireNonNull(actionAfterCompletion, "actionAfterCompletion is null");
        requireNonNull(target, "target is null");
        requireNonNull(clientToken, "clientToken is null");
    }

    public String key()
    {
        return Schedules.key(groupName, name);
    }

    /**
     * The first occurrence strictly after {@code after}, within the schedule's {@code StartDate} and {@code EndDate}
     * (both inclusive; an {@code at} schedule ignores them, as AWS's one-time schedules do), or empty when there is
     * none. A {@code rate} schedule counts from its {@code StartDate}, else from its creation. The state is not
     * consulted: a disabled schedule has occurrences, it is not invoked at them.
     */
    public Optional<Instant> next(Instant after)
    {
        ScheduleExpression parsed = ScheduleExpression.parse(expression);
        ZoneId zone = ScheduleExpression.zone(timezone);
        if (parsed.kind() == ScheduleExpression.Kind.AT) {
            return parsed.next(after, zone, Instant.ofEpochMilli(createdMillis));
        }
        Instant anchor = Instant.ofEpochMilli(startMillis.orElse(createdMillis));
        Instant from = startMillis.map(start -> Instant.ofEpochMilli(start).minusMillis(1)).filter(start -> start.isAfter(after)).orElse(after);
        return parsed.next(from, zone, anchor).filter(time -> endMillis.isEmpty() || !time.isAfter(Instant.ofEpochMilli(endMillis.get())));
    }
}
