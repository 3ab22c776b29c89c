package io.lakestack.backends.hive;

import io.trino.hive.thrift.metastore.GetTableRequest;
import io.trino.hive.thrift.metastore.NoSuchObjectException;
import io.trino.hive.thrift.metastore.Table;
import io.trino.hive.thrift.metastore.ThriftHiveMetastore;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** One Thrift connection to the Hive Metastore (binary protocol, unframed, as the metastore serves by default). */
public final class ThriftMetastoreClient
        implements AutoCloseable
{
    private final TTransport transport;
    private final ThriftHiveMetastore.Client client;

    private ThriftMetastoreClient(TTransport transport)
    {
        this.transport = requireNonNull(transport, "transport is null");
        this.client = new ThriftHiveMetastore.Client(new TBinaryProtocol(transport));
    }

    /**
     * @throws TTransportException when the metastore does not accept the connection
     */
    public static ThriftMetastoreClient connect(String host, int port, Duration timeout)
            throws TTransportException
    {
        TSocket socket = new TSocket(host, port, (int) timeout.toMillis());
        socket.open();
        return new ThriftMetastoreClient(socket);
    }

    /**
     * A table, through {@code get_table_req}: Hive 4 metastores no longer answer the older {@code get_table}.
     *
     * @throws NoSuchObjectException when there is no such table
     */
    public Table getTable(String database, String table)
            throws TException
    {
        return client.getTableReq(new GetTableRequest(database, table)).getTable();
    }

    /** The metastore's Thrift API. */
    public ThriftHiveMetastore.Iface api()
    {
        return client;
    }

    @Override
    public void close()
    {
        transport.close();
    }
}
