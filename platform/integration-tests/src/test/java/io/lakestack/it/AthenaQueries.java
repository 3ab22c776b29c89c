package io.lakestack.it;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs Athena queries as an application does: start, poll until done, read every page of results. */
final class AthenaQueries
{
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final AthenaClient athena;
    private final String database;

    AthenaQueries(AthenaClient athena, String database)
    {
        this.athena = athena;
        this.database = database;
    }

    /** Runs the statement in the database, and asserts it succeeded. */
    QueryExecution succeed(String sql)
    {
        QueryExecution execution = run(sql, request -> {});
        assertThat(execution.status().state())
                .as("state of %s (reason: %s)", sql, execution.status().stateChangeReason())
                .isEqualTo(QueryExecutionState.SUCCEEDED);
        return execution;
    }

    /** Runs the statement and asserts it failed; returns the reason. */
    String fail(String sql)
    {
        QueryExecution execution = run(sql, request -> {});
        assertThat(execution.status().state()).as("state of %s", sql).isEqualTo(QueryExecutionState.FAILED);
        return execution.status().stateChangeReason();
    }

    QueryExecution run(String sql, Consumer<StartQueryExecutionRequest.Builder> customizer)
    {
        String id = athena.startQueryExecution(request -> {
            request.queryString(sql).queryExecutionContext(context -> context.database(database));
            customizer.accept(request);
        }).queryExecutionId();
        return await(id);
    }

    /** The execution once it is done: SUCCEEDED, FAILED or CANCELLED. */
    QueryExecution await(String id)
    {
        return Eventually.read(TIMEOUT, () -> athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution(),
                execution -> assertThat(execution.status().state()).as("state of query %s: %s", id, execution)
                        .isIn(QueryExecutionState.SUCCEEDED, QueryExecutionState.FAILED, QueryExecutionState.CANCELLED));
    }

    /** Every row of the result, the header row included for SELECT, as Athena returns them; null for a NULL. */
    List<List<String>> rows(String id)
    {
        List<List<String>> rows = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetQueryResultsResponse page = athena.getQueryResults(request -> request.queryExecutionId(id).nextToken(next));
            for (Row row : page.resultSet().rows()) {
                rows.add(row.data().stream().map(Datum::varCharValue).toList());
            }
            token = page.nextToken();
        }
        while (token != null);
        return rows;
    }

    /** Rows as {@code a|b|c} lines, for compact assertions. */
    List<String> lines(String sql)
    {
        return rows(succeed(sql).queryExecutionId()).stream().map(row -> String.join("|", row.stream().map(String::valueOf).toList())).toList();
    }
}
