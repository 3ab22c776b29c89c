package io.lakestack.it.contract;

import io.lakestack.spi.athena.QueryEngine;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.AthenaError;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatistics;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.athena.model.StatementType;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@link QueryEngine} on Amazon Athena, for the contract suite: {@code StartQueryExecution}, {@code GetQueryExecution}
 * until the query ends (looking at the caller's cancel flag before each poll, and {@code StopQueryExecution} when it
 * is set), then every page of {@code GetQueryResults} into the sink. The engine's error name is the prefix of the
 * state change reason ({@code TABLE_NOT_FOUND: line 1:15: ...}); the user is to blame when Athena's error category
 * is 2 (user).
 */
final class AthenaQueryEngine
        implements QueryEngine, AutoCloseable
{
    private static final Pattern ERROR_NAME = Pattern.compile("^([A-Z][A-Z0-9_]+): ?(.*)", Pattern.DOTALL);
    private static final int USER_ERROR_CATEGORY = 2;
    private static final long POLL_MILLIS = 200;

    private final AthenaClient athena;
    private final String outputLocation;

    /**
     * @param outputLocation {@code s3://bucket/prefix/} where Athena writes results
     */
    AthenaQueryEngine(AthenaClient athena, String outputLocation)
    {
        this.athena = requireNonNull(athena, "athena is null");
        this.outputLocation = requireNonNull(outputLocation, "outputLocation is null");
    }

    @Override
    public Outcome execute(Query query, RowSink sink, BooleanSupplier cancelled)
            throws QueryFailure
    {
        if (!query.sessionProperties().isEmpty()) {
            throw new QueryFailure("NOT_SUPPORTED", "Athena takes no session properties: " + query.sessionProperties(), true);
        }
        String id;
        try {
            id = athena.startQueryExecution(request -> request
                    .queryString(query.sql())
                    .queryExecutionContext(context -> context
                            .catalog(query.catalog().equalsIgnoreCase("awsdatacatalog") ? "AwsDataCatalog" : query.catalog())
                            .database(query.schema().orElse(null)))
                    .resultConfiguration(result -> result.outputLocation(outputLocation)))
                    .queryExecutionId();
        }
        catch (InvalidRequestException e) {
            String message = e.awsErrorDetails().errorMessage();
            Matcher named = ERROR_NAME.matcher(message == null ? "" : message);
            throw new QueryFailure(named.matches() ? named.group(1) : Optional.ofNullable(e.athenaErrorCode()).orElse("INVALID_REQUEST"), message, true);
        }
        QueryExecution execution = awaitEnd(id, cancelled);
        String state = execution.status().stateAsString();
        if (state.equals("CANCELLED")) {
            throw new QueryFailure("USER_CANCELED", "Query cancelled: " + execution.status().stateChangeReason(), true);
        }
        if (!state.equals("SUCCEEDED")) {
            throw failure(execution);
        }

        boolean first = true;
        Optional<Long> updateCount = Optional.empty();
        for (GetQueryResultsResponse page : athena.getQueryResultsPaginator(request -> request.queryExecutionId(id))) {
            List<ColumnInfo> columns = page.resultSet().resultSetMetadata().columnInfo();
            List<Row> rows = page.resultSet().rows();
            if (first) {
                sink.columns(columns.stream().map(column -> new Column(column.name(), column.type())).toList());
                // a SELECT's first row repeats the column names
                if (execution.statementType() == StatementType.DML && !rows.isEmpty()
                        && values(rows.get(0)).equals(columns.stream().map(ColumnInfo::label).toList())) {
                    rows = rows.subList(1, rows.size());
                }
                if (page.updateCount() != null && !"SELECT".equals(execution.substatementType())) {
                    updateCount = Optional.of(page.updateCount());
                }
                first = false;
            }
            rows.forEach(row -> sink.row(values(row)));
        }
        QueryExecutionStatistics statistics = execution.statistics();
        return new Outcome(orZero(statistics.dataScannedInBytes()), orZero(statistics.engineExecutionTimeInMillis()),
                orZero(statistics.queryQueueTimeInMillis()), orZero(statistics.queryPlanningTimeInMillis()), updateCount,
                Optional.ofNullable(execution.substatementType()));
    }

    private QueryExecution awaitEnd(String id, BooleanSupplier cancelled)
            throws QueryFailure
    {
        while (true) {
            QueryExecution execution = athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution();
            String state = execution.status().stateAsString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return execution;
            }
            if (cancelled.getAsBoolean()) {
                athena.stopQueryExecution(request -> request.queryExecutionId(id));
                throw new QueryFailure("USER_CANCELED", "Query cancelled by user", true);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                athena.stopQueryExecution(request -> request.queryExecutionId(id));
                throw new QueryFailure("USER_CANCELED", "interrupted", true);
            }
        }
    }

    private static QueryFailure failure(QueryExecution execution)
    {
        String reason = String.valueOf(execution.status().stateChangeReason());
        AthenaError error = execution.status().athenaError();
        boolean userError = error != null && error.errorCategory() != null && error.errorCategory() == USER_ERROR_CATEGORY;
        Matcher named = ERROR_NAME.matcher(reason);
        String name = named.matches() ? named.group(1) : userError ? "GENERIC_USER_ERROR" : "GENERIC_INTERNAL_ERROR";
        return new QueryFailure(name, reason, userError);
    }

    private static List<String> values(Row row)
    {
        return row.data().stream().map(Datum::varCharValue).toList();
    }

    private static long orZero(Long value)
    {
        return value == null ? 0 : value;
    }

    @Override
    public void close()
    {
        athena.close();
    }
}
