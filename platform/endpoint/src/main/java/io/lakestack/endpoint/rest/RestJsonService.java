package io.lakestack.endpoint.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.spi.ServiceException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * A service speaking AWS's REST-JSON protocol (Lambda): the operation is named by the method and the path, e.g.
 * {@code POST /2015-03-31/functions/{FunctionName}/invocations}; path parameters are single, percent-decoded
 * segments; input is the query, headers and a JSON body; output a status, headers and a JSON (or raw) body.
 */
public abstract class RestJsonService
        implements ServiceHandler
{
    public static final ObjectMapper JSON = new ObjectMapper();

    private final String signingName;
    private final String validationError;
    private final List<Route> routes = new ArrayList<>();

    /** An operation: reads the request, returns the answer. */
    @FunctionalInterface
    public interface Operation
    {
        RestResult apply(RestRequest request, Authenticator.Caller caller)
                throws Exception;
    }

    private record Route(String method, List<String> segments, String template, Operation operation)
    {
        Optional<Map<String, String>> match(String method, List<String> path)
        {
            if (path.size() != segments.size()) {
                return Optional.empty();
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    if (path.get(i).isEmpty()) {
                        return Optional.empty();
                    }
                    parameters.put(segment.substring(1, segment.length() - 1), QueryStrings.decode(path.get(i)));
                }
                else if (!segment.equals(path.get(i))) {
                    return Optional.empty();
                }
            }
            return this.method.equals(method) ? Optional.of(parameters) : Optional.empty();
        }
    }

    /**
     * @param validationError the error code invalid input is answered with, e.g. {@code InvalidParameterValueException}
     */
    protected RestJsonService(String signingName, String validationError)
    {
        this.signingName = requireNonNull(signingName, "signingName is null");
        this.validationError = requireNonNull(validationError, "validationError is null");
    }

    /**
     * @param template a path such as {@code /2015-03-31/functions/{FunctionName}}; a trailing slash is not significant
     */
    protected final void route(String method, String template, Operation operation)
    {
        routes.add(new Route(method, segments(template), template, operation));
    }

    @Override
    public final String signingName()
    {
        return signingName;
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.REST_JSON;
    }

    /**
     * The operations as {@code METHOD template}, for errors and docs; a request for none of them is answered with
     * {@code UnknownOperationException}, which lists them.
     */
    public final List<String> operations()
    {
        return routes.stream().map(route -> route.method() + " " + route.template()).toList();
    }

    @Override
    public final void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception
    {
        List<String> path = segments(request.rawPath());
        boolean pathKnown = false;
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = route.match(request.method(), path);
            if (parameters.isPresent()) {
                RestResult result = route.operation().apply(new RestRequest(request, parameters.get(), validationError), caller);
                write(request, result, response);
                return;
            }
            pathKnown |= route.match(route.method(), path).isPresent();
        }
        if (pathKnown) {
            throw ServiceException.user("MethodNotAllowedException", 405, request.method() + " is not allowed on " + request.rawPath()
                    + "; lakestack's " + signingName + " takes " + new TreeSet<>(routes.stream().filter(route -> route.match(route.method(), path).isPresent())
                    .map(Route::method).toList()));
        }
        throw ServiceException.user("UnknownOperationException", 404, "lakestack's " + signingName + " has no operation at " + request.method() + " "
                + request.rawPath() + " (supported: " + String.join(", ", new TreeSet<>(operations())) + ")");
    }

    private static void write(AwsRequest request, RestResult result, AwsResponse response)
            throws java.io.IOException
    {
        response.setStatus(result.status());
        response.setHeader("x-amzn-RequestId", request.requestId());
        result.headers().forEach(response::setHeader);
        if (result.body().length > 0 || result.status() != 204) {
            response.setContentType(result.contentType());
        }
        response.setContentLength(result.body().length);
        if (result.body().length > 0) {
            response.getOutputStream().write(result.body());
        }
    }

    private static List<String> segments(String path)
    {
        String trimmed = path;
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : trimmed.split("/", -1)) {
            segments.add(segment);
        }
        return segments;
    }

    /** One request: path parameters, query, headers, and the body as JSON or as bytes. */
    public static final class RestRequest
    {
        private final AwsRequest request;
        private final Map<String, String> pathParameters;
        private final String validationError;
        private JsonInput body;

        RestRequest(AwsRequest request, Map<String, String> pathParameters, String validationError)
        {
            this.request = request;
            this.pathParameters = Map.copyOf(pathParameters);
            this.validationError = validationError;
        }

        public AwsRequest raw()
        {
            return request;
        }

        /** A path parameter, percent-decoded. */
        public String path(String name)
        {
            String value = pathParameters.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no path parameter " + name);
            }
            return value;
        }

        public Optional<String> query(String name)
        {
            return request.queryParameter(name);
        }

        public Optional<String> header(String name)
        {
            return request.header(name);
        }

        public byte[] bytes()
        {
            return request.body();
        }

        /**
         * The body as JSON input; an empty body is an empty object. A body that is not a JSON object, or a field of the
         * wrong JSON type, is an {@code InvalidRequestContentException}, as Lambda answers a body it cannot read.
         */
        public synchronized JsonInput json()
        {
            if (body == null) {
                byte[] bytes = request.body();
                JsonNode node;
                try {
                    node = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
                }
                catch (JsonProcessingException e) {
                    throw ServiceException.user("InvalidRequestContentException", "Could not parse request body into json: " + e.getOriginalMessage());
                }
                catch (java.io.IOException e) {
                    throw ServiceException.user("InvalidRequestContentException", "Could not read the request body: " + e.getMessage());
                }
                if (node == null || !node.isObject()) {
                    throw ServiceException.user("InvalidRequestContentException", "The request body must be a JSON object");
                }
                body = new JsonInput(node, "", validationError, "InvalidRequestContentException", false);
            }
            return body;
        }
    }

    /** An answer: status, headers, body. */
    public record RestResult(int status, Map<String, String> headers, byte[] body, String contentType)
    {
        public RestResult
        {
            headers = Map.copyOf(headers);
            requireNonNull(body, "body is null");
            requireNonNull(contentType, "contentType is null");
        }

        public static RestResult json(int status, JsonNode body)
        {
            try {
                return new RestResult(status, Map.of(), JSON.writeValueAsBytes(body), "application/json");
            }
            catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        public static RestResult empty(int status)
        {
            return new RestResult(status, Map.of(), new byte[0], "application/json");
        }

        public RestResult withHeader(String name, String value)
        {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new RestResult(status, more, body, contentType);
        }
    }
}
