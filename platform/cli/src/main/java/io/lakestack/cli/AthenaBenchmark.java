package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Crawler;
import software.amazon.awssdk.services.glue.model.S3Target;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Athena's overhead over Trino, and a crawl of many partitions, on the stack of this machine, run as {@code lakestack up} in
 * a process of its own (the clients, the Athena API's and Trino JDBC's, stay in the benchmark's JVM).
 *
 * <p>One run: GROUP BYs over {@value #ROWS} Parquet rows through the Athena API as an application runs them (start,
 * poll, fetch every page of results) against the same queries over Trino JDBC (the baseline), alternating, after one
 * warm-up of each; one query's result fits one page, the other's takes 11. Then a Glue crawl of {@code --partitions}
 * Hive-style partitions written through the S3 endpoint.
 */
@Command(name = "athena", description = "Measure Athena queries against Trino JDBC, and a Glue crawl of many partitions.")
final class AthenaBenchmark
        implements Benchmark
{
    static final int ROWS = 1_000_000;
    /** The queries, by name: a GROUP BY whose result is one page, and one whose result is 11 pages of 1,000 rows. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("100 groups", "SELECT id % 100 AS category, count(*) AS events, sum(amount) AS total, max(label) AS last FROM bench.events "
                + "GROUP BY id % 100 ORDER BY category");
        QUERIES.put("10,000 groups", "SELECT id % 10000 AS bucket, count(*) AS events, sum(amount) AS total FROM bench.events "
                + "GROUP BY id % 10000 ORDER BY bucket");
    }

    private static final double TARGET_RATIO = 1.2;

    private String lastBreakdown = "";

    @Option(names = "--runs", description = "Measured runs of each query path (default: ${DEFAULT-VALUE}).")
    int runs = 9;

    @Option(names = "--partitions", description = "Partitions the crawl finds (default: ${DEFAULT-VALUE}).")
    int partitions = 1000;

    @Option(names = "--poll-millis", description = "How often the Athena client polls GetQueryExecution (default: ${DEFAULT-VALUE}).")
    int pollMillis = 50;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-athena");
        System.out.printf("lakestack Athena benchmark: %d cores, data dir %s%n", Runtime.getRuntime().availableProcessors(), data);
        try (BenchStack stack = BenchStack.start(data, Optional.empty(), List.of())) {
            URI endpoint = URI.create(stack.endpoint());
            try (AthenaClient athena = AthenaClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials())
                            .httpClient(UrlConnectionHttpClient.create()).build();
                    GlueClient glue = GlueClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials())
                            .httpClient(UrlConnectionHttpClient.create()).build();
                    S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials())
                            .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
                    Connection trino = DriverManager.getConnection(stack.trinoJdbcUrl(), user())) {
                List<Figure> figures = new ArrayList<>(queries(athena, s3, trino));
                figures.addAll(crawl(glue, s3));
                return figures;
            }
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    private List<Figure> queries(AthenaClient athena, S3Client s3, Connection trino)
            throws Exception
    {
        writeTable(s3, trino);
        List<String> summaries = new ArrayList<>();
        List<Figure> figures = new ArrayList<>();
        for (Map.Entry<String, String> query : QUERIES.entrySet()) {
            figures.add(compare(query.getKey(), query.getValue(), athena, trino, summaries));
        }
        System.out.println();
        summaries.forEach(System.out::println);
        return figures;
    }

    private void writeTable(S3Client s3, Connection trino)
            throws Exception
    {
        s3.createBucket(request -> request.bucket("bench"));
        System.out.printf("  writing %,d rows of Parquet...%n", ROWS);
        long written = System.nanoTime();
        try (Statement statement = trino.createStatement()) {
            statement.execute("CREATE SCHEMA awsdatacatalog.bench WITH (location = 's3://bench/')");
            statement.execute("CREATE TABLE awsdatacatalog.bench.events WITH (format = 'PARQUET', external_location = 's3://bench/events/') AS "
                    + "SELECT a * 1000 + b AS id, CAST((a * 7 + b) % 1000 AS double) / 10 AS amount, 'event ' || CAST(b AS varchar) AS label "
                    + "FROM UNNEST(sequence(0, 999)) AS x(a) CROSS JOIN UNNEST(sequence(0, 999)) AS y(b)");
        }
        System.out.printf(Locale.ROOT, "  written in %.1f s%n", (System.nanoTime() - written) / 1e9);
    }

    /** Alternating runs of the query over both paths, after a warm-up of each; the ratio of the medians. */
    private Figure compare(String name, String query, AthenaClient athena, Connection trino, List<String> summaries)
            throws Exception
    {
        System.out.printf("  %s: warm-up, one query over each path%n", name);
        long expectedRows = jdbc(trino, query);
        long athenaRows = athena(athena, query);
        if (athenaRows != expectedRows + 1) {
            throw new IllegalStateException("Athena returned " + athenaRows + " rows (header included), Trino " + expectedRows);
        }
        List<Double> jdbcSeconds = new ArrayList<>();
        List<Double> athenaSeconds = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            long start = System.nanoTime();
            jdbc(trino, query);
            jdbcSeconds.add((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            athena(athena, query);
            athenaSeconds.add((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "  run %d: Trino JDBC %.3f s, Athena API %.3f s (%s)%n", run, jdbcSeconds.get(run - 1), athenaSeconds.get(run - 1),
                    lastBreakdown);
        }
        double jdbc = StartupBenchmark.median(jdbcSeconds);
        double api = StartupBenchmark.median(athenaSeconds);
        double ratio = api / jdbc;
        summaries.add(String.format(Locale.ROOT, "GROUP BY over %,d Parquet rows, %s (%,d result rows): median of %d runs, Trino JDBC %.3f s (baseline), "
                + "Athena API %.3f s (start, poll every %d ms, fetch all %d result pages): %.2fx (target <= %.1fx)", ROWS, name, expectedRows, runs, jdbc,
                api, pollMillis, (expectedRows + 1 + 999) / 1000, ratio, TARGET_RATIO));
        return Figure.of("athena", String.format(Locale.ROOT, "GROUP BY over %,d Parquet rows through the Athena API, %s", ROWS, name), api, "s").against(jdbc)
                .target(Figure.Target.ratioAtMost(TARGET_RATIO));
    }

    private static long jdbc(Connection trino, String query)
            throws Exception
    {
        long rows = 0;
        try (Statement statement = trino.createStatement(); ResultSet result = statement.executeQuery(query.replace("bench.events", "awsdatacatalog.bench.events"))) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                for (int column = 1; column <= columns; column++) {
                    result.getString(column);
                }
                rows++;
            }
        }
        return rows;
    }

    /** Start, poll, fetch every page; the rows fetched, header included. */
    private long athena(AthenaClient athena, String query)
            throws InterruptedException
    {
        QueryExecution execution = AthenaCalls.run(athena, query, pollMillis);
        long fetchStart = System.nanoTime();
        long[] rows = {0};
        AthenaCalls.pages(athena, execution.queryExecutionId(), page -> rows[0] += page.resultSet().rows().size());
        lastBreakdown = String.format(Locale.ROOT, "engine %d ms, query total %d ms (queue %d ms), result pages fetched in %.0f ms",
                execution.statistics().engineExecutionTimeInMillis(), execution.statistics().totalExecutionTimeInMillis(),
                execution.statistics().queryQueueTimeInMillis(), (System.nanoTime() - fetchStart) / 1e6);
        return rows[0];
    }

    private List<Figure> crawl(GlueClient glue, S3Client s3)
            throws Exception
    {
        s3.createBucket(request -> request.bucket("bench-crawl"));
        System.out.printf("%n  writing %,d partitions (one JSON file each) through the S3 endpoint...%n", partitions);
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                int partition = i;
                puts.add(writers.submit(() -> s3.putObject(request -> request.bucket("bench-crawl").key(String.format(Locale.ROOT,
                                "logs/events/day=%04d/part-0.json", partition)),
                        RequestBody.fromString("{\"id\":" + partition + ",\"level\":\"info\",\"latency\":" + (partition % 97) / 3.0 + "}\n"))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        }
        finally {
            writers.shutdownNow();
        }
        glue.createCrawler(request -> request.name("bench").role("arn:aws:iam::000000000000:role/bench").databaseName("bench_crawl")
                .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://bench-crawl/logs/").build())));
        long start = System.nanoTime();
        glue.startCrawler(request -> request.name("bench"));
        Crawler crawler;
        do {
            Thread.sleep(100);
            crawler = glue.getCrawler(request -> request.name("bench")).crawler();
        }
        while (!crawler.stateAsString().equals("READY") || crawler.lastCrawl() == null);
        double seconds = (System.nanoTime() - start) / 1e9;
        int found = 0;
        String token = null;
        do {
            String next = token;
            var page = glue.getPartitions(request -> request.databaseName("bench_crawl").tableName("events").nextToken(next));
            found += page.partitions().size();
            token = page.nextToken();
        }
        while (token != null);
        System.out.printf(Locale.ROOT, "Glue crawl of %,d partitions: %s in %.1f s (StartCrawler to READY), %,d partitions registered%n", partitions,
                crawler.lastCrawl().statusAsString(), seconds, found);
        if (found != partitions) {
            throw new IllegalStateException("the crawl registered " + found + " partitions, not " + partitions);
        }
        return List.of(Figure.of("athena", String.format(Locale.ROOT, "Glue crawl of %,d partitions, StartCrawler to READY", partitions), seconds, "s"));
    }

    static StaticCredentialsProvider credentials()
    {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    private static Properties user()
    {
        Properties properties = new Properties();
        properties.put("user", "lakestack-bench");
        return properties;
    }
}
