package io.lakestack.connectors.scheduler;

import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleTarget;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PlanTest
{
    private static final Instant CREATED = Instant.parse("2026-11-29T10:00:00.250Z");
    private static final Duration GRACE = Duration.ofMinutes(1);
    private static final ScheduleTarget TARGET = new ScheduleTarget("arn:aws:sqs:us-east-1:000000000000:q", "arn:aws:iam::000000000000:role/r",
            Optional.of("{}"), 60, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    @Test
    void oneTimeScheduleFiresOnceThenIsDeleted()
    {
        Schedule schedule = schedule("at(2026-11-29T10:05:00)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.DELETE);
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:04:59Z"), ZoneOffset.UTC);
        assertThat(Plan.of(schedule, Optional.empty(), CREATED, GRACE, clock.instant())).isEqualTo(new Plan.Wait(Optional.of(Instant.parse("2026-11-29T10:05:00Z"))));
        clock = Clock.offset(clock, Duration.ofSeconds(1));
        assertThat(Plan.of(schedule, Optional.empty(), CREATED, GRACE, clock.instant()))
                .isEqualTo(new Plan.Fire(Instant.parse("2026-11-29T10:05:00Z"), Instant.parse("2026-11-29T10:05:00Z"), true));
        assertThat(Plan.of(schedule, Optional.of(Instant.parse("2026-11-29T10:05:00Z")), CREATED, GRACE, clock.instant())).isEqualTo(new Plan.Delete());
    }

    @Test
    void oneTimeScheduleCreatedWithinAMinuteAfterItsTimeFiresAtOnceAndOnlyOnce()
    {
        // created at 10:00:00.250: a time 60 s before still fires, one 61 s before is past
        Schedule justPast = schedule("at(2026-11-29T09:59:01)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE);
        assertThat(Plan.of(justPast, Optional.empty(), CREATED.minusSeconds(3600), GRACE, CREATED.plusMillis(10)))
                .isEqualTo(new Plan.Fire(Instant.parse("2026-11-29T09:59:01Z"), Instant.parse("2026-11-29T09:59:01Z"), true));
        assertThat(Plan.of(justPast, Optional.of(Instant.parse("2026-11-29T09:59:01Z")), CREATED.minusSeconds(3600), GRACE, CREATED.plusMillis(20)))
                .isEqualTo(new Plan.Wait(Optional.empty()));
        Schedule tooLate = schedule("at(2026-11-29T09:59:00)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.DELETE);
        assertThat(Plan.of(tooLate, Optional.empty(), CREATED.minusSeconds(3600), GRACE, CREATED.plusMillis(10))).isEqualTo(new Plan.Delete());
        // a recurring schedule does not look back: its first occurrence is after its creation
        Schedule hourly = schedule("cron(0 10 * * ? *)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE);
        assertThat(Plan.of(hourly, Optional.empty(), CREATED.minusSeconds(3600), GRACE, CREATED.plusMillis(10)))
                .isEqualTo(new Plan.Wait(Optional.of(Instant.parse("2026-11-30T10:00:00Z"))));
    }

    @Test
    void rateFiresAtCreationThenEveryPeriod()
    {
        Schedule schedule = schedule("rate(1 minute)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE);
        Instant now = CREATED.plusMillis(100);
        assertThat(Plan.of(schedule, Optional.empty(), CREATED.minusSeconds(3600), GRACE, now)).isEqualTo(new Plan.Fire(CREATED, CREATED, false));
        assertThat(Plan.of(schedule, Optional.of(CREATED), CREATED.minusSeconds(3600), GRACE, now)).isEqualTo(new Plan.Wait(Optional.of(CREATED.plusSeconds(60))));
        assertThat(Plan.of(schedule, Optional.of(CREATED), CREATED.minusSeconds(3600), GRACE, CREATED.plusSeconds(60)))
                .isEqualTo(new Plan.Fire(CREATED.plusSeconds(60), CREATED.plusSeconds(60), false));
    }

    @Test
    void missedWhileDownIsNotReplayedButAHandoverWithinGraceIs()
    {
        Schedule schedule = schedule("rate(1 minute)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE);
        // lakestack was down for an hour: the owner starts at 11:00:10, and fires the 11:00:00.250 occurrence (within the grace), not the 59 before
        Instant restart = Instant.parse("2026-11-29T11:00:10Z");
        assertThat(Plan.of(schedule, Optional.of(CREATED), restart, GRACE, restart))
                .isEqualTo(new Plan.Fire(Instant.parse("2026-11-29T11:00:00.250Z"), Instant.parse("2026-11-29T11:00:00.250Z"), false));
        Schedule hourly = schedule("cron(0 * ? * * *)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE);
        assertThat(Plan.of(hourly, Optional.empty(), restart, GRACE, restart))
                .isEqualTo(new Plan.Fire(Instant.parse("2026-11-29T11:00:00Z"), Instant.parse("2026-11-29T11:00:00Z"), false));
        assertThat(Plan.of(hourly, Optional.empty(), Instant.parse("2026-11-29T11:01:10Z"), GRACE, Instant.parse("2026-11-29T11:01:10Z")))
                .isEqualTo(new Plan.Wait(Optional.of(Instant.parse("2026-11-29T12:00:00Z"))));
    }

    @Test
    void disabledSchedulesDoNotFire()
    {
        Schedule schedule = schedule("rate(1 minute)", Schedule.State.DISABLED, Optional.empty(), Schedule.ActionAfterCompletion.DELETE);
        assertThat(Plan.of(schedule, Optional.empty(), CREATED, GRACE, CREATED.plusSeconds(600))).isEqualTo(new Plan.Wait(Optional.empty()));
    }

    @Test
    void flexibleWindowFiresAtAFixedOffsetWithinIt()
    {
        Schedule schedule = schedule("cron(0 12 * * ? *)", Schedule.State.ENABLED, Optional.of(15), Schedule.ActionAfterCompletion.NONE);
        Instant occurrence = Instant.parse("2026-11-29T12:00:00Z");
        Duration offset = Plan.flexibleOffset(schedule, occurrence);
        assertThat(offset).isBetween(Duration.ZERO, Duration.ofMinutes(15).minusSeconds(1));
        assertThat(Plan.flexibleOffset(schedule, occurrence)).isEqualTo(offset);
        assertThat(Plan.of(schedule, Optional.empty(), CREATED, GRACE, occurrence.plus(offset).minusMillis(1)))
                .isEqualTo(new Plan.Wait(Optional.of(occurrence.plus(offset))));
        assertThat(Plan.of(schedule, Optional.empty(), CREATED, GRACE, occurrence.plus(offset))).isEqualTo(new Plan.Fire(occurrence, occurrence.plus(offset), false));
        assertThat(Plan.flexibleOffset(schedule("cron(0 12 * * ? *)", Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE), occurrence))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void endDateEndsTheScheduleAndDeletesIt()
    {
        Schedule schedule = new Schedule("default", "s", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s", "", "rate(1 minute)", "UTC",
                Optional.empty(), Optional.of(CREATED.plusSeconds(90).toEpochMilli()), Schedule.State.ENABLED, Optional.empty(),
                Schedule.ActionAfterCompletion.DELETE, TARGET, Optional.empty(), CREATED.toEpochMilli(), CREATED.toEpochMilli());
        assertThat(Plan.of(schedule, Optional.of(CREATED), CREATED, GRACE, CREATED.plusSeconds(60)))
                .isEqualTo(new Plan.Fire(CREATED.plusSeconds(60), CREATED.plusSeconds(60), true));
        assertThat(Plan.of(schedule, Optional.of(CREATED.plusSeconds(60)), CREATED, GRACE, CREATED.plusSeconds(61))).isEqualTo(new Plan.Delete());
    }

    @Test
    void contextAttributes()
    {
        Instant occurrence = Instant.parse("2026-11-29T12:00:00Z");
        String id = SchedulerContext.executionId("arn:s", occurrence);
        assertThat(SchedulerContext.executionId("arn:s", occurrence)).isEqualTo(id);
        assertThat(SchedulerContext.executionId("arn:s", occurrence.plusSeconds(60))).isNotEqualTo(id);
        assertThat(SchedulerContext.substitute("{\"a\":\"<aws.scheduler.schedule-arn>\",\"t\":\"<aws.scheduler.scheduled-time>\",\"id\":\"<aws.scheduler.execution-id>\","
                + "\"n\":<aws.scheduler.attempt-number>}", "arn:s", occurrence, id, 3))
                .isEqualTo("{\"a\":\"arn:s\",\"t\":\"2026-11-29T12:00:00Z\",\"id\":\"" + id + "\",\"n\":3}");
    }

    private static Schedule schedule(String expression, Schedule.State state, Optional<Integer> window, Schedule.ActionAfterCompletion action)
    {
        return new Schedule("default", "s", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s", "", expression, "UTC", Optional.empty(), Optional.empty(),
                state, window, action, TARGET, Optional.empty(), CREATED.toEpochMilli(), CREATED.toEpochMilli());
    }
}
