package io.lakestack.spi.athena;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The SQL engine under Athena: runs one statement of Athena's DML (Trino SQL) and streams its rows.
 *
 * <p>Local emulation: the engine is Trino, which Athena engine v3 is built on; the catalog Athena calls
 * {@code AwsDataCatalog} is Trino's {@code awsdatacatalog}.
 */
public interface QueryEngine
{
    /**
     * @param catalog the default catalog of unqualified names
     * @param schema the default schema (Athena's database)
     * @param sessionProperties engine session properties, e.g. {@code awsdatacatalog.compression_codec=GZIP}
     */
    record Query(String sql, String catalog, Optional<String> schema, Map<String, String> sessionProperties)
    {
        public Query
        {
            requireNonNull(sql, "sql is null");
            requireNonNull(catalog, "catalog is null");
            requireNonNull(schema, "schema is null");
            sessionProperties = Map.copyOf(sessionProperties);
        }
    }

    /**
     * A result column: its name and its type as the engine writes it ({@code decimal(10, 2)}, {@code array(varchar)},
     * {@code map(varchar, integer)}; Trino writes a {@code timestamp(3)} as {@code timestamp}).
     */
    record Column(String name, String type)
    {
        public Column
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** Receives the result as the engine produces it. */
    interface RowSink
    {
        void columns(List<Column> columns);

        /** One row, each value already in Athena's text form; {@code null} for SQL NULL. */
        void row(List<String> values);
    }

    /**
     * What the query did: bytes read from storage, time spent, and for INSERT/CTAS the rows written.
     *
     * @param updateType the statement kind the engine reports, e.g. {@code CREATE TABLE}, {@code INSERT}
     * @param engineQueryId the engine's own id of the query, where it has one: Trino begins the name of every file a
     *         query writes with it
     */
    record Outcome(long dataScannedBytes, long executionMillis, long queuedMillis, long planningMillis, Optional<Long> updateCount,
            Optional<String> updateType, Optional<String> engineQueryId)
    {
        public Outcome
        {
            requireNonNull(updateCount, "updateCount is null");
            requireNonNull(updateType, "updateType is null");
            requireNonNull(engineQueryId, "engineQueryId is null");
        }

        public Outcome(long dataScannedBytes, long executionMillis, long queuedMillis, long planningMillis, Optional<Long> updateCount,
                Optional<String> updateType)
        {
            this(dataScannedBytes, executionMillis, queuedMillis, planningMillis, updateCount, updateType, Optional.empty());
        }
    }

    /** The engine refused or failed the query; {@code errorName} as the engine names it ({@code TABLE_NOT_FOUND}). */
    final class QueryFailure
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        private final String errorName;
        private final boolean userError;

        public QueryFailure(String errorName, String message, boolean userError)
        {
            super(message);
            this.errorName = requireNonNull(errorName, "errorName is null");
            this.userError = userError;
        }

        public String errorName()
        {
            return errorName;
        }

        public boolean userError()
        {
            return userError;
        }
    }

    /**
     * @param cancelled polled while the query runs; when true the query is cancelled and the call ends with a
     *         {@link QueryFailure} named {@code USER_CANCELED}
     */
    Outcome execute(Query query, RowSink sink, BooleanSupplier cancelled)
            throws QueryFailure;
}
