package io.lakestack.connectors.firehose;

import java.io.IOException;
import java.nio.file.Path;

/** Where delivered objects go: S3 (through lakestack's endpoint, so that S3 events fire) or anything S3-shaped. */
@FunctionalInterface
public interface ObjectSink
{
    /** Writes the file as the object, replacing any object of that key. */
    void put(String bucket, String key, Path file, String contentType)
            throws IOException;
}
