package io.lakestack.services.sqs;

import io.lakestack.spi.sqs.MessageAttribute;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.internal.MessageMD5ChecksumInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digests against values AWS answered (recorded from real SQS responses) and against the AWS SDK for Java v2's
 * own checksum code, which fails a call whose digests differ.
 */
class MessageDigestsTest
{
    @Test
    void bodyDigestsAsAwsAnswered()
    {
        assertThat(MessageDigests.body("Test")).isEqualTo("0cbc6611f5540bd0809a388dc95a615b");
        assertThat(MessageDigests.body("test")).isEqualTo("098f6bcd4621d373cade4e832627b4f6");
        assertThat(MessageDigests.body("a")).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
    }

    @Test
    void attributeDigestsAsAwsAnswered()
    {
        assertThat(MessageDigests.attributes(Map.of("k", MessageAttribute.string("String", "x")))).isEqualTo("a45daa70926828a2f0a1db3418e6feb4");
        assertThat(MessageDigests.attributes(Map.of("timestamp", MessageAttribute.string("Number", "1493147359900"))))
                .isEqualTo("235c5c510d26fb653d073faed50ae77c");
        assertThat(MessageDigests.attributes(Map.of("attr1", MessageAttribute.binary("Binary",
                "traceparent\u001e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("8cbe4db156db8a94db8b801b7addb984");
    }

    @Test
    void digestsAsTheSdkChecksThem()
            throws Exception
    {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        attributes.put("zeta", MessageAttribute.string("String.custom", "últimö ✓ 𝄞"));
        attributes.put("Alpha", MessageAttribute.binary("Binary.gif", new byte[] {0, 1, 2, (byte) 0xff}));
        attributes.put("count", MessageAttribute.string("Number", "-12.5e3"));
        Map<String, MessageAttributeValue> sdk = new LinkedHashMap<>();
        attributes.forEach((name, attribute) -> sdk.put(name, MessageAttributeValue.builder().dataType(attribute.dataType())
                .stringValue(attribute.stringValue().orElse(null)).binaryValue(attribute.binaryValue().map(SdkBytes::fromByteArray).orElse(null)).build()));

        assertThat(MessageDigests.attributes(attributes)).isEqualTo(sdkChecksum("calculateMessageAttributesMd5", Map.class, sdk));
        assertThat(MessageDigests.body("a body with \t, é and 𝄞")).isEqualTo(sdkChecksum("calculateMessageBodyMd5", String.class, "a body with \t, é and 𝄞"));
    }

    @Test
    void contentBasedDeduplicationIdIsTheBodysSha256()
    {
        assertThat(MessageDigests.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    private static String sdkChecksum(String method, Class<?> parameter, Object argument)
            throws Exception
    {
        Method checksum = MessageMD5ChecksumInterceptor.class.getDeclaredMethod(method, parameter);
        checksum.setAccessible(true);
        return (String) checksum.invoke(null, argument);
    }
}
