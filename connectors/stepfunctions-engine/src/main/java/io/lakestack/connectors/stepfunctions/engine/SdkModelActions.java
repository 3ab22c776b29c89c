package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.builder.Buildable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The {@code aws-sdk:<service>:<action>} integrations of the services whose APIs are not JSON-protocol ones (S3's
 * REST-XML, SNS's and STS's query protocol, Lambda's and MSK's REST-JSON) or whose members are camel-cased (Step
 * Functions'): the action's
 * request built from the task's parameters with the SDK's own model of it, and its answer written back from that
 * model, as AWS's SDK integrations do. Names are the model's members with their first letter in upper case, as Step
 * Functions writes them for every service ({@code StateMachineArn} for Step Functions' {@code stateMachineArn});
 * timestamps are ISO-8601 text, blobs UTF-8 text; an S3 object's {@code Body} is its text, in and out. A service's
 * error is {@code <Service>.<exception>}, as the SDK names it ({@code S3.NoSuchKeyException}, and
 * {@code S3.S3Exception} for an error it has no class of).
 */
final class SdkModelActions
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The client interfaces, by the service name of the resource ARN; a service's errors are prefixed by its client's
     * name without {@code Client} ({@code S3}, {@code Sfn}), as the SDK names the service.
     */
    static final Map<String, Class<?>> CLIENTS = Map.of("s3", S3Client.class, "lambda", LambdaClient.class, "sns", SnsClient.class, "sfn",
            SfnClient.class, "sts", StsClient.class, "kafka", KafkaClient.class);

    private final Map<String, Object> clients;

    /**
     * @param clients a client of each service of {@link #CLIENTS}, by the same names
     */
    SdkModelActions(Map<String, Object> clients)
    {
        requireNonNull(clients, "clients is null");
        for (Map.Entry<String, Class<?>> service : CLIENTS.entrySet()) {
            if (!service.getValue().isInstance(clients.get(service.getKey()))) {
                throw new IllegalArgumentException("no " + service.getValue().getSimpleName() + " for aws-sdk:" + service.getKey());
            }
        }
        this.clients = Map.copyOf(clients);
    }

    /** Whether {@code aws-sdk:<service>:<action>} is one of these services' actions. */
    static boolean supports(String service, String action)
    {
        return CLIENTS.containsKey(service) && method(CLIENTS.get(service), action).isPresent();
    }

    /** The actions of the services, for messages: {@code s3, lambda, ...}. */
    static String services()
    {
        return String.join(", ", new TreeSet<>(CLIENTS.keySet()));
    }

    /**
     * Calls the action with the parameters; a parameter the action's request has no member of fails the task with
     * {@code States.Runtime} naming it.
     */
    TaskOutcome call(String service, String action, JsonNode parameters)
    {
        String integration = "aws-sdk:" + service + ":" + action;
        Class<?> type = CLIENTS.get(service);
        Optional<Method> found = type == null ? Optional.empty() : method(type, action);
        if (found.isEmpty()) {
            return TaskOutcome.failed("States.Runtime", "The resource 'arn:aws:states:::" + integration + "' is not supported by lakestack");
        }
        if (!parameters.isObject()) {
            return TaskOutcome.failed("States.Runtime", integration + " takes an object of parameters, not " + parameters);
        }
        Method method = found.get();
        Object client = clients.get(service);
        try {
            ObjectNode members = ((ObjectNode) parameters).deepCopy();
            // an object's content is given as Body, which S3's model carries beside the request, not in it
            Optional<JsonNode> body = method.getParameterCount() == 2 ? Optional.ofNullable(members.remove("Body")) : Optional.empty();
            Object request = build(method.getParameterTypes()[0], members, integration);
            Object response;
            if (method.getParameterCount() == 2) {
                String text = body.map(value -> value.isTextual() ? value.textValue() : value.toString()).orElse("");
                response = method.invoke(client, request, RequestBody.fromString(text, StandardCharsets.UTF_8));
            }
            else {
                response = method.invoke(client, request);
            }
            if (response instanceof ResponseBytes<?> bytes) {
                ObjectNode result = json((SdkPojo) bytes.response());
                result.put("Body", bytes.asUtf8String());
                return TaskOutcome.succeeded(result);
            }
            return TaskOutcome.succeeded(json((SdkPojo) response));
        }
        catch (IllegalArgumentException e) {
            return TaskOutcome.failed("States.Runtime", e.getMessage());
        }
        catch (InvocationTargetException e) {
            String prefix = type.getSimpleName().substring(0, type.getSimpleName().length() - "Client".length());
            if (e.getCause() instanceof AwsServiceException failure) {
                String message = failure.awsErrorDetails() == null || failure.awsErrorDetails().errorMessage() == null
                        ? failure.getMessage() : failure.awsErrorDetails().errorMessage();
                return TaskOutcome.failed(prefix + "." + failure.getClass().getSimpleName(), message + " (Service: " + prefix + ", Status Code: "
                        + failure.statusCode() + ", Request ID: " + failure.requestId() + ")");
            }
            if (e.getCause() instanceof SdkException failure) {
                return TaskOutcome.failed(prefix + ".SdkClientException", failure.getMessage());
            }
            throw new IllegalStateException(integration + " failed", e.getCause());
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException(integration + " could not be called", e);
        }
    }

    /**
     * The client's method of the action: {@code listObjectsV2(ListObjectsV2Request)}; for an action that takes an
     * object's content, the one that takes it as a {@link RequestBody}; for one that answers with it, its
     * {@code ...AsBytes} form.
     */
    private static Optional<Method> method(Class<?> client, String action)
    {
        if (action.isEmpty() || !Character.isLowerCase(action.charAt(0))) {
            return Optional.empty();
        }
        String request = Character.toUpperCase(action.charAt(0)) + action.substring(1) + "Request";
        Optional<Method> plain = Optional.empty();
        Optional<Method> bytes = Optional.empty();
        for (Method method : client.getMethods()) {
            if (method.getParameterCount() == 0 || !method.getParameterTypes()[0].getSimpleName().equals(request)
                    || !SdkPojo.class.isAssignableFrom(method.getParameterTypes()[0])) {
                continue;
            }
            if (method.getName().equals(action) && method.getParameterCount() == 2 && method.getParameterTypes()[1] == RequestBody.class) {
                return Optional.of(method);
            }
            if (method.getName().equals(action + "AsBytes") && method.getParameterCount() == 1) {
                bytes = Optional.of(method);
            }
            if (method.getName().equals(action) && method.getParameterCount() == 1 && SdkPojo.class.isAssignableFrom(method.getReturnType())) {
                plain = Optional.of(method);
            }
        }
        return bytes.isPresent() ? bytes : plain;
    }

    private static Object build(Class<?> type, ObjectNode members, String where)
            throws ReflectiveOperationException
    {
        SdkPojo builder = (SdkPojo) type.getMethod("builder").invoke(null);
        return fill(builder, members, where);
    }

    private static Object fill(SdkPojo builder, JsonNode members, String where)
    {
        if (!members.isObject()) {
            throw new IllegalArgumentException(where + " takes an object, not " + members);
        }
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> field : builder.sdkFields()) {
            fields.put(pascal(field.memberName()), field);
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = members.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            SdkField<?> field = fields.get(entry.getKey());
            if (field == null) {
                throw new IllegalArgumentException(where + " does not take the parameter '" + entry.getKey() + "' (it takes " + String.join(", ",
                        fields.keySet()) + ")");
            }
            if (!entry.getValue().isNull()) {
                field.set(builder, value(field, entry.getValue(), where + "." + entry.getKey()));
            }
        }
        return ((Buildable) builder).build();
    }

    /** A parameter's value as the model's member holds it. */
    private static Object value(SdkField<?> field, JsonNode value, String where)
    {
        MarshallingType<?> type = field.marshallingType();
        try {
            if (type == MarshallingType.STRING) {
                return value.isTextual() ? value.textValue() : value.toString();
            }
            if (type == MarshallingType.INTEGER) {
                return number(value, where).intValueExact();
            }
            if (type == MarshallingType.LONG) {
                return number(value, where).longValueExact();
            }
            if (type == MarshallingType.SHORT) {
                return number(value, where).shortValueExact();
            }
            if (type == MarshallingType.FLOAT) {
                return number(value, where).floatValue();
            }
            if (type == MarshallingType.DOUBLE) {
                return number(value, where).doubleValue();
            }
            if (type == MarshallingType.BIG_DECIMAL) {
                return number(value, where);
            }
        }
        catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + " takes a whole number in range, not " + value);
        }
        if (type == MarshallingType.BOOLEAN) {
            if (!value.isBoolean()) {
                throw new IllegalArgumentException(where + " takes true or false, not " + value);
            }
            return value.booleanValue();
        }
        if (type == MarshallingType.INSTANT) {
            if (value.isNumber()) {
                return Instant.ofEpochMilli(value.decimalValue().movePointRight(3).longValue());
            }
            try {
                return Instant.parse(value.asText());
            }
            catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + " takes a time, ISO-8601 text or epoch seconds, not " + value);
            }
        }
        if (type == MarshallingType.SDK_BYTES) {
            return SdkBytes.fromUtf8String(value.isTextual() ? value.textValue() : value.toString());
        }
        if (type == MarshallingType.SDK_POJO) {
            return fill(field.constructor().get(), value, where);
        }
        if (type == MarshallingType.LIST) {
            if (!value.isArray()) {
                throw new IllegalArgumentException(where + " takes an array, not " + value);
            }
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>();
            for (JsonNode element : value) {
                list.add(value(member, element, where + "[]"));
            }
            return list;
        }
        if (type == MarshallingType.MAP) {
            if (!value.isObject()) {
                throw new IllegalArgumentException(where + " takes an object, not " + value);
            }
            SdkField<?> member = field.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            value.fields().forEachRemaining(entry -> map.put(entry.getKey(), value(member, entry.getValue(), where + "." + entry.getKey())));
            return map;
        }
        throw new IllegalArgumentException(where + " is of a kind lakestack does not pass to the SDK (" + type + ")");
    }

    private static BigDecimal number(JsonNode value, String where)
    {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        try {
            return new BigDecimal(value.asText());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " takes a number, not " + value);
        }
    }

    /** The model's members that have a value, by their names in upper camel case. */
    static ObjectNode json(SdkPojo pojo)
    {
        ObjectNode node = JSON.createObjectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                node.set(pascal(field.memberName()), json(value));
            }
        }
        return node;
    }

    private static JsonNode json(Object value)
    {
        if (value instanceof SdkPojo pojo) {
            return json(pojo);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = JSON.createArrayNode();
            list.forEach(element -> array.add(json(element)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = JSON.createObjectNode();
            map.forEach((key, element) -> object.set(String.valueOf(key), json(element)));
            return object;
        }
        if (value instanceof Instant instant) {
            return JSON.getNodeFactory().textNode(instant.toString());
        }
        if (value instanceof SdkBytes bytes) {
            return JSON.getNodeFactory().textNode(bytes.asUtf8String());
        }
        return JSON.valueToTree(value);
    }

    private static String pascal(String member)
    {
        return member.isEmpty() ? member : member.substring(0, 1).toUpperCase(Locale.ROOT) + member.substring(1);
    }
}
