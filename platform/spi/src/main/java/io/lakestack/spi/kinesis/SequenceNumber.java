package io.lakestack.spi.kinesis;

import java.math.BigInteger;
import java.util.Optional;

/**
 * A record's sequence number: a 56-digit decimal string, as Kinesis writes them, that encodes the stream's
 * incarnation, the shard and the record's position in it, so that it increases within a shard and an iterator can
 * be built from it.
 *
 * <p>Layout: {@code 49}, 20 digits of the stream's creation time in epoch milliseconds, 6 digits of the shard index,
 * 28 digits of the position.
 */
public record SequenceNumber(long streamCreationMillis, int shard, long position)
{
    private static final int LENGTH = 56;

    public SequenceNumber
    {
        if (streamCreationMillis < 0 || shard < 0 || shard > 999_999 || position < 0) {
            throw new IllegalArgumentException("invalid sequence number parts: " + streamCreationMillis + ", " + shard + ", " + position);
        }
    }

    @Override
    public String toString()
    {
        // on the path of every record put: no String.format
        StringBuilder text = new StringBuilder(LENGTH).append("49");
        zeroPadded(text, streamCreationMillis, 20);
        zeroPadded(text, shard, 6);
        zeroPadded(text, position, 28);
        return text.toString();
    }

    private static void zeroPadded(StringBuilder text, long value, int width)
    {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        text.append(digits);
    }

    /** The sequence number the text spells, or empty when it is not one of lakestack's. */
    public static Optional<SequenceNumber> parse(String text)
    {
        if (text == null || text.length() != LENGTH || !text.startsWith("49") || !text.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SequenceNumber(Long.parseLong(text.substring(2, 22)), Integer.parseInt(text.substring(22, 28)),
                    new BigInteger(text.substring(28)).longValueExact()));
        }
        catch (ArithmeticException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
