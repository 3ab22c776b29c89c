package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.TestStack;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of a REST-JSON service (Lambda): an operation is a method and a path with parameters, and takes query
 * parameters, headers and a body. Each part is fuzzed in turn, the others at their valid values: every path parameter
 * with values of bad forms, encodings and lengths (and those the service's {@link PathValues} add), every query
 * parameter and header with values of its type no valid request carries, or without it when it is required, and the
 * body as {@link FuzzInputs} fuzzes a JSON document of fields; a raw body (Lambda's Invoke payload, any JSON document
 * or nothing) with bytes that are not JSON or not UTF-8, or nested thousands deep. Every request is signed, as
 * {@link JsonFuzz}'s are, and checked as {@link JsonFuzz#check} checks them; a 4xx must be a REST-JSON error: header
 * {@code x-amzn-ErrorType} one of the service's errors, body {@code {"Type":"User","message":...}} of type
 * {@code application/json}.
 */
final class RestJsonFuzz
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{(\\w+)=([^}]*)}");
    private static final String[] NOT_NUMBERS = {"abc", "1.5", "1e400", "", "0x10", "--1"};

    /** Malformed values of a path parameter, before percent-encoding, beyond those every path parameter gets. */
    @FunctionalInterface
    interface PathValues
    {
        List<String> of(String parameter, String base, Random random);
    }

    /**
     * @param errors the error codes ({@code x-amzn-ErrorType}) the service may answer malformed input with
     * @param operations one line per operation, as {@link #operation} reads them
     */
    record Service(String signingName, Set<String> errors, PathValues pathValues, List<Operation> operations)
    {
        Service(String signingName, Set<String> errors, PathValues pathValues, String... operations)
        {
            this(signingName, errors, pathValues, Arrays.stream(operations).map(RestJsonFuzz::operation).toList());
        }
    }

    /**
     * @param template the path as the service routes it, e.g. {@code /2015-03-31/functions/{FunctionName}}
     * @param path the valid value of each path parameter, by name, in the path's order
     * @param query the query parameters
     * @param headers the headers
     * @param body the operation's name, whether its well-formed request succeeds and its body's fields
     * @param payload the valid raw body, when the body is raw bytes rather than a document of fields
     */
    record Operation(String method, String template, Map<String, String> path, List<FuzzInputs.Field> query, List<FuzzInputs.Field> headers,
            FuzzInputs.Operation body, Optional<String> payload)
    {
        String name()
        {
            return body.name();
        }

        /** The route, as the service lists it: {@code METHOD template}. */
        String route()
        {
            return method + " " + template;
        }
    }

    /**
     * @param path the path and query, percent-encoded as sent
     * @param mustFail whether the request is the client's error
     */
    record Case(String operation, String description, String method, String path, Map<String, String> headers, byte[] body, boolean mustFail)
    {
        @Override
        public String toString()
        {
            String text = new String(body, StandardCharsets.UTF_8);
            return operation + " [" + JsonFuzz.abbreviate(description, 80) + "] " + method + " " + JsonFuzz.abbreviate(path, 160) + " " + JsonFuzz.abbreviate(text, 120);
        }
    }

    private RestJsonFuzz() {}

    /**
     * An operation as one line: its name as {@link FuzzInputs#operation} reads it, its method, its path with the valid
     * value of each parameter ({@code /2015-03-31/functions/{FunctionName=it-fuzz}/aliases}), then its parts:
     * {@code ?Name:type=value} a query parameter, {@code ^Name:type=value} a header, {@code @payload=text} a raw body,
     * and fields of the JSON body as {@link FuzzInputs#operation} reads them. E.g.
     * {@code "+Invoke POST /2015-03-31/functions/{FunctionName=it-fuzz}/invocations ?Qualifier:string=live ^X-Amz-Log-Type:string=Tail @payload={}"}.
     */
    static Operation operation(String line)
    {
        String[] words = line.trim().split("\\s+");
        Map<String, String> path = new LinkedHashMap<>();
        Matcher parameter = PATH_PARAMETER.matcher(words[2]);
        String template = parameter.replaceAll(match -> {
            path.put(match.group(1), match.group(2));
            return Matcher.quoteReplacement("{" + match.group(1) + "}");
        });
        List<String> query = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        List<String> body = new ArrayList<>(List.of(words[0]));
        Optional<String> payload = Optional.empty();
        for (String word : Arrays.asList(words).subList(3, words.length)) {
            if (word.startsWith("?")) {
                query.add(word.substring(1));
            }
            else if (word.startsWith("^")) {
                headers.add(word.substring(1));
            }
            else if (word.startsWith("@payload=")) {
                payload = Optional.of(word.substring("@payload=".length()));
            }
            else {
                body.add(word);
            }
        }
        return new Operation(words[1], template, Collections.unmodifiableMap(path), fields(query), fields(headers), FuzzInputs.operation(String.join(" ", body)),
                payload);
    }

    private static List<FuzzInputs.Field> fields(List<String> words)
    {
        return FuzzInputs.operation("Parameters " + String.join(" ", words)).fields();
    }

    /** The cases of every operation of the service, from one seed. */
    static List<Case> cases(Service service, long seed)
    {
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>();
        service.operations().forEach(operation -> cases.addAll(cases(service, operation, random)));
        return cases;
    }

    private static List<Case> cases(Service service, Operation operation, Random random)
    {
        List<Case> cases = new ArrayList<>();
        boolean succeeds = operation.body().succeeds();
        if (operation.payload().isPresent()) {
            cases.add(request(operation, "well-formed", Map.of(), Map.of(), Map.of(), utf8(operation.payload().get()), !succeeds));
            cases.add(request(operation, "empty payload", Map.of(), Map.of(), Map.of(), new byte[0], !succeeds));
            cases.add(request(operation, "payload not JSON", Map.of(), Map.of(), Map.of(), FuzzInputs.notJson(random), true));
            cases.add(request(operation, "payload not UTF-8", Map.of(), Map.of(), Map.of(), FuzzInputs.invalidUtf8("fuzz", random), true));
            cases.add(request(operation, "payload nested deep", Map.of(), Map.of(), Map.of(), FuzzInputs.deep("fuzz", random.nextBoolean()), true));
        }
        else if (operation.body().fields().isEmpty()) {
            cases.add(request(operation, "well-formed", Map.of(), Map.of(), Map.of(), new byte[0], !succeeds));
        }
        else {
            for (FuzzInputs.Case body : FuzzInputs.cases(operation.body(), random)) {
                cases.add(request(operation, body.description(), Map.of(), Map.of(), Map.of(), body.body(), body.mustFail()));
            }
        }

        for (Map.Entry<String, String> parameter : operation.path().entrySet()) {
            List<String> values = new ArrayList<>(junk(random));
            service.pathValues().of(parameter.getKey(), parameter.getValue(), random).forEach(value -> values.add(encode(value)));
            for (String value : values) {
                cases.add(request(operation, parameter.getKey() + " " + value, Map.of(parameter.getKey(), value), Map.of(), Map.of(), body(operation), true));
            }
        }

        for (FuzzInputs.Field field : operation.query()) {
            if (field.required()) {
                cases.add(request(operation, "without " + field.name(), Map.of(), Map.of(field.name(), Optional.empty()), Map.of(), body(operation), true));
            }
            for (String value : queryValues(field.type(), random)) {
                cases.add(request(operation, field.name() + "=" + value, Map.of(), Map.of(field.name(), Optional.of(value)), Map.of(), body(operation), true));
            }
        }
        cases.add(request(operation, "unknown query parameter", Map.of(), Map.of("FuzzUnknown" + random.nextInt(1000), Optional.of("1")), Map.of(),
                body(operation), !succeeds));

        for (FuzzInputs.Field field : operation.headers()) {
            for (String value : headerValues(field.type(), random)) {
                cases.add(request(operation, field.name() + ": " + value, Map.of(), Map.of(), Map.of(field.name(), value), body(operation), true));
            }
        }
        return cases;
    }

    /**
     * One request of the operation: every part at its valid value but those given.
     *
     * @param path path parameters, percent-encoded
     * @param query query parameters, percent-encoded; empty to leave one out
     */
    static Case request(Operation operation, String description, Map<String, String> path, Map<String, Optional<String>> query, Map<String, String> headers,
            byte[] body, boolean mustFail)
    {
        String url = operation.template();
        for (Map.Entry<String, String> parameter : operation.path().entrySet()) {
            url = url.replace("{" + parameter.getKey() + "}", path.getOrDefault(parameter.getKey(), encode(parameter.getValue())));
        }
        Map<String, Optional<String>> parameters = new LinkedHashMap<>();
        operation.query().stream().filter(field -> field.base() != null).forEach(field -> parameters.put(field.name(), Optional.of(encode(field.base().asText()))));
        parameters.putAll(query);
        String queryString = parameters.entrySet().stream().filter(entry -> entry.getValue().isPresent())
                .map(entry -> entry.getKey() + "=" + entry.getValue().get()).collect(Collectors.joining("&"));
        Map<String, String> allHeaders = new LinkedHashMap<>();
        if (body.length > 0) {
            allHeaders.put("Content-Type", "application/json");
        }
        operation.headers().stream().filter(field -> field.base() != null).forEach(field -> allHeaders.put(field.name(), field.base().asText()));
        allHeaders.putAll(headers);
        return new Case(operation.name(), description, operation.method(), queryString.isEmpty() ? url : url + "?" + queryString, allHeaders, body, mustFail);
    }

    /** The valid body of an operation: its payload, or its fields at their valid values, or none. */
    static byte[] body(Operation operation)
    {
        if (operation.payload().isPresent()) {
            return utf8(operation.payload().get());
        }
        if (operation.body().fields().isEmpty()) {
            return new byte[0];
        }
        try {
            return JSON.writeValueAsBytes(operation.body().base());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Path parameter values, percent-encoded, no path parameter takes. An encoded NUL is left out: the HTTP server
     * refuses it before any service sees the request, without telling which path it was, and answers it as S3 does
     * (see {@code S3RequestErrorsIntegrationTest}).
     */
    private static List<String> junk(Random random)
    {
        return List.of("..", "%2E%2E", "%FF%FE", "%C0%AF", "%01", "fuzz%2Fslash", "sp%20ace", "%25", encode(FuzzInputs.forgedToken(random)),
                encode(FuzzInputs.hugeString(random).substring(0, 1000)));
    }

    private static List<String> queryValues(FuzzInputs.Type type, Random random)
    {
        return switch (type) {
            case INTEGER -> List.of("-" + (1 + random.nextInt(1000)), "0", "9223372036854775808", FuzzInputs.pick(random, NOT_NUMBERS));
            case TOKEN -> List.of(encode(FuzzInputs.forgedToken(random)), encode(FuzzInputs.forgedToken(random)) + "x", "%FF%FE");
            case STRING -> List.of("", "%FF%FE", "fuzz%24" + random.nextInt(1000), encode(FuzzInputs.hugeString(random).substring(0, 1000)));
            default -> List.of();
        };
    }

    private static List<String> headerValues(FuzzInputs.Type type, Random random)
    {
        return switch (type) {
            case STRING -> List.of("Fuzz" + random.nextInt(1000), "Fuzz".repeat(300));
            case BLOB -> List.of("!!not base64" + random.nextInt(1000), base64(FuzzInputs.notJson(random)), base64(FuzzInputs.invalidUtf8("fuzz", random)),
                    base64(utf8("[\"not an object\"]")), base64(utf8("{\"custom\":{\"fuzz\":\"" + "x".repeat(4000) + "\"}}")));
            default -> List.of();
        };
    }

    /** Sends every case; returns what went wrong, one line each (empty when nothing did). */
    static List<String> run(TestStack stack, Service service, List<Case> cases)
    {
        return JsonFuzz.run(cases, fuzz -> JsonFuzz.check(() -> JsonFuzz.send(stack, service.signingName(), fuzz.method(), fuzz.path(), fuzz.headers(),
                fuzz.body()), fuzz.mustFail(), response -> restError(service, response)));
    }

    /** What is wrong with a REST-JSON error, or {@code null}. */
    private static String restError(Service service, HttpResponse<String> response)
    {
        int status = response.statusCode();
        Optional<String> type = response.headers().firstValue("x-amzn-ErrorType");
        if (type.isEmpty()) {
            return "an error without x-amzn-ErrorType: " + status + " " + JsonFuzz.abbreviate(response.body());
        }
        if (!service.errors().contains(type.get())) {
            return "an error the service does not answer malformed input with: " + status + " " + type.get() + " " + JsonFuzz.abbreviate(response.body());
        }
        JsonNode error;
        try {
            error = JSON.readTree(response.body());
        }
        catch (IOException e) {
            return "an error that is not JSON: " + status + " " + JsonFuzz.abbreviate(response.body());
        }
        if (error == null || !error.path("Type").asText().equals("User") || !error.path("message").isTextual() || error.path("message").asText().isBlank()) {
            return "an error without Type User and a message: " + status + " " + JsonFuzz.abbreviate(response.body());
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return "an error of Content-Type " + response.headers().firstValue("Content-Type").orElse("(none)");
        }
        return null;
    }

    /** The operations the service routes, as it lists them when asked for a path it has none at. */
    static Set<String> implementedOperations(TestStack stack, Service service, String unknownPath)
            throws IOException
    {
        HttpResponse<String> response = JsonFuzz.send(stack, service.signingName(), "GET", unknownPath, Map.of(), new byte[0]);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("UnknownOperationException");
        return JsonFuzz.supported(JSON.readTree(response.body()).path("message").asText());
    }

    static Set<String> fuzzedOperations(Service service)
    {
        return service.operations().stream().map(Operation::route).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Percent-encodes every character but RFC 3986's unreserved ones. */
    static String encode(String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String base64(byte[] bytes)
    {
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
