package io.lakestack.cli;

import io.lakestack.connectors.demo.DemoPipeline;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.RunState;
import io.lakestack.embedded.StackException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Run the demo pipeline (JSON orders -> S3 events -> Kafka Streams -> Hive Metastore -> Trino) "
        + "on the stack, starting the stack first when none runs, and print the query result.")
final class DemoCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Option(names = "--keep-running", description = "Leave the stack running after the demo (when the demo started it).")
    boolean keepRunning;

    @Override
    public Integer call()
            throws Exception
    {
        Lakestack.logTo(location.dataDirectory);
        PrintStream out = System.out;
        if (start.noTrino) {
            throw new StackException("demo", "the demo queries with Trino; run it without --no-trino");
        }
        Optional<RunState> running = RunState.readIfRunning(location.layout());
        if (running.isPresent()) {
            RunState state = running.get();
            if (state.trinoJdbcUrl().isEmpty()) {
                throw new StackException("demo", "the running stack has no Trino (started with --no-trino); stop it and run the demo again");
            }
            out.println("lakestack: using the stack already running on " + location.layout().root() + " (pid " + state.pid() + ")");
            runDemo(out, new DemoPipeline.Environment(state.endpoint(), "us-east-1", start.accessKey, start.secretKey, state.kafka(),
                    state.trinoJdbcUrl().get()));
            return 0;
        }

        out.println("lakestack: starting the embedded stack on " + location.layout().root());
        long begin = System.nanoTime();
        start.wipeIfFresh(location);
        EmbeddedStack stack = start.build(location, new TerminalListener(out));
        Thread hook = new Thread(stack::close, "lakestack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start();
            stack.awaitTrino(Duration.ofMinutes(4));
            out.printf(Locale.ROOT, "lakestack: ready in %.1f s%n", (System.nanoTime() - begin) / 1e9);
            runDemo(out, new DemoPipeline.Environment(stack.endpointUrl(), stack.endpointConfig().region(), stack.endpointConfig().accessKey(),
                    stack.endpointConfig().secretKey(), stack.kafkaBootstrapServers(), stack.trinoJdbcUrl()));
            if (keepRunning) {
                Summary.print(out, stack, true);
                out.println("lakestack: running; Ctrl-C or './lakestack down' stops it");
                Thread.currentThread().join();
            }
        }
        finally {
            if (!keepRunning) {
                Runtime.getRuntime().removeShutdownHook(hook);
                stack.close();
                out.println("lakestack: stopped (data kept in " + location.layout().root() + "; './lakestack up' starts it again)");
            }
        }
        return 0;
    }

    private static void runDemo(PrintStream out, DemoPipeline.Environment environment)
            throws Exception
    {
        out.println("demo: orders as JSON lines in S3 -> S3 event notifications -> Kafka -> Kafka Streams partition registrar -> "
                + "Hive Metastore -> Trino");
        long begin = System.nanoTime();
        DemoPipeline.Result result = new DemoPipeline(environment, out).run(Duration.ofMinutes(2));
        out.println();
        out.print(result.format());
        out.printf(Locale.ROOT, "(%d rows, demo took %.1f s)%n", result.rows().size(), (System.nanoTime() - begin) / 1e9);
    }
}
