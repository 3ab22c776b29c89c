package io.lakestack.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Every benchmark, one after another with its default settings, then one table of every figure with its baseline,
 * ratio and target, so that a person sees at a glance which targets are met. A benchmark that fails is reported and the
 * others still run; the exit status is 0 only when every benchmark ran and every target was met.
 */
@Command(name = "all", description = "Run every benchmark with its default settings and print one table of every figure, baseline, ratio and target.")
final class AllBenchmarks
        implements Callable<Integer>
{
    /** The benchmarks in the order they run: the quick ones first. */
    static final Map<String, Supplier<Benchmark>> BENCHMARKS = benchmarks();

    @Option(names = "--skip", split = ",", description = "Benchmarks not to run, of: startup, kinesis, firehose, sqs, lambda, stepfunctions, athena, memory, pipelines.")
    List<String> skip = new ArrayList<>();

    private static Map<String, Supplier<Benchmark>> benchmarks()
    {
        Map<String, Supplier<Benchmark>> benchmarks = new LinkedHashMap<>();
        benchmarks.put("startup", StartupBenchmark::new);
        benchmarks.put("kinesis", KinesisBenchmark::new);
        benchmarks.put("firehose", FirehoseBenchmark::new);
        benchmarks.put("sqs", SqsBenchmark::new);
        benchmarks.put("lambda", LambdaBenchmark::new);
        benchmarks.put("stepfunctions", StepFunctionsBenchmark::new);
        benchmarks.put("athena", AthenaBenchmark::new);
        benchmarks.put("memory", MemoryBenchmark::new);
        benchmarks.put("pipelines", PipelinesBenchmark::new);
        return benchmarks;
    }

    @Override
    public Integer call()
    {
        for (String name : skip) {
            if (!BENCHMARKS.containsKey(name)) {
                throw new IllegalArgumentException("--skip names one of " + BENCHMARKS.keySet() + ", not " + name);
            }
        }
        List<Figure> figures = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Supplier<Benchmark>> benchmark : BENCHMARKS.entrySet()) {
            if (skip.contains(benchmark.getKey())) {
                continue;
            }
            System.out.printf("%n== bench %s ==%n", benchmark.getKey());
            try {
                figures.addAll(benchmark.getValue().get().measure());
            }
            catch (Exception e) {
                e.printStackTrace(System.out);
                failures.add(benchmark.getKey() + ": " + e);
            }
        }
        System.out.println();
        Figure.printTable(System.out, figures);
        failures.forEach(failure -> System.out.println("FAILED " + failure));
        return failures.isEmpty() ? Figure.exitStatus(figures) : 1;
    }
}
