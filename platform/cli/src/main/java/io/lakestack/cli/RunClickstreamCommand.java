package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamPipeline;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamServingLayer;
import io.lakestack.fixtures.clickstream.ClickEvent;
import io.lakestack.fixtures.clickstream.ClickEventGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

@Command(name = "clickstream", description = "Clickstream lambda architecture: clicks on a Kafka topic of the MSK cluster (lakestack's own Kafka), a "
        + "Kafka Streams speed layer (revenue and clicks per product and zipcode in 1 s windows), Firehose delivering the topic to a Parquet "
        + "master dataset in S3, a batch layer recomputing the view through Athena in a loop, and a serving layer answering the two merged over HTTP.")
final class RunClickstreamCommand
        implements Callable<Integer>
{
    private static final int SHOWN_KEYS = 5;

    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Mixin
    PipelineTarget where;

    @Option(names = "--records", paramLabel = "N", description = "How many clicks to generate and send (default: ${DEFAULT-VALUE}).")
    long records = 20_000;

    @Option(names = "--seed", paramLabel = "N", description = "The generator's seed: the same seed and count give the same clicks (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--buffer-seconds", paramLabel = "S", description = "The delivery stream's buffer interval, 0 to 900 (default: ${DEFAULT-VALUE}); "
            + "its buffer size is 64 MB.")
    int bufferSeconds = 5;

    @Option(names = "--batch-interval-seconds", paramLabel = "S", description = "How long the batch layer waits after a run before the next "
            + "(default: ${DEFAULT-VALUE}).")
    double batchIntervalSeconds = 5;

    @Option(names = "--serve-port", paramLabel = "P", description = "The serving layer's port on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int servePort;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket of the master dataset and the batch views (default: ${DEFAULT-VALUE}).")
    String bucket = "lakestack-clickstream";

    @Option(names = "--msk-cluster-arn", paramLabel = "ARN", description = "The MSK cluster (on AWS; on lakestack its one cluster, 'lakestack', is "
            + "looked up by name).")
    String mskClusterArn;

    @Option(names = "--role-arn", paramLabel = "ARN", description = "The role Firehose assumes: on AWS one that reads the cluster's topic and the Glue "
            + "table and writes the bucket (default on lakestack: ${DEFAULT-VALUE}).")
    String roleArn = "arn:aws:iam::000000000000:role/firehose-clickstream";

    /** Whether the layers keep running and serving after the answer, until the process stops (--keep-running). */
    boolean keepServing;

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        if (where.profile.equals("aws") && mskClusterArn == null) {
            throw new IllegalArgumentException("--profile aws needs --msk-cluster-arn: the MSK cluster the clicks go to");
        }
        keepServing = where.keepRunning;
        where.run("clickstream pipeline", location, start, roleArn, "a role Firehose can assume in your account that reads the cluster's topic", out,
                target -> run(target, out));
        return 0;
    }

    /**
     * Deploys the pipeline on the target, starts its layers, sends the clicks, waits until both layers hold every one
     * and the batch view is that of the last click's second, and prints the merged answer; then stops the layers,
     * unless they keep serving.
     */
    PipelineTiming run(AwsTarget target, PrintStream out)
            throws Exception
    {
        out.println("clickstream: clicks -> Kafka (MSK) -> speed layer (Kafka Streams) | Firehose -> Parquet master dataset in S3 -> batch layer (Athena) "
                + "| serving layer (HTTP), " + (target.lakestack() ? "on lakestack at " + target.endpoint().get() : "on AWS in " + target.region()));
        ClickstreamPipeline.Settings settings = ClickstreamPipeline.Settings.defaults(bucket, bufferSeconds, Duration.ofMillis(Math.round(batchIntervalSeconds * 1000)),
                servePort, roleArn, Optional.ofNullable(mskClusterArn));
        Path state = Files.createTempDirectory("lakestack-clickstream-");
        ClickstreamPipeline pipeline = new ClickstreamPipeline(target, settings, out);
        Thread hook = new Thread(pipeline::close, "clickstream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            pipeline.deploy(Duration.ofMinutes(5));
            URI url = pipeline.start(state, Duration.ofMinutes(2));

            out.printf(Locale.ROOT, "clickstream: sending %,d clicks (seed %d) from %s%n", records, seed, ClickEventGenerator.START);
            PipelineTiming timing = PipelineTiming.start("clickstream");
            AtomicReference<Instant> lastClick = new AtomicReference<>();
            long sent = pipeline.feed(input(records, seed, lastClick::set));
            timing.inputDone("send (Kafka producer, acks=all)", sent);
            if (sent > 0) {
                pipeline.awaitComplete(sent, lastClick.get(), Duration.ofSeconds(bufferSeconds + 600L + sent / 200));
            }
            timing.stage("both layers (speed layer windows, master dataset, batch view of the last second)");
            out.printf(Locale.ROOT, "clickstream: every click in both layers %.1f s after the last was sent; %,.0f clicks/s from the first sent to the answer (%s)%n",
                    timing.secondsAfterInput(), timing.recordsPerSecond(), timing.stages());

            print(out, pipeline.answer(Optional.empty(), OptionalLong.empty()));
            out.println();
            out.println("clickstream: the serving layer answers at " + url.resolve("totals") + ", e.g. curl '" + url.resolve("totals?product=product2&zipcode=95126")
                    + "'");
            if (keepServing) {
                out.println("clickstream: the three layers keep running; Ctrl-C stops them");
                Thread.currentThread().join();
            }
            return timing;
        }
        finally {
            if (!keepServing) {
                Runtime.getRuntime().removeShutdownHook(hook);
                pipeline.close();
            }
            delete(state);
        }
    }

    /** The generated clicks as the bytes a producer sends, each click's time given to {@code sent} as it goes. */
    static Iterator<byte[]> input(long records, long seed, Consumer<Instant> sent)
    {
        Iterator<ClickEvent> clicks = new ClickEventGenerator(seed).events(records).iterator();
        return new Iterator<>()
        {
            @Override
            public boolean hasNext()
            {
                return clicks.hasNext();
            }

            @Override
            public byte[] next()
            {
                ClickEvent click = clicks.next();
                sent.accept(click.timestamp());
                return click.json().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** The analyst's answer: revenue and clicks per product, the best first, and the keys of the most revenue. */
    private static void print(PrintStream out, ClickstreamServingLayer.Answer answer)
    {
        out.println();
        out.printf(Locale.ROOT, "-- Revenue and clicks per product, merged by the serving layer: %,d clicks from the batch view%s, %,d from the speed layer%n",
                answer.batchCount(), answer.highWaterMark().isPresent() ? " (up to " + Instant.ofEpochMilli(answer.highWaterMark().getAsLong()) + ")" : "",
                answer.speedCount());
        Map<String, long[]> perProduct = new TreeMap<>();
        for (ClickstreamServingLayer.Row row : answer.rows()) {
            long[] sums = perProduct.computeIfAbsent(row.key().product(), ignored -> new long[4]);
            sums[0] += row.totals().revenue();
            sums[1] += row.totals().count();
            sums[2] += row.batch().count();
            sums[3] += row.speed().count();
        }
        List<List<String>> products = perProduct.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> entry) -> -entry.getValue()[0]).thenComparing(Map.Entry::getKey))
                .map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue()[0]), Long.toString(entry.getValue()[1]), Long.toString(entry.getValue()[2]),
                        Long.toString(entry.getValue()[3])))
                .toList();
        out.print(new AthenaSql.Rows(List.of("product", "revenue", "clicks", "batch clicks", "speed clicks"), products).format());

        out.println();
        out.println("-- The " + SHOWN_KEYS + " products and zipcodes of the most revenue");
        List<List<String>> top = answer.rows().stream()
                .sorted(Comparator.comparingLong((ClickstreamServingLayer.Row row) -> -row.totals().revenue()).thenComparing(ClickstreamServingLayer.Row::key))
                .limit(SHOWN_KEYS)
                .map(row -> List.of(row.key().product(), Integer.toString(row.key().zipcode()), Long.toString(row.totals().revenue()),
                        Long.toString(row.totals().count())))
                .toList();
        out.print(new AthenaSql.Rows(List.of("product", "zipcode", "revenue", "clicks"), top).format());
        out.printf(Locale.ROOT, "%n-- %,d records went to the dead-letter topic%n", answer.deadLetters());
    }

    private static void delete(Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        catch (IOException | UncheckedIOException e) {
            System.err.println("clickstream: could not delete the speed layer's state under " + directory + ": " + e.getMessage());
        }
    }
}
