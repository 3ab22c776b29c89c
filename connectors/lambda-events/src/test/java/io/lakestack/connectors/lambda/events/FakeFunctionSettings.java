package io.lakestack.connectors.lambda.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Function configurations the test sets, keyed by {@code <function>[:<qualifier>]}; every lookup is recorded. */
final class FakeFunctionSettings
        implements FunctionSettings
{
    final Map<String, EventInvokeConfig> configs = new HashMap<>();
    final Map<String, String> deadLetterTargets = new HashMap<>();
    final List<String> lookups = new ArrayList<>();

    private static String key(String function, Optional<String> qualifier)
    {
        return function + qualifier.map(value -> ":" + value).orElse("");
    }

    @Override
    public synchronized EventInvokeConfig eventInvokeConfig(String functionName, Optional<String> qualifier)
    {
        lookups.add(key(functionName, qualifier));
        return configs.getOrDefault(key(functionName, qualifier), EventInvokeConfig.DEFAULT);
    }

    @Override
    public synchronized Optional<String> deadLetterTarget(String functionName, Optional<String> qualifier)
    {
        return Optional.ofNullable(deadLetterTargets.get(key(functionName, qualifier)));
    }

    @Override
    public String executionRole(String functionArn)
    {
        return "arn:aws:iam::123456789012:role/process-role";
    }
}
