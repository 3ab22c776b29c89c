package io.lakestack.services.kinesis;

import io.lakestack.spi.ServiceException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * A shard iterator: where to read a shard from, for whom, since when. Opaque to clients (base64 text, as Kinesis's
 * are); valid for {@value #VALIDITY_MILLIS} ms after it was issued, as in Kinesis.
 */
record ShardIterator(String stream, long streamCreationMillis, int shard, long position, long issuedMillis)
{
    static final long VALIDITY_MILLIS = 300_000;
    private static final String VERSION = "lakestack-1";

    ShardIterator
    {
        requireNonNull(stream, "stream is null");
    }

    String encode()
    {
        String text = String.join("|", VERSION, stream, String.valueOf(streamCreationMillis), String.valueOf(shard), String.valueOf(position),
                String.valueOf(issuedMillis));
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws ServiceException {@code InvalidArgumentException} for a string that is not an iterator (or names a
     *         negative position, which none does), {@code ExpiredIteratorException} for one issued more than five
     *         minutes ago; whether the shard it names exists is for the caller to check
     */
    static ShardIterator decode(String iterator, long nowMillis)
    {
        ShardIterator decoded;
        try {
            String[] parts = new String(Base64.getDecoder().decode(iterator), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 6 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("unknown layout");
            }
            decoded = new ShardIterator(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]), Long.parseLong(parts[4]), Long.parseLong(parts[5]));
            if (decoded.position() < 0) {
                throw new IllegalArgumentException("no iterator points before a shard's first record");
            }
        }
        catch (IllegalArgumentException e) {
            throw ServiceException.user("InvalidArgumentException", "Invalid ShardIterator: it is not an iterator GetShardIterator or GetRecords "
                    + "returned");
        }
        if (nowMillis - decoded.issuedMillis() > VALIDITY_MILLIS) {
            throw ServiceException.user("ExpiredIteratorException", "Iterator expired. The iterator was created at time "
                    + Instant.ofEpochMilli(decoded.issuedMillis()) + " while right now it is " + Instant.ofEpochMilli(nowMillis)
                    + " which is further in the future than the tolerated delay of " + VALIDITY_MILLIS + " milliseconds.");
        }
        return decoded;
    }
}
