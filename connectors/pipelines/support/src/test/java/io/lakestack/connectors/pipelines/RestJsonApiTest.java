package io.lakestack.connectors.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestJsonApiTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void signsForTheServiceAndRegionAndReadsAnswersAndErrors()
            throws Exception
    {
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.put("method", exchange.getRequestMethod());
            seen.put("path", exchange.getRequestURI().getRawPath());
            seen.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean taken = exchange.getRequestURI().getRawPath().endsWith("/taken");
            byte[] answer = (taken ? "{\"Message\":\"Schedule taken already exists.\"}" : "{\"ScheduleArn\":\"arn:x\"}").getBytes(StandardCharsets.UTF_8);
            if (taken) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "ConflictException:http://internal.amazon.com/coral/com.amazon.aws.scheduler/");
            }
            exchange.sendResponseHeaders(taken ? 409 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            RestJsonApi api = new RestJsonApi(AwsTarget.lakestack(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "eu-west-1", "AKID", "secret"),
                    "scheduler");

            assertThat(api.call("POST", "/schedules/hourly", JSON.readTree("{\"ScheduleExpression\":\"rate(1 hour)\"}")).path("ScheduleArn").asText())
                    .isEqualTo("arn:x");
            assertThat(seen).containsEntry("method", "POST").containsEntry("path", "/schedules/hourly")
                    .containsEntry("body", "{\"ScheduleExpression\":\"rate(1 hour)\"}");
            assertThat(seen.get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKID/").contains("/eu-west-1/scheduler/aws4_request");

            assertThatThrownBy(() -> api.call("POST", "/schedules/taken", JSON.readTree("{}")))
                    .isInstanceOf(RestJsonApi.ApiException.class)
                    .hasMessage("ConflictException (409): Schedule taken already exists.")
                    .extracting(error -> List.of(((RestJsonApi.ApiException) error).status(), ((RestJsonApi.ApiException) error).code()))
                    .isEqualTo(List.of(409, "ConflictException"));
        }
        finally {
            server.stop(0);
        }
        assertThat(new RestJsonApi(AwsTarget.aws("eu-west-1"), "scheduler").endpoint()).isEqualTo(URI.create("https://scheduler.eu-west-1.amazonaws.com"));
    }
}
