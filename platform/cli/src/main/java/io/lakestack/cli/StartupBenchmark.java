package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackListener;
import io.lakestack.embedded.StackPorts;
import io.lakestack.spi.stack.ComponentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
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
import java.util.concurrent.Callable;

/**
 * Measures start-up on a fresh data directory: one cold start (storage formatted, schema created), then warm starts,
 * each to "core ready" (Kafka, object store, metastore, endpoint) and to "Trino answers a query", and the resident
 * memory of every process of the stack. The baseline, measured in the same run, is a warm start with the components
 * started one after another instead of in parallel.
 */
@Command(name = "startup", description = "Measure cold and warm start-up times and resident memory of the embedded stack.")
final class StartupBenchmark
        implements Callable<Integer>
{
    @Option(names = "--warm-runs", description = "Warm starts to measure (default: ${DEFAULT-VALUE}).")
    int warmRuns = 3;

    @Option(names = "--keep-data", description = "Keep the benchmark's data directory.")
    boolean keepData;

    record Run(String name, double coreSeconds, double trinoSeconds, Map<String, Long> rssMegabytes, Map<String, Long> componentMillis)
    {
        long totalRss()
        {
            return rssMegabytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public Integer call()
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
            System.out.printf("%-10s %10s %10s %10s   %s%n", "run", "core", "trino", "RSS", "RSS per process (MB) / component ready (ms)");
            for (Run run : runs) {
                print(run);
            }
            print(baseline);
            List<Run> warm = runs.subList(1, runs.size());
            double core = median(warm.stream().map(Run::coreSeconds).toList());
            double trino = median(warm.stream().map(Run::trinoSeconds).toList());
            double rss = median(warm.stream().map(run -> (double) run.totalRss()).toList());
            System.out.println();
            System.out.printf(Locale.ROOT, "median of %d warm starts: core ready %.1f s (target <= 10 s), Trino answering %.1f s (target <= 30 s), "
                    + "resident %.0f MB (target <= 2560 MB)%n", warm.size(), core, trino, rss);
            System.out.printf(Locale.ROOT, "baseline, components started one after another: core %.1f s, Trino %.1f s; parallel start takes %.2fx "
                    + "(core) and %.2fx (Trino) of it%n", baseline.coreSeconds(), baseline.trinoSeconds(), core / baseline.coreSeconds(),
                    trino / baseline.trinoSeconds());
            return core <= 10 && trino <= 30 && rss <= 2560 ? 0 : 1;
        }
        finally {
            if (!keepData) {
                EmbeddedStack.wipe(data);
            }
        }
    }

    private Run measure(String name, Path data, boolean sequential)
            throws Exception
    {
        Map<String, Long> componentMillis = new LinkedHashMap<>();
        StackListener listener = new StackListener()
        {
            @Override
            public synchronized void componentChanged(ComponentStatus status)
            {
                status.startMillis().ifPresent(millis -> componentMillis.put(status.name(), millis));
            }
        };
        System.out.printf("  %s start...%n", name);
        long begin = System.nanoTime();
        try (EmbeddedStack stack = EmbeddedStack.builder().dataDirectory(data).ports(StackPorts.free()).listener(listener)
                .sequentialStart(sequential).build().start()) {
            double core = (System.nanoTime() - begin) / 1e9;
            stack.awaitTrino(Duration.ofMinutes(4));
            Properties properties = new Properties();
            properties.put("user", "lakestack");
            try (Connection connection = DriverManager.getConnection(stack.trinoJdbcUrl(), properties);
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM awsdatacatalog.information_schema.schemata")) {
                result.next();
            }
            double trino = (System.nanoTime() - begin) / 1e9;
            return new Run(name, core, trino, residentMemory(), componentMillis);
        }
    }

    /** Resident memory of this process and of every process it started, from /proc. */
    static Map<String, Long> residentMemory()
    {
        Map<String, Long> megabytes = new LinkedHashMap<>();
        megabytes.put("launcher", rss(ProcessHandle.current().pid()));
        ProcessHandle.current().descendants().forEach(process -> {
            String command = process.info().commandLine().orElse("");
            String name = command.contains("TrinoServer") ? "trino"
                    : command.contains("MetastoreMain") ? "metastore"
                    : command.contains("S3MockApplication") ? "object-store"
                    : "pid " + process.pid();
            long rss = rss(process.pid());
            if (rss > 0) {
                megabytes.merge(name, rss, Long::sum);
            }
        });
        return megabytes;
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
        System.out.printf(Locale.ROOT, "%-10s %8.1f s %8.1f s %7d MB   %s / %s%n", run.name(), run.coreSeconds(), run.trinoSeconds(), run.totalRss(),
                run.rssMegabytes(), run.componentMillis());
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

}
