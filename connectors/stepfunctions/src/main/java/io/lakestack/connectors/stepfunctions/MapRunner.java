package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the Map Runs of distributed Map states, and reads their items from S3. The interpreter reads and shapes the items
 * ({@code ItemReader}, {@code ItemSelector}, {@code ItemBatcher}), writes {@code MapRunStarted}, then hands the child
 * inputs to {@link #run}; the Map Run's ARN is derived from the execution and where the state is in its history, so a
 * resumed execution hands the same Map Run over again, whose children that ended are not run again.
 */
public interface MapRunner
{
    /**
     * The bytes of an S3 object as stored (a gzip object is not decompressed here); a {@link RuntimeException} with a
     * message naming the problem when it cannot be read.
     */
    byte[] getObject(String bucket, String key);

    /**
     * The rows of a Parquet object, every row group's, each a JSON object of its columns; a {@link RuntimeException}
     * with a message naming the object when it cannot be read or is not Parquet.
     */
    List<JsonNode> parquetRows(String bucket, String key);

    /** Every object under the prefix as {@code ListObjectsV2} lists them, each {@code {Etag, Key, LastModified, Size, StorageClass}}. */
    List<JsonNode> listObjects(String bucket, String prefix);

    /**
     * Runs the Map Run to its end: completes with the Map's result (the array of child outputs, or the location of
     * the {@code ResultWriter}'s manifest), or with a failure ({@code States.ExceedToleratedFailureThreshold}). The
     * interpreter cancels the future when the execution stops waiting for it.
     */
    CompletableFuture<TaskOutcome> run(MapRunRequest request);

    /**
     * Stops a running Map Run that its execution no longer waits for, the branch its Map is in having been aborted: its
     * running children are stopped, and it ends {@code ABORTED}. Returns at once; a Map Run that ended is left as it is.
     */
    void abort(String mapRunArn);

    /**
     * Redrives a Map Run that ended, as its execution's redrive number {@code redriveCount} does: the Map Run runs again
     * with its failed, timed-out and aborted child executions redriven, the ones that succeeded standing; {@link #run}
     * then waits for it. Called again for the same redrive (an execution resumed after a restart), it redrives only the
     * children it had not redriven yet.
     */
    void redrive(String mapRunArn, int redriveCount);

    /** A runner for an interpreter that runs no distributed Map: each fails with {@code States.Runtime}. */
    static MapRunner unsupported()
    {
        return new MapRunner()
        {
            @Override
            public byte[] getObject(String bucket, String key)
            {
                throw new UnsupportedOperationException("this interpreter reads no S3 objects");
            }

            @Override
            public List<JsonNode> parquetRows(String bucket, String key)
            {
                throw new UnsupportedOperationException("this interpreter reads no Parquet objects");
            }

            @Override
            public List<JsonNode> listObjects(String bucket, String prefix)
            {
                throw new UnsupportedOperationException("this interpreter lists no S3 objects");
            }

            @Override
            public CompletableFuture<TaskOutcome> run(MapRunRequest request)
            {
                return CompletableFuture.completedFuture(TaskOutcome.failed(StatesErrors.RUNTIME, "this interpreter runs no distributed Map"));
            }

            @Override
            public void abort(String mapRunArn)
            {
                // its runs end as they start
            }

            @Override
            public void redrive(String mapRunArn, int redriveCount)
            {
                // its runs end as they start
            }
        };
    }
}
