package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Glue unit tests share: calling the service as the endpoint does, and parts they must not use. */
final class GlueCalls
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private GlueCalls() {}

    /** Calls the operation with the JSON document as a signed-in caller in us-east-1; the answer must be a 200. */
    static JsonNode call(GlueService service, String operation, String document)
            throws Exception
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Host", List.of("localhost:4566"), "X-Amz-Target",
                List.of("AWSGlue." + operation), "Content-Type", List.of("application/x-amz-json-1.1")));
        RecordedResponse answer = new RecordedResponse();
        service.handle(new AwsRequest("POST", "/", "", headers, new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), "127.0.0.1"),
                new Authenticator.Caller("test", "us-east-1"), answer);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return JSON.readTree(answer.text());
    }

    /** An implementation of the interface whose every method fails the test. */
    @SuppressWarnings("unchecked")
    static <T> T unused(Class<T> type)
    {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            throw new AssertionError(type.getSimpleName() + "." + method.getName() + " is not used by these tests");
        });
    }
}
