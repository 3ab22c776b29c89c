package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

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
