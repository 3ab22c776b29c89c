package io.lakestack.services.athena;

import io.lakestack.spi.athena.QueryEngine;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One query execution as the record store keeps it: what was asked, which instance runs it, how it ended, and where
 * its result is.
 *
 * @param outputFolder the result location with a trailing slash; the result file is {@code <folder><id>.csv} (or
 *         {@code .txt})
 * @param owner the lakestack instance that runs the query; only it changes the record until the query ends, unless
 *         it is gone
 * @param cancelRequested set by {@code StopQueryExecution} through another instance, for the owner to act on
 */
record QueryExecution(
        String id,
        String query,
        String statementType,
        Optional<String> substatementType,
        String workGroup,
        Optional<String> database,
        Optional<String> catalog,
        String outputFolder,
        String outputLocation,
        List<String> executionParameters,
        Optional<String> clientRequestToken,
        String owner,
        State state,
        Optional<String> stateChangeReason,
        Optional<Failure> failure,
        long submittedMillis,
        Optional<Long> completedMillis,
        Optional<Statistics> statistics,
        Optional<Result> result,
        boolean cancelRequested)
{
    enum State
    {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        boolean isDone()
        {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    /** Athena's {@code AthenaError}: whether the user or the system is at fault. */
    record Failure(boolean userError)
    {
        int category()
        {
            return userError ? 2 : 1;
        }

        int type()
        {
            return userError ? 1301 : 401;
        }
    }

    /**
     * @param dataManifestLocation the {@code s3://} location of the manifest of the files an UNLOAD wrote
     */
    record Statistics(long queueMillis, Optional<Long> dataScannedBytes, long engineExecutionMillis, long planningMillis, long totalExecutionMillis,
            Optional<String> dataManifestLocation)
    {
        Statistics
        {
            requireNonNull(dataScannedBytes, "dataScannedBytes is null");
            // a query stored before manifests were kept has none
            dataManifestLocation = dataManifestLocation == null ? Optional.empty() : dataManifestLocation;
        }
    }

    /**
     * Where the result file is and what it holds.
     *
     * @param csv whether it is a CSV result (a header row, quoted values) or a text result (one row per line)
     * @param updateCount the rows an INSERT or CTAS wrote, which it answers with instead of a result set
     */
    record Result(String bucket, String key, long bytes, boolean csv, List<QueryEngine.Column> columns, long rows, Optional<Long> updateCount)
    {
        Result
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(key, "key is null");
            columns = List.copyOf(columns);
            requireNonNull(updateCount, "updateCount is null");
        }
    }

    QueryExecution
    {
        requireNonNull(id, "id is null");
        requireNonNull(query, "query is null");
        requireNonNull(statementType, "statementType is null");
        requireNonNull(substatementType, "substatementType is null");
        requireNonNull(workGroup, "workGroup is null");
        requireNonNull(database, "database is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(outputFolder, "outputFolder is null");
        requireNonNull(outputLocation, "outputLocation is null");
        executionParameters = List.copyOf(executionParameters);
        requireNonNull(clientRequestToken, "clientRequestToken is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(state, "state is null");
        requireNonNull(stateChangeReason, "stateChangeReason is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(completedMillis, "completedMillis is null");
        requireNonNull(statistics, "statistics is null");
        requireNonNull(result, "result is null");
    }

    QueryExecution running()
    {
        return new QueryExecution(id, query, statementType, substatementType, workGroup, database, catalog, outputFolder, outputLocation,
                executionParameters, clientRequestToken, owner, State.RUNNING, stateChangeReason, failure, submittedMillis, completedMillis,
                statistics, result, cancelRequested);
    }

    QueryExecution withCancelRequested()
    {
        return new QueryExecution(id, query, statementType, substatementType, workGroup, database, catalog, outputFolder, outputLocation,
                executionParameters, clientRequestToken, owner, state, stateChangeReason, failure, submittedMillis, completedMillis,
                statistics, result, true);
    }

    /** The query as it ended. */
    QueryExecution finished(State endState, Optional<String> reason, Optional<Failure> endFailure, long completed, String newStatementType,
            Optional<String> newSubstatementType, String newOutputLocation, Optional<Statistics> endStatistics, Optional<Result> endResult)
    {
        return new QueryExecution(id, query, newStatementType, newSubstatementType, workGroup, database, catalog, outputFolder, newOutputLocation,
                executionParameters, clientRequestToken, owner, endState, reason, endFailure, submittedMillis, Optional.of(completed),
                endStatistics, endResult, cancelRequested);
    }
}
