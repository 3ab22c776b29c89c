package io.lakestack.it.contract;

import io.lakestack.spi.s3.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The contract of {@link ObjectStore}, run against each store it is implemented on: listings in key order across
 * pages, ranged reads, heads, buckets, replacing puts. Each run writes under a prefix of its own in the subclass's
 * bucket.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractObjectStoreContractTest
{
    /** More keys than one page of an S3 listing (1,000) holds. */
    private static final int MANY_KEYS = 1_001;

    private ObjectStore store;
    private String bucket;
    private final String prefix = "contract/" + UUID.randomUUID() + "/";
    @TempDir
    Path files;

    /** The store under test, on a server where {@link #bucket()} exists; closed after the last test when it is closeable. */
    protected abstract ObjectStore createStore()
            throws Exception;

    /** An existing bucket the tests write their objects in. */
    protected abstract String bucket();

    /** Whether the tests may create buckets of their own (and leave them behind). */
    protected abstract boolean supportsCreatingBuckets();

    /** The prefix every object of this run is under. */
    protected final String prefix()
    {
        return prefix;
    }

    @BeforeAll
    final void createObjectStore()
            throws Exception
    {
        store = createStore();
        bucket = bucket();
    }

    @AfterAll
    final void closeObjectStore()
            throws Exception
    {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void listsEveryObjectUnderThePrefixInKeyOrderBeyondOnePage()
            throws Exception
    {
        String base = prefix + "list/";
        List<ObjectStore.Entry> written = new ArrayList<>();
        for (int i = 0; i < MANY_KEYS; i++) {
            // not zero-padded, so that key order (item-10 before item-2) differs from the order of writing
            written.add(new ObjectStore.Entry(base + "item-" + i, i % 5));
        }
        // neighbours that sort next to the prefix's keys, and keys whose order turns on '-', '.' and '/'
        written.add(new ObjectStore.Entry(base + "a-b", 3));
        written.add(new ObjectStore.Entry(base + "a.b", 2));
        written.add(new ObjectStore.Entry(base + "a/b", 1));
        List<ObjectStore.Entry> outside = List.of(new ObjectStore.Entry(prefix + "list", 1), new ObjectStore.Entry(prefix + "list-other/item-1", 1),
                new ObjectStore.Entry(prefix + "lis", 1));
        List<ObjectStore.Entry> all = new ArrayList<>(written);
        all.addAll(outside);
        putAll(all);

        List<ObjectStore.Entry> expected = written.stream().sorted(Comparator.comparing(ObjectStore.Entry::key)).toList();
        assertThat(expected.subList(0, 5)).extracting(ObjectStore.Entry::key)
                .containsExactly(base + "a-b", base + "a.b", base + "a/b", base + "item-0", base + "item-1");
        assertThat(store.list(bucket, base)).containsExactlyElementsOf(expected);
        assertThat(store.list(bucket, base + "item-10")).containsExactlyElementsOf(
                expected.stream().filter(entry -> entry.key().startsWith(base + "item-10")).toList());
        assertThat(store.list(bucket, base + "item-10")).extracting(ObjectStore.Entry::key).hasSize(12)
                .startsWith(base + "item-10", base + "item-100", base + "item-1000", base + "item-101");
        assertThat(store.list(bucket, base + "nothing-here/")).isEmpty();
    }

    @Test
    void listingAMissingBucketFailsNamingIt()
    {
        String missing = "lakestack-contract-" + UUID.randomUUID().toString().replace("-", "");
        assertThatThrownBy(() -> store.list(missing, ""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void readsRangesUpToTheEndOfAnObject()
            throws Exception
    {
        String key = prefix + "ranges/hundred.bin";
        byte[] content = bytes(100);
        put(key, content);

        assertThat(store.read(bucket, key, 0, 100)).isEqualTo(content);
        assertThat(store.read(bucket, key, 10, 5)).isEqualTo(Arrays.copyOfRange(content, 10, 15));
        assertThat(store.read(bucket, key, 99, 1)).isEqualTo(new byte[] {content[99]});
        // fewer bytes at the end of the object
        assertThat(store.read(bucket, key, 90, 20)).isEqualTo(Arrays.copyOfRange(content, 90, 100));
        assertThat(store.read(bucket, key, 0, 1_000)).isEqualTo(content);
        assertThat(store.read(bucket, key, 40, 0)).isEmpty();
        // a range that starts at the end holds nothing S3 can return: InvalidRange
        assertThatThrownBy(() -> store.read(bucket, key, 100, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(key);
        assertThatThrownBy(() -> store.read(bucket, prefix + "ranges/missing.bin", 0, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(prefix + "ranges/missing.bin");
    }

    @Test
    void headTellsSizeAndEntityTagOrNothingForAMissingKey()
            throws Exception
    {
        String key = prefix + "head/object.txt";
        byte[] content = "the quick brown fox\n".getBytes(StandardCharsets.UTF_8);
        put(key, content);

        assertThat(store.head(bucket, key)).contains(new ObjectStore.ObjectInfo(content.length, md5(content), Optional.empty()));
        assertThat(store.head(bucket, prefix + "head/missing.txt")).isEmpty();
        assertThat(store.head(bucket, prefix + "head")).isEmpty();
    }

    @Test
    void putReplacesTheObjectOfTheKey()
            throws Exception
    {
        String key = prefix + "replace/object.bin";
        put(key, bytes(100));
        byte[] replacement = "seven b".getBytes(StandardCharsets.UTF_8);
        put(key, replacement);

        assertThat(store.head(bucket, key)).contains(new ObjectStore.ObjectInfo(7, md5(replacement), Optional.empty()));
        assertThat(store.read(bucket, key, 0, 100)).isEqualTo(replacement);
        assertThat(store.list(bucket, prefix + "replace/")).containsExactly(new ObjectStore.Entry(key, 7));
    }

    @Test
    void createBucketLeavesAnExistingBucketAlone()
            throws Exception
    {
        assertThat(store.bucketExists(bucket)).isTrue();
        String key = prefix + "kept/object.txt";
        put(key, bytes(3));
        store.createBucket(bucket);
        assertThat(store.bucketExists(bucket)).isTrue();
        assertThat(store.list(bucket, prefix + "kept/")).containsExactly(new ObjectStore.Entry(key, 3));
        assertThat(store.bucketExists("lakestack-contract-" + UUID.randomUUID().toString().replace("-", ""))).isFalse();
    }

    @Test
    void createBucketCreatesAMissingBucketOnce()
            throws Exception
    {
        assumeThat(supportsCreatingBuckets()).as("this store's suite does not create buckets").isTrue();
        String fresh = "lakestack-contract-" + UUID.randomUUID().toString().replace("-", "");
        assertThat(store.bucketExists(fresh)).isFalse();
        store.createBucket(fresh);
        assertThat(store.bucketExists(fresh)).isTrue();
        store.createBucket(fresh);
        assertThat(store.bucketExists(fresh)).isTrue();
        assertThat(store.list(fresh, "")).isEmpty();
    }

    private void putAll(List<ObjectStore.Entry> entries)
            throws Exception
    {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (ObjectStore.Entry entry : entries) {
                Path file = fileOf((int) entry.size());
                writes.add(writers.submit(() -> {
                    store.put(bucket, entry.key(), file, "application/octet-stream");
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }
        finally {
            writers.shutdownNow();
        }
    }

    private void put(String key, byte[] content)
            throws IOException
    {
        Path file = files.resolve(UUID.randomUUID().toString());
        Files.write(file, content);
        store.put(bucket, key, file, "application/octet-stream");
    }

    private Path fileOf(int size)
            throws IOException
    {
        Path file = files.resolve("size-" + size);
        if (!Files.exists(file)) {
            Files.write(file, bytes(size));
        }
        return file;
    }

    private static byte[] bytes(int size)
    {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 % 251);
        }
        return bytes;
    }

    private static String md5(byte[] content)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
