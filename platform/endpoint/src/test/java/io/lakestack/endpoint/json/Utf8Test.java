package io.lakestack.endpoint.json;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The check takes exactly what Java's strict UTF-8 decoder takes. */
class Utf8Test
{
    private static boolean decodes(byte[] bytes)
    {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        }
        catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void knownSequences()
    {
        for (String valid : List.of("", "41", "c2a9", "e282ac", "f09f9880", "efbfbf", "f48fbfbf", "ed9fbf", "ee8080", "e0a080", "f0908080")) {
            assertThat(Utf8.isValid(HexFormat.of().parseHex(valid))).as(valid).isTrue();
        }
        for (String invalid : List.of("c0af", "c1bf", "e080af", "eda080", "edbfbf", "f08f8080", "f4908080", "f5808080", "ff", "80", "c2", "e282", "f09f98",
                "c241", "e28241", "f8888080")) {
            assertThat(Utf8.isValid(HexFormat.of().parseHex(invalid))).as(invalid).isFalse();
        }
    }

    @Test
    void agreesWithTheDecoderOnRandomBytes()
    {
        Random random = new Random(20261129L);
        int valid = 0;
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(8)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly the bytes multi-byte sequences are made of
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            boolean expected = decodes(bytes);
            assertThat(Utf8.isValid(bytes)).as(HexFormat.of().formatHex(bytes)).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        // both answers were seen many times
        assertThat(valid).isBetween(10_000, 190_000);
    }
}
