package io.lakestack.connectors.demo;

/** Where the registrar records partitions: the Hive Metastore locally, the Glue Data Catalog on AWS. */
public interface PartitionCatalog
{
    /**
     * Adds the partition; a partition that exists already is left as it is.
     *
     * @return whether the partition was new
     */
    boolean addPartition(TablePartition partition);
}
