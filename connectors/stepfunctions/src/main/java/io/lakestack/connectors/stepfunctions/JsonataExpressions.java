package io.lakestack.connectors.stepfunctions;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.StreamSupport;

/**
 * JSONata in the States Language ({@code QueryLanguage: JSONata}), on {@code com.dashjoin:jsonata}: a string of the form
 * {@code {% expression %}} is evaluated, inside objects and arrays too; every other value is literal. An expression
 * reads {@code $states} ({@code input}, {@code result}, {@code errorOutput}, {@code context}, as the field allows) and
 * the workflow variables in scope as {@code $name}, and may call Step Functions' own functions {@code $partition},
 * {@code $range}, {@code $hash}, {@code $random}, {@code $uuid} and {@code $parse} ({@code $random} and {@code $uuid}
 * draw from the interpreter's {@link RandomSource}). {@code $eval} is not available, as on AWS.
 *
 * <p>An expression that fails, or whose value is undefined (nothing), fails the state with
 * {@code States.QueryEvaluationError}; the cause names the expression and the field as AWS's does
 * ({@code The JSONata expression 'x' specified for the field 'Output/v' returned nothing (undefined).}, or
 * {@code ... threw an error during evaluation. T0410: ...}), with the JSONata error code and message of
 * {@code com.dashjoin:jsonata}, which may word them differently from AWS's JSONata. The interpreter puts the state in
 * front ({@code An error occurred while executing the state 'S' (entered at the event id #2). }).
 */
final class JsonataExpressions
{
    private static final String OPEN = "{%";
    private static final String CLOSE = "%}";

    private JsonataExpressions() {}

    static boolean isExpression(JsonNode value)
    {
        return value != null && value.isTextual() && isExpression(value.textValue());
    }

    static boolean isExpression(String text)
    {
        return text.length() >= OPEN.length() + CLOSE.length() && text.startsWith(OPEN) && text.endsWith(CLOSE);
    }

    /** Why an expression in {@code template} (anywhere inside it) does not parse, if one does not. */
    static Optional<String> problem(JsonNode template)
    {
        if (!isExpression(template)) {
            return StreamSupport.stream(template.spliterator(), false).map(JsonataExpressions::problem).flatMap(Optional::stream).findFirst();
        }
        String body = body(template.textValue());
        if (body.isBlank()) {
            return Optional.of("The JSONata expression '" + template.textValue() + "' is empty");
        }
        try {
            Jsonata.jsonata(body);
            return Optional.empty();
        }
        catch (JException | IllegalArgumentException e) {
            return Optional.of("The JSONata expression '" + template.textValue() + "' is not valid: " + e.getMessage());
        }
    }

    /**
     * {@code template} with its expressions evaluated.
     *
     * @param states the value of {@code $states}
     * @param field the field evaluated, as a failure names it
     */
    static JsonNode evaluate(JsonNode template, ObjectNode states, Variables variables, RandomSource random, String field)
    {
        if (isExpression(template)) {
            return evaluate(template.textValue(), states, variables, random, field);
        }
        if (template.isObject()) {
            ObjectNode out = Json.object();
            Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> each = fields.next();
                out.set(each.getKey(), evaluate(each.getValue(), states, variables, random, field + "/" + each.getKey()));
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            for (int i = 0; i < template.size(); i++) {
                out.add(evaluate(template.get(i), states, variables, random, field + "[" + i + "]"));
            }
            return out;
        }
        return template;
    }

    private static JsonNode evaluate(String text, ObjectNode states, Variables variables, RandomSource random, String field)
    {
        Object value;
        boolean defined;
        try {
            // an object constructor tells undefined (no member) from null (a null member)
            Jsonata expression = Jsonata.jsonata("{\"v\": (" + body(text) + ")}");
            Jsonata.Frame frame = expression.createFrame();
            variables.visible().forEach((name, variable) -> frame.bind(name, toJava(variable)));
            frame.bind(Variables.STATES, toJava(states));
            bindFunctions(frame, random);
            Map<?, ?> wrapped = (Map<?, ?>) expression.evaluate(null, frame);
            defined = wrapped != null && wrapped.containsKey("v");
            value = defined ? wrapped.get("v") : null;
        }
        catch (JException e) {
            throw failure(text, field, "threw an error during evaluation. " + (e.getError() == null ? "" : e.getError() + ": ") + e.getMessage());
        }
        catch (RuntimeException | StackOverflowError e) {
            throw failure(text, field, "threw an error during evaluation: " + e.getMessage());
        }
        if (!defined) {
            throw failure(text, field, "returned nothing (undefined).");
        }
        try {
            return toJson(value);
        }
        catch (IllegalArgumentException e) {
            throw failure(text, field, "returned a value that is not JSON: " + e.getMessage());
        }
    }

    /** The failure of the expression {@code text} ({@code {% ... %}} or its body) in {@code field}, for {@code reason}. */
    static StatesFailure failure(String text, String field, String reason)
    {
        String expression = isExpression(text) ? body(text).trim() : text;
        return new StatesFailure(StatesErrors.QUERY_EVALUATION_ERROR, "The JSONata expression '" + expression + "' specified for the field '" + field
                + "' " + reason);
    }

