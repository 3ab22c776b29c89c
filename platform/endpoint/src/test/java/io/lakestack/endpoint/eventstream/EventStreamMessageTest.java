package io.lakestack.endpoint.eventstream;

import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The framing against the AWS SDK's own event stream library (software.amazon.eventstream), which checks both CRCs when it decodes. */
class EventStreamMessageTest
{
    @Test
    void eventIsByteForByteWhatTheSdksEncoderWrites()
    {
        byte[] payload = "{\"Records\":[],\"ContinuationSequenceNumber\":\"49\"}".getBytes(StandardCharsets.UTF_8);
        byte[] encoded = EventStreamMessage.event("SubscribeToShardEvent", "application/x-amz-json-1.1", payload).encode();

        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":message-type", HeaderValue.fromString("event"));
        headers.put(":event-type", HeaderValue.fromString("SubscribeToShardEvent"));
        headers.put(":content-type", HeaderValue.fromString("application/x-amz-json-1.1"));
        ByteBuffer expected = new Message(headers, payload).toByteBuffer();
        byte[] expectedBytes = new byte[expected.remaining()];
        expected.get(expectedBytes);

        assertThat(encoded).isEqualTo(expectedBytes);
    }

    @Test
    void preludeAndMessageChecksumsAreCrc32OfWhatPrecedesThem()
    {
        byte[] payload = {0, 1, 2, (byte) 0xff};
        byte[] encoded = EventStreamMessage.exception("ResourceInUseException", "application/x-amz-cbor-1.1", payload).encode();
        ByteBuffer buffer = ByteBuffer.wrap(encoded);

        int total = buffer.getInt(0);
        int headersLength = buffer.getInt(4);
        assertThat(total).isEqualTo(encoded.length);
        // 3 headers: 1 + name + 1 + 2 + value each
        assertThat(headersLength).isEqualTo((1 + ":message-type".length() + 3 + "exception".length())
                + (1 + ":exception-type".length() + 3 + "ResourceInUseException".length())
                + (1 + ":content-type".length() + 3 + "application/x-amz-cbor-1.1".length()));
        assertThat(Integer.toUnsignedLong(buffer.getInt(8))).isEqualTo(crc(encoded, 0, 8));
        assertThat(Integer.toUnsignedLong(buffer.getInt(total - 4))).isEqualTo(crc(encoded, 0, total - 4));
    }

    @Test
    void sdkDecoderReadsMessagesFedInPieces()
    {
        byte[] first = EventStreamMessage.event("initial-response", "application/x-amz-json-1.1", "{}".getBytes(StandardCharsets.UTF_8)).encode();
        byte[] second = EventStreamMessage.exception("ResourceNotFoundException", "application/x-amz-json-1.1",
                "{\"message\":\"gone\"}".getBytes(StandardCharsets.UTF_8)).encode();
        List<Message> decoded = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(decoded::add);
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        for (int i = 0; i < both.length; i += 7) {
            decoder.feed(both, i, Math.min(7, both.length - i));
        }

        assertThat(decoded).hasSize(2);
        assertThat(decoded.get(0).getHeaders().get(":event-type").getString()).isEqualTo("initial-response");
        assertThat(decoded.get(0).getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(new String(decoded.get(0).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(decoded.get(1).getHeaders().get(":message-type").getString()).isEqualTo("exception");
        assertThat(decoded.get(1).getHeaders().get(":exception-type").getString()).isEqualTo("ResourceNotFoundException");
        assertThat(new String(decoded.get(1).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"gone\"}");
    }

    @Test
    void corruptedMessageFailsTheSdksChecksum()
    {
        byte[] encoded = EventStreamMessage.event("SubscribeToShardEvent", "application/x-amz-json-1.1", "{}".getBytes(StandardCharsets.UTF_8)).encode();
        encoded[encoded.length - 5] ^= 1;

        assertThatThrownBy(() -> Message.decode(ByteBuffer.wrap(encoded))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Message checksum failure");
    }

    @Test
    void overlongHeaderValueIsRefused()
    {
        assertThatThrownBy(() -> EventStreamMessage.event("x".repeat(70_000), "application/json", new byte[0]).encode())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event stream header :event-type is too long: names have at most 255 bytes, values 65535");
    }

    private static long crc(byte[] bytes, int offset, int length)
    {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
