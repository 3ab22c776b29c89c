package io.lakestack.cli;

import io.lakestack.connectors.demo.DemoPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
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
        PrintStream out = System.out;
        StackSession.run("demo", location, start, keepRunning, out, stack -> runDemo(out, new DemoPipeline.Environment(stack.endpoint(),
                stack.region(), stack.accessKey(), stack.secretKey(), stack.kafka(), stack.trinoJdbcUrl())));
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
