package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The resident memory of the whole stack (the launcher and every process it starts) under load, against the same
 * stack at rest in the same run: {@code lakestack up} in a process of its own, as a person runs it, sampled every
 * 200 ms from /proc while S3 clients put and get objects and then while Athena queries run at once. Every object read
 * back and every query result is checked against what it must be.
 */
@Command(name = "memory", description = "Measure the stack's peak resident memory under S3 and Athena load against its memory at rest.")
final class MemoryBenchmark
        implements Benchmark
{
    private static final long TARGET_MEGABYTES = 2560;
    private static final int GROUPS = 1000;

    @Option(names = "--s3-clients", description = "Concurrent S3 clients (default: ${DEFAULT-VALUE}).")
    int s3Clients = 50;

    @Option(names = "--objects", description = "Objects each S3 client puts and gets (default: ${DEFAULT-VALUE}).")
    int objects = 20;

    @Option(names = "--object-kib", description = "Size of each object in KiB (default: ${DEFAULT-VALUE}).")
    int objectKib = 1024;

    @Option(names = "--queries", description = "Concurrent Athena queries (default: ${DEFAULT-VALUE}).")
    int queries = 20;

    @Option(names = "--rows", description = "Rows of the table the queries group, a multiple of 1,000 (default: ${DEFAULT-VALUE}).")
    int rows = 2_000_000;

    @Option(names = "--trino-heap", description = "The stack's --trino-heap (default: the stack's own).")
    String trinoHeap;

    @Option(names = "--launcher-heap", description = "The launcher's -Xmx (default: the stack's, as the lakestack script sets it).")
    String launcherHeap;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        if (rows % GROUPS != 0 || rows <= 0) {
            throw new IllegalArgumentException("--rows must be a positive multiple of " + GROUPS);
        }
        Path data = Files.createTempDirectory("lakestack-bench-memory");
        System.out.printf("lakestack memory benchmark: %d cores, data dir %s%n", Runtime.getRuntime().availableProcessors(), data);
        System.out.printf("  launcher %s, Trino heap %s%n", launcherHeap == null ? "the stack's heap" : "-Xmx" + launcherHeap,
                trinoHeap == null ? "the default" : trinoHeap);
        try (BenchStack stack = BenchStack.start(data, Optional.ofNullable(launcherHeap),
                trinoHeap == null ? List.of() : List.of("--trino-heap", trinoHeap))) {
            Sampler sampler = new Sampler(stack.process());
            Thread sampling = new Thread(sampler, "rss-sampler");
            sampling.setDaemon(true);
            sampling.start();
            URI endpoint = URI.create(stack.endpoint());
            // at rest: ready, nothing asked of it yet
            Thread.sleep(5_000);
            Sampler.Peak rest = sampler.takePeak();
            System.out.printf("  at rest: %s%n", rest);

            try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                    .forcePathStyle(true).httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(2)).build()).build()) {
                s3Load(s3);
            }
            Sampler.Peak s3Peak = sampler.takePeak();
            System.out.printf("  S3 load: %s%n", s3Peak);

            writeTable(stack.trinoJdbcUrl());
            sampler.takePeak();
            try (AthenaClient athena = AthenaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(AthenaBenchmark.credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
                athenaLoad(athena);
            }
            Sampler.Peak athenaPeak = sampler.takePeak();
            System.out.printf("  Athena load: %s%n", athenaPeak);
            sampler.stop();
            sampling.join();

            long peak = Math.max(s3Peak.totalMegabytes(), athenaPeak.totalMegabytes());
            System.out.printf(Locale.ROOT, "%nPeak resident memory of the stack under load: %,d MB (S3 %,d MB, Athena %,d MB); at rest %,d MB: %.2fx; "
                            + "target <= %,d MB%n", peak, s3Peak.totalMegabytes(), athenaPeak.totalMegabytes(), rest.totalMegabytes(),
                    (double) peak / rest.totalMegabytes(), TARGET_MEGABYTES);
            return List.of(Figure.of("memory", "peak resident memory under S3 and Athena load", peak, "MB").against(rest.totalMegabytes())
                    .target(Figure.Target.valueAtMost(TARGET_MEGABYTES)));
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    /** Each client puts its objects, then gets each and compares it with what it put. */
    private void s3Load(S3Client s3)
            throws Exception
    {
        s3.createBucket(request -> request.bucket("bench-memory"));
        System.out.printf("  %d S3 clients, each putting and getting %d objects of %,d KiB...%n", s3Clients, objects, objectKib);
        ExecutorService clients = Executors.newFixedThreadPool(s3Clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int client = 0; client < s3Clients; client++) {
                int id = client;
                done.add(clients.submit(() -> {
                    // each object is made again from its seed to be compared: the clients hold one object each at a time
                    for (int i = 0; i < objects; i++) {
                        String key = "client-" + id + "/object-" + i;
                        s3.putObject(request -> request.bucket("bench-memory").key(key), RequestBody.fromBytes(body(id, i)));
                    }
                    for (int i = 0; i < objects; i++) {
                        String key = "client-" + id + "/object-" + i;
                        byte[] read = s3.getObjectAsBytes(request -> request.bucket("bench-memory").key(key)).asByteArray();
                        if (!Arrays.equals(read, body(id, i))) {
                            throw new IllegalStateException(key + " came back as " + read.length + " other bytes");
                        }
                    }
                    return objects;
                }));
            }
            int checked = 0;
            for (Future<Integer> client : done) {
                checked += client.get();
            }
            System.out.printf("  %,d objects put and read back exactly%n", checked);
        }
        finally {
            clients.shutdownNow();
        }
    }

    private byte[] body(int client, int object)
    {
        byte[] body = new byte[objectKib * 1024];
        new Random(client * 1_000_003L + object).nextBytes(body);
        return body;
    }

    /** The table the queries group: {@code k = i % 1000, v = i} for i in [0, rows), as Parquet, through Trino. */
    private void writeTable(String trinoJdbcUrl)
            throws Exception
    {
        Properties user = new Properties();
        user.put("user", "lakestack-bench");
        System.out.printf("  writing %,d rows of Parquet...%n", rows);
        try (Connection trino = DriverManager.getConnection(trinoJdbcUrl, user);
                Statement statement = trino.createStatement()) {
            statement.execute("CREATE SCHEMA awsdatacatalog.bench_memory WITH (location = 's3://bench-memory/tables/')");
            statement.execute("CREATE TABLE awsdatacatalog.bench_memory.numbers WITH (format = 'PARQUET', external_location = 's3://bench-memory/tables/numbers/') "
                    + "AS SELECT (a * 1000 + b) % " + GROUPS + " AS k, CAST(a * 1000 + b AS bigint) AS v "
                    + "FROM UNNEST(sequence(0, " + (rows / 1000 - 1) + ")) AS x(a) CROSS JOIN UNNEST(sequence(0, 999)) AS y(b)");
        }
    }

    /** The queries at once, each started, polled and fetched page by page; every row checked. */
    private void athenaLoad(AthenaClient athena)
            throws Exception
    {
        System.out.printf("  %d concurrent Athena GROUP BYs over %,d rows...%n", queries, rows);
        String query = "SELECT k, count(*) AS c, sum(v) AS s FROM bench_memory.numbers GROUP BY k ORDER BY k";
        ExecutorService clients = Executors.newFixedThreadPool(queries);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                done.add(clients.submit(() -> {
                    check(fetch(athena, query));
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            System.out.printf("  %d results of %,d groups checked%n", queries, GROUPS);
        }
        finally {
            clients.shutdownNow();
        }
    }

    /** Group k holds i = k, k + 1000, k + 2000...: rows / 1000 values, whose sum is n * k + 1000 * n * (n - 1) / 2. */
    private void check(List<Row> result)
    {
        if (result.size() != GROUPS + 1) {
            throw new IllegalStateException("the query answered " + result.size() + " rows with its header, not " + (GROUPS + 1));
        }
        long n = rows / GROUPS;
        for (int k = 0; k < GROUPS; k++) {
            List<String> row = result.get(k + 1).data().stream().map(datum -> datum.varCharValue()).toList();
            List<String> expected = List.of(String.valueOf(k), String.valueOf(n), String.valueOf(n * k + 1000 * n * (n - 1) / 2));
            if (!row.equals(expected)) {
                throw new IllegalStateException("group " + k + " is " + row + ", not " + expected);
            }
        }
    }

    private static List<Row> fetch(AthenaClient athena, String query)
            throws InterruptedException
    {
        QueryExecution execution = AthenaCalls.run(athena, query, 100);
        List<Row> rows = new ArrayList<>();
        AthenaCalls.pages(athena, execution.queryExecutionId(), page -> rows.addAll(page.resultSet().rows()));
        return rows;
    }

    /** Samples the resident memory of the launcher and its processes every 200 ms, keeping the highest total. */
    private static final class Sampler
            implements Runnable
    {
        record Peak(long totalMegabytes, Map<String, Long> megabytes)
        {
            @Override
            public String toString()
            {
                return String.format(Locale.ROOT, "peak %,d MB %s", totalMegabytes, megabytes);
            }
        }

        private final ProcessHandle launcher;
        private volatile boolean running = true;
        private Peak peak = new Peak(0, Map.of());

        Sampler(ProcessHandle launcher)
        {
            this.launcher = launcher;
        }

        @Override
        public void run()
        {
            while (running) {
                sample();
                try {
                    Thread.sleep(200);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void sample()
        {
            Map<String, Long> megabytes = new LinkedHashMap<>(StartupBenchmark.residentMemory(launcher));
            long total = megabytes.values().stream().mapToLong(Long::longValue).sum();
            if (total > peak.totalMegabytes()) {
                peak = new Peak(total, megabytes);
            }
        }

        /** The highest total since the last call (sampled once more now), and a fresh start. */
        synchronized Peak takePeak()
        {
            sample();
            Peak taken = peak;
            peak = new Peak(0, Map.of());
            return taken;
        }

        void stop()
        {
            running = false;
        }
    }
}
