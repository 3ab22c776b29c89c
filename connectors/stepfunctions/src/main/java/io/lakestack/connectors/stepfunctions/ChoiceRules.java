package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPathException;

import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Evaluates Choice Rules. A comparison between values of different types is false; a {@code Variable} (or a
 * {@code ...Path} operand) that selects nothing fails the state with {@code States.Runtime}, except under
 * {@code IsPresent}, which exists to test for it.
 */
final class ChoiceRules
{
    private ChoiceRules() {}

    static boolean matches(JsonNode rule, JsonNode input, JsonNode context)
    {
        if (rule.has("And")) {
            for (JsonNode each : rule.get("And")) {
                if (!matches(each, input, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode each : rule.get("Or")) {
                if (matches(each, input, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), input, context);
        }
        String variable = rule.get("Variable").textValue();
        String operator = operator(rule);
        JsonNode expected = rule.get(operator);
        Optional<JsonNode> value = read(variable, input, context);
        if (operator.equals("IsPresent")) {
            return value.isPresent() == expected.booleanValue();
        }
        JsonNode actual = value.orElseThrow(() -> invalidPath(variable));
        if (operator.endsWith("Path")) {
            String path = expected.textValue();
            expected = read(path, input, context).orElseThrow(() -> invalidPath(path));
            operator = operator.substring(0, operator.length() - 4);
        }
        switch (operator) {
            case "IsNull":
                return actual.isNull() == expected.booleanValue();
            case "IsNumeric":
                return actual.isNumber() == expected.booleanValue();
            case "IsString":
                return actual.isTextual() == expected.booleanValue();
            case "IsBoolean":
                return actual.isBoolean() == expected.booleanValue();
            case "IsTimestamp":
                return DefinitionParser.timestamp(actual).isPresent() == expected.booleanValue();
            case "BooleanEquals":
                return actual.isBoolean() && expected.isBoolean() && actual.booleanValue() == expected.booleanValue();
            case "StringMatches":
                return actual.isTextual() && expected.isTextual() && wildcard(expected.textValue(), actual.textValue());
            default:
                break;
        }
        Integer order = compare(operator, actual, expected);
        if (order == null) {
            return false;
        }
        String relation = operator.replaceFirst("^(String|Numeric|Timestamp)", "");
        switch (relation) {
            case "Equals":
                return order == 0;
            case "LessThan":
                return order < 0;
            case "GreaterThan":
                return order > 0;
            case "LessThanEquals":
                return order <= 0;
            case "GreaterThanEquals":
                return order >= 0;
            default:
                throw new IllegalStateException("Unknown comparison " + operator);
        }
    }

    /** The order of {@code actual} against {@code expected}, or null when they are not both of the operator's type. */
    private static Integer compare(String operator, JsonNode actual, JsonNode expected)
    {
        if (operator.startsWith("String")) {
            return actual.isTextual() && expected.isTextual() ? Integer.signum(actual.textValue().compareTo(expected.textValue())) : null;
        }
        if (operator.startsWith("Numeric")) {
            return actual.isNumber() && expected.isNumber() ? actual.decimalValue().compareTo(expected.decimalValue()) : null;
        }
        Optional<OffsetDateTime> left = DefinitionParser.timestamp(actual);
        Optional<OffsetDateTime> right = DefinitionParser.timestamp(expected);
        return left.isPresent() && right.isPresent() ? left.get().toInstant().compareTo(right.get().toInstant()) : null;
    }

    /** {@code *} matches any run of characters; {@code \*} a star and {@code \\} a backslash. */
    static boolean wildcard(String pattern, String text)
    {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            }
            else if (c == '*') {
                regex.append(".*");
            }
            else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
    }

    private static String operator(JsonNode rule)
    {
        Iterator<String> names = rule.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (DefinitionParser.isOperator(name)) {
                return name;
            }
        }
        throw new IllegalStateException("A validated Choice Rule has an operator");
    }

    private static Optional<JsonNode> read(String path, JsonNode input, JsonNode context)
    {
        try {
            return Optional.of(JsonPaths.read(path, input, context));
        }
        catch (JsonPathException e) {
            return Optional.empty();
        }
    }

    private static StatesFailure invalidPath(String path)
    {
        return new StatesFailure(StatesErrors.RUNTIME, "Invalid path '" + path + "': The choice state's condition path references an invalid value.");
    }
}
