package io.lakestack.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.lakestack.backends.kafka.KafkaKinesisStreams;
import io.lakestack.cli.bench.handlers.Noop;
import io.lakestack.cli.bench.handlers.NoopHandler;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Lambda on the embedded stack of this machine, in one run (without Trino, which Lambda does not use).
 *
 * <p>Throughput: records put into a Kinesis stream with {@code PutRecords} are read by an event source mapping
 * ({@code TRIM_HORIZON}) into a Java function that does nothing, timed from {@code CreateEventSourceMapping} until the
 * mapping's consumer group has committed every record (the pollers commit a position only after the function returned
 * for the records before it); the baseline is a plain Kafka consumer (no group: assign, seek to the beginning) reading
 * the stream's topic to its end, with the pollers' fetch settings. Both run twice, a baseline read and then a new
 * mapping each time: the first of the run (the JVMs compiling their paths, the function's environments starting) and a
 * second, warm one, which the target is set on.
 *
 * <p>Latency: for a Java and a Python function that do nothing, a cold start is the first {@code Invoke} after
 * {@code UpdateFunctionConfiguration} changed an environment variable (which retires the function's environments), a
 * warm one any later {@code Invoke}, both through the endpoint with the SDK as an application calls; the baselines
 * are a process of the same JDK running an empty main, and {@code python3 -c pass}, started and waited for.
 */
@Command(name = "lambda", description = "Measure a Kinesis event source mapping into a no-op Java function against a plain Kafka consumer, and cold and warm Invoke "
        + "latency against a plain process start.")
final class LambdaBenchmark
        implements Benchmark
{
    private static final int RECORD_BYTES = 100;
    private static final double TARGET_RATIO = 0.5;
    private static final String ROLE = "arn:aws:iam::000000000000:role/lakestack-bench";
    private static final String JAVA_RUNTIME = "java17";
    private static final String PYTHON_NOOP = """
            def handler(event, context):
                return None
            """;

    @Option(names = "--records", description = "Records in the stream the mapping reads (default: ${DEFAULT-VALUE}).")
    int records = 1_000_000;

    @Option(names = "--shards", description = "Shards of the stream (default: ${DEFAULT-VALUE}).")
    int shards = 4;

    @Option(names = "--batch-size", description = "The mapping's BatchSize (default: ${DEFAULT-VALUE}).")
    int batchSize = 10_000;

    @Option(names = "--parallelization-factor", description = "The mapping's ParallelizationFactor (default: ${DEFAULT-VALUE}).")
    int parallelizationFactor = 1;

    @Option(names = "--rounds", description = "Cold starts per runtime, each followed by the warm invocations (default: ${DEFAULT-VALUE}).")
    int rounds = 20;

    @Option(names = "--warm", description = "Warm invocations after each cold start (default: ${DEFAULT-VALUE}).")
    int warm = 10;

    @Option(names = "--threads", description = "Client threads calling PutRecords (default: ${DEFAULT-VALUE}).")
    int threads = 4;

    @Option(names = "--skip-throughput", description = "Measure the invocation latency only.")
    boolean skipThroughput;

    @Option(names = "--skip-latency", description = "Measure the mapping's throughput only.")
    boolean skipLatency;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-lambda");
        Lakestack.logTo(data);
        System.out.printf(Locale.ROOT, "lakestack Lambda benchmark: %d cores, load average %.1f, %,d records of %d bytes in %d shards, %d latency rounds, data dir %s%n",
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), records, RECORD_BYTES, shards,
                rounds, data);
        try (EmbeddedStack stack = EmbeddedStack.builder().dataDirectory(data).ports(StackPorts.free()).withTrino(false).build().start()) {
            URI endpoint = URI.create(stack.endpointUrl());
            try (KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads * 2)).build();
                    LambdaClient lambda = LambdaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                            .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(2))).build();
                    CloudWatchLogsClient logs = CloudWatchLogsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                            .credentialsProvider(AthenaBenchmark.credentials()).httpClientBuilder(ApacheHttpClient.builder()).build();
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
                byte[] javaPackage = javaPackage();
                List<Figure> figures = new ArrayList<>();
                double[] throughput = null;
                if (!skipThroughput) {
                    throughput = throughput(kinesis, lambda, logs, admin, stack.kafkaBootstrapServers(), javaPackage);
                }
                Latency java = null;
                Latency python = null;
                if (!skipLatency) {
                    Path noop = data.resolve("noop-classes");
                    String entry = Noop.class.getName().replace('.', '/') + ".class";
                    Files.createDirectories(noop.resolve(entry).getParent());
                    Files.write(noop.resolve(entry), classFile(Noop.class));
                    Path jdk = jdk(17);
                    java = latency(lambda, "bench-latency-java", JAVA_RUNTIME, NoopHandler.class.getName(), 512, javaPackage,
                            List.of(jdk.resolve("bin").resolve("java").toString(), "-cp", noop.toString(), Noop.class.getName()));
                    Python interpreter = python();
                    python = latency(lambda, "bench-latency-python", interpreter.runtime(), "index.handler", 128,
                            zip(Map.of("index.py", PYTHON_NOOP.getBytes(StandardCharsets.UTF_8))), List.of(interpreter.executable(), "-c", "pass"));
                }

                System.out.println();
                System.out.printf(Locale.ROOT, "load average at the end %.1f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                if (throughput != null) {
                    System.out.printf(Locale.ROOT, "plain Kafka consumer, first read (baseline)         %,10.0f records/s%n", throughput[0]);
                    System.out.printf(Locale.ROOT, "Kinesis mapping -> Java no-op, first mapping        %,10.0f records/s  (%.2f of the baseline)%n", throughput[1],
                            throughput[1] / throughput[0]);
                    System.out.printf(Locale.ROOT, "plain Kafka consumer, second read (baseline)        %,10.0f records/s%n", throughput[2]);
                    System.out.printf(Locale.ROOT, "Kinesis mapping -> Java no-op, second mapping       %,10.0f records/s  (%.2f of the baseline; target >= %.2f)%n",
                            throughput[3], throughput[3] / throughput[2], TARGET_RATIO);
                    figures.add(Figure.of("lambda", "plain Kafka consumer, first read", throughput[0], "records/s"));
                    figures.add(Figure.of("lambda", "Kinesis mapping -> Java no-op, first mapping of the run, all committed", throughput[1], "records/s")
                            .against(throughput[0]));
                    figures.add(Figure.of("lambda", "plain Kafka consumer, second read", throughput[2], "records/s"));
                    figures.add(Figure.of("lambda", "Kinesis mapping -> Java no-op, second mapping (warm), all committed", throughput[3], "records/s")
                            .against(throughput[2]).target(Figure.Target.ratioAtLeast(TARGET_RATIO)));
                }
                if (java != null) {
                    java.print("Java (" + JAVA_RUNTIME + ")", "java -cp <dir> Noop");
                    python.print("Python (" + python.runtime() + ")", "python3 -c pass");
                    figures.addAll(java.figures("Java (" + JAVA_RUNTIME + ")"));
                    figures.addAll(python.figures("Python (" + python.runtime() + ")"));
                }
                return figures;
            }
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    // throughput

    /**
     * Records per second of the baseline and of the mapping, twice: the first read and mapping of the run, while the JIT
     * compilers of both JVMs are still compiling their paths, then again, warm (the function's environments too).
     */
    private double[] throughput(KinesisClient kinesis, LambdaClient lambda, CloudWatchLogsClient logs, Admin admin, String bootstrap, byte[] javaPackage)
            throws Exception
    {
        String stream = "bench-esm";
        kinesis.createStream(request -> request.streamName(stream).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(request -> request.streamName(stream));
        String streamArn = kinesis.describeStreamSummary(request -> request.streamName(stream)).streamDescriptionSummary().streamARN();
        put(kinesis, stream);
        String topic = KafkaKinesisStreams.topic(stream);
        Map<TopicPartition, Long> ends = endOffsets(admin, topic);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        if (total != records) {
            throw new IllegalStateException("the topic " + topic + " holds " + total + " records, not " + records);
        }

        lambda.createFunction(request -> request.functionName("bench-esm-java").runtime(JAVA_RUNTIME).handler(NoopHandler.class.getName()).role(ROLE)
                .memorySize(512).timeout(60).code(code -> code.zipFile(SdkBytes.fromByteArray(javaPackage))));
        lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName("bench-esm-java"));
        double[] rates = new double[4];
        for (int round = 0; round < 2; round++) {
            String which = round == 0 ? "first" : "second";
            System.out.printf("  baseline, %s read: a plain Kafka consumer reads %s to its end...%n", which, topic);
            rates[2 * round] = plainConsumer(bootstrap, ends);
            System.out.printf("  mapping, %s of the run: %s (%d shards) -> bench-esm-java (%s, a handler that does nothing), BatchSize %,d, ParallelizationFactor %d, "
                    + "TRIM_HORIZON...%n", which, stream, shards, JAVA_RUNTIME, batchSize, parallelizationFactor);
            rates[2 * round + 1] = records / mapping(lambda, logs, admin, streamArn, ends);
        }
        lambda.deleteFunction(request -> request.functionName("bench-esm-java"));
        return rates;
    }

    /** Seconds from {@code CreateEventSourceMapping} until the mapping's group has committed every record of the stream. */
    private double mapping(LambdaClient lambda, CloudWatchLogsClient logs, Admin admin, String streamArn, Map<TopicPartition, Long> ends)
            throws Exception
    {
        int invocationsBefore = invocations(logs, "/aws/lambda/bench-esm-java");
        CpuSnapshot before = CpuSnapshot.take();
        long start = System.nanoTime();
        String uuid = lambda.createEventSourceMapping(request -> request.functionName("bench-esm-java").eventSourceArn(streamArn)
                .startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(batchSize).parallelizationFactor(parallelizationFactor)).uuid();
        String group = "lakestack.lambda.esm." + uuid;
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        double firstCommit = -1;
        long committed = 0;
        while (committed < records) {
            Thread.sleep(20);
            committed = committed(admin, group).values().stream().mapToLong(Long::longValue).sum();
            long now = System.nanoTime();
            if (firstCommit < 0 && committed > 0) {
                firstCommit = (now - start) / 1e9;
            }
            if (now > nextReport) {
                System.out.printf(Locale.ROOT, "    %5.1f s: %,d committed%n", (now - start) / 1e9, committed);
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            if (now > deadline) {
                throw new IllegalStateException("only " + committed + " of " + records + " records committed after 30 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuSnapshot after = CpuSnapshot.take();
        Map<TopicPartition, Long> positions = committed(admin, group);
        if (!positions.equals(ends)) {
            throw new IllegalStateException("the mapping committed " + positions + ", the stream ends at " + ends);
        }
        System.out.printf(Locale.ROOT, "  all %,d records committed in %.1f s (first commit after %.1f s), every shard at its end offset%n", records, seconds,
                firstCommit);
        after.printSince(before, seconds);
        lambda.deleteEventSourceMapping(request -> request.uuid(uuid));
        int invocations = invocations(logs, "/aws/lambda/bench-esm-java") - invocationsBefore;
        System.out.printf(Locale.ROOT, "  %,d invocations (REPORT lines in /aws/lambda/bench-esm-java), %,.0f records each on average%n", invocations,
                (double) records / invocations);
        return seconds;
    }

    /** The function's invocations, counted by their REPORT lines once the log shipper has caught up (the count holds still for a second). */
    private static int invocations(CloudWatchLogsClient logs, String group)
            throws InterruptedException
    {
        int previous = -1;
        for (int attempt = 0; attempt < 30; attempt++) {
            int count;
            try {
                count = logs.filterLogEventsPaginator(request -> request.logGroupName(group).filterPattern("REPORT")).events().stream()
                        .mapToInt(event -> event.message().startsWith("REPORT ") ? 1 : 0).sum();
            }
            catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException e) {
                // no environment has started yet
                count = 0;
            }
            if (count == previous) {
                return count;
            }
            previous = count;
            Thread.sleep(1000);
        }
        return previous;
    }

    /** Records of about 100 bytes, 500 to a PutRecords call, from several client threads. */
    private void put(KinesisClient kinesis, String stream)
            throws Exception
    {
        System.out.printf("  PutRecords: %,d records from %d threads...%n", records, threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> putters = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            putters.add(pool.submit(() -> {
                while (true) {
                    int from = next.getAndAdd(500);
                    if (from >= records) {
                        return null;
                    }
                    List<PutRecordsRequestEntry> batch = new ArrayList<>(500);
                    for (int id = from; id < Math.min(records, from + 500); id++) {
                        batch.add(PutRecordsRequestEntry.builder().partitionKey("key-" + id).data(SdkBytes.fromByteArrayUnsafe(record(id))).build());
                    }
                    PutRecordsResponse response = kinesis.putRecords(request -> request.streamName(stream).records(batch));
                    if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                        throw new IllegalStateException(response.failedRecordCount() + " records failed PutRecords");
                    }
                }
            }));
        }
        try {
            for (Future<?> putter : putters) {
                putter.get();
            }
        }
        finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  put in %.1f s (%,.0f records/s)%n", seconds, records / seconds);
    }

    /** A 100-byte JSON record, as text. */
    static byte[] record(int id)
    {
        String head = "{\"id\":" + id + ",\"sensor\":\"sensor-" + (id % 1000) + "\",\"pad\":\"";
        String text = head + "x".repeat(Math.max(0, RECORD_BYTES - head.length() - 2)) + "\"}";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Records per second of a consumer without a group reading every partition from its beginning to the given end offsets. */
    private double plainConsumer(String bootstrap, Map<TopicPartition, Long> ends)
    {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the event source pollers' fetch settings
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(10_000, Math.max(500, batchSize)));
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        long start = System.nanoTime();
        long read = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            while (!atEnd(consumer, ends)) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                read += batch.count();
                for (var record : batch) {
                    bytes += record.value().length;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (read != records || bytes != (long) records * RECORD_BYTES) {
            throw new IllegalStateException("the plain consumer read " + read + " records of " + bytes + " bytes, not " + records);
        }
        System.out.printf(Locale.ROOT, "  read %,d records in %.2f s%n", read, seconds);
        return records / seconds;
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends)
    {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws Exception
    {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws Exception
    {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (entry.getValue() != null) {
                offsets.put(entry.getKey(), entry.getValue().offset());
            }
        }
        return offsets;
    }

    // latency

    private record Latency(String runtime, List<Double> cold, List<Double> warm, List<Double> baseline)
    {
        void print(String label, String baselineLabel)
        {
            double base = percentile(baseline, 0.5);
            System.out.printf(Locale.ROOT, "%-18s %-22s p50 %7.1f ms%n", label, baselineLabel + " (baseline)", base);
            System.out.printf(Locale.ROOT, "%-18s %-22s p50 %7.1f ms, p99 %7.1f ms  (p50 %.2fx the baseline; %d)%n", "", "cold start Invoke", percentile(cold, 0.5),
                    percentile(cold, 0.99), percentile(cold, 0.5) / base, cold.size());
            System.out.printf(Locale.ROOT, "%-18s %-22s p50 %7.1f ms, p99 %7.1f ms  (p50 %.3fx the baseline; %d)%n", "", "warm Invoke", percentile(warm, 0.5),
                    percentile(warm, 0.99), percentile(warm, 0.5) / base, warm.size());
        }

        /** The p50s of the cold and warm invocations against the baseline's p50 (no target), and their p99s. */
        List<Figure> figures(String label)
        {
            double base = percentile(baseline, 0.5);
            return List.of(
                    Figure.of("lambda", label + " cold start Invoke, p50", percentile(cold, 0.5), "ms").against(base),
                    Figure.of("lambda", label + " cold start Invoke, p99", percentile(cold, 0.99), "ms"),
                    Figure.of("lambda", label + " warm Invoke, p50", percentile(warm, 0.5), "ms"),
                    Figure.of("lambda", label + " warm Invoke, p99", percentile(warm, 0.99), "ms"));
        }
    }

    private Latency latency(LambdaClient lambda, String name, String runtime, String handler, int memoryMb, byte[] code, List<String> baselineCommand)
            throws Exception
    {
        System.out.printf("  latency: %s (%s), %d cold starts with %d warm invocations each, against %s...%n", name, runtime, rounds, warm,
                String.join(" ", baselineCommand));
        lambda.createFunction(request -> request.functionName(name).runtime(runtime).handler(handler).role(ROLE).memorySize(memoryMb).timeout(30)
                .code(function -> function.zipFile(SdkBytes.fromByteArray(code))));
        lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName(name));
        // unmeasured: the first invocation unpacks the package into the code cache (and may make Python's virtual environment)
        invoke(lambda, name);
        start(baselineCommand);
        List<Double> cold = new ArrayList<>();
        List<Double> warmMillis = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            baseline.add(start(baselineCommand));
            String value = String.valueOf(round);
            lambda.updateFunctionConfiguration(request -> request.functionName(name).environment(environment -> environment.variables(Map.of("BENCH_ROUND", value))));
            lambda.waiter().waitUntilFunctionUpdatedV2(request -> request.functionName(name));
            cold.add(invoke(lambda, name));
            for (int i = 0; i < warm; i++) {
                warmMillis.add(invoke(lambda, name));
            }
        }
        lambda.deleteFunction(request -> request.functionName(name));
        return new Latency(runtime, cold, warmMillis, baseline);
    }

    private static double invoke(LambdaClient lambda, String name)
    {
        long start = System.nanoTime();
        InvokeResponse response = lambda.invoke(request -> request.functionName(name).payload(SdkBytes.fromUtf8String("{}")));
        double millis = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200 || response.functionError() != null) {
            throw new IllegalStateException(name + " failed: " + response.statusCode() + " " + response.functionError() + " " + response.payload().asUtf8String());
        }
        return millis;
    }

    /** Milliseconds from starting the process to its end. */
    private static double start(List<String> command)
            throws IOException, InterruptedException
    {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        double millis = (System.nanoTime() - start) / 1e6;
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
        }
        return millis;
    }

    /** Nearest rank. */
    static double percentile(List<Double> values, double quantile)
    {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    /**
     * The JDK the function runner runs {@code java<feature>} on: the lowest version of at least {@code feature} among
     * {@code JAVA_HOME}, this JVM's, {@code /usr/lib/jvm}, {@code /opt/java} and SDKMAN's.
     */
    private static Path jdk(int feature)
            throws IOException
    {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).filter(home -> !home.isBlank()).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("java.home")));
        for (Path parent : List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"), Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"))) {
            if (Files.isDirectory(parent)) {
                try (Stream<Path> children = Files.list(parent)) {
                    children.sorted().forEach(candidates::add);
                }
            }
        }
        Pattern version = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
        Path best = null;
        int bestFeature = Integer.MAX_VALUE;
        for (Path candidate : candidates) {
            Path release = candidate.resolve("release");
            if (!Files.isRegularFile(release) || !Files.isExecutable(candidate.resolve("bin").resolve("java"))) {
                continue;
            }
            Matcher matcher = version.matcher(Files.readString(release));
            if (matcher.find()) {
                int found = Integer.parseInt(matcher.group(1));
                if (found >= feature && found < bestFeature) {
                    best = candidate.toRealPath();
                    bestFeature = found;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no JDK " + feature + " or newer for " + JAVA_RUNTIME);
        }
        return best;
    }

    private record Python(String runtime, String executable)
    {
    }

    /** The Lambda runtime of the {@code python3} on the PATH ({@code python3.11} for 3.11) and its interpreter's own path (not a shim's). */
    private static Python python()
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("python3", "-c", "import sys; print('python%d.%d' % sys.version_info[:2]); print(sys.executable)")
                .redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (process.waitFor() != 0 || lines.size() != 2 || !lines.get(0).matches("python3\\.\\d+")) {
            throw new IllegalStateException("python3 on the PATH did not say its version: " + lines);
        }
        return new Python(lines.get(0), lines.get(1));
    }

    // deployment packages

    /** The no-op handler's class at the package root and aws-lambda-java-core in lib/, as a function's author packages it. */
    private static byte[] javaPackage()
            throws IOException, URISyntaxException
    {
        Path core = Path.of(RequestStreamHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(NoopHandler.class.getName().replace('.', '/') + ".class", classFile(NoopHandler.class));
        files.put("lib/" + core.getFileName(), Files.readAllBytes(core));
        return zip(files);
    }

    private static byte[] classFile(Class<?> type)
            throws IOException
    {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("the class file of " + type.getName() + " is not on the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] zip(Map<String, byte[]> files)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    // where the CPU went

    /** CPU time of this JVM's threads (by name, numbers folded) and of its child processes, to show where a phase spent it. */
    private record CpuSnapshot(Map<Long, String> threadNames, Map<Long, Long> threadNanos, Map<Long, String> processNames, Map<Long, Long> processNanos,
            Map<String, Long> vmThreadNanos)
    {
        /** Clock ticks of /proc's stat files: 100 a second on Linux. */
        private static final long NANOS_PER_TICK = 10_000_000L;
        private static final Pattern NUMBERS = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\\d+");

        static CpuSnapshot take()
        {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, String> threadNames = new HashMap<>();
            Map<Long, Long> threadNanos = new HashMap<>();
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null) {
                    long nanos = threads.getThreadCpuTime(info.getThreadId());
                    if (nanos >= 0) {
                        threadNames.put(info.getThreadId(), NUMBERS.matcher(info.getThreadName()).replaceAll("#"));
                        threadNanos.put(info.getThreadId(), nanos);
                    }
                }
            }
            Map<Long, String> processNames = new HashMap<>();
            Map<Long, Long> processNanos = new HashMap<>();
            processNames.put(ProcessHandle.current().pid(), "this JVM (endpoint, pollers, function runner, benchmark)");
            processNanos.put(ProcessHandle.current().pid(), ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
            ProcessHandle.current().descendants().forEach(process -> {
                processNames.put(process.pid(), label(process.info()));
                processNanos.put(process.pid(), process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
            });
            return new CpuSnapshot(threadNames, threadNanos, processNames, processNanos, vmThreads());
        }

        /**
         * CPU of the JVM's own threads, which {@link ThreadMXBean} does not see, by kind: the garbage collector's and the
         * JIT compilers' (read from {@code /proc/self/task}, Linux only; empty elsewhere), keyed by thread id and kind.
         */
        private static Map<String, Long> vmThreads()
        {
            Map<String, Long> nanos = new HashMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return nanos;
            }
            try (Stream<Path> all = Files.list(tasks)) {
                for (Path task : all.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") ? "garbage collector (G1's threads)"
                                : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JIT compilers"
                                : null;
                        if (kind == null) {
                            continue;
                        }
                        String stat = Files.readString(task.resolve("stat"));
                        // the fields after the name in parentheses: utime and stime are the 12th and 13th of them
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        nanos.put(task.getFileName() + " " + kind, ticks * NANOS_PER_TICK);
                    }
                    catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            }
            catch (IOException e) {
                return nanos;
            }
            return nanos;
        }

        private static String label(ProcessHandle.Info info)
        {
            String command = info.command().map(path -> Path.of(path).getFileName().toString()).orElse("?");
            String[] arguments = info.arguments().orElse(new String[0]);
            for (String argument : arguments) {
                if (argument.equals("com.amazonaws.services.lambda.runtime.api.client.AWSLambda")) {
                    return "Java function environment";
                }
                if (argument.endsWith("lakestack_python_bootstrap.py") || argument.contains("python_bootstrap")) {
                    return "Python function environment";
                }
            }
            for (int i = 0; i < arguments.length; i++) {
                String argument = arguments[i];
                if (argument.equals("-cp") || argument.equals("-classpath")) {
                    i++;
                    continue;
                }
                if (!argument.startsWith("-") && (argument.matches("[a-z][\\w]*(\\.[\\w$]+)+") || argument.endsWith(".jar"))) {
                    return command + " " + argument;
                }
            }
            return command;
        }

        void printSince(CpuSnapshot before, double seconds)
        {
            Map<String, Long> processes = new HashMap<>();
            processNanos.forEach((pid, nanos) -> processes.merge(processNames.get(pid), nanos - before.processNanos.getOrDefault(pid, 0L), Long::sum));
            Map<String, Long> threads = new HashMap<>();
            threadNanos.forEach((id, nanos) -> threads.merge(threadNames.get(id), nanos - before.threadNanos.getOrDefault(id, 0L), Long::sum));
            System.out.printf(Locale.ROOT, "  CPU in those %.1f s (seconds of CPU; %d cores give %.1f), by process:%n", seconds,
                    Runtime.getRuntime().availableProcessors(), seconds * Runtime.getRuntime().availableProcessors());
            print(processes, 8);
            long self = ProcessHandle.current().pid();
            vmThreadNanos.forEach((key, nanos) -> threads.merge("(" + key.substring(key.indexOf(' ') + 1) + ")", nanos - before.vmThreadNanos.getOrDefault(key, 0L),
                    Long::sum));
            long named = threads.values().stream().mapToLong(Long::longValue).sum();
            threads.put("(other threads of the JVM, or threads that ended)", processNanos.get(self) - before.processNanos.getOrDefault(self, 0L) - named);
            System.out.println("  of this JVM, by thread:");
            print(threads, 12);
        }

        private static void print(Map<String, Long> nanos, int limit)
        {
            nanos.entrySet().stream().filter(entry -> entry.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(limit)
                    .forEach(entry -> System.out.printf(Locale.ROOT, "    %7.1f  %s%n", entry.getValue() / 1e9, entry.getKey()));
        }
    }
}
