package io.lakestack.spi.kinesis;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashKeyRangeTest
{
    @Test
    void splitsTheHashSpaceAsKinesisDoes()
    {
        // the ranges DescribeStream shows for a new stream of 3 shards
        assertThat(HashKeyRange.even(3)).containsExactly(
                new HashKeyRange(BigInteger.ZERO, new BigInteger("113427455640312821154458202477256070484")),
                new HashKeyRange(new BigInteger("113427455640312821154458202477256070485"), new BigInteger("226854911280625642308916404954512140969")),
                new HashKeyRange(new BigInteger("226854911280625642308916404954512140970"), new BigInteger("340282366920938463463374607431768211455")));
        assertThat(HashKeyRange.even(1)).containsExactly(new HashKeyRange(BigInteger.ZERO, HashKeyRange.MAX_HASH_KEY));
        assertThat(HashKeyRange.even(2).get(1).startingHashKey()).isEqualTo(new BigInteger("170141183460469231731687303715884105728"));
    }

    @Test
    void routesByTheMd5OfThePartitionKey()
    {
        // MD5("a") = 0cc175b9c0f1b6a831c399e269772661
        assertThat(HashKeyRange.hashKey("a")).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
        List<HashKeyRange> four = HashKeyRange.even(4);
        assertThat(HashKeyRange.shardOf(four, HashKeyRange.hashKey("a"))).isEqualTo(0);
        // MD5("b") = 92eb5ffee6ae2fec3ad71c777531578f, in the third quarter
        assertThat(HashKeyRange.shardOf(four, HashKeyRange.hashKey("b"))).isEqualTo(2);
        assertThat(HashKeyRange.shardOf(four, HashKeyRange.MAX_HASH_KEY)).isEqualTo(3);
        assertThat(HashKeyRange.shardOf(four, four.get(1).startingHashKey())).isEqualTo(1);
        assertThat(HashKeyRange.shardOf(four, four.get(1).startingHashKey().subtract(BigInteger.ONE))).isEqualTo(0);
        assertThatThrownBy(() -> HashKeyRange.shardOf(four, HashKeyRange.MAX_HASH_KEY.add(BigInteger.ONE)))
                .hasMessageContaining("outside 0..2^128-1");
    }

    @Test
    void sequenceNumbersRoundTripAndIncreaseWithinAShard()
    {
        SequenceNumber first = new SequenceNumber(1_732_200_000_000L, 2, 0);
        SequenceNumber later = new SequenceNumber(1_732_200_000_000L, 2, 41);
        assertThat(first.toString()).hasSize(56).startsWith("49").isEqualTo("49000000017322000000000000020000000000000000000000000000");
        assertThat(SequenceNumber.parse(later.toString())).contains(later);
        assertThat(new BigInteger(later.toString())).isGreaterThan(new BigInteger(first.toString()));
        SequenceNumber largest = new SequenceNumber(Long.MAX_VALUE, 999_999, Long.MAX_VALUE);
        assertThat(largest.toString()).isEqualTo("49" + "09223372036854775807" + "999999" + "0000000009223372036854775807");
        assertThat(SequenceNumber.parse(largest.toString())).contains(largest);
        byte[] written = "[".repeat(58).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        later.writeDigits(written, 1);
        assertThat(new String(written, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("[" + later + "[");
        assertThat(SequenceNumber.parse("12345")).isEmpty();
        assertThat(SequenceNumber.parse("4900000001732200000000000002000000000000000000000000000x")).isEmpty();
        assertThat(ShardId.of(3)).isEqualTo("shardId-000000000003");
        assertThat(ShardId.index("shardId-000000000003")).contains(3);
        assertThat(ShardId.index("shard-3")).isEmpty();
    }
}
