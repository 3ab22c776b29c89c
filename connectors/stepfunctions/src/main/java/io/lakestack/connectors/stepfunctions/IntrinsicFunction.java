package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jayway.jsonpath.JsonPathException;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;

/**
 * A parsed intrinsic function call ({@code States.Format('{} {}', $.a, States.UUID())}) and its evaluation. Bad
 * arguments fail with {@code States.IntrinsicFailure}; the causes are lakestack's own wording.
 */
final class IntrinsicFunction
{
    static final Set<String> NAMES = Set.of("States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
            "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique", "States.Base64Encode",
            "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID");
    private static final Map<String, String> HASH_ALGORITHMS = Map.of("MD5", "MD5", "SHA-1", "SHA-1", "SHA-256", "SHA-256", "SHA-384", "SHA-384",
            "SHA-512", "SHA-512");
    private static final int MAX_NESTING = 10;
    private static final int MAX_STRING = 10_000;
    private static final int MAX_RANGE = 1000;

    private sealed interface Argument
            permits Literal, PathArgument, Call {}

    /** {@code raw} keeps the escapes of a string literal, which States.Format needs to tell {@code \{} from {@code {}}. */
    private record Literal(JsonNode value, String raw)
            implements Argument {}

    private record PathArgument(String path)
            implements Argument {}

    private record Call(String name, List<Argument> arguments)
            implements Argument {}

    private final Call call;

    private IntrinsicFunction(Call call)
    {
        this.call = call;
    }

    static boolean looksLikeCall(String text)
    {
        return text.startsWith("States.");
    }

    /**
     * @throws IllegalArgumentException with the reason when {@code text} is not a well-formed call of a known function
     */
    static IntrinsicFunction parse(String text)
    {
        Parser parser = new Parser(text);
        Argument argument = parser.argument(0);
        parser.skipSpaces();
        if (parser.position != text.length()) {
            throw new IllegalArgumentException("Unexpected '" + text.substring(parser.position) + "' after the intrinsic function call");
        }
        if (!(argument instanceof Call call)) {
            throw new IllegalArgumentException("Not an intrinsic function call");
        }
        return new IntrinsicFunction(call);
    }

    JsonNode evaluate(JsonNode input, JsonNode context, RandomSource random)
    {
        return evaluate(call, input, context, random);
    }

    private static JsonNode evaluate(Argument argument, JsonNode input, JsonNode context, RandomSource random)
    {
        if (argument instanceof Literal literal) {
            return literal.value();
        }
        if (argument instanceof PathArgument path) {
            try {
                return JsonPaths.read(path.path(), input, context);
            }
            catch (JsonPathException e) {
                throw failure("The JsonPath argument '" + path.path() + "' could not be found in the input");
            }
        }
        Call call = (Call) argument;
        List<JsonNode> values = new ArrayList<>();
        for (Argument each : call.arguments()) {
            values.add(evaluate(each, input, context, random));
        }
        return apply(call, values, random);
    }

