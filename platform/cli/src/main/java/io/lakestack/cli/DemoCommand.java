package io.lakestack.cli;

import io.lakestack.connectors.demo.DemoPipeline;
import io.lakestack.connectors.pipelines.AwsTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Run the demo pipeline (JSON orders -> S3 events -> SQS -> partition registrar -> Glue Data Catalog -> Athena) "
        + "on the stack, starting the stack first when none runs, and print the query result; or on AWS with --profile aws.")
final class DemoCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Mixin
    PipelineTarget where;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket of the orders and of Athena's results (default: "
            + DemoPipeline.DEFAULT_BUCKET + "; on AWS, a name of your own: bucket names are global).")
    String bucket;

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        if (where.profile.equals("aws") && bucket == null) {
            throw new IllegalArgumentException("--profile aws needs --bucket: bucket names are global, and " + DemoPipeline.DEFAULT_BUCKET
                    + " is not yours on AWS");
        }
        String name = bucket == null ? DemoPipeline.DEFAULT_BUCKET : bucket;
        where.run("demo", location, start, out, target -> runDemo(out, target, name));
        return 0;
    }

    private static void runDemo(PrintStream out, AwsTarget target, String bucket)
            throws Exception
    {
        out.println("demo: orders as JSON lines in S3 -> S3 event notifications -> SQS queue -> partition registrar -> Glue Data Catalog -> Athena"
                + (target.lakestack() ? " (on lakestack: the queue is a Kafka topic, the catalog the Hive Metastore, Athena's engine Trino)"
                : " (on AWS, " + target.region() + ")"));
        long begin = System.nanoTime();
        DemoPipeline.Result result = new DemoPipeline(target, bucket, out).run(Duration.ofMinutes(2));
        out.println();
        out.print(result.format());
        out.printf(Locale.ROOT, "(%d rows, demo took %.1f s)%n", result.rows().size(), (System.nanoTime() - begin) / 1e9);
    }
}
