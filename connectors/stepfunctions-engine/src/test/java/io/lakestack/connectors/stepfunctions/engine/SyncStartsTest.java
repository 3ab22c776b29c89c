package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStores;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SyncStartsTest
{
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:m:e";

    private static TaskRequest request(String token)
    {
        return new TaskRequest(EXECUTION, "Run", "arn:aws:states:::glue:startJobRun.sync", JsonNodeFactory.instance.objectNode().put("JobName", "j"), token,
                0, Optional.empty(), Optional.empty(), () -> {});
    }

    @Test
    void aTaskResumedAfterARestartFindsTheWorkItStartedInsteadOfStartingItAgain()
    {
        RecordStores stores = new MemoryRecordStores();
        AtomicInteger starts = new AtomicInteger();
        TaskOutcome first = new SyncStarts(stores, CLOCK).startOnce(request("t1"),
                () -> TaskOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("JobRunId", "jr_" + starts.incrementAndGet())));
        // a new instance over the same stores, as after a restart
        TaskOutcome resumed = new SyncStarts(stores, CLOCK).startOnce(request("t1"),
                () -> TaskOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("JobRunId", "jr_" + starts.incrementAndGet())));
        assertThat(first).isEqualTo(TaskOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("JobRunId", "jr_1")));
        assertThat(resumed).isEqualTo(first);
        assertThat(starts).hasValue(1);
        assertThat(stores.open(SyncStarts.STORE, SyncStarts.SyncStart.class).get("t1")).contains(new SyncStarts.SyncStart(EXECUTION,
                "arn:aws:states:::glue:startJobRun.sync", "{\"JobRunId\":\"jr_1\"}", CLOCK.millis()));
    }

    @Test
    void aStartThatFailedIsNotRecordedSoTheNextAttemptStartsAgain()
    {
        RecordStores stores = new MemoryRecordStores();
        SyncStarts syncStarts = new SyncStarts(stores, CLOCK);
        TaskOutcome failed = syncStarts.startOnce(request("t2"), () -> TaskOutcome.failed("Glue.EntityNotFoundException", "no job j"));
        TaskOutcome retried = syncStarts.startOnce(request("t2"), () -> TaskOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("JobRunId", "jr_2")));
        assertThat(failed).isEqualTo(TaskOutcome.failed("Glue.EntityNotFoundException", "no job j"));
        assertThat(retried).isEqualTo(TaskOutcome.succeeded(JsonNodeFactory.instance.objectNode().put("JobRunId", "jr_2")));
        assertThat(new SyncStarts(stores, CLOCK).startOnce(request("t3"), () -> TaskOutcome.failed("X", "")))
                .isEqualTo(TaskOutcome.failed("X", ""));
    }
}
