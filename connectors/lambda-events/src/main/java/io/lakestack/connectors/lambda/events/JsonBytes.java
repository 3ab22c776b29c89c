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
     * The UTF-8 text in {@code text} as a quoted JSON string, escaped as Jackson escapes it: copied as it is when every
     * byte is printable ASCII other than a quote or a backslash (what Jackson leaves alone), else decoded and escaped.
     */
    static byte[] quotedUtf8(byte[] text)
    {
        for (byte b : text) {
            if (b < 0x20 || b == '"' || b == '\\' || b == 0x7f) {
                // control characters, escapes, and every byte of a multi-byte character (negative as a byte)
                return quoted(new String(text, StandardCharsets.UTF_8));
            }
        }
        byte[] quoted = new byte[text.length + 2];
        quoted[0] = '"';
        System.arraycopy(text, 0, quoted, 1, text.length);
        quoted[quoted.length - 1] = '"';
        return quoted;
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

    /** The bytes as a quoted base64 string. */
    JsonBytes quotedBase64(byte[] data)
    {
        byte[] encoded = Base64.getEncoder().encode(data);
        ensure(encoded.length + 2);
        bytes[size++] = '"';
        System.arraycopy(encoded, 0, bytes, size, encoded.length);
        size += encoded.length;
        bytes[size++] = '"';
        return this;
    }

    JsonBytes number(long value)
    {
        return plain(Long.toString(value));
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
