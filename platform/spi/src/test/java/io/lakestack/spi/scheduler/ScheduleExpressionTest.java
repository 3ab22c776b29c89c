package io.lakestack.spi.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleExpressionTest
{
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void atIsOneTimeInItsZone()
    {
        ScheduleExpression at = ScheduleExpression.parse("at(2026-07-01T09:30:00)");
        assertThat(at.kind()).isEqualTo(ScheduleExpression.Kind.AT);
        assertThat(at.next(Instant.parse("2026-06-30T00:00:00Z"), NEW_YORK, ANCHOR)).contains(Instant.parse("2026-07-01T13:30:00Z"));
        assertThat(at.next(Instant.parse("2026-06-30T00:00:00Z"), UTC, ANCHOR)).contains(Instant.parse("2026-07-01T09:30:00Z"));
        assertThat(at.next(Instant.parse("2026-07-01T13:30:00Z"), NEW_YORK, ANCHOR)).isEmpty();
    }

    @Test
    void atInADaylightSavingGapNeverOccurs()
    {
        assertThat(ScheduleExpression.parse("at(2026-03-08T02:30:00)").next(ANCHOR, NEW_YORK, ANCHOR)).isEmpty();
    }

    @Test
    void rateCountsFromItsAnchor()
    {
        ScheduleExpression rate = ScheduleExpression.parse("rate(5 minutes)");
        assertThat(rate.next(ANCHOR.minusSeconds(1), UTC, ANCHOR)).contains(ANCHOR);
        assertThat(rate.next(ANCHOR, UTC, ANCHOR)).contains(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(rate.next(Instant.parse("2026-01-01T00:07:13Z"), NEW_YORK, ANCHOR)).contains(Instant.parse("2026-01-01T00:10:00Z"));
        assertThat(ScheduleExpression.parse("rate(1 hour)").next(ANCHOR, UTC, ANCHOR)).contains(Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(ScheduleExpression.parse("rate(2 days)").next(ANCHOR, UTC, ANCHOR)).contains(Instant.parse("2026-01-03T00:00:00Z"));
        assertThat(ScheduleExpression.parse("rate(1 minute)").rate()).contains(java.time.Duration.ofMinutes(1));
    }

    @Test
    void cronInUtc()
    {
        assertThat(occurrences("cron(0/15 10 ? * MON-FRI *)", "2026-11-27T10:20:00Z", UTC, 4))
                .containsExactly("2026-11-27T10:30:00Z", "2026-11-27T10:45:00Z", "2026-11-30T10:00:00Z", "2026-11-30T10:15:00Z");
        assertThat(occurrences("cron(0 12 1 JAN,JUL ? 2027-2028)", "2026-11-27T00:00:00Z", UTC, 5))
                .containsExactly("2027-01-01T12:00:00Z", "2027-07-01T12:00:00Z", "2028-01-01T12:00:00Z", "2028-07-01T12:00:00Z");
    }

    @Test
    void lastDayOfMonthNearestWeekdayAndNthWeekday()
    {
        assertThat(occurrences("cron(0 8 L * ? *)", "2026-01-15T00:00:00Z", UTC, 3))
                .containsExactly("2026-01-31T08:00:00Z", "2026-02-28T08:00:00Z", "2026-03-31T08:00:00Z");
        // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-03-15 is a Sunday too
        assertThat(occurrences("cron(0 8 15W * ? *)", "2026-01-20T00:00:00Z", UTC, 2))
                .containsExactly("2026-02-16T08:00:00Z", "2026-03-16T08:00:00Z");
        // the third Wednesday (day 4)
        assertThat(occurrences("cron(0 9 ? * 4#3 *)", "2026-01-01T00:00:00Z", UTC, 2))
                .containsExactly("2026-01-21T09:00:00Z", "2026-02-18T09:00:00Z");
        // the last Friday
        assertThat(occurrences("cron(0 9 ? * 6L *)", "2026-01-01T00:00:00Z", UTC, 2))
                .containsExactly("2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z");
    }

    @Test
    void cronAcrossDaylightSavingTime()
    {
        // 2026-03-08 02:30 does not exist in New York: skipped
        assertThat(occurrences("cron(30 2 * * ? *)", "2026-03-06T12:00:00Z", NEW_YORK, 3))
                .containsExactly("2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
        // 2026-11-01 01:30 happens twice in New York: once, at the first
        assertThat(occurrences("cron(30 1 * * ? *)", "2026-10-31T12:00:00Z", NEW_YORK, 3))
                .containsExactly("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z");
        // asked from within the repeated hour, after its first 01:30
        assertThat(occurrences("cron(30 1 * * ? *)", "2026-11-01T06:10:00Z", NEW_YORK, 1)).containsExactly("2026-11-02T06:30:00Z");
        // 9:00 local stays 9:00 across the change
        assertThat(occurrences("cron(0 9 * * ? *)", "2026-03-07T00:00:00Z", NEW_YORK, 2)).containsExactly("2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z");
    }

    @Test
    void invalidExpressions()
    {
        assertInvalid("rate(1 minutes)", "Invalid Schedule Expression rate(1 minutes). The value 1 takes the singular unit minute.");
        assertInvalid("rate(5 minute)", "Invalid Schedule Expression rate(5 minute). A value other than 1 takes the plural unit minutes.");
        assertInvalid("rate(0 minutes)", "Invalid Schedule Expression rate(0 minutes). The value must be a positive whole number.");
        assertInvalid("rate(3 weeks)", "Invalid Schedule Expression rate(3 weeks). The unit is minute(s), hour(s) or day(s), not weeks.");
        assertInvalid("cron(0 12 * * *)", "Invalid Schedule Expression cron(0 12 * * *). A cron expression has six fields: minutes hours day-of-month month day-of-week year.");
        assertInvalid("cron(0 12 * * MON *)", "Invalid Schedule Expression cron(0 12 * * MON *). One of day-of-month and day-of-week must be ?.");
        assertInvalid("at(2026-02-30T10:00:00)", "Invalid Schedule Expression at(2026-02-30T10:00:00). 2026-02-30T10:00:00 is not a date and time.");
        assertInvalid("every 5 minutes", "Invalid Schedule Expression every 5 minutes. An expression is at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(minutes hours day-of-month month day-of-week year).");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(61 12 ? * * *)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid Schedule Expression cron(61 12 ? * * *). ");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 12 ? * 4#6 *)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid Schedule Expression cron(0 12 ? * 4#6 *). ");
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 12 ? * ? *)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid Schedule Expression cron(0 12 ? * ? *). ");
    }

    @Test
    void timezones()
    {
        assertThat(ScheduleExpression.zone("Europe/Paris")).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(ScheduleExpression.zone("UTC")).isEqualTo(ZoneId.of("UTC"));
        assertThatThrownBy(() -> ScheduleExpression.zone("Mars/Olympus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid ScheduleExpressionTimezone Mars/Olympus: not an IANA time zone name (such as UTC or Europe/Paris)");
        assertThatThrownBy(() -> ScheduleExpression.zone("+02:00")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertInvalid(String expression, String message)
    {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static List<String> occurrences(String expression, String after, ZoneId zone, int count)
    {
        ScheduleExpression parsed = ScheduleExpression.parse(expression);
        List<String> times = new ArrayList<>();
        Instant from = Instant.parse(after);
        for (int i = 0; i < count; i++) {
            Optional<Instant> next = parsed.next(from, zone, ANCHOR);
            if (next.isEmpty()) {
                break;
            }
            times.add(next.get().toString());
            from = next.get();
        }
        return times;
    }
}
