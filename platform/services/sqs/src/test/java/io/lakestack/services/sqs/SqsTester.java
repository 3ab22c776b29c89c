package io.lakestack.services.sqs;

import io.lakestack.spi.testing.ManualClock;
import io.lakestack.endpoint.testing.RecordedResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.QueryCompatibleServiceException;
import io.lakestack.spi.ServiceException;
import org.assertj.core.api.ThrowableAssert;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Drives an {@link SqsService} on {@link InMemoryQueues} as the endpoint would, in either protocol, at a clock the test sets. */
final class SqsTester
{
    static final String HOST = "localhost:4566";
    static final String ACCOUNT = "000000000000";
    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = new ManualClock(1_790_000_000_000L);
    final InMemoryQueues queues = new InMemoryQueues(clock);
    final SqsService service = new SqsService(queues, "us-east-1", ACCOUNT, clock);

    RecordedResponse call(AwsRequest request)
            throws Exception
    {
        RecordedResponse answer = new RecordedResponse();
        service.handle(request, new Authenticator.Caller("test", "us-east-1"), answer);
        return answer;
    }

    /** A JSON 1.0 request; its answer's document. */
    JsonNode json(String operation, String document)
            throws Exception
    {
        RecordedResponse answer = call(jsonRequest(operation, document));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).containsEntry("content-type", "application/x-amz-json-1.0");
        return JSON.readTree(answer.text());
    }

    static AwsRequest jsonRequest(String operation, String document)
    {
        return jsonRequest(operation, document, Map.of());
    }

    static AwsRequest jsonRequest(String operation, String document, Map<String, String> extraHeaders)
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Host", List.of(HOST), "X-Amz-Target", List.of("AmazonSQS." + operation),
                "Content-Type", List.of("application/x-amz-json-1.0")));
        extraHeaders.forEach((name, value) -> headers.put(name, List.of(value)));
        return new AwsRequest("POST", "/", "", headers, new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), "127.0.0.1");
    }

    /** A Query protocol form to {@code path}; its answer's XML. */
    String query(String path, Map<String, String> parameters)
            throws Exception
    {
        RecordedResponse answer = call(queryRequest(path, parameters));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).containsEntry("content-type", "text/xml");
        return answer.text();
    }

    static AwsRequest queryRequest(String path, Map<String, String> parameters)
    {
        String form = parameters.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return new AwsRequest("POST", path, "", Map.of("Host", List.of(HOST), "Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8")),
                new ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8)), "127.0.0.1");
    }

    /** Parameters in order: name, value, name, value... */
    static Map<String, String> form(String... namesAndValues)
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    /** The error a JSON request fails with. */
    QueryCompatibleServiceException jsonError(String operation, String document)
    {
        return error(() -> call(jsonRequest(operation, document)));
    }

    QueryCompatibleServiceException queryError(String path, Map<String, String> parameters)
    {
        return error(() -> call(queryRequest(path, parameters)));
    }

    private static QueryCompatibleServiceException error(ThrowableAssert.ThrowingCallable call)
    {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(QueryCompatibleServiceException.class);
        return (QueryCompatibleServiceException) thrown;
    }

    /** Code, Query code, status and message of an error, to compare whole. */
    static String describe(ServiceException error)
    {
        return error.errorCode() + " / " + ((QueryCompatibleServiceException) error).queryErrorCode() + " / " + error.httpStatus() + " / " + error.getMessage();
    }

    String url(String name)
    {
        return "http://" + HOST + "/" + ACCOUNT + "/" + name;
    }

    String createQueue(String name, String attributes)
            throws Exception
    {
        return json("CreateQueue", "{\"QueueName\":\"" + name + "\",\"Attributes\":" + attributes + "}").get("QueueUrl").asText();
    }
}
