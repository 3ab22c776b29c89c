package io.lakestack.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import static java.util.Objects.requireNonNull;

/**
 * One measured figure of a benchmark: its value, the baseline measured in the same run (when it has one), and the
 * target it is held to (when it has one). What {@code lakestack bench all} prints one table of, and what decides a
 * benchmark's exit status.
 *
 * @param baseline the same work done without lakestack in the same run (a raw Kafka producer, Trino over JDBC...)
 */
record Figure(String benchmark, String measure, double value, String unit, OptionalDouble baseline, List<Target> targets)
{
    Figure
    {
        requireNonNull(benchmark, "benchmark is null");
        requireNonNull(measure, "measure is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(baseline, "baseline is null");
        targets = List.copyOf(requireNonNull(targets, "targets is null"));
        if (baseline.isEmpty() && targets.stream().anyMatch(Target::ofRatio)) {
            throw new IllegalArgumentException("a target on the ratio needs a baseline: " + measure);
        }
    }

    /** A bound on the value, or on its ratio to the baseline. */
    record Target(boolean ofRatio, boolean atLeast, double bound)
    {
        static Target valueAtLeast(double bound)
        {
            return new Target(false, true, bound);
        }

        static Target valueAtMost(double bound)
        {
            return new Target(false, false, bound);
        }

        static Target ratioAtLeast(double bound)
        {
            return new Target(true, true, bound);
        }

        static Target ratioAtMost(double bound)
        {
            return new Target(true, false, bound);
        }

        String describe(String unit)
        {
            return (atLeast ? ">= " : "<= ") + (ofRatio ? number(bound) + "x the baseline" : number(bound) + " " + unit);
        }
    }

    static Figure of(String benchmark, String measure, double value, String unit)
    {
        return new Figure(benchmark, measure, value, unit, OptionalDouble.empty(), List.of());
    }

    Figure against(double baselineValue)
    {
        return new Figure(benchmark, measure, value, unit, OptionalDouble.of(baselineValue), targets);
    }

    Figure target(Target bound)
    {
        List<Target> more = new java.util.ArrayList<>(targets);
        more.add(bound);
        return new Figure(benchmark, measure, value, unit, baseline, more);
    }

    OptionalDouble ratio()
    {
        return baseline.isPresent() ? OptionalDouble.of(value / baseline.getAsDouble()) : OptionalDouble.empty();
    }

    /** Whether every target is met; empty when the figure has none. */
    Optional<Boolean> met()
    {
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(targets.stream().allMatch(bound -> {
            double measured = bound.ofRatio() ? ratio().getAsDouble() : value;
            return bound.atLeast() ? measured >= bound.bound() : measured <= bound.bound();
        }));
    }

    /** 0 when every figure with a target meets it, 1 otherwise: a benchmark's exit status. */
    static int exitStatus(List<Figure> figures)
    {
        return figures.stream().allMatch(figure -> figure.met().orElse(true)) ? 0 : 1;
    }

    /** The figures as one Markdown table: figure, value, baseline, ratio, target, met. */
    static void printTable(PrintStream out, List<Figure> figures)
    {
        out.println("| benchmark | figure | value | baseline | ratio | target | met |");
        out.println("|---|---|---|---|---|---|---|");
        for (Figure figure : figures) {
            out.printf(Locale.ROOT, "| %s | %s | %s %s | %s | %s | %s | %s |%n", figure.benchmark(), figure.measure(), number(figure.value()), figure.unit(),
                    figure.baseline().isPresent() ? number(figure.baseline().getAsDouble()) + " " + figure.unit() : "",
                    figure.ratio().isPresent() ? String.format(Locale.ROOT, "%.2f", figure.ratio().getAsDouble()) : "",
                    String.join(" and ", figure.targets().stream().map(bound -> bound.describe(figure.unit())).toList()),
                    figure.met().map(met -> met ? "yes" : "**no**").orElse(""));
        }
    }

    /** Thousands separated above 100, three significant decimals below. */
    static String number(double value)
    {
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
