package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractsTest
{
    @Test
    void historyEventDetailsAreNamedAsAwsNamesThem()
    {
        assertThat(event("PassStateEntered").detailsField()).isEqualTo("stateEnteredEventDetails");
        assertThat(event("MapStateExited").detailsField()).isEqualTo("stateExitedEventDetails");
        assertThat(event("TaskScheduled").detailsField()).isEqualTo("taskScheduledEventDetails");
        assertThat(event("ExecutionFailed").detailsField()).isEqualTo("executionFailedEventDetails");
        assertThat(event("MapIterationStarted").detailsField()).isEqualTo("mapIterationStartedEventDetails");
    }

    @Test
    void executionRequestNamesComeFromItsArns()
    {
        ExecutionRequest request = new ExecutionRequest("arn:aws:states:eu-central-1:000000000000:execution:daily:2026-11-30",
                "arn:aws:states:eu-central-1:000000000000:stateMachine:daily", "arn:aws:iam::000000000000:role/r", TextNode.valueOf(""), Instant.EPOCH);
        assertThat(request.name()).isEqualTo("2026-11-30");
        assertThat(request.stateMachineName()).isEqualTo("daily");
        assertThat(request.region()).isEqualTo("eu-central-1");
    }

    @Test
    void systemWaiterReturnsAtOnceForWhatIsAlreadyDue()
            throws Exception
    {
        // a clock fixed in the past: nothing here waits on the wall clock
        Waiter waiter = Waiter.system(Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));
        waiter.sleepUntil(Instant.parse("2026-11-30T09:00:00Z"));
        assertThat(waiter.await(CompletableFuture.completedFuture("done"), Optional.empty())).contains("done");
        assertThat(waiter.await(new CompletableFuture<String>(), Optional.of(Instant.parse("2026-11-30T09:59:59Z")))).isEmpty();
        assertThatThrownBy(() -> waiter.await(CompletableFuture.failedFuture(new IllegalStateException("boom")), Optional.empty()))
                .isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
    }

    private static HistoryEvent event(String type)
    {
        return new HistoryEvent(1, 0, type, Instant.EPOCH, Json.object());
    }
}