    private static String body(String text)
    {
        return text.substring(OPEN.length(), text.length() - CLOSE.length());
    }

    private static void bindFunctions(Jsonata.Frame frame, RandomSource random)
    {
        frame.bind("partition", function("partition", arguments -> {
            List<?> array = list(arguments, 0, "partition");
            long size = integer(arguments, 1, "partition");
            if (size < 1) {
                throw new IllegalArgumentException("$partition: the chunk size must be a positive integer");
            }
            List<Object> chunks = new ArrayList<>();
            for (int start = 0; start < array.size(); start += (int) size) {
                chunks.add(new ArrayList<>(array.subList(start, (int) Math.min(array.size(), start + size))));
            }
            return chunks;
        }));
        frame.bind("range", function("range", arguments -> {
            long start = integer(arguments, 0, "range");
            long end = integer(arguments, 1, "range");
            long step = integer(arguments, 2, "range");
            if (step == 0) {
                throw new IllegalArgumentException("$range: the step must not be 0");
            }
            List<Object> values = new ArrayList<>();
            for (long value = start; step > 0 ? value <= end : value >= end; value += step) {
                if (values.size() == 1000) {
                    throw new IllegalArgumentException("$range: more than 1000 values");
                }
                values.add(value);
            }
            return values;
        }));
        frame.bind("hash", function("hash", arguments -> {
            String data = string(arguments, 0, "hash");
            String algorithm = string(arguments, 1, "hash");
            if (!List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(algorithm)) {
                throw new IllegalArgumentException("$hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512");
            }
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8)));
            }
            catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }));
        frame.bind("random", function("random", arguments -> arguments.isEmpty() || arguments.get(0) == null
                ? random.nextDouble()
                : new Random(integer(arguments, 0, "random")).nextDouble()));
        frame.bind("uuid", function("uuid", arguments -> random.nextUuid().toString()));
        frame.bind("parse", function("parse", arguments -> {
            try {
                return toJava(Json.parse(string(arguments, 0, "parse")));
            }
            catch (JsonProcessingException e) {
                throw new IllegalArgumentException("$parse: the string is not valid JSON");
            }
        }));
        frame.bind("eval", function("eval", arguments -> {
            throw new IllegalArgumentException("$eval is not available in Step Functions; use $parse");
        }));
    }

    private static Jsonata.JFunction function(String name, Jsonata.FnVarArgs<Object> body)
    {
        return Jsonata.function(name, body, null);
    }

    private static List<?> list(List<?> arguments, int index, String function)
    {
        if (arguments.size() <= index || !(arguments.get(index) instanceof List<?> list)) {
            throw new IllegalArgumentException("$" + function + ": argument " + (index + 1) + " must be an array");
        }
        return list;
    }

    private static long integer(List<?> arguments, int index, String function)
    {
        Object value = arguments.size() > index ? arguments.get(index) : null;
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return number.longValue();
        }
        throw new IllegalArgumentException("$" + function + ": argument " + (index + 1) + " must be an integer");
    }

    private static String string(List<?> arguments, int index, String function)
    {
        if (arguments.size() <= index || !(arguments.get(index) instanceof String text)) {
            throw new IllegalArgumentException("$" + function + ": argument " + (index + 1) + " must be a string");
        }
        return text;
    }

    /** A number as {@link Json#parse} would read it back: the smallest integer node, or a decimal. */
    private static JsonNode number(Number number)
    {
        BigDecimal decimal;
        if (number instanceof BigDecimal exact) {
            decimal = exact;
        }
        else if (number instanceof BigInteger big) {
            decimal = new BigDecimal(big);
        }
        else if (number instanceof Double || number instanceof Float) {
            double real = number.doubleValue();
            if (Double.isNaN(real) || Double.isInfinite(real)) {
                throw new IllegalArgumentException("the number " + real + " cannot be represented in JSON");
            }
            decimal = BigDecimal.valueOf(real);
        }
        else {
            decimal = BigDecimal.valueOf(number.longValue());
        }
        try {
            return Json.parse(decimal.stripTrailingZeros().scale() <= 0 ? decimal.toBigIntegerExact().toString() : decimal.toString());
        }
        catch (JsonProcessingException | ArithmeticException e) {
            throw new IllegalArgumentException("the number " + number + " cannot be represented in JSON");
        }
    }

    static Object toJava(JsonNode node)
    {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(field -> map.put(field.getKey(), toJava(field.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(toJava(element)));
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        return Jsonata.NULL_VALUE;
    }

    private static JsonNode toJson(Object value)
    {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return Json.NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = Json.object();
            map.forEach((key, member) -> object.set(String.valueOf(key), toJson(member)));
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = Json.NODES.arrayNode();
            list.forEach(element -> array.add(toJson(element)));
            return array;
        }
        if (value instanceof String text) {
            return Json.NODES.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return Json.NODES.booleanNode(bool);
        }
        if (value instanceof Number number) {
            return number(number);
        }
        throw new IllegalArgumentException("a value of type " + value.getClass().getSimpleName() + " (a function?) cannot be represented in JSON");
    }
}
