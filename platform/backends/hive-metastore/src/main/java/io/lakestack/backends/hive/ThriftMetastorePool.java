package io.lakestack.backends.hive;

import io.trino.hive.thrift.metastore.ThriftHiveMetastore;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;

import static java.util.Objects.requireNonNull;

/**
 * Reused Thrift connections to one metastore. A call that fails on the transport (the metastore restarted, the
 * socket timed out) is retried once on a new connection; the broken one is dropped.
 */
public final class ThriftMetastorePool
        implements AutoCloseable
{
    private final String host;
    private final int port;
    private final Duration timeout;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<ThriftMetastoreClient> idle = new ConcurrentLinkedDeque<>();

    public ThriftMetastorePool(String host, int port, Duration timeout, int maxIdle)
    {
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.maxIdle = maxIdle;
    }

    /** One call with the metastore's Thrift API. */
    @FunctionalInterface
    public interface Call<T>
    {
        T apply(ThriftMetastoreClient client, ThriftHiveMetastore.Iface api)
                throws TException;
    }

    public <T> T call(Call<T> call)
            throws TException
    {
        try {
            return attempt(call);
        }
        catch (TTransportException e) {
            return attempt(call);
        }
    }

    private <T> T attempt(Call<T> call)
            throws TException
    {
        ThriftMetastoreClient client = idle.pollFirst();
        if (client == null) {
            client = ThriftMetastoreClient.connect(host, port, timeout);
        }
        try {
            T result = call.apply(client, client.api());
            release(client);
            return result;
        }
        catch (TTransportException e) {
            client.close();
            throw e;
        }
        catch (TException | RuntimeException e) {
            // an answer from the metastore: the connection is still good
            release(client);
            throw e;
        }
    }

    private void release(ThriftMetastoreClient client)
    {
        if (idle.size() < maxIdle) {
            idle.addFirst(client);
        }
        else {
            client.close();
        }
    }

    public String address()
    {
        return host + ":" + port;
    }

    @Override
    public void close()
    {
        for (ThriftMetastoreClient client = idle.pollFirst(); client != null; client = idle.pollFirst()) {
            client.close();
        }
    }
}
