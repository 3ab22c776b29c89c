package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.HistoryEvent;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableHistoryTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:m:e";
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final RecordStore<HistoryPage> store = new MemoryRecordStores().open(StepFunctions.HISTORY_STORE, HistoryPage.class);
    private final List<Long> logged = new ArrayList<>();
    private final DurableHistory history = new DurableHistory(store, ARN, record -> logged.add(record.id()));

    @Test
    void internalEventsAreStoredInOnePageWithTheNextEventThatHasAnEffect()
    {
        history.append(event(1, "ExecutionStarted", "{\"input\":\"{}\"}"));
        history.append(event(2, "PassStateEntered", "{\"name\":\"P\"}"));
        history.append(event(3, "PassStateExited", "{\"name\":\"P\"}"));
        history.append(event(4, "TaskStateEntered", "{\"name\":\"T\"}"));
        // nothing has left the execution yet
        assertThat(store.all()).isEmpty();
        assertThat(logged).isEmpty();

        history.append(event(5, "TaskScheduled", "{\"resource\":\"r\"}"));
        assertThat(store.all().keySet()).containsExactly(StepFunctions.historyKey(ARN, 1));
        assertThat(store.get(StepFunctions.historyKey(ARN, 1)).orElseThrow().events().stream().map(HistoryRecord::type).toList())
                .containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled");
        assertThat(logged).containsExactly(1L, 2L, 3L, 4L, 5L);

        history.append(event(6, "TaskSucceeded", "{\"output\":\"{}\"}"));
        assertThat(store.all().keySet()).containsExactly(StepFunctions.historyKey(ARN, 1), StepFunctions.historyKey(ARN, 6));
        assertThat(DurableHistory.events(store, ARN).stream().map(HistoryRecord::id).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(history.lastTimestampMillis()).hasValue(START.plusMillis(6).toEpochMilli());
    }

    @Test
    void aPageIsSentBeforeItsDetailsPassTheLimit()
    {
        String half = "{\"input\":\"" + "x".repeat(DurableHistory.PAGE_BYTES / 2) + "\"}";
        history.append(event(1, "ExecutionStarted", half));
        history.append(event(2, "PassStateEntered", half));
        // the second event would take the page past the limit: the first is sent alone
        assertThat(store.all().keySet()).containsExactly(StepFunctions.historyKey(ARN, 1));
        assertThat(store.get(StepFunctions.historyKey(ARN, 1)).orElseThrow().events()).hasSize(1);
        assertThat(logged).isEmpty();

        history.append(event(3, "ExecutionSucceeded", "{\"output\":\"{}\"}"));
        assertThat(store.all().keySet()).containsExactly(StepFunctions.historyKey(ARN, 1), StepFunctions.historyKey(ARN, 2));
        assertThat(DurableHistory.events(store, ARN).stream().map(HistoryRecord::type).toList())
                .containsExactly("ExecutionStarted", "PassStateEntered", "ExecutionSucceeded");
        assertThat(logged).containsExactly(1L, 2L, 3L);
    }

    @Test
    void theLastEventOfAStopFollowsTheEventsNotSentYetInTheSamePage()
    {
        history.append(event(1, "ExecutionStarted", "{\"input\":\"{}\"}"));
        history.append(event(2, "WaitStateEntered", "{\"name\":\"W\"}"));
        history.append(event(3, "WaitStateExited", "{\"name\":\"W\"}"));
        history.append(event(4, "PassStateEntered", "{\"name\":\"P\"}"));
        history.close();
        assertThatThrownBy(() -> history.append(event(5, "PassStateExited", "{\"name\":\"P\"}")))
                .isInstanceOf(CancellationException.class)
                .hasMessage("execution " + ARN + " was stopped before event 5 (PassStateExited)");

        HistoryRecord last = history.appendLast("ExecutionAborted", JSON.createObjectNode().put("error", "Halt"), START.plusSeconds(9));
        assertThat(last).isEqualTo(new HistoryRecord(5, 4, "ExecutionAborted", START.plusSeconds(9).toEpochMilli(), "{\"error\":\"Halt\"}"));
        assertThat(store.all().keySet()).containsExactly(StepFunctions.historyKey(ARN, 1), StepFunctions.historyKey(ARN, 3));
        assertThat(DurableHistory.events(store, ARN).stream().map(event -> event.id() + " " + event.previousEventId() + " " + event.type()).toList())
                .containsExactly("1 0 ExecutionStarted", "2 1 WaitStateEntered", "3 2 WaitStateExited", "4 3 PassStateEntered", "5 4 ExecutionAborted");
        assertThat(logged).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    private static HistoryEvent event(long id, String type, String details)
    {
        try {
            return new HistoryEvent(id, id - 1, type, START.plusMillis(id), (ObjectNode) JSON.readTree(details));
        }
        catch (Exception e) {
            throw new IllegalArgumentException(details, e);
        }
    }
}
