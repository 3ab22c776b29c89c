package io.lakestack.spi.kinesis;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ShardIdTest
{
    @Test
    void shardIdsAreTwelveDigitsZeroPaddedBeforeAndPastTheOnesMadeAtLoad()
    {
        assertThat(ShardId.of(0)).isEqualTo("shardId-000000000000");
        assertThat(ShardId.of(63)).isEqualTo("shardId-000000000063");
        assertThat(ShardId.of(64)).isEqualTo("shardId-000000000064");
        assertThat(ShardId.of(123456)).isEqualTo("shardId-000000123456");
        assertThat(ShardId.of(Integer.MAX_VALUE)).isEqualTo("shardId-002147483647");
        assertThat(ShardId.index("shardId-000000123456")).isEqualTo(Optional.of(123456));
        assertThat(ShardId.index("shardId-12")).isEmpty();
    }
}
