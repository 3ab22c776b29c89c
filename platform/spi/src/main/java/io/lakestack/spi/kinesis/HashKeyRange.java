package io.lakestack.spi.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The hash keys a shard owns, as Kinesis assigns them: the 128-bit space split evenly at creation, each record
 * routed by the MD5 of its partition key (or its explicit hash key) to the shard whose range holds it.
 */
public record HashKeyRange(BigInteger startingHashKey, BigInteger endingHashKey)
{
    /** 2^128 - 1, the largest hash key. */
    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    public HashKeyRange
    {
        requireNonNull(startingHashKey, "startingHashKey is null");
        requireNonNull(endingHashKey, "endingHashKey is null");
    }

    public boolean contains(BigInteger hashKey)
    {
        return hashKey.compareTo(startingHashKey) >= 0 && hashKey.compareTo(endingHashKey) <= 0;
    }

    /**
     * The ranges of a new stream of {@code shards} shards: shard {@code i} starts at {@code i * floor(2^128 / n)}, the
     * last one ends at {@code 2^128 - 1}, as Kinesis's {@code CreateStream} splits the space.
     */
    public static List<HashKeyRange> even(int shards)
    {
        if (shards < 1) {
            throw new IllegalArgumentException("a stream has at least one shard, not " + shards);
        }
        BigInteger step = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(shards));
        List<HashKeyRange> ranges = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            BigInteger start = step.multiply(BigInteger.valueOf(shard));
            BigInteger end = shard == shards - 1 ? MAX_HASH_KEY : step.multiply(BigInteger.valueOf(shard + 1)).subtract(BigInteger.ONE);
            ranges.add(new HashKeyRange(start, end));
        }
        return List.copyOf(ranges);
    }

    /** One MD5 digest per thread: looking one up costs more than hashing a partition key. */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    });

    /** The hash key of a partition key: its MD5 digest (of the UTF-8 bytes) as an unsigned 128-bit integer. */
    public static BigInteger hashKey(String partitionKey)
    {
        // digest() resets the digest for the next key
        return new BigInteger(1, MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
    }

    /** The index of the range holding the hash key. */
    public static int shardOf(List<HashKeyRange> ranges, BigInteger hashKey)
    {
        if (hashKey.signum() < 0 || hashKey.compareTo(MAX_HASH_KEY) > 0) {
            throw new IllegalArgumentException("hash key " + hashKey + " is outside 0..2^128-1");
        }
        int low = 0;
        int high = ranges.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            HashKeyRange range = ranges.get(middle);
            if (hashKey.compareTo(range.startingHashKey()) < 0) {
                high = middle - 1;
            }
            else if (hashKey.compareTo(range.endingHashKey()) > 0) {
                low = middle + 1;
            }
            else {
                return middle;
            }
        }
        throw new IllegalArgumentException("no shard holds hash key " + hashKey);
    }
}
