package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.StreamFeed;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.fixtures.contactcenter.ContactTraceRecordGenerator;
import io.lakestack.fixtures.github.GithubEventGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The reference pipelines end to end, each on a fresh stack of its own (as {@code lakestack up} in a process of its
 * own), in runs of: the baseline, a raw Kafka producer writing the pipeline's input records durably to the stack's
 * broker; then the pipeline as {@code lakestack run} deploys and feeds it, through the AWS APIs, until its answer is
 * queryable. Each run prints the pipeline's records per second from the first put to the answer, as a ratio of the
 * baseline's, the time from the last record to the answer and the slowest stage. The pipelines check their own output
 * (every record delivered, no error object), so a run that lost a record fails.
 */
@Command(name = "pipelines", description = "Measure the reference pipelines end to end (first put to answer) against a raw Kafka producer "
        + "writing the same records, on a fresh stack per run.")
final class PipelinesBenchmark
        implements Benchmark
{
    private static final List<String> PIPELINES = List.of("agent-events", "github-archive", "contact-center", "clickstream");

    @Option(names = "--pipeline", paramLabel = "NAME", split = ",", description = "The pipelines to measure (default: all: ${DEFAULT-VALUE}).")
    List<String> pipelines = PIPELINES;

    /**
     * Input records per run of each pipeline when {@code --records} does not say: contact-center's flatten function
     * writes one object per record, about 150 a second on two cores, so a million would take hours a run.
     */
    private static final Map<String, Long> DEFAULT_RECORDS = Map.of("agent-events", 1_000_000L, "github-archive", 1_000_000L, "contact-center", 2_000L,
            "clickstream", 1_000_000L);

    @Option(names = "--records", paramLabel = "N", description = "Input records per run (default: 1,000,000, and 2,000 for contact-center, whose "
            + "function writes one object per record); github-archive takes them in two files of half each.")
    Long records;

    @Option(names = "--runs", paramLabel = "N", description = "Runs per pipeline (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--buffer-seconds", paramLabel = "S", description = "The Firehose buffer interval of agent-events and contact-center "
            + "(default: ${DEFAULT-VALUE}, theirs).")
    int bufferSeconds = 60;

    /** One run: the baseline and the pipeline. */
    private record Run(String pipeline, int number, double baseline, PipelineTiming timing)
    {
        double ratio()
        {
            return timing.recordsPerSecond() / baseline;
        }
    }

    @Override
    public List<Figure> measure()
            throws Exception
    {
        for (String pipeline : pipelines) {
            if (!PIPELINES.contains(pipeline)) {
                throw new IllegalArgumentException("--pipeline names one of " + PIPELINES + ", not " + pipeline);
            }
        }
        System.out.printf(Locale.ROOT, "lakestack pipelines benchmark: %d cores, %d runs of %s%n", Runtime.getRuntime().availableProcessors(), runs,
                pipelines.stream().map(pipeline -> String.format(Locale.ROOT, "%s (%,d records a run)", pipeline, records(pipeline)))
                        .collect(Collectors.joining(", ")));
        List<Run> done = new ArrayList<>();
        for (String pipeline : pipelines) {
            for (int run = 1; run <= runs; run++) {
                done.add(run(pipeline, run));
                Run last = done.get(done.size() - 1);
                System.out.printf(Locale.ROOT, "  %s run %d: %,.0f records/s end to end, %.2f of the baseline's %,.0f; %.1f s from the last record to the "
                        + "answer; slowest: %s%n", pipeline, run, last.timing().recordsPerSecond(), last.ratio(), last.baseline(),
                        last.timing().secondsAfterInput(), last.timing().slowestStage());
            }
        }
        System.out.println();
        System.out.printf("| pipeline | run | records | end to end (records/s) | baseline: raw Kafka producer (records/s) | ratio | last record to answer (s) "
                + "| slowest stage |%n|---|---|---|---|---|---|---|---|%n");
        for (Run run : done) {
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,.0f | %,.0f | %.3f | %.1f | %s |%n", run.pipeline(), run.number(), run.timing().records(),
                    run.timing().recordsPerSecond(), run.baseline(), run.ratio(), run.timing().secondsAfterInput(), run.timing().slowestStage());
        }
        return done.stream().map(run -> Figure.of("pipelines", String.format(Locale.ROOT, "%s run %d, %,d records end to end", run.pipeline(), run.number(),
                run.timing().records()), run.timing().recordsPerSecond(), "records/s").against(run.baseline())).toList();
    }

    private Run run(String pipeline, int number)
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-" + pipeline);
        System.out.printf("%s run %d (data dir %s):%n", pipeline, number, data);
        try (BenchStack stack = BenchStack.start(data, Optional.empty(), List.of());
                PrintStream log = new PrintStream(Files.newOutputStream(data.resolve("pipeline.out")), true, StandardCharsets.UTF_8)) {
            System.out.printf("  baseline: %,d input records with a raw Kafka producer...%n", records(pipeline));
            double baseline = RawKafkaProducer.recordsPerSecond(stack.kafkaBootstrapServers(), "bench-baseline", input(pipeline));
            System.out.printf("  the pipeline, through the endpoint (its output in %s)...%n", data.resolve("pipeline.out"));
            AwsTarget target = AwsTarget.lakestack(URI.create(stack.endpoint()), "us-east-1", "test", "test");
            return new Run(pipeline, number, baseline, pipeline(pipeline, target, log));
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    /** The input records of each run of the pipeline: {@code --records}, else its default. */
    private long records(String pipeline)
    {
        return records != null ? records : DEFAULT_RECORDS.get(pipeline);
    }

    /** The pipeline's input records, as the bytes it puts. */
    private Iterator<byte[]> input(String pipeline)
    {
        long records = records(pipeline);
        return switch (pipeline) {
            case "agent-events" -> RunAgentEventsCommand.input(records, 1).map(StreamFeed.StreamRecord::data).iterator();
            case "github-archive" -> {
                long half = records / 2;
                GithubEventGenerator generator = new GithubEventGenerator(1);
                yield Stream.concat(generator.events(RunGithubArchiveCommand.FIRST_HOUR, 1, half),
                                generator.events(RunGithubArchiveCommand.FIRST_HOUR.plusSeconds(3600), half + 1, records - half))
                        .map(event -> event.json().getBytes(StandardCharsets.UTF_8)).iterator();
            }
            case "contact-center" -> new ContactTraceRecordGenerator(1).records(records).map(record -> record.json().getBytes(StandardCharsets.UTF_8)).iterator();
            case "clickstream" -> RunClickstreamCommand.input(records, 1, sent -> { });
            default -> throw new IllegalArgumentException(pipeline);
        };
    }

    private PipelineTiming pipeline(String pipeline, AwsTarget target, PrintStream out)
            throws Exception
    {
        long records = records(pipeline);
        return switch (pipeline) {
            case "agent-events" -> {
                RunAgentEventsCommand command = new RunAgentEventsCommand();
                command.records = records;
                command.bufferSeconds = bufferSeconds;
                yield command.run(target, out);
            }
            case "github-archive" -> {
                RunGithubArchiveCommand command = new RunGithubArchiveCommand();
                command.files = 2;
                command.records = records / 2;
                yield command.run(target, PipelineTarget.pythonRuntime(null, target), out);
            }
            case "contact-center" -> {
                RunContactCenterCommand command = new RunContactCenterCommand();
                command.records = records;
                command.bufferSeconds = bufferSeconds;
                yield command.run(target, PipelineTarget.pythonRuntime(null, target), out);
            }
            case "clickstream" -> {
                RunClickstreamCommand command = new RunClickstreamCommand();
                command.records = records;
                yield command.run(target, out);
            }
            default -> throw new IllegalArgumentException(pipeline);
        };
    }
}
