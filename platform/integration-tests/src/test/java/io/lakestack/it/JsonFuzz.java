package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of a JSON 1.1 (or 1.0) service: every case {@link FuzzInputs} makes of each operation, sent signed, must be answered
 * within {@link #BOUND}, never with a 5xx, and, when it is the client's error, with a 4xx and the JSON error shape
 * ({@code __type} one of the service's errors, a {@code message}). {@link #check}, {@link #run(List, Function)} and
 * {@link #send(TestStack, String, String, String, Map, byte[])} serve {@link RestJsonFuzz} too.
 */
final class JsonFuzz
{
    /** How long a request may take, however malformed: a bound, not a measure. */
    static final Duration BOUND = Duration.ofSeconds(10);
    static final String JSON_1_1 = "application/x-amz-json-1.1";
    static final String JSON_1_0 = "application/x-amz-json-1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param errors the error codes ({@code __type}) the service may answer malformed input with
     * @param operations one line per operation, as {@link FuzzInputs#operation} reads them
     */
    record Service(String signingName, String targetPrefix, String contentType, Set<String> errors, List<FuzzInputs.Operation> operations)
    {
        /** A JSON 1.1 service. */
        Service(String signingName, String targetPrefix, Set<String> errors, String... operations)
        {
            this(signingName, targetPrefix, JSON_1_1, errors, Arrays.stream(operations).map(FuzzInputs::operation).toList());
        }

        /** The same service spoken in JSON 1.0 (as SQS is). */
        Service json10()
        {
            return new Service(signingName, targetPrefix, JSON_1_0, errors, operations);
        }
    }

    private JsonFuzz() {}

    /** The cases of every operation of the service, from one seed. */
    static List<FuzzInputs.Case> cases(Service service, long seed)
    {
        Random random = new Random(seed);
        List<FuzzInputs.Case> cases = new ArrayList<>();
        service.operations().forEach(operation -> cases.addAll(FuzzInputs.cases(operation, random)));
        return cases;
    }

    /** Sends every case; returns what went wrong, one line each (empty when nothing did). */
    static List<String> run(TestStack stack, Service service, List<FuzzInputs.Case> cases)
    {
        return run(cases, fuzz -> check(() -> send(stack, service, service.targetPrefix() + "." + fuzz.operation(), fuzz.body()), fuzz.mustFail(),
                response -> jsonError(service, response)));
    }

    /** Checks every case with {@code check}; returns what went wrong, one line each, naming the case (empty when nothing did). */
    static <C> List<String> run(List<C> cases, Function<C, String> check)
    {
        List<String> failures = new ArrayList<>();
        for (C fuzz : cases) {
            String failure = check.apply(fuzz);
            if (failure != null) {
                failures.add(failure + ": " + fuzz);
            }
        }
        return failures;
    }

    /** Sends one request. */
    @FunctionalInterface
    interface Exchange
    {
        HttpResponse<String> send()
                throws IOException;
    }

    /**
     * What is wrong with the answer to one request, or {@code null} when nothing is: no answer within {@link #BOUND},
     * a failed connection, a 5xx, a success when the request must fail, or a 4xx {@code errorShape} finds wrong.
     *
     * @param errorShape what is wrong with a 4xx answer, {@code null} when nothing is
     */
    static String check(Exchange exchange, boolean mustFail, Function<HttpResponse<String>, String> errorShape)
    {
        return check(exchange, mustFail, errorShape, response -> null);
    }

    /**
     * As {@link #check(Exchange, boolean, Function)}, where an answer below 400 to a request that may succeed is also
     * checked, by {@code success} (what is wrong with it, {@code null} when nothing is).
     */
    static String check(Exchange exchange, boolean mustFail, Function<HttpResponse<String>, String> errorShape, Function<HttpResponse<String>, String> success)
    {
        HttpResponse<String> response;
        try {
            response = exchange.send();
        }
        catch (HttpTimeoutException e) {
            return "no answer within " + BOUND;
        }
        catch (IOException e) {
            return "the connection failed (" + e + ")";
        }
        int status = response.statusCode();
        if (status >= 500) {
            return "a server error " + status + " " + abbreviate(response.body());
        }
        if (status < 400) {
            return mustFail ? "accepted with " + status + " " + abbreviate(response.body()) : success.apply(response);
        }
        return errorShape.apply(response);
    }

    /** What is wrong with a JSON 1.1 error: it must be {@code {"__type":<one of the service's errors>,"message":...}}. */
    private static String jsonError(Service service, HttpResponse<String> response)
    {
        int status = response.statusCode();
        JsonNode error;
        try {
            error = JSON.readTree(response.body());
        }
        catch (IOException e) {
            return "an error that is not JSON: " + status + " " + abbreviate(response.body());
        }
        if (error == null || !error.isObject() || !error.path("__type").isTextual() || !error.path("message").isTextual()
                || error.path("message").asText().isBlank()) {
            return "an error without __type and message: " + status + " " + abbreviate(response.body());
        }
        String type = error.path("__type").asText();
        if (!service.errors().contains(type)) {
            return "an error the service does not answer malformed input with: " + status + " " + abbreviate(response.body());
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith(service.contentType())) {
            return "an error of Content-Type " + response.headers().firstValue("Content-Type").orElse("(none)");
        }
        return null;
    }

    /**
     * The operations the service implements, as it lists them when asked for one it does not have.
     */
    static Set<String> implementedOperations(TestStack stack, Service service)
            throws IOException
    {
        HttpResponse<String> response = send(stack, service, service.targetPrefix() + ".FuzzNoSuchOperation", "{}".getBytes(StandardCharsets.UTF_8));
        JsonNode error = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(400);
        // SQS qualifies its error names with its namespace
        assertThat(error.path("__type").asText()).endsWith("UnknownOperationException");
        return supported(error.path("message").asText());
    }

    /** The operations an {@code UnknownOperationException}'s message lists: {@code ... (supported: A, B, C)}. */
    static Set<String> supported(String message)
    {
        String supported = message.substring(message.indexOf("(supported: ") + "(supported: ".length(), message.lastIndexOf(')'));
        return Arrays.stream(supported.split(", ")).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> fuzzedOperations(Service service)
    {
        return service.operations().stream().map(FuzzInputs.Operation::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static HttpResponse<String> send(TestStack stack, Service service, String target, byte[] body)
            throws IOException
    {
        return send(stack, service.signingName(), "POST", "/", Map.of("Content-Type", service.contentType(), "X-Amz-Target", target), body);
    }

    /** A request signed for the service {@code signingName} with the stack's credentials, answered within {@link #BOUND}. */
    static HttpResponse<String> send(TestStack stack, String signingName, String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException
    {
        try {
            return RawRequests.send(stack.endpoint(), method, pathAndQuery, headers, body, signingName, TestStack.ACCESS_KEY, TestStack.SECRET_KEY, BOUND);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String text)
    {
        return abbreviate(text, 300);
    }

    static String abbreviate(String text, int length)
    {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }
}
