package io.lakestack.services.athena;

import io.lakestack.spi.s3.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Objects in memory, counting ranged reads. */
final class MemoryObjectStore
        implements ObjectStore
{
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    int reads;

    @Override
    public List<Entry> list(String bucket, String prefix)
    {
        return objects.entrySet().stream().filter(entry -> entry.getKey().startsWith(bucket + "/" + prefix))
                .map(entry -> new Entry(entry.getKey().substring(bucket.length() + 1), entry.getValue().length)).toList();
    }

    @Override
    public byte[] read(String bucket, String key, long offset, int length)
    {
        reads++;
        byte[] object = objects.get(bucket + "/" + key);
        return Arrays.copyOfRange(object, (int) offset, (int) Math.min(object.length, offset + length));
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key)
    {
        return Optional.ofNullable(objects.get(bucket + "/" + key)).map(bytes -> new ObjectInfo(bytes.length, "etag", Optional.empty()));
    }

    @Override
    public boolean bucketExists(String bucket)
    {
        return true;
    }

    @Override
    public void createBucket(String bucket)
    {
    }

    @Override
    public void put(String bucket, String key, Path file, String contentType)
    {
        try {
            objects.put(bucket + "/" + key, Files.readAllBytes(file));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
