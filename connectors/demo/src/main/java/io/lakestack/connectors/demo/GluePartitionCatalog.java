package io.lakestack.connectors.demo;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;

import static java.util.Objects.requireNonNull;

/**
 * Partitions in the Glue Data Catalog (lakestack's, through its endpoint, or AWS's), each with the storage format of
 * its table.
 */
public final class GluePartitionCatalog
        implements PartitionCatalog
{
    private final GlueClient glue;

    public GluePartitionCatalog(GlueClient glue)
    {
        this.glue = requireNonNull(glue, "glue is null");
    }

    @Override
    public boolean addPartition(TablePartition partition)
    {
        try {
            StorageDescriptor table = glue.getTable(request -> request.databaseName(partition.database()).name(partition.table())).table().storageDescriptor();
            StorageDescriptor storage = table.toBuilder().location(partition.location()).build();
            glue.createPartition(request -> request.databaseName(partition.database()).tableName(partition.table())
                    .partitionInput(input -> input.values(partition.values()).storageDescriptor(storage)));
            return true;
        }
        catch (AlreadyExistsException e) {
            return false;
        }
        catch (SdkException e) {
            throw new IllegalStateException("cannot add partition " + partition.values() + " to " + partition.database() + "." + partition.table()
                    + " in the Glue Data Catalog: " + e.getMessage(), e);
        }
    }
}
