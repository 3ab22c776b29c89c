package io.lakestack.endpoint.json;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** How a JSON 1.1 service reads request bodies: one that is not strict UTF-8 is refused before Jackson reads it. */
class JsonProtocolServiceTest
{
    private final Echo service = new Echo();

    @Test
    void aBodyThatIsNotUtf8IsASerializationException()
            throws Exception
    {
        assertThat(call("{\"Name\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo("{\"Name\":\"caf\u00e9\"}");
        // an overlong '/', an encoded surrogate, a cut-off sequence and a byte UTF-8 never has
        for (byte[] invalid : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xFF})) {
            byte[] body = new byte[12 + invalid.length];
            System.arraycopy("{\"Name\":\"a".getBytes(StandardCharsets.UTF_8), 0, body, 0, 10);
            System.arraycopy(invalid, 0, body, 10, invalid.length);
            body[10 + invalid.length] = '"';
            body[11 + invalid.length] = '}';
            ServiceException refused = catchThrowableOfType(ServiceException.class, () -> call(body));
            assertThat(refused.errorCode()).isEqualTo("SerializationException");
            assertThat(refused.getMessage()).isEqualTo("The request body is not valid JSON: it is not UTF-8");
        }
    }

    private String call(byte[] body)
            throws Exception
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Host", List.of("localhost:4566"), "X-Amz-Target", List.of("Echo.Echo"),
                "Content-Type", List.of("application/x-amz-json-1.1")));
        RecordedResponse answer = new RecordedResponse();
        service.handle(new AwsRequest("POST", "/", "", headers, new ByteArrayInputStream(body), "127.0.0.1"), new Authenticator.Caller("test", "us-east-1"),
                answer);
        return answer.text();
    }

    private static final class Echo
            extends JsonProtocolService
    {
        Echo()
        {
            super("echo", "Echo", "ValidationException");
            operation("Echo", (input, caller) -> output().put("Name", input.requiredString("Name")));
        }

        @Override
        public OptionalLong maxRequestBytes()
        {
            return OptionalLong.of(1024);
        }
    }
}
