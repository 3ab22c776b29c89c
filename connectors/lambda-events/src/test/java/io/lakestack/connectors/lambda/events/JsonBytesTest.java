package io.lakestack.connectors.lambda.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBytesTest
{
    @Test
    void numbersAreWrittenAsLongToStringWritesThem()
    {
        for (long value : List.of(0L, 7L, 9L, 10L, 99L, 100L, 1_545_084_650L, Long.MAX_VALUE, -1L, -10L, Long.MIN_VALUE)) {
            JsonBytes bytes = new JsonBytes(1);
            bytes.number(value);
            assertThat(new String(bytes.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
            assertThat(JsonBytes.digits(value)).isEqualTo(Long.toString(value).length());
        }
    }

    @Test
    void base64IsTheJdksBetweenQuotes()
    {
        JsonBytes bytes = new JsonBytes(1);
        for (int length = 0; length <= 40; length++) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) (i * 37 + length);
            }
            bytes.quotedBase64(data).plain(",");
            assertThat(JsonBytes.quotedBase64Size(length)).isEqualTo(Base64.getEncoder().encodeToString(data).length() + 2);
        }
        StringBuilder expected = new StringBuilder();
        for (int length = 0; length <= 40; length++) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) (i * 37 + length);
            }
            expected.append('"').append(Base64.getEncoder().encodeToString(data)).append("\",");
        }
        assertThat(new String(bytes.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void onlyPlainAsciiIsCopiedBetweenQuotes()
    {
        assertThat(JsonBytes.plainAscii("key-1_a.b/c ~!".getBytes(StandardCharsets.UTF_8))).isTrue();
        for (String text : List.of("a\"b", "a\\b", "tab\t", "\u007f", "\u00e9")) {
            assertThat(JsonBytes.plainAscii(text.getBytes(StandardCharsets.UTF_8))).as(text).isFalse();
        }
        JsonBytes bytes = new JsonBytes(1);
        bytes.quotedPlainAscii("k/1".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(bytes.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("\"k/1\"");
    }
}
