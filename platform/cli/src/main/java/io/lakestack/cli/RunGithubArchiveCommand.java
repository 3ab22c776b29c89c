package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.githubarchive.GithubArchivePipeline;
import io.lakestack.fixtures.github.GithubEventGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "github-archive", description = "GitHub archive to ORC: an hour of GitHub events, gzip'd JSON, uploaded under data/github/ "
        + "triggers a Python function that runs the Hive SQL script kept in S3 through Athena (a JSON table, then an ORC/ZLIB CTAS); "
        + "a second upload runs it again over both.")
final class RunGithubArchiveCommand
        implements Callable<Integer>
{
    static final Instant FIRST_HOUR = Instant.parse("2015-01-01T15:00:00Z");
    private static final DateTimeFormatter FILE_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd-H'.json.gz'").withZone(ZoneOffset.UTC);

    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Mixin
    PipelineTarget where;

    @Option(names = "--records", paramLabel = "N", description = "GitHub events per uploaded file (default: ${DEFAULT-VALUE}).")
    long records = 5_000;

    @Option(names = "--files", paramLabel = "N", description = "Files uploaded one after another, an hour of the archive each (default: ${DEFAULT-VALUE}).")
    int files = 2;

    @Option(names = "--seed", paramLabel = "N", description = "The generator's seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket the pipeline uses (default: ${DEFAULT-VALUE}).")
    String bucket = "lakestack-github-archive";

    @Option(names = "--role-arn", paramLabel = "ARN", description = "The function's execution role: on AWS one that may run Athena queries, use the "
            + "Glue catalog and read and write the bucket (default on lakestack: ${DEFAULT-VALUE}).")
    String roleArn = "arn:aws:iam::000000000000:role/github-archive-etl";

    @Option(names = "--python-runtime", paramLabel = "RUNTIME", description = "The function's runtime (default: on lakestack the version of python3 "
            + "on this machine, on AWS python3.12).")
    String runtime;

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        if (files < 1 || records < 1) {
            throw new IllegalArgumentException("--files and --records must be at least 1");
        }
        where.run("github-archive pipeline", location, start, roleArn, "the function's execution role in your account", out,
                target -> run(target, PipelineTarget.pythonRuntime(runtime, target), out));
        return 0;
    }

    /** Deploys the pipeline on the target, uploads the files one after another, waits for each ETL and prints the answers. */
    PipelineTiming run(AwsTarget target, String functionRuntime, PrintStream out)
            throws Exception
    {
        out.println("github-archive: gzip'd GitHub events -> S3 -> S3 event -> Python function -> Hive SQL through Athena -> ORC (ZLIB), "
                + (target.lakestack() ? "on lakestack at " + target.endpoint().get() : "on AWS in " + target.region()));
        GithubArchivePipeline pipeline = new GithubArchivePipeline(target, GithubArchivePipeline.Settings.defaults(bucket, functionRuntime, roleArn), out);
        pipeline.deploy(Duration.ofMinutes(5));
        PipelineTiming timing = PipelineTiming.start("github-archive");
        for (int file = 0; file < files; file++) {
            byte[] gzip = file(seed, file, records);
            timing.stage("file " + (file + 1) + ": generate and gzip");
            pipeline.upload(FILE_NAME.format(FIRST_HOUR.plus(Duration.ofHours(file))), gzip);
            if (file == files - 1) {
                timing.inputDone("file " + (file + 1) + ": upload", files * records);
            }
            else {
                timing.stage("file " + (file + 1) + ": upload");
            }
            pipeline.awaitRows((file + 1) * records, Duration.ofMinutes(15));
            timing.stage("file " + (file + 1) + ": function and Hive SQL through Athena");
            out.printf(Locale.ROOT, "github-archive: %,d rows in github_orc after file %d%n", (file + 1) * records, file + 1);
        }
        out.printf(Locale.ROOT, "github-archive: %,d events in %d files through the pipeline in %.1f s (%,.0f events/s, file generation included; %s)%n",
                files * records, files, timing.seconds(), timing.recordsPerSecond(), timing.stages());
        for (PipelineQuery query : pipeline.queries()) {
            PipelineAnswers.print(out, query, pipeline.answer(query));
        }
        return timing;
    }

    /** The gzip'd JSON lines of one hour of the archive: file {@code file} (from 0) of {@code records} events. */
    static byte[] file(long seed, int file, long records)
            throws java.io.IOException
    {
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        GithubEventGenerator.writeGzip(new GithubEventGenerator(seed).events(FIRST_HOUR.plus(Duration.ofHours(file)), file * records + 1, records), gzip);
        return gzip.toByteArray();
    }
}
