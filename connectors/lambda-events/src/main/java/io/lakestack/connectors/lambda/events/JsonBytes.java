package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.lakestack.spi.kinesis.SequenceNumber;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A JSON document written straight into bytes, for the elements the pollers write once per record: no tree of nodes and
 * no generator per record. Strings are escaped as Jackson escapes them, so a document written here is byte for byte the
 * one Jackson writes for the same fields in the same order.
 */
final class JsonBytes
{
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private byte[] bytes;
    private int size;
    private byte[] scratch = new byte[0];

    JsonBytes(int capacity)
    {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** The UTF-8 bytes of text, meant to be copied verbatim: constant field names and separators. */
    static byte[] utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text as a quoted JSON string, escaped as Jackson escapes it. */
    static byte[] quoted(String text)
    {
        byte[] escaped = ENCODER.quoteAsUTF8(text);
        byte[] quoted = new byte[escaped.length + 2];
        quoted[0] = '"';
        System.arraycopy(escaped, 0, quoted, 1, escaped.length);
        quoted[quoted.length - 1] = '"';
        return quoted;
    }

    /**
     * Whether {@code text}, UTF-8, is written as a JSON string by copying it between quotes: every byte printable ASCII
     * other than a quote or a backslash, which Jackson leaves as they are. Other text goes through {@link #quoted}.
     */
    static boolean plainAscii(byte[] text)
    {
        for (byte b : text) {
            if (b < 0x20 || b == '"' || b == '\\' || b == 0x7f) {
                // control characters, escapes, and every byte of a multi-byte character (negative as a byte)
                return false;
            }
        }
        return true;
    }

    /** Text for which {@link #plainAscii} holds, between quotes. */
    JsonBytes quotedPlainAscii(byte[] text)
    {
        ensure(text.length + 2);
        bytes[size++] = '"';
        System.arraycopy(text, 0, bytes, size, text.length);
        size += text.length;
        bytes[size++] = '"';
        return this;
    }

    /** The bytes written so far. */
    int size()
    {
        return size;
    }

    /** The 56 digits of a Kinesis sequence number, without quotes. */
    JsonBytes sequenceNumber(SequenceNumber sequence)
    {
        ensure(SequenceNumber.LENGTH);
        sequence.writeDigits(bytes, size);
        size += SequenceNumber.LENGTH;
        return this;
    }

    /** Again the {@code length} bytes written from {@code from} on. */
    JsonBytes repeat(int from, int length)
    {
        ensure(length);
        System.arraycopy(bytes, from, bytes, size, length);
        size += length;
        return this;
    }

    JsonBytes raw(byte[] fragment)
    {
        ensure(fragment.length);
        System.arraycopy(fragment, 0, bytes, size, fragment.length);
        size += fragment.length;
        return this;
    }

    /** Text known to need no escaping (digits, identifiers lakestack makes), without quotes. */
    JsonBytes plain(CharSequence text)
    {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** The size of {@link #quotedBase64} of {@code length} bytes. */
    static int quotedBase64Size(int length)
    {
        return 4 * ((length + 2) / 3) + 2;
    }

    /** The bytes as a quoted base64 string. */
    JsonBytes quotedBase64(byte[] data)
    {
        int encodedSize = quotedBase64Size(data.length) - 2;
        ensure(encodedSize + 2);
        if (scratch.length < encodedSize) {
            scratch = new byte[Math.max(encodedSize, 2 * scratch.length)];
        }
        // the JDK's encoder writes from the start of an array only: through a buffer this document keeps
        int encoded = Base64.getEncoder().encode(data, scratch);
        bytes[size++] = '"';
        System.arraycopy(scratch, 0, bytes, size, encoded);
        size += encoded;
        bytes[size++] = '"';
        return this;
    }

    /** The number of characters of {@code value} in decimal, a minus sign included. */
    static int digits(long value)
    {
        if (value < 0) {
            return value == Long.MIN_VALUE ? 20 : 1 + digits(-value);
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** The number in decimal, written without a string in between. */
    JsonBytes number(long value)
    {
        if (value < 0) {
            return plain(Long.toString(value));
        }
        int digits = digits(value);
        ensure(digits);
        long rest = value;
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        size += digits;
        return this;
    }

    private void ensure(int more)
    {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    byte[] toByteArray()
    {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
