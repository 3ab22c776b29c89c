package io.lakestack.spi.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTest
{
    private static final long CREATED = Instant.parse("2026-05-01T10:00:20Z").toEpochMilli();
    private static final ScheduleTarget TARGET = new ScheduleTarget("arn:aws:sqs:us-east-1:000000000000:q", "arn:aws:iam::000000000000:role/r",
            Optional.empty(), 60, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    @Test
    void startAndEndDatesBoundRecurringSchedules()
    {
        Schedule schedule = schedule("cron(0 * ? * * *)", Optional.of(Instant.parse("2026-05-02T00:00:00Z")), Optional.of(Instant.parse("2026-05-02T02:00:00Z")));
        assertThat(schedule.next(Instant.ofEpochMilli(CREATED))).contains(Instant.parse("2026-05-02T00:00:00Z"));
        assertThat(schedule.next(Instant.parse("2026-05-02T00:00:00Z"))).contains(Instant.parse("2026-05-02T01:00:00Z"));
        assertThat(schedule.next(Instant.parse("2026-05-02T01:00:00Z"))).contains(Instant.parse("2026-05-02T02:00:00Z"));
        assertThat(schedule.next(Instant.parse("2026-05-02T02:00:00Z"))).isEmpty();
    }

    @Test
    void rateCountsFromStartDateElseCreation()
    {
        assertThat(schedule("rate(10 minutes)", Optional.empty(), Optional.empty()).next(Instant.ofEpochMilli(CREATED).minusMillis(1)))
                .contains(Instant.ofEpochMilli(CREATED));
        assertThat(schedule("rate(10 minutes)", Optional.empty(), Optional.empty()).next(Instant.ofEpochMilli(CREATED)))
                .contains(Instant.parse("2026-05-01T10:10:20Z"));
        assertThat(schedule("rate(10 minutes)", Optional.of(Instant.parse("2026-05-03T00:00:00Z")), Optional.empty()).next(Instant.ofEpochMilli(CREATED)))
                .contains(Instant.parse("2026-05-03T00:00:00Z"));
    }

    @Test
    void oneTimeSchedulesIgnoreTheirDates()
    {
        Schedule schedule = schedule("at(2026-06-01T00:00:00)", Optional.of(Instant.parse("2026-07-01T00:00:00Z")), Optional.of(Instant.parse("2026-05-02T00:00:00Z")));
        assertThat(schedule.next(Instant.ofEpochMilli(CREATED))).contains(Instant.parse("2026-06-01T00:00:00Z"));
    }

    private static Schedule schedule(String expression, Optional<Instant> start, Optional<Instant> end)
    {
        return new Schedule("default", "s", "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s", "", expression, "UTC", start.map(Instant::toEpochMilli),
                end.map(Instant::toEpochMilli), Schedule.State.ENABLED, Optional.empty(), Schedule.ActionAfterCompletion.NONE, TARGET, Optional.empty(), CREATED,
                CREATED);
    }
}
