package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A mapping's {@code FilterCriteria}: Lambda's event filter patterns, which follow EventBridge's pattern syntax (<a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html">Lambda event filtering</a>). A record
 * passes when it matches any of the patterns (or there are none).
 *
 * <p>What a pattern can say: equals (a string, number, boolean or {@code null}; {@code ""} for empty), several values (or),
 * several fields (and), {@code $or} over sub-patterns, {@code prefix}, {@code suffix} (each also with
 * {@code equals-ignore-case}), {@code equals-ignore-case}, {@code anything-but} (values, or a {@code prefix},
 * {@code suffix} or {@code equals-ignore-case} inside), {@code numeric} ({@code =}, {@code <}, {@code <=}, {@code >},
 * {@code >=}, one or two comparisons), {@code exists}, {@code wildcard} ({@code *}), nested objects. A field holding an
 * array matches when any element does. Numbers given as values compare by their JSON text, as Lambda says (300 is not
 * 300.0); {@code numeric} compares values.
 */
final class FilterCriteria
{
    /** What a pattern on a data field does when the record's field could not be read in the pattern's form. */
    enum Mismatch
    {
        /** Kinesis: the record does not match. */
        DROP,
        /** Kafka: the field is left out of the match, the rest of the pattern decides. */
        IGNORE
    }

    /**
     * A record as filters see it.
     *
     * @param unreadable data fields that are not in the view because they could not be decoded as the filter reads them
     */
    record Candidate(ObjectNode view, Set<String> unreadable, Mismatch mismatch)
    {
        Candidate
        {
            requireNonNull(view, "view is null");
            unreadable = Set.copyOf(unreadable);
            requireNonNull(mismatch, "mismatch is null");
        }
    }

    private static final Set<String> DATA_FIELDS = Set.of("data", "key", "value");
    private final List<ObjectNode> patterns;

    private FilterCriteria(List<ObjectNode> patterns)
    {
        this.patterns = List.copyOf(patterns);
    }

    static FilterCriteria none()
    {
        return new FilterCriteria(List.of());
    }

