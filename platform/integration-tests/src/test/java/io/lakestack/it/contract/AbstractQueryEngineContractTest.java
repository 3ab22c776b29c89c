package io.lakestack.it.contract;

import io.lakestack.spi.athena.QueryEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link QueryEngine}: result columns and their types, rows exactly in Athena's text form (SQL NULL as
 * {@code null}), many rows across result pages, failures named as the engine names them with whether the user is to
 * blame, and cancellation through the caller's flag. The queries read no table, so they run the same anywhere.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractQueryEngineContractTest
{
    private static final String CATALOG = "awsdatacatalog";

    private QueryEngine engine;

    protected abstract QueryEngine createEngine()
            throws Exception;

    /**
     * Whether column types carry their parameters ({@code decimal(4,2)}, {@code array(integer)}), or are the bare type
     * name ({@code decimal}, {@code array}).
     */
    protected abstract boolean reportsTypeParameters();

    @BeforeAll
    final void createQueryEngine()
            throws Exception
    {
        engine = createEngine();
    }

    @AfterAll
    final void closeQueryEngine()
            throws Exception
    {
        if (engine instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** What a query gave its sink. */
    private static final class Result
            implements QueryEngine.RowSink
    {
        final List<List<QueryEngine.Column>> columnCalls = new ArrayList<>();
        final List<List<String>> rows = new ArrayList<>();

        @Override
        public void columns(List<QueryEngine.Column> columns)
        {
            columnCalls.add(List.copyOf(columns));
        }

        @Override
        public void row(List<String> values)
        {
            rows.add(new ArrayList<>(values));
        }
    }

    private static QueryEngine.Query query(String sql)
    {
        return new QueryEngine.Query(sql, CATALOG, Optional.empty(), Map.of());
    }

    @Test
    void columnsTypesAndRowsComeExactlyWithNullsAsNull()
            throws Exception
    {
        Result result = new Result();
        QueryEngine.Outcome outcome = engine.execute(query("""
                SELECT * FROM (VALUES
                  (1, CAST('a' AS varchar), CAST(NULL AS varchar), DOUBLE '1.5', DECIMAL '10.25', DATE '2026-11-20',
                   TIMESTAMP '2026-11-20 10:15:30.123', TRUE, ARRAY[1, 2], MAP(ARRAY[CAST('k' AS varchar)], ARRAY[1]), BIGINT '9000000000'),
                  (2, CAST('b c' AS varchar), CAST('x' AS varchar), DOUBLE '-0.25', DECIMAL '-3.50', DATE '1999-12-31',
                   TIMESTAMP '1999-12-31 23:59:59.999', FALSE, ARRAY[3], MAP(ARRAY[CAST('k' AS varchar)], ARRAY[2]), NULL)
                ) AS t(i, s, n, d, amount, day, at, flag, items, counts, big)
                ORDER BY i"""), result, () -> false);

        List<String> names = List.of("i", "s", "n", "d", "amount", "day", "at", "flag", "items", "counts", "big");
        List<String> types = List.of("integer", "varchar", "varchar", "double", "decimal(4, 2)", "date", "timestamp", "boolean", "array(integer)",
                "map(varchar, integer)", "bigint");
        List<String> expectedTypes = reportsTypeParameters() ? types : types.stream().map(type -> type.replaceFirst("\\(.*", "")).toList();
        assertThat(result.columnCalls).hasSize(1);
        assertThat(result.columnCalls.get(0)).extracting(QueryEngine.Column::name).containsExactlyElementsOf(names);
        assertThat(result.columnCalls.get(0)).extracting(QueryEngine.Column::type).containsExactlyElementsOf(expectedTypes);
        assertThat(result.rows).containsExactly(
                Arrays.asList("1", "a", null, "1.5", "10.25", "2026-11-20", "2026-11-20 10:15:30.123", "true", "[1, 2]", "{k=1}", "9000000000"),
                Arrays.asList("2", "b c", "x", "-0.25", "-3.50", "1999-12-31", "1999-12-31 23:59:59.999", "false", "[3]", "{k=2}", null));
        assertThat(outcome.updateCount()).isEmpty();
    }

    @Test
    void manyRowsComeInOrderAcrossPages()
            throws Exception
    {
        Result result = new Result();
        engine.execute(query("SELECT x, CAST(x * 2 AS varchar) AS twice FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x"), result, () -> false);
        assertThat(result.columnCalls).hasSize(1);
        assertThat(result.columnCalls.get(0)).extracting(QueryEngine.Column::name).containsExactly("x", "twice");
        assertThat(result.rows).containsExactlyElementsOf(IntStream.rangeClosed(1, 2500).mapToObj(x -> List.of(String.valueOf(x), String.valueOf(2 * x)))
                .toList());
    }

    @Test
    void unqualifiedNamesAreInTheQuerysSchema()
            throws Exception
    {
        Result result = new Result();
        engine.execute(new QueryEngine.Query("SELECT table_name FROM tables WHERE table_schema = 'information_schema' AND table_name = 'columns'", CATALOG,
                Optional.of("information_schema"), Map.of()), result, () -> false);
        assertThat(result.rows).containsExactly(List.of("columns"));
    }

    @Test
    void aMissingTableIsAUserErrorNamedTableNotFound()
    {
        assertThatThrownBy(() -> engine.execute(query("SELECT * FROM awsdatacatalog.information_schema.no_such_table"), new Result(), () -> false))
                .isInstanceOfSatisfying(QueryEngine.QueryFailure.class, failure -> {
                    assertThat(failure.errorName()).isEqualTo("TABLE_NOT_FOUND");
                    assertThat(failure.userError()).isTrue();
                    assertThat(failure.getMessage()).contains("no_such_table");
                });
    }

    @Test
    void badSyntaxIsAUserErrorNamedSyntaxError()
    {
        assertThatThrownBy(() -> engine.execute(query("SELEC 1"), new Result(), () -> false))
                .isInstanceOfSatisfying(QueryEngine.QueryFailure.class, failure -> {
                    assertThat(failure.errorName()).isEqualTo("SYNTAX_ERROR");
                    assertThat(failure.userError()).isTrue();
                    assertThat(failure.getMessage()).contains("SELEC");
                });
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aQueryIsCancelledWhenTheCallersFlagSaysSo()
    {
        // 10^12 rows to count: it would run for hours; it is cancelled at the third look at the flag
        AtomicInteger looks = new AtomicInteger();
        Result result = new Result();
        assertThatThrownBy(() -> engine.execute(query("""
                SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x)
                CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y)
                CROSS JOIN UNNEST(sequence(1, 10000)) AS c(z)"""), result, () -> looks.incrementAndGet() >= 3))
                .isInstanceOfSatisfying(QueryEngine.QueryFailure.class, failure -> {
                    assertThat(failure.errorName()).isEqualTo("USER_CANCELED");
                    assertThat(failure.userError()).isTrue();
                });
        assertThat(looks.get()).isEqualTo(3);
        assertThat(result.rows).isEmpty();
    }
}
