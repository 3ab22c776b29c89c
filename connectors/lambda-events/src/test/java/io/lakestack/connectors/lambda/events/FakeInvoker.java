package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A function the test scripts: it records every call, with the time, and answers as the script says. */
final class FakeInvoker
        implements Invoker
{
    /** One call. */
    record Call(String functionArn, JsonNode event, byte[] payload, Optional<String> requestId, long atMillis)
    {
    }

    @FunctionalInterface
    interface Script
    {
        /** @return the response payload, or null to fail the call with a function error */
        String answer(Call call, int callNumber)
                throws InvokeException;
    }

    private final Clock clock;
    private final List<Call> calls = new ArrayList<>();
    private Script script = (call, number) -> "null";
    private int requestIds;

    FakeInvoker(Clock clock)
    {
        this.clock = clock;
    }

    FakeInvoker answering(Script script)
    {
        this.script = script;
        return this;
    }

    synchronized List<Call> calls()
    {
        return List.copyOf(calls);
    }

    @Override
    public synchronized Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
            throws InvokeException
    {
        Call call = new Call(functionArn, Json.parse(payload).orElseThrow(), payload, requestId, clock.millis());
        calls.add(call);
        String answer = script.answer(call, calls.size());
        String id = requestId.orElse("request-" + (++requestIds));
        if (answer == null) {
            return new Invocation(id, 200, Optional.of("Unhandled"),
                    "{\"errorMessage\":\"boom\",\"errorType\":\"RuntimeException\"}".getBytes(StandardCharsets.UTF_8), "$LATEST");
        }
        return new Invocation(id, 200, Optional.empty(), answer.getBytes(StandardCharsets.UTF_8), "$LATEST");
    }
}
