package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.Column;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.Table;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Table schemas read with an AWS SDK Glue client: from lakestack's endpoint, or from the Glue Data Catalog itself. */
public final class GlueTableSchemas
        implements TableSchemas
{
    private final GlueClient glue;

    public GlueTableSchemas(GlueClient glue)
    {
        this.glue = requireNonNull(glue, "glue is null");
    }

    @Override
    public List<Column> columns(String database, String table, Optional<String> versionId)
            throws SchemaUnavailableException
    {
        try {
            Table found = versionId.isPresent() && !versionId.get().equals("LATEST")
                    ? glue.getTableVersion(request -> request.databaseName(database).tableName(table).versionId(versionId.get())).tableVersion().table()
                    : glue.getTable(request -> request.databaseName(database).name(table)).table();
            return found.storageDescriptor().columns().stream().map(column -> Column.of(column.name(), column.type())).toList();
        }
        catch (EntityNotFoundException e) {
            throw new SchemaUnavailableException("The table " + database + "." + table + " is not in the Glue Data Catalog: "
                    + e.awsErrorDetails().errorMessage(), true);
        }
        catch (SdkException e) {
            throw new SchemaUnavailableException("The Glue Data Catalog does not answer for " + database + "." + table + ": " + e.getMessage(), false);
        }
    }
}
