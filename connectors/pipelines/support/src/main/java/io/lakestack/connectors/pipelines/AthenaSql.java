package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.StatementType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * SQL through the Athena API as an analyst's client runs it: start the statement in a database with results under an
 * S3 location, poll until it ends, read every page. A statement that does not succeed is an error carrying Athena's
 * reason.
 */
public final class AthenaSql
{
    private final AthenaClient athena;
    private final String database;
    private final String outputLocation;
    private final Duration poll;

    public AthenaSql(AthenaClient athena, String database, String outputLocation, Duration poll)
    {
        this.athena = requireNonNull(athena, "athena is null");
        this.database = requireNonNull(database, "database is null");
        this.outputLocation = requireNonNull(outputLocation, "outputLocation is null");
        this.poll = requireNonNull(poll, "poll is null");
    }

    /** A query's answer: its column names and its rows, values as Athena's text ({@code null} where SQL has NULL). */
    public record Rows(List<String> columns, List<List<String>> rows)
    {
        public Rows
        {
            columns = List.copyOf(columns);
            rows = rows.stream().map(row -> Collections.unmodifiableList(new ArrayList<>(row))).toList();
        }

        /** The rows as a table a person reads: columns padded, numbers to the right. */
        public String format()
        {
            int[] widths = new int[columns.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = columns.get(i).length();
                for (List<String> row : rows) {
                    widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
                }
            }
            StringBuilder out = new StringBuilder();
            line(out, columns, widths, false);
            for (int i = 0; i < widths.length; i++) {
                out.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
            }
            out.append('\n');
            rows.forEach(row -> line(out, row, widths, true));
            return out.toString();
        }

        private static void line(StringBuilder out, List<String> values, int[] widths, boolean alignNumbers)
        {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String value = String.valueOf(values.get(i));
                boolean number = alignNumbers && value.matches("-?[0-9]+(\\.[0-9]+)?");
                line.append(i == 0 ? "" : " | ").append(number ? " ".repeat(widths[i] - value.length()) + value : value + " ".repeat(widths[i] - value.length()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** Runs a statement (DDL, CTAS, INSERT) to its end; its execution, which succeeded. */
    public QueryExecution execute(String statement)
            throws InterruptedException
    {
        String id = athena.startQueryExecution(request -> request.queryString(statement)
                .queryExecutionContext(context -> context.database(database))
                .resultConfiguration(result -> result.outputLocation(outputLocation))).queryExecutionId();
        while (true) {
            QueryExecution execution = athena.getQueryExecution(request -> request.queryExecutionId(id)).queryExecution();
            QueryExecutionState state = execution.status().state();
            if (state == QueryExecutionState.SUCCEEDED) {
                return execution;
            }
            if (state != QueryExecutionState.QUEUED && state != QueryExecutionState.RUNNING) {
                throw new IllegalStateException("Athena query " + id + " " + state + ": " + execution.status().stateChangeReason()
                        + "\n" + statement.strip());
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** Runs a query and reads every page of its answer. */
    public Rows query(String statement)
            throws InterruptedException
    {
        QueryExecution execution = execute(statement);
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        String token = null;
        boolean first = true;
        do {
            String next = token;
            GetQueryResultsResponse page = athena.getQueryResults(request -> request.queryExecutionId(execution.queryExecutionId()).nextToken(next));
            if (first) {
                page.resultSet().resultSetMetadata().columnInfo().stream().map(ColumnInfo::name).forEach(columns::add);
            }
            page.resultSet().rows().forEach(row -> rows.add(row.data().stream().map(Datum::varCharValue).toList()));
            if (first && execution.statementType() == StatementType.DML && !rows.isEmpty()) {
                rows.remove(0); // the first row of a SELECT's first page holds the column names
            }
            first = false;
            token = page.nextToken();
        }
        while (token != null);
        return new Rows(columns, rows);
    }
}
