package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.RunState;
import io.lakestack.embedded.StackException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * For the commands that run something on a stack with Trino ({@code demo}, {@code run}): the stack already running on
 * the data directory, or one they start, stop afterwards, or leave running on request.
 */
final class StackSession
{
    /** Where the work reaches the stack. */
    record Stack(String endpoint, String region, String accessKey, String secretKey, String kafka, String trinoJdbcUrl)
    {
    }

    interface Work
    {
        void run(Stack stack)
                throws Exception;
    }

    private StackSession()
    {
    }

    static void run(String command, StackOptions location, StartOptions start, boolean keepRunning, PrintStream out, Work work)
            throws Exception
    {
        Lakestack.logTo(location.dataDirectory);
        if (start.noTrino) {
            throw new StackException(command, "the " + command + " queries with Trino; run it without --no-trino");
        }
        Optional<RunState> running = RunState.readIfRunning(location.layout());
        if (running.isPresent()) {
            RunState state = running.get();
            if (state.trinoJdbcUrl().isEmpty()) {
                throw new StackException(command, "the running stack has no Trino (started with --no-trino); stop it and run the " + command + " again");
            }
            out.println("lakestack: using the stack already running on " + location.layout().root() + " (pid " + state.pid() + ")");
            work.run(new Stack(state.endpoint(), "us-east-1", start.accessKey, start.secretKey, state.kafka(), state.trinoJdbcUrl().get()));
            return;
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
            work.run(new Stack(stack.endpointUrl(), stack.endpointConfig().region(), stack.endpointConfig().accessKey(),
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
    }
}
