package io.lakestack.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", description = "Benchmarks that print measured figures.", subcommands = {StartupBenchmark.class, AthenaBenchmark.class, FirehoseBenchmark.class, KinesisBenchmark.class, LambdaBenchmark.class, SqsBenchmark.class,
        StepFunctionsBenchmark.class, MemoryBenchmark.class, PipelinesBenchmark.class, AllBenchmarks.class})
final class BenchCommand
{
}
