package io.lakestack.connectors.scheduler;

import io.lakestack.spi.scheduler.ScheduleTarget;

import static java.util.Objects.requireNonNull;

/**
 * One fired occurrence to deliver: the outbox record the owner writes in the same Kafka transaction as the fact that
 * the occurrence fired, and the delivery worker reads. It carries the target as it was when the occurrence fired.
 */
record Invocation(String scheduleArn, String scheduleKey, long occurrenceMillis, String executionId, ScheduleTarget target, long firedMillis)
{
    Invocation
    {
        requireNonNull(scheduleArn, "scheduleArn is null");
        requireNonNull(scheduleKey, "scheduleKey is null");
        requireNonNull(executionId, "executionId is null");
        requireNonNull(target, "target is null");
    }
}
