package io.lakestack.embedded;

import java.net.URI;
import java.nio.file.Path;

/** A child JVM that answers HTTP on a loopback port: the object store, Trino. */
abstract class HttpChildComponent
        extends ChildComponent
{
    private final int port;

    HttpChildComponent(String name, Path temporaryDirectory, int port, StackListener listener)
    {
        super(name, temporaryDirectory, listener);
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
