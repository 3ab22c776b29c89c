package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.githubarchive.GithubArchivePipeline;
import io.lakestack.fixtures.github.GithubEventGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
    private static final Instant FIRST_HOUR = Instant.parse("2015-01-01T15:00:00Z");
    private static final DateTimeFormatter FILE_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd-H'.json.gz'").withZone(ZoneOffset.UTC);

    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Option(names = "--records", paramLabel = "N", description = "GitHub events per uploaded file (default: ${DEFAULT-VALUE}).")
    long records = 5_000;

    @Option(names = "--files", paramLabel = "N", description = "Files uploaded one after another, an hour of the archive each (default: ${DEFAULT-VALUE}).")
    int files = 2;

    @Option(names = "--seed", paramLabel = "N", description = "The generator's seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket the pipeline uses (default: ${DEFAULT-VALUE}).")
    String bucket = "lakestack-github-archive";

    @Option(names = "--profile", paramLabel = "local|aws", description = "local: lakestack's endpoint (default); aws: AWS itself, with the default "
            + "credential chain, in --region, with --bucket and --role-arn.")
    String profile = "local";

    @Option(names = "--region", paramLabel = "REGION", description = "The region (default: $AWS_REGION, else us-east-1).")
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");

    @Option(names = "--role-arn", paramLabel = "ARN", description = "The function's execution role: on AWS one that may run Athena queries, use the "
            + "Glue catalog and read and write the bucket (default on lakestack: ${DEFAULT-VALUE}).")
    String roleArn = "arn:aws:iam::000000000000:role/github-archive-etl";

    @Option(names = "--runtime", paramLabel = "pythonX.Y", description = "The function's runtime (default: on lakestack the version of python3 "
            + "on this machine, on AWS python3.12).")
    String runtime;

    @Option(names = "--keep-running", description = "Leave the stack running afterwards (when this command started it).")
    boolean keepRunning;

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        if (files < 1 || records < 1) {
            throw new IllegalArgumentException("--files and --records must be at least 1");
        }
        switch (profile) {
            case "local" -> StackSession.run("github-archive pipeline", location, start, keepRunning, out,
                    stack -> run(AwsTarget.lakestack(URI.create(stack.endpoint()), stack.region(), stack.accessKey(), stack.secretKey()),
                            runtime != null ? runtime : localPython(), out));
            case "aws" -> {
                if (roleArn.contains(":000000000000:")) {
                    throw new IllegalArgumentException("--profile aws needs --role-arn: the function's execution role in your account");
                }
                run(AwsTarget.aws(region), runtime != null ? runtime : "python3.12", out);
            }
            default -> throw new IllegalArgumentException("--profile is local or aws, not " + profile);
        }
        return 0;
    }

    private void run(AwsTarget target, String functionRuntime, PrintStream out)
            throws Exception
    {
        out.println("github-archive: gzip'd GitHub events -> S3 -> S3 event -> Python function -> Hive SQL through Athena -> ORC (ZLIB), "
                + (target.lakestack() ? "on lakestack at " + target.endpoint().get() : "on AWS in " + target.region()));
        GithubArchivePipeline pipeline = new GithubArchivePipeline(target, GithubArchivePipeline.Settings.defaults(bucket, functionRuntime, roleArn), out);
        pipeline.deploy(Duration.ofMinutes(5));
        GithubEventGenerator generator = new GithubEventGenerator(seed);
        long begin = System.nanoTime();
        for (int file = 0; file < files; file++) {
            Instant hour = FIRST_HOUR.plus(Duration.ofHours(file));
            ByteArrayOutputStream gzip = new ByteArrayOutputStream();
            GithubEventGenerator.writeGzip(generator.events(hour, file * records + 1, records), gzip);
            long uploaded = System.nanoTime();
            pipeline.upload(FILE_NAME.format(hour), gzip.toByteArray());
            pipeline.awaitRows((file + 1) * records, Duration.ofMinutes(15));
            out.printf(Locale.ROOT, "github-archive: %,d rows in github_orc %.1f s after the upload%n", (file + 1) * records, (System.nanoTime() - uploaded) / 1e9);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        out.printf(Locale.ROOT, "github-archive: %,d events in %d files through the pipeline in %.1f s (%,.0f events/s, file generation included)%n",
                files * records, files, seconds, files * records / seconds);
        for (PipelineQuery query : pipeline.queries()) {
            PipelineAnswers.print(out, query, pipeline.answer(query));
        }
    }

    /** The Lambda runtime of python3 on this machine, which lakestack's Python functions run on. */
    static String localPython()
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("python3", "-c", "import sys; print('python%d.%d' % sys.version_info[:2])").redirectErrorStream(true).start();
        String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || !version.matches("python3\\.\\d+")) {
            throw new IllegalStateException("python3 on the PATH did not say its version (" + version + "); install python3 or pass --runtime");
        }
        return version;
    }
}
