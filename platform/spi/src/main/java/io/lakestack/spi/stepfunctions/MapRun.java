package io.lakestack.spi.stepfunctions;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A Map Run of a distributed Map state as {@code DescribeMapRun} answers it, kept in the record store
 * {@value StepFunctions#MAP_RUNS_STORE} under its ARN. Its child executions are stored in
 * {@value StepFunctions#EXECUTIONS_STORE}, named {@link StepFunctions#mapRunChildName}, under the child machine
 * {@link StepFunctions#mapRunChildMachineArn}; their counts are read from there.
 *
 * @param status {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code ABORTED}
 * @param maxConcurrency child executions running at once, 0 for no limit; changed by {@code UpdateMapRun}
 * @param toleratedFailurePercentage negative when the Map sets none ({@code DescribeMapRun} says 0)
 * @param toleratedFailureCount negative when the Map sets none ({@code DescribeMapRun} says 0)
 * @param itemsPerChild the number of items each child execution processes (1 each, or its batch's size), by child index
 * @param resultsWritten the items whose results were written to S3 by the {@code ResultWriter}
 * @param stopMillis 0 while running
 * @param redriveCount how many times the Map Run was redriven with its execution ({@code MapRunRedriven})
 * @param redriveMillis when it was last redriven, 0 before
 */
public record MapRun(String mapRunArn, String executionArn, String status, long startMillis, long stopMillis, int maxConcurrency,
        double toleratedFailurePercentage, long toleratedFailureCount, List<Integer> itemsPerChild, long resultsWritten, int redriveCount,
        long redriveMillis)
{
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String ABORTED = "ABORTED";

    public MapRun
    {
        requireNonNull(mapRunArn, "mapRunArn is null");
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(status, "status is null");
        itemsPerChild = itemsPerChild == null ? List.of() : List.copyOf(itemsPerChild);
    }

    public boolean running()
    {
        return status.equals(RUNNING);
    }

    public MapRun updated(int newMaxConcurrency, double newToleratedFailurePercentage, long newToleratedFailureCount)
    {
        return new MapRun(mapRunArn, executionArn, status, startMillis, stopMillis, newMaxConcurrency, newToleratedFailurePercentage,
                newToleratedFailureCount, itemsPerChild, resultsWritten, redriveCount, redriveMillis);
    }

    public MapRun ended(String newStatus, long newStopMillis, long newResultsWritten)
    {
        return new MapRun(mapRunArn, executionArn, newStatus, startMillis, newStopMillis, maxConcurrency, toleratedFailurePercentage,
                toleratedFailureCount, itemsPerChild, newResultsWritten, redriveCount, redriveMillis);
    }

    /** Running again, redriven for the {@code count}th time at {@code millis}; its results are written again at its end. */
    public MapRun redriven(int count, long millis)
    {
        return new MapRun(mapRunArn, executionArn, RUNNING, startMillis, 0, maxConcurrency, toleratedFailurePercentage, toleratedFailureCount,
                itemsPerChild, 0, count, millis);
    }
}
