package io.lakestack.services.lambda;

import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import io.lakestack.spi.s3.ObjectStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Hand-written fakes of the contracts the Lambda service stands on, in memory. */
final class Fakes
{
    private Fakes() {}

    static final class MemoryObjectStore
            implements ObjectStore
    {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final Set<String> buckets = ConcurrentHashMap.newKeySet();

        @Override
        public List<Entry> list(String bucket, String prefix)
        {
            return objects.entrySet().stream().filter(entry -> entry.getKey().startsWith(bucket + "/" + prefix)).sorted(Map.Entry.comparingByKey())
                    .map(entry -> new Entry(entry.getKey().substring(bucket.length() + 1), entry.getValue().length)).toList();
        }

        @Override
        public byte[] read(String bucket, String key, long offset, int length)
        {
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
            return buckets.contains(bucket);
        }

        @Override
        public void createBucket(String bucket)
        {
            buckets.add(bucket);
        }

        @Override
        public void put(String bucket, String key, Path file, String contentType)
                throws IOException
        {
            buckets.add(bucket);
            objects.put(bucket + "/" + key, Files.readAllBytes(file));
        }
    }

    /** Runs every invocation with a function of the version and request the test gives. */
    static final class ScriptedRunner
            implements FunctionRunner
    {
        final List<FunctionVersion> invoked = new CopyOnWriteArrayList<>();
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final List<FunctionVersion> staged = new CopyOnWriteArrayList<>();
        final Set<String> retired = ConcurrentHashMap.newKeySet();
        volatile Function<Request, Result> behaviour = request -> new Result(request.payload(), Optional.empty(), Optional.empty());
        volatile Map<String, String> unavailable = new HashMap<>();

        @Override
        public Result invoke(FunctionVersion function, Request request)
        {
            invoked.add(function);
            requests.add(request);
            return behaviour.apply(request);
        }

        @Override
        public Set<String> runtimes()
        {
            return Set.of("java17", "java21", "python3.11", "python3.12");
        }

        @Override
        public Optional<String> unavailable(String runtime)
        {
            return Optional.ofNullable(unavailable.get(runtime));
        }

        @Override
        public void stage(FunctionVersion function)
        {
            staged.add(function);
        }

        @Override
        public void retire(String functionName)
        {
            retired.add(functionName);
        }

        @Override
        public void close()
        {
        }
    }

    static final class RecordingEventSink
            implements EventSink
    {
        record Published(String topic, String key, byte[] value, Map<String, String> headers)
        {
        }

        final List<Published> published = new CopyOnWriteArrayList<>();

        @Override
        public void declare(String topic)
        {
        }

        @Override
        public void publish(String topic, String key, byte[] value, Map<String, String> headers)
        {
            published.add(new Published(topic, key, value, headers));
        }

        @Override
        public void declareOrdered(String topic)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }
    }

    static List<String> keys(Map<String, ?> map)
    {
        return new ArrayList<>(map.keySet());
    }
}
