package io.lakestack.connectors.scheduler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * EventBridge Scheduler's context attributes, which a target's {@code Input} may contain and which are replaced at
 * each attempt: {@code <aws.scheduler.schedule-arn>}, {@code <aws.scheduler.scheduled-time>} (the occurrence, ISO-8601
 * in UTC to the second), {@code <aws.scheduler.execution-id>} and {@code <aws.scheduler.attempt-number>} (1 for the
 * first attempt).
 */
final class SchedulerContext
{
    private SchedulerContext() {}

    /** The id of one occurrence of one schedule: the same on every attempt and every instance. */
    static String executionId(String scheduleArn, Instant occurrence)
    {
        return UUID.nameUUIDFromBytes((scheduleArn + "@" + occurrence.toEpochMilli()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String scheduledTime(Instant occurrence)
    {
        return occurrence.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String substitute(String input, String scheduleArn, Instant occurrence, String executionId, int attempt)
    {
        return input.replace("<aws.scheduler.schedule-arn>", scheduleArn)
                .replace("<aws.scheduler.scheduled-time>", scheduledTime(occurrence))
                .replace("<aws.scheduler.execution-id>", executionId)
                .replace("<aws.scheduler.attempt-number>", Integer.toString(attempt));
    }
}
