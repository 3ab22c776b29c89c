package io.lakestack.connectors.lambda;

import io.lakestack.spi.s3.ObjectStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An object store in memory that counts reads, for tests. */
final class InMemoryObjectStore
        implements ObjectStore
{
    private final Map<String, TreeMap<String, byte[]>> buckets = new ConcurrentHashMap<>();
    private final List<Integer> readLengths = new ArrayList<>();

    synchronized void put(String bucket, String key, byte[] content)
    {
        buckets.computeIfAbsent(bucket, name -> new TreeMap<>()).put(key, content.clone());
    }

    /** The lengths asked for by every read so far. */
    synchronized List<Integer> readLengths()
    {
        return List.copyOf(readLengths);
    }

    @Override
    public synchronized List<Entry> list(String bucket, String prefix)
            throws IOException
    {
        List<Entry> entries = new ArrayList<>();
        objects(bucket).tailMap(prefix).forEach((key, content) -> {
            if (key.startsWith(prefix)) {
                entries.add(new Entry(key, content.length));
            }
        });
        return entries;
    }

    @Override
    public synchronized byte[] read(String bucket, String key, long offset, int length)
            throws IOException
    {
        byte[] content = objects(bucket).get(key);
        if (content == null) {
            throw new IOException("no object s3://" + bucket + "/" + key);
        }
        if (length == 0) {
            return new byte[0];
        }
        if (offset < 0 || offset >= content.length) {
            throw new IOException("InvalidRange: " + offset + " is not within s3://" + bucket + "/" + key + " (" + content.length + " bytes)");
        }
        readLengths.add(length);
        return Arrays.copyOfRange(content, (int) offset, (int) Math.min(content.length, offset + length));
    }

    @Override
    public synchronized Optional<ObjectInfo> head(String bucket, String key)
            throws IOException
    {
        byte[] content = objects(bucket).get(key);
        return content == null ? Optional.empty() : Optional.of(new ObjectInfo(content.length, Integer.toHexString(Arrays.hashCode(content)), Optional.empty()));
    }

    @Override
    public boolean bucketExists(String bucket)
    {
        return buckets.containsKey(bucket);
    }

    @Override
    public void createBucket(String bucket)
    {
        buckets.computeIfAbsent(bucket, name -> new TreeMap<>());
    }

    @Override
    public void put(String bucket, String key, Path file, String contentType)
            throws IOException
    {
        put(bucket, key, Files.readAllBytes(file));
    }

    private TreeMap<String, byte[]> objects(String bucket)
            throws IOException
    {
        TreeMap<String, byte[]> objects = buckets.get(bucket);
        if (objects == null) {
            throw new IOException("no bucket " + bucket);
        }
        return objects;
    }
}
