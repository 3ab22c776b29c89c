package io.lakestack.cli;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;

import java.util.function.Consumer;

/** An Athena query through the API as a client runs one, for the benchmarks: start, poll until it ends, fetch every page. */
final class AthenaCalls
{
    private AthenaCalls()
    {
    }

    /** Starts the query and polls it every {@code pollMillis} until it ends; the execution, which succeeded. */
    static QueryExecution run(AthenaClient athena, String query, long pollMillis)
            throws InterruptedException
    {
        String id = athena.startQueryExecution(request -> request.queryString(query)).queryExecutionId();
        QueryExecution execution;
        while (true) {
            execution = athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution();
            QueryExecutionState state = execution.status().state();
            if (state != QueryExecutionState.QUEUED && state != QueryExecutionState.RUNNING) {
                break;
            }
            Thread.sleep(pollMillis);
        }
        if (execution.status().state() != QueryExecutionState.SUCCEEDED) {
            throw new IllegalStateException("the Athena query " + execution.status().state() + ": " + execution.status().stateChangeReason());
        }
        return execution;
    }

    /** Fetches every page of a query's results, 1,000 rows a page, handing each to {@code page}. */
    static void pages(AthenaClient athena, String queryExecutionId, Consumer<GetQueryResultsResponse> page)
    {
        String token = null;
        do {
            String next = token;
            GetQueryResultsResponse response = athena.getQueryResults(request -> request.queryExecutionId(queryExecutionId).maxResults(1000).nextToken(next));
            page.accept(response);
            token = response.nextToken();
        }
        while (token != null);
    }
}
