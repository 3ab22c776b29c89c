package io.lakestack.spi.kinesis;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kinesis's shard ids: {@code shardId-000000000000} for the first shard of a stream. */
public final class ShardId
{
    private static final Pattern PATTERN = Pattern.compile("shardId-(\\d{12})");

    private ShardId() {}

    public static String of(int index)
    {
        return String.format("shardId-%012d", index);
    }

    public static Optional<Integer> index(String shardId)
    {
        Matcher matcher = PATTERN.matcher(shardId == null ? "" : shardId);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long index = Long.parseLong(matcher.group(1));
        return index > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) index);
    }
}
