package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stepfunctions.StateTest;
import io.lakestack.spi.stepfunctions.StateTestResult;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StateTestsTest
{
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:TestState:t-1";

    private final List<TaskRequest> invoked = new ArrayList<>();
    private final StateTests tests = new StateTests(request -> {
        invoked.add(request);
        return CompletableFuture.completedFuture(TaskOutcome.succeeded(request.input()));
    }, arn -> false, new ManualClock(Instant.parse("2026-11-30T10:00:00Z")));

    @Test
    void aTaskRunsThroughTheInvoker()
    {
        StateTestResult result = tests.test(test("{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"Parameters\":{\"QueueUrl\":\"q\","
                + "\"MessageBody.$\":\"$.m\"},\"ResultPath\":\"$.sent\",\"End\":true}", Optional.empty()));

        assertThat(result).isEqualTo(new StateTestResult("SUCCEEDED", Optional.of("{\"m\":\"hi\",\"sent\":{\"QueueUrl\":\"q\",\"MessageBody\":\"hi\"}}"),
                Optional.empty(), Optional.empty(), Optional.empty(), "{\"input\":\"{\\\"m\\\":\\\"hi\\\"}\",\"afterInputPath\":\"{\\\"m\\\":\\\"hi\\\"}\","
                + "\"afterParameters\":\"{\\\"QueueUrl\\\":\\\"q\\\",\\\"MessageBody\\\":\\\"hi\\\"}\",\"result\":\"{\\\"QueueUrl\\\":\\\"q\\\",\\\"MessageBody\\\":\\\"hi\\\"}\","
                + "\"afterResultSelector\":\"{\\\"QueueUrl\\\":\\\"q\\\",\\\"MessageBody\\\":\\\"hi\\\"}\","
                + "\"afterResultPath\":\"{\\\"m\\\":\\\"hi\\\",\\\"sent\\\":{\\\"QueueUrl\\\":\\\"q\\\",\\\"MessageBody\\\":\\\"hi\\\"}}\"}"));
        assertThat(invoked).hasSize(1);
        assertThat(invoked.get(0).executionArn()).isEqualTo(ARN);
    }

    @Test
    void anUnsupportedResourceIsAnInvalidDefinitionUnlessMocked()
    {
        String state = "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::ecs:runTask\",\"End\":true}";
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> tests.test(test(state, Optional.empty())));
        assertThat(refused.errorCode()).isEqualTo("InvalidDefinition");
        assertThat(refused.getMessage()).startsWith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource "
                + "'arn:aws:states:::ecs:runTask' is not supported by lakestack yet");

        StateTestResult mocked = tests.test(test(state, Optional.of(new StateTest.Mock(Optional.of("{\"tasks\":[]}"), "", "", "NONE"))));
        assertThat(mocked.output()).contains("{\"tasks\":[]}");
        assertThat(invoked).isEmpty();
    }

    @Test
    void aMockedIntegrationResultIsNotCheckedAgainstTheApiModel()
    {
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> tests.test(test(
                "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\",\"End\":true}",
                Optional.of(new StateTest.Mock(Optional.of("{}"), "", "", "STRICT")))));

        assertThat(refused.errorCode()).isEqualTo("ValidationException");
        assertThat(refused.getMessage()).isEqualTo("lakestack does not check mocked results against the API models of service integrations "
                + "(fieldValidationMode STRICT, STRICT by default): mock the result of 'arn:aws:states:::sqs:sendMessage' with fieldValidationMode NONE");
    }

    @Test
    void aStateThatCannotBeTestedAsAskedIsAValidationException()
    {
        ServiceException refused = catchThrowableOfType(ServiceException.class, () -> tests.test(new StateTest(
                "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}", Optional.of("B"), ARN, "", "{}", "{}", Optional.empty(),
                Optional.empty(), Optional.empty())));

        assertThat(refused.errorCode()).isEqualTo("ValidationException");
        assertThat(refused.getMessage()).isEqualTo("The definition has no top-level state named 'B' (its states: A)");
    }

    private static StateTest test(String definition, Optional<StateTest.Mock> mock)
    {
        return new StateTest(definition, Optional.empty(), ARN, "", "{\"m\":\"hi\"}", "{}", mock, Optional.empty(), Optional.empty());
    }
}
