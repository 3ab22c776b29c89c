package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.concurrent.Executor;

/** Runs a definition to its end on fake time, writing its history to a recording sink; the tests' JSON. */
final class TestRuns
{
    static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1";
    static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:orders";
    static final String ROLE = "arn:aws:iam::000000000000:role/orders";

    private TestRuns() {}

    static ExecutionResult run(FakeTime time, HistorySink history, String definition, String input, TaskInvoker tasks, RandomSource random,
            Executor executor)
    {
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder()
                .taskInvoker(tasks)
                .clock(time)
                .waiter(time)
                .random(random)
                .historySink(history)
                .executor(executor)
                .build();
        return interpreter.execute(StateMachineDefinition.parse(definition), new ExecutionRequest(EXECUTION, MACHINE, ROLE, json(input), START));
    }

    static JsonNode json(String text)
    {
        try {
            return Json.parse(text);
        }
        catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
