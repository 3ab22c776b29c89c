package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.JsonPathException;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A payload template ({@code Parameters}, {@code ResultSelector}, {@code ItemSelector}): static JSON in which a field
 * whose name ends in {@code .$} takes the value of a path ({@code $.x}, or {@code $$.x} on the context object) or of an
 * intrinsic function call, under its name without {@code .$}.
 */
final class PayloadTemplate
{
    private PayloadTemplate() {}

    /** Why {@code template} is not a valid payload template, with the offending field, if it is not. */
    static Optional<String> problem(JsonNode template)
    {
        if (template.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().endsWith(".$")) {
                    JsonNode value = field.getValue();
                    if (!value.isTextual()) {
                        return Optional.of("The value for the field '" + field.getKey() + "' must be a STRING that contains a JSONPath but was " + nodeType(value));
                    }
                    String text = value.textValue();
                    if (IntrinsicFunction.looksLikeCall(text)) {
                        try {
                            IntrinsicFunction.parse(text);
                        }
                        catch (IllegalArgumentException e) {
                            return Optional.of("The value for the field '" + field.getKey() + "' must be a valid JSONPath or a valid intrinsic function call");
                        }
                    }
                    else if (JsonPaths.pathProblem(text.startsWith("$$") ? text.substring(1) : text).isPresent()) {
                        return Optional.of("The value for the field '" + field.getKey() + "' must be a valid JSONPath");
                    }
                }
                else {
                    Optional<String> nested = problem(field.getValue());
                    if (nested.isPresent()) {
                        return nested;
                    }
                }
            }
        }
        else if (template.isArray()) {
            for (JsonNode element : template) {
                Optional<String> nested = problem(element);
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param pathFailure the error a path that selects nothing raises ({@code States.ParameterPathFailure} for
     *         {@code Parameters} and {@code ItemSelector}, {@code States.Runtime} for {@code ResultSelector})
     */
    static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context, RandomSource random, String pathFailure)
    {
        if (template.isObject()) {
            ObjectNode out = Json.object();
            Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                if (key.endsWith(".$")) {
                    out.set(key.substring(0, key.length() - 2), dynamic(key, field.getValue().textValue(), input, context, random, pathFailure));
                }
                else {
                    out.set(key, evaluate(field.getValue(), input, context, random, pathFailure));
                }
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            for (JsonNode element : template) {
                out.add(evaluate(element, input, context, random, pathFailure));
            }
            return out;
        }
        return template;
    }

    private static JsonNode dynamic(String key, String expression, JsonNode input, JsonNode context, RandomSource random, String pathFailure)
    {
        if (IntrinsicFunction.looksLikeCall(expression)) {
            return IntrinsicFunction.parse(expression).evaluate(input, context, random);
        }
        try {
            return JsonPaths.read(expression, input, context);
        }
        catch (JsonPathException e) {
            JsonNode searched = expression.startsWith("$$") ? context : input;
            throw new StatesFailure(pathFailure, "The JSONPath '" + expression + "' specified for the field '" + key + "' could not be found in the input '"
                    + Json.write(searched) + "'");
        }
    }

    private static String nodeType(JsonNode value)
    {
        return value.getNodeType().name();
    }
}
