package io.lakestack.spi.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    /** The number of digits of a sequence number. */
    public static final int LENGTH = 56;

    public SequenceNumber
    {
        if (streamCreationMillis < 0 || shard < 0 || shard > 999_999 || position < 0) {
            throw new IllegalArgumentException("invalid sequence number parts: " + streamCreationMillis + ", " + shard + ", " + position);
        }
    }

    @Override
    public String toString()
    {
        byte[] digits = new byte[LENGTH];
        writeDigits(digits, 0);
        return new String(digits, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes the {@value #LENGTH} ASCII digits of the number into {@code bytes} from {@code at}: on the path of every record
     * put and of every record an event source mapping hands to a function, with no string in between.
     */
    public void writeDigits(byte[] bytes, int at)
    {
        bytes[at] = '4';
        bytes[at + 1] = '9';
        zeroPadded(bytes, at + 2, streamCreationMillis, 20);
        zeroPadded(bytes, at + 22, shard, 6);
        zeroPadded(bytes, at + 28, position, 28);
    }

    /** The value's digits at the end of {@code width} bytes, zeros before them; every part has fewer digits than its width. */
    private static void zeroPadded(byte[] bytes, int at, long value, int width)
    {
        int i = at + width - 1;
        long rest = value;
        do {
            bytes[i--] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        while (rest > 0);
        Arrays.fill(bytes, at, i + 1, (byte) '0');
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
