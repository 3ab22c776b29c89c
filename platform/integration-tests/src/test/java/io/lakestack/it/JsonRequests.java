package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Signed JSON 1.1 requests no SDK would send (a number out of its type's range, a fraction for an integer), and the
 * error they are answered with.
 */
final class JsonRequests
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRequests() {}

    /** An error as a JSON 1.1 client reads it: the status, {@code __type} and {@code message}. */
    record Error(int status, String type, String message)
    {
    }

    /**
     * @param target {@code <prefix>.<Operation>}, e.g. {@code Kinesis_20131202.CreateStream}
     */
    static HttpResponse<String> send(TestStack stack, String service, String target, String json)
    {
        try {
            return RawRequests.send(stack.endpoint(), "POST", "/", Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", target),
                    json.getBytes(StandardCharsets.UTF_8), service, TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The error a request got; fails when it got none. */
    static Error error(TestStack stack, String service, String target, String json)
    {
        return error(send(stack, service, target, json));
    }

    static Error error(HttpResponse<String> response)
    {
        if (response.statusCode() < 400) {
            throw new AssertionError("expected an error, got " + response.statusCode() + ": " + response.body());
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            return new Error(response.statusCode(), body.path("__type").asText(), body.path("message").asText());
        }
        catch (IOException e) {
            throw new AssertionError("the error is not JSON: " + response.statusCode() + " " + response.body(), e);
        }
    }
}