    /**
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    static FilterCriteria compile(List<String> patterns)
    {
        List<ObjectNode> compiled = new ArrayList<>();
        for (String pattern : patterns) {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(pattern);
            }
            catch (IOException e) {
                throw new IllegalArgumentException("filter pattern " + pattern + " is not JSON: " + e.getMessage(), e);
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("filter pattern " + pattern + " is not a JSON object");
            }
            validate((ObjectNode) node, pattern);
            compiled.add((ObjectNode) node);
        }
        return new FilterCriteria(compiled);
    }

    boolean isEmpty()
    {
        return patterns.isEmpty();
    }

    boolean matches(Candidate candidate)
    {
        if (patterns.isEmpty()) {
            return true;
        }
        for (ObjectNode pattern : patterns) {
            if (matchesTop(pattern, candidate)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesTop(ObjectNode pattern, Candidate candidate)
    {
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode rule = field.getValue();
            if (name.equals("$or")) {
                if (!anyOf(rule, candidate.view())) {
                    return false;
                }
                continue;
            }
            if (DATA_FIELDS.contains(name)) {
                JsonNode value = candidate.view().get(name);
                boolean readable = !candidate.unreadable().contains(name) && value != null;
                boolean formMatches = readable && (rule.isObject() == (value.isObject() || value.isArray()));
                if (candidate.mismatch() == Mismatch.DROP && candidate.unreadable().contains(name)) {
                    return false;
                }
                if (candidate.mismatch() == Mismatch.IGNORE && (!readable || !formMatches)) {
                    continue;
                }
            }
            if (!matchesField(rule, candidate.view().get(name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesObject(ObjectNode pattern, JsonNode event)
    {
        if (event == null) {
            return false;
        }
        if (event.isArray()) {
            for (JsonNode element : event) {
                if (matchesObject(pattern, element)) {
                    return true;
                }
            }
            return false;
        }
        if (!event.isObject()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("$or")) {
                if (!anyOf(field.getValue(), event)) {
                    return false;
                }
            }
            else if (!matchesField(field.getValue(), event.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyOf(JsonNode alternatives, JsonNode event)
    {
        for (JsonNode alternative : alternatives) {
            if (matchesObject((ObjectNode) alternative, event)) {
                return true;
            }
        }
        return false;
    }

    /** @param value the event's field, null when it is missing */
    private static boolean matchesField(JsonNode rule, JsonNode value)
    {
        if (rule.isObject()) {
            return matchesObject((ObjectNode) rule, value);
        }
        if (value == null) {
            for (JsonNode matcher : rule) {
                if (matcher.isObject() && matcher.has("exists") && !matcher.get("exists").asBoolean()) {
                    return true;
                }
            }
            return false;
        }
        if (value.isArray()) {
            for (JsonNode matcher : rule) {
                if (matcher.isObject() && matcher.has("exists")) {
                    if (matcher.get("exists").asBoolean()) {
                        return true;
                    }
                }
            }
            for (JsonNode element : value) {
                if (matchesField(rule, element)) {
                    return true;
                }
            }
            return false;
        }
        for (JsonNode matcher : rule) {
            if (matchesOne(matcher, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOne(JsonNode matcher, JsonNode value)
    {
        if (!matcher.isObject()) {
            return equalsLiteral(matcher, value);
        }
        Map.Entry<String, JsonNode> operation = matcher.fields().next();
        JsonNode operand = operation.getValue();
        return switch (operation.getKey()) {
            case "exists" -> operand.asBoolean();
            case "prefix" -> value.isTextual() && (operand.isTextual()
                    ? value.asText().startsWith(operand.asText())
                    : value.asText().toLowerCase(Locale.ROOT).startsWith(operand.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT)));
            case "suffix" -> value.isTextual() && (operand.isTextual()
                    ? value.asText().endsWith(operand.asText())
                    : value.asText().toLowerCase(Locale.ROOT).endsWith(operand.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT)));
            case "equals-ignore-case" -> value.isTextual() && anyIgnoringCase(operand, value.asText());
            case "wildcard" -> value.isTextual() && wildcard(operand.asText()).matcher(value.asText()).matches();
            case "numeric" -> value.isNumber() && numeric(operand, value.decimalValue());
            case "anything-but" -> !anythingButExcludes(operand, value);
            default -> throw new IllegalStateException("unvalidated operator " + operation.getKey());
        };
    }

    private static boolean anythingButExcludes(JsonNode operand, JsonNode value)
    {
        if (operand.isArray()) {
            for (JsonNode excluded : operand) {
                if (equalsLiteral(excluded, value)) {
                    return true;
                }
            }
            return false;
        }
        if (operand.isObject()) {
            return matchesOne(operand, value);
        }
        return equalsLiteral(operand, value);
    }

    private static boolean anyIgnoringCase(JsonNode operand, String text)
    {
        if (operand.isArray()) {
            for (JsonNode element : operand) {
                if (element.asText().equalsIgnoreCase(text)) {
                    return true;
                }
            }
            return false;
        }
        return operand.asText().equalsIgnoreCase(text);
    }

    private static boolean equalsLiteral(JsonNode literal, JsonNode value)
    {
        if (literal.isNull()) {
            return value.isNull();
        }
        if (literal.isTextual()) {
            return value.isTextual() && value.asText().equals(literal.asText());
        }
        if (literal.isNumber()) {
            return value.isNumber() && value.toString().equals(literal.toString());
        }
        if (literal.isBoolean()) {
            return value.isBoolean() && value.asBoolean() == literal.asBoolean();
        }
        return false;
    }

    private static boolean numeric(JsonNode comparisons, BigDecimal value)
    {
        for (int i = 0; i + 1 < comparisons.size(); i += 2) {
            int order = value.compareTo(comparisons.get(i + 1).decimalValue());
            boolean holds = switch (comparisons.get(i).asText()) {
                case "=" -> order == 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static Pattern wildcard(String glob)
    {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    // validation, so that matching never meets a pattern it cannot read

    private static void validate(ObjectNode pattern, String source)
    {
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode rule = field.getValue();
            if (field.getKey().equals("$or")) {
                if (!rule.isArray() || rule.size() < 2) {
                    throw invalid(source, "$or takes an array of at least two patterns");
                }
                for (JsonNode alternative : rule) {
                    if (!alternative.isObject()) {
                        throw invalid(source, "$or takes patterns (JSON objects)");
                    }
                    validate((ObjectNode) alternative, source);
                }
            }
            else if (rule.isObject()) {
                validate((ObjectNode) rule, source);
            }
            else if (rule.isArray()) {
                for (JsonNode matcher : rule) {
                    validateMatcher(matcher, source, field.getKey());
                }
            }
            else {
                throw invalid(source, "the rule of " + field.getKey() + " must be an array of values or operators, or a nested pattern");
            }
        }
    }

    private static void validateMatcher(JsonNode matcher, String source, String field)
    {
        if (!matcher.isObject()) {
            if (matcher.isArray()) {
                throw invalid(source, "the rule of " + field + " holds a nested array");
            }
            return;
        }
        if (matcher.size() != 1) {
            throw invalid(source, "an operator of " + field + " must have exactly one key");
        }
        Map.Entry<String, JsonNode> operation = matcher.fields().next();
        JsonNode operand = operation.getValue();
        boolean valid = switch (operation.getKey()) {
            case "exists" -> operand.isBoolean();
            case "prefix", "suffix" -> operand.isTextual() || operand.isObject() && operand.size() == 1 && operand.path("equals-ignore-case").isTextual();
            case "equals-ignore-case" -> operand.isTextual();
            case "wildcard" -> operand.isTextual();
            case "numeric" -> validNumeric(operand);
            case "anything-but" -> operand.isValueNode() || operand.isArray() && allValues(operand)
                    || operand.isObject() && operand.size() == 1 && (operand.path("prefix").isTextual() || operand.path("suffix").isTextual()
                    || operand.path("equals-ignore-case").isTextual() || operand.path("equals-ignore-case").isArray());
            default -> throw invalid(source, "unknown operator " + operation.getKey() + " on " + field);
        };
        if (!valid) {
            throw invalid(source, "invalid operand of " + operation.getKey() + " on " + field + ": " + operand);
        }
    }

    private static boolean allValues(JsonNode array)
    {
        for (JsonNode element : array) {
            if (!element.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    private static boolean validNumeric(JsonNode operand)
    {
        if (!operand.isArray() || (operand.size() != 2 && operand.size() != 4)) {
            return false;
        }
        for (int i = 0; i < operand.size(); i += 2) {
            if (!Set.of("=", "<", "<=", ">", ">=").contains(operand.get(i).asText()) || !operand.get(i + 1).isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String pattern, String reason)
    {
        return new IllegalArgumentException("Invalid filter pattern definition " + pattern + ": " + reason);
    }
}
