package io.lakestack.endpoint.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.eventstream.EventStreamMessage;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import io.lakestack.endpoint.protocol.AwsResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * A service speaking AWS's JSON 1.0/1.1 protocol (or CBOR 1.1, as the Java SDK v2 speaks to Kinesis): the operation
 * is named by {@code X-Amz-Target: <prefix>.<Operation>}, input and output are one document each, or, for an
 * {@linkplain #eventStreamOperation event-stream operation} (Kinesis's {@code SubscribeToShard}), an input document
 * and an answer of events in AWS's event stream framing, each sent as soon as the operation writes it.
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
    private final Map<String, EventStreamOperation> eventStreamOperations = new TreeMap<>();

    /** An operation: reads its input, returns its output document. */
    @FunctionalInterface
    public interface Operation
    {
        JsonNode apply(JsonInput input, Authenticator.Caller caller)
                throws Exception;
    }

    /**
     * An operation whose output is an event stream ({@code application/vnd.amazon.eventstream}): it reads and checks
     * its input, throwing any error before the answer starts, and returns the stream, which the endpoint then runs on
     * the request's thread after an {@code initial-response} event.
     */
    @FunctionalInterface
    public interface EventStreamOperation
    {
        EventStream open(JsonInput input, Authenticator.Caller caller)
                throws Exception;
    }

    /** The events of one answer. */
    @FunctionalInterface
    public interface EventStream
    {
        /**
         * Sends events until the stream ends; the answer ends when this returns.
         *
         * @throws IOException when the client is gone
         */
        void run(EventWriter events)
                throws IOException;
    }

    /** Sends the events of one answer, each as soon as it is written, in the request's protocol (JSON or CBOR). */
    public interface EventWriter
    {
        /** An event of the operation's event stream, e.g. Kinesis's {@code SubscribeToShardEvent}. */
        void event(String eventType, JsonNode payload)
                throws IOException;

        /** A modelled error ({@code :message-type exception}) with its message; the stream should end after it. */
        void exception(String exceptionType, String message)
                throws IOException;
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

    protected final void eventStreamOperation(String name, EventStreamOperation operation)
    {
        if (operations.containsKey(name) || eventStreamOperations.put(name, operation) != null) {
            throw new IllegalArgumentException("operation " + name + " registered twice");
        }
    }

    public final Set<String> operationNames()
    {
        Set<String> names = new TreeSet<>(operations.keySet());
        names.addAll(eventStreamOperations.keySet());
        return names;
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
        EventStreamOperation streaming = eventStreamOperations.get(name);
        if (!prefix.equals(targetPrefix) || (operation == null && streaming == null)) {
            throw ServiceException.user("UnknownOperationException", "Operation " + target + " is not supported by lakestack's "
                    + signingName + " (supported: " + String.join(", ", operationNames()) + ")");
        }
        JsonNode document = parse(request.body(), protocol);
        if (streaming != null) {
            EventStream events = streaming.open(new JsonInput(document, "", validationError, protocol == AwsProtocol.CBOR), caller);
            response.setStatus(200);
            response.setContentType(EventStreamMessage.CONTENT_TYPE);
            response.setHeader("x-amzn-RequestId", request.requestId());
            OutputStream out = response.getOutputStream();
            EventWriter writer = new EventWriter()
            {
                @Override
                public void event(String eventType, JsonNode payload)
                        throws IOException
                {
                    send(EventStreamMessage.event(eventType, protocol.contentType(), serialize(payload, protocol)));
                }

                @Override
                public void exception(String exceptionType, String message)
                        throws IOException
                {
                    send(EventStreamMessage.exception(exceptionType, protocol.contentType(), serialize(output().put("message", message), protocol)));
                }

                private void send(EventStreamMessage message)
                        throws IOException
                {
                    out.write(message.encode());
                    out.flush();
                }
            };
            // the members of the output other than its event stream (SubscribeToShard has none)
            try {
                writer.event("initial-response", output());
                events.run(writer);
            }
            catch (IOException clientGone) {
                // the client closed the stream or its connection: the answer has nobody to go to
            }
            return;
        }
        JsonNode output = operation.apply(new JsonInput(document, "", validationError, protocol == AwsProtocol.CBOR), caller);
        byte[] body = serialize(output, protocol);
        response.setStatus(200);
        response.setContentType(protocol.contentType());
        response.setHeader("x-amzn-RequestId", request.requestId());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] serialize(JsonNode document, AwsProtocol protocol)
            throws IOException
    {
        return protocol == AwsProtocol.CBOR ? CBOR.writeValueAsBytes(document) : JSON.writeValueAsBytes(document);
    }

    private static JsonNode parse(byte[] body, AwsProtocol protocol)
    {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        // Jackson's parser takes some malformed sequences (overlong forms, encoded surrogates) as characters
        if (protocol != AwsProtocol.CBOR && !Utf8.isValid(body)) {
            throw ServiceException.user("SerializationException", "The request body is not valid JSON: it is not UTF-8");
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
