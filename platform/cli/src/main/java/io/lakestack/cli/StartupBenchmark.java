package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import io.lakestack.spi.stack.ComponentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Measures start-up on a fresh data directory: one cold start (storage formatted, schema created), then warm starts,
 * each of {@code lakestack up} in a new process, to the first answered AWS call (S3 {@code ListBuckets}), to "core
 * ready" (Kafka, object store, metastore, endpoint) and to "Trino answers a query", and the resident memory of every
 * process of the stack. The baseline, measured in the same
 * run, is a warm start with the components started one after another instead of in parallel.
 */
@Command(name = "startup", description = "Measure cold and warm start-up times and resident memory of the embedded stack.")
final class StartupBenchmark
        implements Benchmark
{
    private static final double TARGET_FIRST_ANSWER_SECONDS = 5;
    private static final double TARGET_TRINO_SECONDS = 20;
    private static final double TARGET_RESIDENT_MEGABYTES = 1536;

    @Option(names = "--warm-runs", description = "Warm starts to measure (default: ${DEFAULT-VALUE}).")
    int warmRuns = 3;

    @Option(names = "--keep-data", description = "Keep the benchmark's data directory.")
    boolean keepData;

    /**
     * @param firstAnswerSeconds until the endpoint answers S3 {@code ListBuckets}, the first AWS call a person makes
     * @param coreSeconds until every component but Trino reports ready
     */
    record Run(String name, double firstAnswerSeconds, double coreSeconds, double trinoSeconds, Map<String, Long> rssMegabytes, Map<String, Long> componentMillis)
    {
        long totalRss()
        {
            return rssMegabytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-startup");
        Lakestack.logTo(data);
        System.out.printf("lakestack start-up benchmark: %d cores, data dir %s%n", Runtime.getRuntime().availableProcessors(), data);
        List<Run> runs = new ArrayList<>();
        try {
            runs.add(measure("cold", data, false));
            for (int i = 1; i <= warmRuns; i++) {
                runs.add(measure("warm " + i, data, false));
            }
            Run baseline = measure("baseline", data, true);

            System.out.println();
            System.out.printf("%-10s %12s %10s %10s %10s   %s%n", "run", "first answer", "core", "trino", "RSS", "RSS per process (MB) / component ready (ms)");
            for (Run run : runs) {
                print(run);
            }
            print(baseline);
            List<Run> warm = runs.subList(1, runs.size());
            double firstAnswer = median(warm.stream().map(Run::firstAnswerSeconds).toList());
            double core = median(warm.stream().map(Run::coreSeconds).toList());
            double trino = median(warm.stream().map(Run::trinoSeconds).toList());
            double rss = median(warm.stream().map(run -> (double) run.totalRss()).toList());
            System.out.println();
            System.out.printf(Locale.ROOT, "median of %d warm starts: first S3 ListBuckets answered %.1f s (target <= %.0f s), core ready %.1f s, "
                    + "Trino answering %.1f s (target <= %.0f s), resident %.0f MB (target <= %.0f MB)%n", warm.size(), firstAnswer, TARGET_FIRST_ANSWER_SECONDS,
                    core, trino, TARGET_TRINO_SECONDS, rss, TARGET_RESIDENT_MEGABYTES);
            System.out.printf(Locale.ROOT, "baseline, components started one after another: core %.1f s, Trino %.1f s; parallel start takes %.2fx "
                    + "(core) and %.2fx (Trino) of it%n", baseline.coreSeconds(), baseline.trinoSeconds(), core / baseline.coreSeconds(),
                    trino / baseline.trinoSeconds());
            String of = " (median of " + warm.size() + " warm starts)";
            return List.of(
                    Figure.of("startup", "first S3 ListBuckets answered" + of, firstAnswer, "s").against(baseline.firstAnswerSeconds())
                            .target(Figure.Target.valueAtMost(TARGET_FIRST_ANSWER_SECONDS)),
                    Figure.of("startup", "core ready" + of, core, "s").against(baseline.coreSeconds()),
                    Figure.of("startup", "Trino answering" + of, trino, "s").against(baseline.trinoSeconds())
                            .target(Figure.Target.valueAtMost(TARGET_TRINO_SECONDS)),
                    Figure.of("startup", "resident memory of the stack" + of, rss, "MB").target(Figure.Target.valueAtMost(TARGET_RESIDENT_MEGABYTES)),
                    Figure.of("startup", "cold start, core ready", runs.get(0).coreSeconds(), "s"));
        }
        finally {
            if (!keepData) {
                EmbeddedStack.wipe(data);
            }
        }
    }

    /**
     * One start of {@code lakestack up} in a process of its own, as a person runs it: the time until every component
     * but Trino is ready (polling the health endpoint), until Trino answers a query, and the resident memory of the
     * launcher and its children once it does.
     */
    private Run measure(String name, Path data, boolean sequential)
            throws Exception
    {
        int port = StackPorts.free().endpoint();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(StackJvm.options());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Lakestack.class.getName(), "up", "--data-dir", data.toString(),
                "--port", String.valueOf(port)));
        if (sequential) {
            command.add("--sequential-start");
        }
        System.out.printf("  %s start...%n", name);
        Path output = data.resolve("bench-" + name.replace(' ', '-') + ".out");
        long begin = System.nanoTime();
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            String endpoint = "http://127.0.0.1:" + port;
            Map<String, Long> componentMillis = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            double firstAnswer = -1;
            try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).credentialsProvider(AthenaBenchmark.credentials())
                    .forcePathStyle(true).httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)).build()).build()) {
                while (firstAnswer < 0) {
                    if (!launcher.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": the endpoint did not answer; see " + output);
                    }
                    try {
                        s3.listBuckets();
                        firstAnswer = (System.nanoTime() - begin) / 1e9;
                    }
                    catch (SdkException e) {
                        // not listening yet, or not ready to answer
                        Thread.sleep(50);
                    }
                }
            }
            double core = -1;
            while (core < 0) {
                if (!launcher.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": the stack did not start; see " + output);
                }
                try {
                    List<ComponentStatus> components = HealthClient.fetch(endpoint);
                    boolean coreReady = components.stream().filter(component -> !component.name().equals("trino"))
                            .allMatch(component -> component.state() == io.lakestack.spi.stack.ComponentState.READY);
                    if (coreReady) {
                        core = (System.nanoTime() - begin) / 1e9;
                    }
                }
                catch (IOException e) {
                    // not answering yet
                }
                if (core < 0) {
                    Thread.sleep(50);
                }
            }
            double trino = -1;
            Properties properties = new Properties();
            properties.put("user", "lakestack");
            while (trino < 0) {
                if (!launcher.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": Trino did not answer; see " + output);
                }
                try (Connection connection = DriverManager.getConnection("jdbc:trino://127.0.0.1:" + (port + 4) + "/awsdatacatalog", properties);
                        Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery("SELECT count(*) FROM awsdatacatalog.information_schema.schemata")) {
                    result.next();
                    trino = (System.nanoTime() - begin) / 1e9;
                }
                catch (java.sql.SQLException e) {
                    Thread.sleep(100);
                }
            }
            for (ComponentStatus component : HealthClient.fetch(endpoint)) {
                component.startMillis().ifPresent(millis -> componentMillis.put(component.name(), millis));
            }
            return new Run(name, firstAnswer, core, trino, residentMemory(launcher.toHandle()), componentMillis);
        }
        finally {
            launcher.destroy();
            if (!launcher.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
    }

    /** Resident memory of the launcher and of every process it started, from /proc. */
    static Map<String, Long> residentMemory(ProcessHandle launcher)
    {
        Map<String, Long> megabytes = new LinkedHashMap<>();
        megabytes.put("launcher", rss(launcher.pid()));
        launcher.descendants().forEach(process -> {
            String command = commandLine(process.pid());
            String name = command.contains("TrinoServer") ? "trino"
                    : command.contains("MetastoreMain") ? "metastore"
                    : command.contains("S3MockApplication") ? "object-store"
                    : "pid " + process.pid() + " " + command.substring(0, Math.min(40, command.length()));
            long rss = rss(process.pid());
            if (rss > 0) {
                megabytes.merge(name, rss, Long::sum);
            }
        });
        return megabytes;
    }

    /** The full command line (ProcessHandle's is cut at 4 KB, before a long classpath ends). */
    private static String commandLine(long pid)
    {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        }
        catch (IOException e) {
            return "";
        }
    }

    private static long rss(long pid)
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static void print(Run run)
    {
        System.out.printf(Locale.ROOT, "%-10s %10.1f s %8.1f s %8.1f s %7d MB   %s / %s%n", run.name(), run.firstAnswerSeconds(), run.coreSeconds(), run.trinoSeconds(), run.totalRss(),
                run.rssMegabytes(), run.componentMillis());
    }

    static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
