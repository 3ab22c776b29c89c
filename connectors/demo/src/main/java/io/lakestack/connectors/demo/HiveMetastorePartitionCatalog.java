package io.lakestack.connectors.demo;

import io.lakestack.hive.ThriftMetastoreClient;
import io.trino.hive.thrift.metastore.AlreadyExistsException;
import io.trino.hive.thrift.metastore.Partition;
import io.trino.hive.thrift.metastore.StorageDescriptor;
import io.trino.hive.thrift.metastore.Table;
import org.apache.thrift.TException;

import java.time.Duration;
import java.util.HashMap;

import static java.util.Objects.requireNonNull;

/** Partitions in the Hive Metastore, over Thrift; each takes its storage format from its table. */
public final class HiveMetastorePartitionCatalog
        implements PartitionCatalog
{
    private final String host;
    private final int port;

    public HiveMetastorePartitionCatalog(String host, int port)
    {
        this.host = requireNonNull(host, "host is null");
        this.port = port;
    }

    @Override
    public boolean addPartition(TablePartition partition)
    {
        try (ThriftMetastoreClient client = ThriftMetastoreClient.connect(host, port, Duration.ofSeconds(10))) {
            Table table = client.getTable(partition.database(), partition.table());
            StorageDescriptor storage = table.getSd().deepCopy();
            storage.setLocation(partition.location());
            Partition created = new Partition();
            created.setDbName(partition.database());
            created.setTableName(partition.table());
            created.setValues(partition.values());
            created.setSd(storage);
            created.setParameters(new HashMap<>());
            int now = (int) (System.currentTimeMillis() / 1000);
            created.setCreateTime(now);
            created.setLastAccessTime(now);
            client.api().addPartition(created);
            return true;
        }
        catch (AlreadyExistsException e) {
            return false;
        }
        catch (TException e) {
            throw new IllegalStateException("cannot add partition " + partition.values() + " to " + partition.database() + "."
                    + partition.table() + " in the metastore at " + host + ":" + port + ": " + e, e);
        }
    }
}
