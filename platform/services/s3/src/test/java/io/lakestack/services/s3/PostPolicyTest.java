package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A browser upload's policy, checked as S3 checks it. */
class PostPolicyTest
{
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final String CONDITIONS = "{\"bucket\":\"b\"},[\"starts-with\",\"$key\",\"foo\"],{\"acl\":\"private\"},"
            + "[\"starts-with\",\"$Content-Type\",\"text/plain\"],[\"content-length-range\",0,1024]";

    private static String policy(String document)
    {
        return Base64.getEncoder().encodeToString(document.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> fields()
    {
        Map<String, String> fields = new HashMap<>(Map.of("bucket", "b", "key", "foo.txt", "acl", "private", "content-type", "text/plain",
                "awsaccesskeyid", "test", "signature", "x", "policy", "p", "x-ignore-me", "1"));
        return fields;
    }

    private static void assertRefused(String document, Map<String, String> fields, long size, int status, String code)
    {
        assertThatThrownBy(() -> PostPolicy.check(policy(document), fields, size, NOW)).isInstanceOfSatisfying(ServiceException.class, e -> {
            org.assertj.core.api.Assertions.assertThat(e.errorCode()).isEqualTo(code);
            org.assertj.core.api.Assertions.assertThat(e.httpStatus()).isEqualTo(status);
        });
    }

    @Test
    void aFormMeetingItsPolicyPasses()
    {
        assertThatCode(() -> PostPolicy.check(policy("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS + "]}"), fields(), 3, NOW))
                .doesNotThrowAnyException();
    }

    @Test
    void policiesThatCannotBeReadAre400()
    {
        assertRefused("{\"EXPIRATION\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS + "]}", fields(), 3, 400, "InvalidPolicyDocument");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"CONDITIONS\":[" + CONDITIONS + "]}", fields(), 3, 400, "InvalidPolicyDocument");
        assertRefused("{\"expiration\":\"29 Nov 2026 13:00\",\"conditions\":[" + CONDITIONS + "]}", fields(), 3, 400, "InvalidPolicyDocument");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[{}]}", fields(), 3, 400, "InvalidPolicyDocument");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS.replace("0,1024", "-1,0") + "]}", fields(), 3, 400,
                "InvalidPolicyDocument");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS.replace("0,1024", "0") + "]}", fields(), 3, 400,
                "InvalidPolicyDocument");
    }

    @Test
    void formsThePolicyDoesNotAllowAre403AndSizesOutOfRange400()
    {
        assertRefused("{\"expiration\":\"2026-11-29T11:59:59Z\",\"conditions\":[" + CONDITIONS + "]}", fields(), 3, 403, "AccessDenied");
        Map<String, String> extra = fields();
        extra.put("x-amz-meta-foo", "bar");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS + "]}", extra, 3, 403, "AccessDenied");
        Map<String, String> otherBucket = fields();
        otherBucket.put("bucket", "other");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS + "]}", otherBucket, 3, 403, "AccessDenied");
        // no condition on the bucket
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS.replace("{\"bucket\":\"b\"},", "") + "]}", fields(), 3,
                403, "AccessDenied");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS + "]}", fields(), 1025, 400, "EntityTooLarge");
        assertRefused("{\"expiration\":\"2026-11-29T13:00:00Z\",\"conditions\":[" + CONDITIONS.replace("0,1024", "10,1024") + "]}", fields(), 3, 400,
                "EntityTooSmall");
    }
}
