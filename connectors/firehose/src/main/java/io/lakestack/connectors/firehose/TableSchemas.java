package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.Column;

import java.util.List;
import java.util.Optional;

/** The columns record format conversion writes: those of the catalog table the stream names. */
@FunctionalInterface
public interface TableSchemas
{
    /**
     * @param versionId the table version, or empty for the latest
     * @throws SchemaUnavailableException when the table cannot be read; its records go to the error output
     */
    List<Column> columns(String database, String table, Optional<String> versionId)
            throws SchemaUnavailableException;

    /** The catalog has no such table, or cannot be reached. */
    final class SchemaUnavailableException
            extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final boolean missing;

        public SchemaUnavailableException(String message, boolean missing)
        {
            super(message);
            this.missing = missing;
        }

        /** Whether the table does not exist (as opposed to the catalog not answering). */
        public boolean missing()
        {
            return missing;
        }
    }
}
