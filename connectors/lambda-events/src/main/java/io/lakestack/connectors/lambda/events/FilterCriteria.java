package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.pattern.EventPattern;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * 300.0); {@code numeric} compares values. Matching is {@link EventPattern}'s, EventBridge's own; what is Lambda's is
 * here: the checks and messages of a pattern, numbers by text, and what a pattern on an unreadable data field does
 * ({@link Mismatch}).
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
    private final List<EventPattern> patterns;

    private FilterCriteria(List<EventPattern> patterns)
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
        List<EventPattern> compiled = new ArrayList<>();
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
            try {
                // EventBridge's language, with Lambda's rule for numbers given as values: compared by their JSON text
                compiled.add(EventPattern.parse(pattern, EventPattern.NumberEquality.TEXT));
            }
            catch (EventPattern.InvalidPatternException e) {
                throw invalid(pattern, e.reason());
            }
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
        Object document = JsonText.parse(candidate.view().toString());
        for (EventPattern pattern : patterns) {
            if (pattern.matchesDocument(document, (field, nested) -> decide(candidate, field, nested))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A pattern on a data field that could not be read in the pattern's form (JSON for a nested pattern, plain text for
     * a list of conditions): Kinesis and SQS drop the record, Kafka leaves the field out of the match.
     */
    private static EventPattern.FieldCheck.Decision decide(Candidate candidate, String field, boolean nested)
    {
        if (!DATA_FIELDS.contains(field)) {
            return EventPattern.FieldCheck.Decision.MATCH;
        }
        JsonNode value = candidate.view().get(field);
        boolean unreadable = candidate.unreadable().contains(field);
        boolean readable = !unreadable && value != null;
        boolean formMatches = readable && nested == (value.isObject() || value.isArray());
        if (candidate.mismatch() == Mismatch.DROP && unreadable) {
            return EventPattern.FieldCheck.Decision.FAIL;
        }
        if (candidate.mismatch() == Mismatch.IGNORE && !formMatches) {
            return EventPattern.FieldCheck.Decision.SKIP;
        }
        return EventPattern.FieldCheck.Decision.MATCH;
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
