package io.lakestack.spi.kinesis;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kinesis's shard ids: {@code shardId-000000000000} for the first shard of a stream. */
public final class ShardId
{
    private static final Pattern PATTERN = Pattern.compile("shardId-(\\d{12})");

    private ShardId() {}

    /** The first shards' ids, made once: every record put answers with its shard's id. */
    private static final String[] FIRST = new String[64];

    static {
        for (int index = 0; index < FIRST.length; index++) {
            FIRST[index] = format(index);
        }
    }

    public static String of(int index)
    {
        return index >= 0 && index < FIRST.length ? FIRST[index] : format(index);
    }

    private static String format(int index)
    {
        String digits = Integer.toString(index);
        StringBuilder id = new StringBuilder(20).append("shardId-");
        for (int i = digits.length(); i < 12; i++) {
            id.append('0');
        }
        return id.append(digits).toString();
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