    private static JsonNode apply(Call call, List<JsonNode> arguments, RandomSource random)
    {
        String name = call.name();
        switch (name) {
            case "States.Format": {
                atLeast(name, arguments, 1);
                Argument template = call.arguments().get(0);
                String raw = template instanceof Literal literal && literal.raw() != null ? literal.raw() : string(name, arguments.get(0), "template");
                return TextNode.valueOf(format(raw, arguments.subList(1, arguments.size())));
            }
            case "States.StringToJson": {
                exactly(name, arguments, 1);
                try {
                    return Json.parse(string(name, arguments.get(0), "string"));
                }
                catch (JsonProcessingException e) {
                    throw failure("Invalid arguments in States.StringToJson: the string is not valid JSON");
                }
            }
            case "States.JsonToString":
                exactly(name, arguments, 1);
                if (!(call.arguments().get(0) instanceof PathArgument)) {
                    throw failure("Invalid arguments in States.JsonToString: the argument must be a path");
                }
                return TextNode.valueOf(Json.write(arguments.get(0)));
            case "States.Array": {
                ArrayNode array = Json.NODES.arrayNode();
                arguments.forEach(array::add);
                return array;
            }
            case "States.ArrayPartition": {
                exactly(name, arguments, 2);
                ArrayNode array = array(name, arguments.get(0));
                int size = integer(name, arguments.get(1), "chunk size");
                if (size <= 0) {
                    throw failure("Invalid arguments in States.ArrayPartition: the chunk size must be greater than 0");
                }
                ArrayNode chunks = Json.NODES.arrayNode();
                for (int i = 0; i < array.size(); i += size) {
                    ArrayNode chunk = chunks.addArray();
                    for (int j = i; j < Math.min(i + size, array.size()); j++) {
                        chunk.add(array.get(j));
                    }
                }
                return chunks;
            }
            case "States.ArrayContains": {
                exactly(name, arguments, 2);
                ArrayNode array = array(name, arguments.get(0));
                for (JsonNode element : array) {
                    if (same(element, arguments.get(1))) {
                        return BooleanNode.TRUE;
                    }
                }
                return BooleanNode.FALSE;
            }
            case "States.ArrayRange": {
                exactly(name, arguments, 3);
                int start = integer(name, arguments.get(0), "start");
                int end = integer(name, arguments.get(1), "end");
                int step = integer(name, arguments.get(2), "step");
                if (step == 0) {
                    throw failure("Invalid arguments in States.ArrayRange: the step must not be 0");
                }
                ArrayNode range = Json.NODES.arrayNode();
                for (long value = start; step > 0 ? value <= end : value >= end; value += step) {
                    if (range.size() == MAX_RANGE) {
                        throw failure("Invalid arguments in States.ArrayRange: the range has more than " + MAX_RANGE + " items");
                    }
                    range.add((int) value);
                }
                return range;
            }
            case "States.ArrayGetItem": {
                exactly(name, arguments, 2);
                ArrayNode array = array(name, arguments.get(0));
                int index = integer(name, arguments.get(1), "index");
                if (index < 0 || index >= array.size()) {
                    throw failure("Invalid arguments in States.ArrayGetItem: index " + index + " is out of the array's bounds");
                }
                return array.get(index);
            }
            case "States.ArrayLength":
                exactly(name, arguments, 1);
                return Json.NODES.numberNode(array(name, arguments.get(0)).size());
            case "States.ArrayUnique": {
                exactly(name, arguments, 1);
                ArrayNode unique = Json.NODES.arrayNode();
                for (JsonNode element : array(name, arguments.get(0))) {
                    boolean seen = false;
                    for (JsonNode kept : unique) {
                        seen |= same(kept, element);
                    }
                    if (!seen) {
                        unique.add(element);
                    }
                }
                return unique;
            }
            case "States.Base64Encode": {
                exactly(name, arguments, 1);
                String text = limited(name, string(name, arguments.get(0), "string"));
                return TextNode.valueOf(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
            }
            case "States.Base64Decode": {
                exactly(name, arguments, 1);
                String text = limited(name, string(name, arguments.get(0), "string"));
                try {
                    return TextNode.valueOf(new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
                }
                catch (IllegalArgumentException e) {
                    throw failure("Invalid arguments in States.Base64Decode: the string is not Base64");
                }
            }
            case "States.Hash": {
                exactly(name, arguments, 2);
                JsonNode data = arguments.get(0);
                String text = limited(name, data.isTextual() ? data.textValue() : Json.write(data));
                String algorithm = string(name, arguments.get(1), "algorithm");
                if (!HASH_ALGORITHMS.containsKey(algorithm)) {
                    throw failure("Invalid arguments in States.Hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, was '" + algorithm + "'");
                }
                try {
                    byte[] digest = MessageDigest.getInstance(HASH_ALGORITHMS.get(algorithm)).digest(text.getBytes(StandardCharsets.UTF_8));
                    return TextNode.valueOf(HexFormat.of().formatHex(digest));
                }
                catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            case "States.JsonMerge": {
                exactly(name, arguments, 3);
                if (!arguments.get(0).isObject() || !arguments.get(1).isObject()) {
                    throw failure("Invalid arguments in States.JsonMerge: the first two arguments must be JSON objects");
                }
                if (!arguments.get(2).isBoolean() || arguments.get(2).booleanValue()) {
                    throw failure("Invalid arguments in States.JsonMerge: only the shallow merge is supported, the third argument must be false");
                }
                ObjectNode merged = arguments.get(0).deepCopy();
                merged.setAll((ObjectNode) arguments.get(1).deepCopy());
                return merged;
            }
            case "States.MathRandom": {
                if (arguments.size() != 2 && arguments.size() != 3) {
                    throw failure("Invalid arguments in States.MathRandom: expected 2 or 3 arguments, got " + arguments.size());
                }
                int start = integer(name, arguments.get(0), "start");
                int end = integer(name, arguments.get(1), "end");
                if (end < start) {
                    throw failure("Invalid arguments in States.MathRandom: the end must not be less than the start");
                }
                double fraction = arguments.size() == 3 ? new Random(integer(name, arguments.get(2), "seed")).nextDouble() : random.nextDouble();
                return Json.NODES.numberNode(start + (int) Math.floor(fraction * ((long) end - start + 1)));
            }
            case "States.MathAdd": {
                exactly(name, arguments, 2);
                long sum = (long) integer(name, arguments.get(0), "value") + integer(name, arguments.get(1), "step");
                if (sum > Integer.MAX_VALUE || sum < Integer.MIN_VALUE) {
                    throw failure("Invalid arguments in States.MathAdd: the sum is out of the integer range");
                }
                return Json.NODES.numberNode((int) sum);
            }
            case "States.StringSplit": {
                exactly(name, arguments, 2);
                StringTokenizer tokens = new StringTokenizer(string(name, arguments.get(0), "string"), string(name, arguments.get(1), "delimiter"));
                ArrayNode parts = Json.NODES.arrayNode();
                while (tokens.hasMoreTokens()) {
                    parts.add(tokens.nextToken());
                }
                return parts;
            }
            case "States.UUID":
                exactly(name, arguments, 0);
                return TextNode.valueOf(random.nextUuid().toString());
            default:
                throw failure("Unknown intrinsic function " + name);
        }
    }

    private static String format(String raw, List<JsonNode> values)
    {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                out.append(raw.charAt(++i));
            }
            else if (c == '{' && i + 1 < raw.length() && raw.charAt(i + 1) == '}') {
                if (next >= values.size()) {
                    throw failure("Invalid arguments in States.Format: the template has more placeholders than there are arguments");
                }
                JsonNode value = values.get(next++);
                out.append(value.isTextual() ? value.textValue() : Json.write(value));
                i++;
            }
            else {
                out.append(c);
            }
        }
        if (next != values.size()) {
            throw failure("Invalid arguments in States.Format: the template has fewer placeholders than there are arguments");
        }
        return out.toString();
    }

    private static boolean same(JsonNode left, JsonNode right)
    {
        if (left.isNumber() && right.isNumber()) {
            return left.decimalValue().compareTo(right.decimalValue()) == 0;
        }
        return left.equals(right);
    }

    private static void exactly(String name, List<JsonNode> arguments, int count)
    {
        if (arguments.size() != count) {
            throw failure("Invalid arguments in " + name + ": expected " + count + " argument" + (count == 1 ? "" : "s") + ", got " + arguments.size());
        }
    }

    private static void atLeast(String name, List<JsonNode> arguments, int count)
    {
        if (arguments.size() < count) {
            throw failure("Invalid arguments in " + name + ": expected at least " + count + " argument, got " + arguments.size());
        }
    }

    private static String string(String name, JsonNode value, String what)
    {
        if (!value.isTextual()) {
            throw failure("Invalid arguments in " + name + ": the " + what + " must be a string, was " + Json.write(value));
        }
        return value.textValue();
    }

    private static String limited(String name, String text)
    {
        if (text.length() > MAX_STRING) {
            throw failure("Invalid arguments in " + name + ": the string is longer than " + MAX_STRING + " characters");
        }
        return text;
    }

    private static ArrayNode array(String name, JsonNode value)
    {
        if (!(value instanceof ArrayNode array)) {
            throw failure("Invalid arguments in " + name + ": expected an array, was " + Json.write(value));
        }
        return array;
    }

    private static int integer(String name, JsonNode value, String what)
    {
        if (value.isNumber()) {
            BigDecimal number = value.decimalValue();
            if (number.stripTrailingZeros().scale() <= 0 && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0
                    && number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0) {
                return number.intValueExact();
            }
        }
        throw failure("Invalid arguments in " + name + ": the " + what + " must be an integer, was " + Json.write(value));
    }

    private static StatesFailure failure(String cause)
    {
        return new StatesFailure(StatesErrors.INTRINSIC_FAILURE, cause);
    }

    private static final class Parser
    {
        private final String text;
        private int position;

        Parser(String text)
        {
            this.text = text;
        }

        Argument argument(int depth)
        {
            skipSpaces();
            if (position >= text.length()) {
                throw new IllegalArgumentException("Missing argument");
            }
            char c = text.charAt(position);
            if (c == '\'') {
                return literal();
            }
            if (c == '$') {
                return path();
            }
            if (text.startsWith("States.", position)) {
                return call(depth);
            }
            int end = position;
            while (end < text.length() && ",) ".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            String token = text.substring(position, end);
            position = end;
            switch (token) {
                case "true":
                    return new Literal(BooleanNode.TRUE, null);
                case "false":
                    return new Literal(BooleanNode.FALSE, null);
                case "null":
                    return new Literal(NullNode.getInstance(), null);
                default:
                    try {
                        JsonNode number = Json.parse(token);
                        if (number.isNumber()) {
                            return new Literal(number, null);
                        }
                    }
                    catch (JsonProcessingException e) {
                        // not a number either: refused below
                    }
                    throw new IllegalArgumentException("Unexpected argument '" + token + "'");
            }
        }

        private Argument literal()
        {
            StringBuilder raw = new StringBuilder();
            StringBuilder value = new StringBuilder();
            position++;
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c == '\\' && position < text.length()) {
                    char escaped = text.charAt(position++);
                    raw.append('\\').append(escaped);
                    value.append(escaped);
                }
                else if (c == '\'') {
                    return new Literal(TextNode.valueOf(value.toString()), raw.toString());
                }
                else {
                    raw.append(c);
                    value.append(c);
                }
            }
            throw new IllegalArgumentException("Unterminated string literal");
        }

        private Argument path()
        {
            int start = position;
            int brackets = 0;
            boolean quoted = false;
            while (position < text.length()) {
                char c = text.charAt(position);
                if (c == '\'') {
                    quoted = !quoted;
                }
                else if (!quoted && c == '[') {
                    brackets++;
                }
                else if (!quoted && c == ']') {
                    brackets--;
                }
                else if (!quoted && brackets == 0 && (c == ',' || c == ')')) {
                    break;
                }
                position++;
            }
            String path = text.substring(start, position).trim();
            JsonPaths.pathProblem(path.startsWith("$$") ? path.substring(1) : path).ifPresent(problem -> {
                throw new IllegalArgumentException("Invalid path '" + path + "': " + problem.trim());
            });
            return new PathArgument(path);
        }

        private Argument call(int depth)
        {
            if (depth >= MAX_NESTING) {
                throw new IllegalArgumentException("More than " + MAX_NESTING + " nested intrinsic functions");
            }
            int open = text.indexOf('(', position);
            if (open < 0) {
                throw new IllegalArgumentException("Missing '(' after the function name");
            }
            String name = text.substring(position, open).trim();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("Unknown intrinsic function '" + name + "'");
            }
            position = open + 1;
            List<Argument> arguments = new ArrayList<>();
            skipSpaces();
            if (position < text.length() && text.charAt(position) == ')') {
                position++;
                return new Call(name, arguments);
            }
            while (true) {
                arguments.add(argument(depth + 1));
                skipSpaces();
                if (position >= text.length()) {
                    throw new IllegalArgumentException("Missing ')' after the arguments of " + name);
                }
                char c = text.charAt(position++);
                if (c == ')') {
                    return new Call(name, arguments);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("Expected ',' or ')' in the arguments of " + name);
                }
            }
        }

        void skipSpaces()
        {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }
    }
}
