package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Cold start and warm invocation times of the runner on this machine, for a person at a terminal:
 * {@code java -cp <test classpath> io.lakestack.connectors.lambda.LambdaRunnerBenchmark [rounds]}.
 *
 * <p>A cold start is an invocation that finds no warm environment (the function is retired before each one), measured
 * from {@code invoke} to its answer: process start, runtime init, the handler, the answer. The deployment package is
 * already unpacked in the cache (the first, unmeasured invocation did that). A warm invocation reuses the environment.
 * Medians, with the minimum and maximum.
 */
public final class LambdaRunnerBenchmark
{
    private LambdaRunnerBenchmark()
    {
    }

    public static void main(String[] args)
    {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        InMemoryObjectStore objects = new InMemoryObjectStore();
        try (ProcessFunctionRunner runner = new ProcessFunctionRunner(ProcessFunctionRunnerConfig.defaults(), objects, new InMemoryLogStore())) {
            byte[] java = DeploymentPackages.javaHandlers();
            byte[] python = DeploymentPackages.python("orders");
            String large = "{\"text\":\"" + "x".repeat(200 * 1024) + "\"}";
            measure(runner, rounds, DeploymentPackages.function(objects, "bench-java", "java17",
                    "io.lakestack.connectors.lambda.handlers.UppercaseStreamHandler", java, 512, 30, Map.of()), "{\"order\":17}");
            measure(runner, rounds, DeploymentPackages.function(objects, "bench-java-kinesis", "java17",
                    "io.lakestack.connectors.lambda.handlers.KinesisRecordsHandler::handleRequest", java, 512, 30, Map.of()), KINESIS_EVENT);
            measure(runner, rounds, DeploymentPackages.function(objects, "bench-java-200k", "java17",
                    "io.lakestack.connectors.lambda.handlers.UppercaseStreamHandler", java, 512, 30, Map.of()), large);
            String pythonRuntime = "python3.11";
            measure(runner, rounds, DeploymentPackages.function(objects, "bench-python", pythonRuntime, "app.pid_or_sleep", python, 128, 30, Map.of()), "{}");
            measure(runner, rounds, DeploymentPackages.function(objects, "bench-python-200k", pythonRuntime, "app.echo", python, 128, 30, Map.of()), large);
        }
    }

    private static void measure(ProcessFunctionRunner runner, int rounds, FunctionVersion function, String payload)
    {
        invoke(runner, function, payload);
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            runner.retire(function.name());
            cold.add(invoke(runner, function, payload));
            for (int i = 0; i < 5; i++) {
                warm.add(invoke(runner, function, payload));
            }
        }
        System.out.printf(Locale.ROOT, "%-20s %-10s cold %s   warm %s   (%d cold, %d warm, payload %d bytes)%n", function.name(), function.runtime(),
                summary(cold), summary(warm), cold.size(), warm.size(), payload.length());
    }

    private static double invoke(ProcessFunctionRunner runner, FunctionVersion function, String payload)
    {
        long start = System.nanoTime();
        FunctionRunner.Result result = runner.invoke(function, new FunctionRunner.Request(UUID.randomUUID().toString(), function.arn(),
                payload.getBytes(StandardCharsets.UTF_8), Optional.empty(), false, 10));
        double millis = (System.nanoTime() - start) / 1e6;
        if (result.functionError().isPresent()) {
            throw new IllegalStateException(function.name() + " failed: " + new String(result.payload(), StandardCharsets.UTF_8));
        }
        return millis;
    }

    private static String summary(List<Double> millis)
    {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "median %7.1f ms (min %7.1f, max %7.1f)", sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static final String KINESIS_EVENT = """
            {"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"order-1","sequenceNumber":"49590338271490256608559692538361571095921575989136588898",
             "data":"aGVsbG8=","approximateArrivalTimestamp":1545084650.987},"eventSource":"aws:kinesis","eventVersion":"1.0",
             "eventID":"shardId-000000000000:49590338271490256608559692538361571095921575989136588898","eventName":"aws:kinesis:record",
             "invokeIdentityArn":"arn:aws:iam::000000000000:role/lambda-role","awsRegion":"eu-west-1",
             "eventSourceARN":"arn:aws:kinesis:eu-west-1:000000000000:stream/orders"}]}
            """;
}
