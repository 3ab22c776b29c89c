package io.lakestack.services.sqs;

import io.lakestack.spi.sqs.MessageAttribute;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MD5 digests SQS answers and the SDKs check: of a body (its UTF-8 bytes), and of message (or message system)
 * attributes in SQS's binary encoding: for each attribute, by name in order, the name, the data type, one byte for
 * the transport type (1 string, 2 binary) and the value, each but the transport byte preceded by its length as a
 * 4-byte big-endian integer; strings as UTF-8.
 */
final class MessageDigests
{
    private static final byte STRING = 1;
    private static final byte BINARY = 2;

    private MessageDigests() {}

    static String body(String body)
    {
        MessageDigest md5 = md5();
        md5.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md5.digest());
    }

    /** The digest of attributes; they must not be empty (SQS then answers no digest). */
    static String attributes(Map<String, MessageAttribute> attributes)
    {
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("no attributes to digest");
        }
        MessageDigest md5 = md5();
        new TreeMap<>(attributes).forEach((name, attribute) -> {
            lengthAndBytes(md5, name.getBytes(StandardCharsets.UTF_8));
            lengthAndBytes(md5, attribute.dataType().getBytes(StandardCharsets.UTF_8));
            if (attribute.stringValue().isPresent()) {
                md5.update(STRING);
                lengthAndBytes(md5, attribute.stringValue().get().getBytes(StandardCharsets.UTF_8));
            }
            else {
                md5.update(BINARY);
                lengthAndBytes(md5, attribute.binaryValue().orElseThrow());
            }
        });
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void lengthAndBytes(MessageDigest md5, byte[] bytes)
    {
        md5.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        md5.update(bytes);
    }

    private static MessageDigest md5()
    {
        try {
            return MessageDigest.getInstance("MD5");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** The SHA-256 of a body in hex: the deduplication id of a FIFO queue with {@code ContentBasedDeduplication}. */
    static String sha256(String body)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
