package io.lakestack.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Trino (single node: coordinator and worker in one) in a child JVM on Java 24+, with one catalog,
 * {@value #CATALOG}: the Hive connector over the metastore (Thrift) and the object store through the lakestack
 * endpoint (Trino's native S3 file system, path-style, signed with the configured credentials). The catalog is
 * named as Athena names its default catalog, so that Athena SQL runs unchanged.
 */
final class TrinoComponent
        extends HttpChildComponent
{
    static final String CATALOG = "awsdatacatalog";
    static final int REQUIRED_JAVA = 24;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final EngineArtifacts artifacts;
    private final JavaRuntimes.Runtime runtime;
    private final Path directory;
    private final Path log;
    private final String heap;
    private final Map<String, String> catalog;
    private final StackListener listener;

    TrinoComponent(EngineArtifacts artifacts, JavaRuntimes.Runtime runtime, Path directory, Path log, Path temporaryDirectory, int port, String heap,
            String metastoreUri, String s3Endpoint, String accessKey, String secretKey, String region, StackListener listener)
    {
        super("trino", temporaryDirectory, port, listener);
        this.artifacts = artifacts;
        this.runtime = runtime;
        this.directory = directory;
        this.log = log;
        this.heap = heap;
        this.listener = listener;
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("connector.name", "hive");
        properties.put("hive.metastore", "thrift");
        properties.put("hive.metastore.uri", metastoreUri);
        properties.put("fs.native-s3.enabled", "true");
        properties.put("s3.endpoint", s3Endpoint);
        properties.put("s3.region", region);
        properties.put("s3.path-style-access", "true");
        properties.put("s3.aws-access-key", accessKey);
        properties.put("s3.aws-secret-key", secretKey);
        properties.put("hive.non-managed-table-writes-enabled", "true");
        properties.put("hive.non-managed-table-creates-enabled", "true");
        properties.put("hive.allow-register-partition-procedure", "true");
        properties.put("hive.recursive-directories", "true");
        // ORC writes buffer a stripe and a dictionary per string column: with Trino's defaults (stripes of 32 to 64 MB,
        // 16 MB of dictionary) a CTAS of 1,000,000 GitHub events (eight string columns) held more than the 320 MB a
        // query may use with the default heap; with these it peaks at 117 MB, as a Parquet CTAS of it does
        properties.put("hive.orc.writer.stripe-min-size", "16MB");
        properties.put("hive.orc.writer.stripe-max-size", "32MB");
        properties.put("hive.orc.writer.dictionary-max-memory", "4MB");
        this.catalog = Map.copyOf(properties);
    }

    String jdbcUrl()
    {
        return "jdbc:trino://" + LOOPBACK + ":" + port() + "/" + CATALOG;
    }


    @Override
    ChildProcess launch()
            throws IOException
    {
        Path installation = EngineCache.trino(artifacts, listener);
        Path etc = directory.resolve("etc");
        Path data = directory.resolve("data");
        Files.createDirectories(etc.resolve("catalog"));
        Files.createDirectories(data);
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("coordinator", "true");
        config.put("node-scheduler.include-coordinator", "true");
        config.put("http-server.http.port", String.valueOf(port()));
        config.put("discovery.uri", uri().toString());
        // with static catalogs the scheduler only uses nodes whose discovery announcement already lists the catalog: for
        // up to one node-manager refresh (5 s) after start-up a table scan fails with "No nodes available to run query"
        // although the node is active. With dynamic management every active node serves every catalog.
        config.put("catalog.management", "dynamic");
        config.put("catalog.store", "file");
        config.put("plugin.dir", installation.resolve("plugin").toString());
        // half the heap for queries: Trino keeps 30% of it as headroom, and the rest is its own
        long queryMegabytes = heapMegabytes(heap) / 2;
        config.put("query.max-memory", queryMegabytes + "MB");
        config.put("query.max-memory-per-node", queryMegabytes + "MB");
        config.put("task.concurrency", "2");
        // one node, no peer to fail over to: a heartbeat missed under load must not take the only node away
        // ("No nodes available to run query")
        config.put("failure-detector.enabled", "false");
        config.put("http-server.log.enabled", "false");
        writeProperties(etc.resolve("config.properties"), config);
        // the file catalog store reads its settings from etc/catalog-store.properties, relative to the working directory
        writeProperties(etc.resolve("catalog-store.properties"), Map.of("catalog.config-dir", etc.resolve("catalog").toString()));
        writeProperties(etc.resolve("log.properties"), Map.of("io.trino", "INFO", "io.airlift", "WARN", "org.eclipse.jetty", "WARN"));
        writeProperties(etc.resolve("catalog").resolve(CATALOG + ".properties"), catalog);

        List<String> jvm = new ArrayList<>(List.of(
                "-Xms96m",
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-XX:G1HeapRegionSize=4M",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-OmitStackTraceInFastThrow",
                "-XX:ReservedCodeCacheSize=256M",
                "-XX:PerMethodRecompilationCutoff=10000",
                "-XX:PerBytecodeRecompilationCutoff=10000",
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:G1NumCollectionsKeepPinned=10000000",
                "-XX:+EnableDynamicAgentLoading",
                "--enable-native-access=ALL-UNNAMED",
                "-Djdk.attach.allowAttachSelf=true",
                "-Djdk.nio.maxCachedBufferSize=2000000",
                "-Dfile.encoding=UTF-8",
                temporaryDirectoryOption(),
                "-Dnode.environment=lakestack",
                "-Dnode.id=lakestack",
                "-Dnode.data-dir=" + data,
                // HTTP (the client protocol, and the node's own announcements and tasks) on loopback only: Trino checks no caller
                "-Dnode.bind-ip=" + LOOPBACK,
                "-Dnode.internal-address=" + LOOPBACK,
                "-Dconfig=" + etc.resolve("config.properties"),
                "-Dlog.levels-file=" + etc.resolve("log.properties")));
        // Trino starts at a lower priority: its 20 s of start-up work must not delay the engines the endpoint waits for
        ChildProcess child = ChildProcess.start(name(), runtime, List.of(installation.resolve("lib").toString() + "/*"), jvm, "trino-" + artifacts.trinoVersion(),
                "io.trino.server.TrinoServer", List.of(), directory, Map.of(), log, 10);
        // and its optimising compiler lower still: half of Trino's start-up CPU; the start runs in C1's code meanwhile
        CompilerThreads.lowerOptimizingCompiler(child.pid(), CompilerThreads.TRINO_OPTIMIZER_NICE, Duration.ofSeconds(5));
        return child;
    }

    private static void writeProperties(Path file, Map<String, String> properties)
            throws IOException
    {
        StringBuilder text = new StringBuilder("# written by lakestack at each start\n");
        properties.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> text.append(entry.getKey()).append('=').append(entry.getValue()).append('\n'));
        Files.writeString(file, text);
    }

    /** Ready once the server says it started, a query over its active nodes answers, and the catalog lists its schemas. */
    @Override
    boolean ready()
            throws Exception
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri().resolve("/v1/info")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || JSON.readTree(response.body()).path("starting").asBoolean(true)) {
            return false;
        }
        Properties properties = new Properties();
        properties.put("user", "lakestack");
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), properties);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'")) {
            if (!result.next() || result.getLong(1) == 0) {
                return false;
            }
        }
        // and the catalog answers, through the metastore
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), properties);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + CATALOG + ".information_schema.schemata")) {
            return result.next() && result.getLong(1) > 0;
        }
    }

    @Override
    Duration startTimeout()
    {
        return Duration.ofSeconds(180);
    }

    /** A JVM heap size as {@code -Xmx} takes it ({@code 768M}, {@code 1g}, {@code 640m}), in megabytes. */
    static long heapMegabytes(String heap)
    {
        String size = heap.trim().toUpperCase(java.util.Locale.ROOT);
        long number = Long.parseLong(size.replaceAll("[KMGT]B?$", ""));
        return switch (size.replaceAll("^[0-9]+", "")) {
            case "K", "KB" -> number / 1024;
            case "", "M", "MB" -> size.matches("[0-9]+") ? number / (1024 * 1024) : number;
            case "G", "GB" -> number * 1024;
            case "T", "TB" -> number * 1024 * 1024;
            default -> throw new IllegalArgumentException("not a heap size: " + heap);
        };
    }
}
