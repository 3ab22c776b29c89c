package io.lakestack.endpoint.eventstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import static java.util.Objects.requireNonNull;

/**
 * One message of AWS's event stream framing ({@code application/vnd.amazon.eventstream}), as SubscribeToShard and the
 * other streaming operations send them: a prelude (total length, headers length, the prelude's CRC32), headers, the
 * payload, and the CRC32 of everything before it. Every header is a string header (value type 7), which is all the
 * responses lakestack sends need.
 */
public record EventStreamMessage(Map<String, String> headers, byte[] payload)
{
    public static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    private static final int PRELUDE_BYTES = 12;
    private static final int CRC_BYTES = 4;
    private static final byte STRING_VALUE = 7;
    /** The largest message AWS's decoders accept: 16 MiB. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    public EventStreamMessage
    {
        headers = new LinkedHashMap<>(requireNonNull(headers, "headers is null"));
        requireNonNull(payload, "payload is null");
    }

    /** An event: {@code :message-type event}, its {@code :event-type} and the content type of its payload. */
    public static EventStreamMessage event(String eventType, String contentType, byte[] payload)
    {
        return typed("event", ":event-type", eventType, contentType, payload);
    }

    /** A modelled error of the operation ({@code :message-type exception}), after which the stream ends. */
    public static EventStreamMessage exception(String exceptionType, String contentType, byte[] payload)
    {
        return typed("exception", ":exception-type", exceptionType, contentType, payload);
    }

    private static EventStreamMessage typed(String messageType, String typeHeader, String type, String contentType, byte[] payload)
    {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":message-type", messageType);
        headers.put(typeHeader, type);
        headers.put(":content-type", contentType);
        return new EventStreamMessage(headers, payload);
    }

    /** The message as it goes on the wire. */
    public byte[] encode()
    {
        ByteArrayOutputStream encodedHeaders = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 255 || valueBytes.length > 0xffff) {
                throw new IllegalArgumentException("event stream header " + name + " is too long: names have at most 255 bytes, values 65535");
            }
            encodedHeaders.write(nameBytes.length);
            encodedHeaders.writeBytes(nameBytes);
            encodedHeaders.write(STRING_VALUE);
            encodedHeaders.write(valueBytes.length >>> 8);
            encodedHeaders.write(valueBytes.length & 0xff);
            encodedHeaders.writeBytes(valueBytes);
        });
        int headersLength = encodedHeaders.size();
        long total = (long) PRELUDE_BYTES + headersLength + payload.length + CRC_BYTES;
        if (total > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("event stream message of " + total + " bytes; at most " + MAX_MESSAGE_BYTES + " are allowed");
        }
        ByteBuffer message = ByteBuffer.allocate((int) total);
        message.putInt((int) total);
        message.putInt(headersLength);
        message.putInt((int) crc(message.array(), 0, 8));
        message.put(encodedHeaders.toByteArray());
        message.put(payload);
        message.putInt((int) crc(message.array(), 0, message.position()));
        return message.array();
    }

    private static long crc(byte[] bytes, int offset, int length)
    {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
