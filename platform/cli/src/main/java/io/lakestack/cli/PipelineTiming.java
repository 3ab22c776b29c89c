package io.lakestack.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The stages of one pipeline run, timed from its first input record to its answer: what {@code run} prints and
 * {@code bench pipelines} tabulates. A stage ends when {@link #stage} is called; the input ends at {@link #inputDone}.
 */
final class PipelineTiming
{
    private final String pipeline;
    private final long begin;
    private final Map<String, Long> stageEnds = new LinkedHashMap<>();
    private long records;
    private long inputDone = -1;

    private PipelineTiming(String pipeline, long begin)
    {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.begin = begin;
    }

    /** Starts timing now, before the first input record is made. */
    static PipelineTiming start(String pipeline)
    {
        return new PipelineTiming(pipeline, System.nanoTime());
    }

    /** Ends the stage that ran since the last one ended (or since the start). */
    void stage(String name)
    {
        if (stageEnds.put(name, System.nanoTime()) != null) {
            throw new IllegalArgumentException("stage " + name + " was timed twice");
        }
    }

    /** Ends a stage that put the last input record; {@code records} is how many went in, in all. */
    void inputDone(String stage, long inputRecords)
    {
        stage(stage);
        records = inputRecords;
        inputDone = stageEnds.get(stage);
    }

    String pipeline()
    {
        return pipeline;
    }

    long records()
    {
        return records;
    }

    private long end()
    {
        if (stageEnds.isEmpty() || inputDone < 0) {
            throw new IllegalStateException("the run of " + pipeline + " has not put its input and answered");
        }
        return stageEnds.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** Input records per second from the first put to the answer. */
    double recordsPerSecond()
    {
        return records / seconds(begin, end());
    }

    double seconds()
    {
        return seconds(begin, end());
    }

    /** From the last input record to the answer. */
    double secondsAfterInput()
    {
        return seconds(inputDone, end());
    }

    /** The stage that took longest, with its seconds. */
    String slowestStage()
    {
        long previous = begin;
        String slowest = "";
        long longest = -1;
        for (Map.Entry<String, Long> stage : stageEnds.entrySet()) {
            long took = stage.getValue() - previous;
            if (took > longest) {
                longest = took;
                slowest = stage.getKey();
            }
            previous = stage.getValue();
        }
        return String.format(Locale.ROOT, "%s (%.1f s)", slowest, longest / 1e9);
    }

    /** Every stage with its seconds, in order. */
    String stages()
    {
        StringBuilder text = new StringBuilder();
        long previous = begin;
        for (Map.Entry<String, Long> stage : stageEnds.entrySet()) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f s", stage.getKey(), (stage.getValue() - previous) / 1e9));
            previous = stage.getValue();
        }
        return text.toString();
    }

    private static double seconds(long from, long to)
    {
        return (to - from) / 1e9;
    }
}
