package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** A task invoker that answers each resource with a function of the request, and keeps every request. */
final class FakeTasks
        implements TaskInvoker
{
    private final Map<String, Function<TaskRequest, CompletableFuture<TaskOutcome>>> handlers = new HashMap<>();
    private final List<TaskRequest> requests = new ArrayList<>();

    FakeTasks on(String resource, Function<TaskRequest, TaskOutcome> handler)
    {
        handlers.put(resource, request -> CompletableFuture.completedFuture(handler.apply(request)));
        return this;
    }

    FakeTasks onFuture(String resource, Function<TaskRequest, CompletableFuture<TaskOutcome>> handler)
    {
        handlers.put(resource, handler);
        return this;
    }

    @Override
    public synchronized CompletableFuture<TaskOutcome> invoke(TaskRequest request)
    {
        requests.add(request);
        Function<TaskRequest, CompletableFuture<TaskOutcome>> handler = handlers.get(request.resource());
        if (handler == null) {
            throw new AssertionError("no fake task for " + request.resource());
        }
        return handler.apply(request);
    }

    synchronized List<TaskRequest> requests()
    {
        return List.copyOf(requests);
    }

    synchronized List<JsonNode> inputs()
    {
        return requests.stream().map(TaskRequest::input).toList();
    }
}
