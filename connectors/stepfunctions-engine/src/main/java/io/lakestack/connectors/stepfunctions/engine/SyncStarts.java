package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What each {@code .sync} task started (the start call's answer: the query's, job run's or child execution's id), by
 * task token, in the record store {@value #STORE}: an execution that resumes after a restart or on another instance
 * finds the work its task had started and waits for it, instead of starting it again.
 */
final class SyncStarts
{
    static final String STORE = "stepfunctions.sync-starts";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param started the start call's answer, as JSON text */
    public record SyncStart(String executionArn, String resource, String started, long atMillis)
    {
        public SyncStart
        {
            requireNonNull(executionArn, "executionArn is null");
            requireNonNull(resource, "resource is null");
            requireNonNull(started, "started is null");
        }
    }

    private final RecordStore<SyncStart> starts;
    private final Clock clock;

    SyncStarts(RecordStores stores, Clock clock)
    {
        this.starts = requireNonNull(stores, "stores is null").open(STORE, SyncStart.class);
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The answer of the task's start: the one recorded when this task had started the work already, else
     * {@code start}'s, recorded (when it succeeded) before it is returned.
     */
    TaskOutcome startOnce(TaskRequest request, Supplier<TaskOutcome> start)
    {
        SyncStart recorded = starts.getLatest(request.taskToken()).orElse(null);
        if (recorded != null) {
            try {
                return TaskOutcome.succeeded(JSON.readTree(recorded.started()));
            }
            catch (JsonProcessingException e) {
                throw new IllegalStateException("the start of task " + request.taskToken() + " recorded in " + STORE + " is not JSON", e);
            }
        }
        TaskOutcome started = start.get();
        if (started instanceof TaskOutcome.Succeeded succeeded) {
            starts.put(request.taskToken(), new SyncStart(request.executionArn(), request.resource(), succeeded.output().toString(), clock.millis()));
        }
        return started;
    }
}
