package io.lakestack.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FigureTest
{
    private static final Figure PUT = Figure.of("kinesis", "PutRecords", 120_000, "records/s").against(200_000)
            .target(Figure.Target.valueAtLeast(100_000)).target(Figure.Target.ratioAtLeast(0.5));

    @Test
    void aFigureMeetsItsTargetsOnlyWhenItMeetsEveryOne()
    {
        assertThat(PUT.ratio().getAsDouble()).isEqualTo(0.6);
        assertThat(PUT.met()).contains(true);

        Figure slowRatio = Figure.of("kinesis", "PutRecords", 120_000, "records/s").against(300_000)
                .target(Figure.Target.valueAtLeast(100_000)).target(Figure.Target.ratioAtLeast(0.5));
        assertThat(slowRatio.met()).contains(false);

        Figure slow = Figure.of("athena", "GROUP BY", 1.3, "s").against(1.0).target(Figure.Target.ratioAtMost(1.2));
        assertThat(slow.met()).contains(false);
        Figure onTheBound = Figure.of("startup", "first answer", 5.0, "s").target(Figure.Target.valueAtMost(5));
        assertThat(onTheBound.met()).contains(true);

        Figure informational = Figure.of("sqs", "send", 900, "messages/s");
        assertThat(informational.met()).isEmpty();
        assertThat(informational.ratio()).isEmpty();

        assertThat(Figure.exitStatus(List.of(PUT, informational, onTheBound))).isZero();
        assertThat(Figure.exitStatus(List.of(PUT, slow))).isEqualTo(1);
    }

    @Test
    void aTargetOnTheRatioNeedsABaseline()
    {
        assertThatThrownBy(() -> Figure.of("athena", "GROUP BY", 1.3, "s").target(Figure.Target.ratioAtMost(1.2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a target on the ratio needs a baseline: GROUP BY");
    }

    @Test
    void theTableHasOneRowPerFigure()
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Figure.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(PUT,
                Figure.of("athena", "GROUP BY, one page", 0.412, "s").against(0.3).target(Figure.Target.ratioAtMost(1.2)),
                Figure.of("sqs", "send", 42.25, "ms")));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "| benchmark | figure | value | baseline | ratio | target | met |",
                "|---|---|---|---|---|---|---|",
                "| kinesis | PutRecords | 120,000 records/s | 200,000 records/s | 0.60 | >= 100,000 records/s and >= 0.50x the baseline | yes |",
                "| athena | GROUP BY, one page | 0.41 s | 0.30 s | 1.37 | <= 1.20x the baseline | **no** |",
                "| sqs | send | 42.3 ms |  |  |  |  |");
    }

    @Test
    void benchAllIsASubcommandThatRefusesAnUnknownBenchmarkToSkip()
    {
        CommandLine bench = new CommandLine(new BenchCommand());
        assertThat(bench.getSubcommands()).containsKey("all");
        assertThat(AllBenchmarks.BENCHMARKS.keySet()).containsExactly("startup", "kinesis", "firehose", "sqs", "lambda", "stepfunctions", "athena", "memory", "pipelines");
        AllBenchmarks all = new AllBenchmarks();
        new CommandLine(all).parseArgs("--skip", "pipelines,memory");
        assertThat(all.skip).containsExactly("pipelines", "memory");
        AllBenchmarks unknown = new AllBenchmarks();
        new CommandLine(unknown).parseArgs("--skip", "glue");
        assertThatThrownBy(unknown::call)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--skip names one of [startup, kinesis, firehose, sqs, lambda, stepfunctions, athena, memory, pipelines], not glue");
    }
}
