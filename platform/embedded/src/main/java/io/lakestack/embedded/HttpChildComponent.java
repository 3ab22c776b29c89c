package io.lakestack.embedded;

import java.net.URI;

/** A child JVM that answers HTTP on a loopback port: the object store, Trino. */
abstract class HttpChildComponent
        extends ChildComponent
{
    private final int port;

    HttpChildComponent(String name, int port, StackListener listener)
    {
        super(name, listener);
        this.port = port;
    }

    int port()
    {
        return port;
    }

    URI uri()
    {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    @Override
    final String plannedAddress()
    {
        return uri().toString();
    }
}
