package io.lakestack.server.json;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON documents kept in a {@link io.lakestack.spi.store.KeyValueStore}. */
public final class JsonDocuments
{
    private JsonDocuments() {}

    public static ObjectNode read(byte[] bytes, String what)
    {
        try {
            return (ObjectNode) JsonProtocolService.JSON.readTree(bytes);
        }
        catch (IOException | ClassCastException e) {
            throw new UncheckedIOException("unreadable " + what, e instanceof IOException io ? io : new IOException(e));
        }
    }

    public static byte[] write(ObjectNode node)
    {
        try {
            return JsonProtocolService.JSON.writeValueAsBytes(node);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
