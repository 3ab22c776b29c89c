package io.lakestack.connectors.scheduler;

import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleExpression;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the owner of a schedule does with it now: nothing yet, fire an occurrence, or delete it (its last occurrence is
 * past and its {@code ActionAfterCompletion} is {@code DELETE}). Pure: time comes in as arguments.
 */
sealed interface Plan
{
    /** How long after its time a one-time schedule may be created and still fire. */
    Duration ONE_TIME_PRECISION = Duration.ofSeconds(60);

    /** Nothing to do before {@code wakeAt} (empty: nothing to do until the schedule changes). */
    record Wait(Optional<Instant> wakeAt)
            implements Plan {}

    /**
     * Fire the occurrence {@code occurrence} (its scheduled time, which the target sees as
     * {@code <aws.scheduler.scheduled-time>}) now; it was due at {@code fireAt} (later than the occurrence within a
     * flexible window).
     *
     * @param last whether it is the schedule's last occurrence
     */
    record Fire(Instant occurrence, Instant fireAt, boolean last)
            implements Plan {}

    record Delete()
            implements Plan {}

    /**
     * @param lastFired the last occurrence of this schedule (this incarnation of it) that was fired, if any
     * @param ownedSince when this instance took the schedule's partition over
     * @param grace how long before {@code ownedSince} an occurrence may be and still be fired late: one missed while a
     *         previous owner died is fired by the next; one missed while lakestack was down longer is not
     */
    static Plan of(Schedule schedule, Optional<Instant> lastFired, Instant ownedSince, Duration grace, Instant now)
    {
        requireNonNull(schedule, "schedule is null");
        if (schedule.state() == Schedule.State.DISABLED) {
            return new Wait(Optional.empty());
        }
        // one-time schedules are invoked with a minute's precision: a time at most that long before the schedule was
        // created (or changed) is still its occurrence, fired at once
        Duration lookBack = ScheduleExpression.parse(schedule.expression()).kind() == ScheduleExpression.Kind.AT ? ONE_TIME_PRECISION : Duration.ZERO;
        Instant modified = Instant.ofEpochMilli(schedule.modifiedMillis()).minusMillis(1).minus(lookBack);
        Instant definitionFrom = lastFired.filter(fired -> fired.isAfter(modified)).orElse(modified);
        Instant after = latest(definitionFrom, ownedSince.minus(grace));
        Optional<Instant> next = schedule.next(after);
        if (next.isEmpty()) {
            // no occurrence left: past the end date, or a one-time schedule fired (or missed)
            return schedule.actionAfterCompletion() == Schedule.ActionAfterCompletion.DELETE ? new Delete() : new Wait(Optional.empty());
        }
        Instant fireAt = next.get().plus(flexibleOffset(schedule, next.get()));
        if (fireAt.isAfter(now)) {
            return new Wait(Optional.of(fireAt));
        }
        return new Fire(next.get(), fireAt, schedule.next(next.get()).isEmpty());
    }

    /**
     * Where in its flexible window an occurrence fires: a whole number of seconds in {@code [0, window)}, from a hash of
     * the schedule's ARN and the occurrence, so every instance (and every retry of the planning) picks the same time,
     * and occurrences of many schedules spread over the window.
     */
    static Duration flexibleOffset(Schedule schedule, Instant occurrence)
    {
        if (schedule.flexibleWindowMinutes().isEmpty()) {
            return Duration.ZERO;
        }
        long windowSeconds = schedule.flexibleWindowMinutes().get() * 60L;
        int hash = (schedule.arn() + "@" + occurrence.toEpochMilli()).hashCode();
        return Duration.ofSeconds(Math.floorMod((long) hash * 0x9E3779B1L, windowSeconds));
    }

    private static Instant latest(Instant first, Instant second)
    {
        return first.isAfter(second) ? first : second;
    }
}
