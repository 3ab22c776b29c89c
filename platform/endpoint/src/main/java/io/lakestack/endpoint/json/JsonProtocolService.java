package io.lakestack.endpoint.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import io.lakestack.endpoint.protocol.AwsResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A service speaking AWS's JSON 1.0/1.1 protocol (or CBOR 1.1, as the Java SDK v2 speaks to Kinesis): the operation
 * is named by {@code X-Amz-Target: <prefix>.<Operation>}, input and output are one document each.
 */
public abstract class JsonProtocolService
        implements ServiceHandler
{
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private final String signingName;
    private final String targetPrefix;
    private final String validationError;
    private final Map<String, Operation> operations = new TreeMap<>();

    /** An operation: reads its input, returns its output document. */
    @FunctionalInterface
    public interface Operation
    {
        JsonNode apply(JsonInput input, Authenticator.Caller caller)
                throws Exception;
    }

    /**
     * @param validationError the error code this service answers invalid input with, e.g. {@code InvalidInputException}
     */
    protected JsonProtocolService(String signingName, String targetPrefix, String validationError)
    {
        this.signingName = requireNonNull(signingName, "signingName is null");
        this.targetPrefix = requireNonNull(targetPrefix, "targetPrefix is null");
        this.validationError = requireNonNull(validationError, "validationError is null");
    }

    protected final void operation(String name, Operation operation)
    {
        if (operations.put(name, operation) != null) {
            throw new IllegalArgumentException("operation " + name + " registered twice");
        }
    }

    @Override
    public final String signingName()
    {
        return signingName;
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.JSON_1_1;
    }

    @Override
    public final Set<String> targetPrefixes()
    {
        return Set.of(targetPrefix);
    }

    public final Set<String> operationNames()
    {
        return operations.keySet();
    }

    @Override
    public final void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception
    {
        AwsProtocol protocol = AwsProtocol.forTargetContentType(request.header("content-type").orElse(null));
        String target = request.header("x-amz-target").orElseThrow(() -> ServiceException.user("UnknownOperationException",
                "The request has no X-Amz-Target header naming the operation"));
        int dot = target.indexOf('.');
        String prefix = dot < 0 ? "" : target.substring(0, dot);
        String name = dot < 0 ? target : target.substring(dot + 1);
        Operation operation = operations.get(name);
        if (!prefix.equals(targetPrefix) || operation == null) {
            throw ServiceException.user("UnknownOperationException", "Operation " + target + " is not supported by lakestack's "
                    + signingName + " (supported: " + String.join(", ", operations.keySet()) + ")");
        }
        JsonNode document = parse(request.body(), protocol);
        JsonNode output = operation.apply(new JsonInput(document, "", validationError, protocol == AwsProtocol.CBOR), caller);
        byte[] body = protocol == AwsProtocol.CBOR ? CBOR.writeValueAsBytes(output) : JSON.writeValueAsBytes(output);
        response.setStatus(200);
        response.setContentType(protocol.contentType());
        response.setHeader("x-amzn-RequestId", request.requestId());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static JsonNode parse(byte[] body, AwsProtocol protocol)
    {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = (protocol == AwsProtocol.CBOR ? CBOR : JSON).readTree(body);
            if (node == null || !node.isObject()) {
                throw ServiceException.user("SerializationException", "The request body must be a " + (protocol == AwsProtocol.CBOR ? "CBOR map" : "JSON object"));
            }
            return node;
        }
        catch (JsonProcessingException e) {
            throw ServiceException.user("SerializationException", "The request body is not valid " + (protocol == AwsProtocol.CBOR ? "CBOR" : "JSON")
                    + ": " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw ServiceException.user("SerializationException", "The request body cannot be read: " + e.getMessage());
        }
    }

    /** A new output document. */
    protected static ObjectNode output()
    {
        return JSON.createObjectNode();
    }

    /** Seconds since the epoch, as JSON 1.1 timestamps are written. */
    public static double epochSeconds(java.time.Instant instant)
    {
        return instant.toEpochMilli() / 1000.0;
    }
}
