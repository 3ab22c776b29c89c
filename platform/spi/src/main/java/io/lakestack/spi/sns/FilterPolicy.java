package io.lakestack.spi.sns;

import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.pattern.EventPattern;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An SNS subscription filter policy, in AWS's syntax: a JSON object whose keys name message attributes (scope
 * {@code MessageAttributes}) or fields of a JSON message body, nested as deep as the body (scope {@code MessageBody}),
 * each with a list of conditions of which one must hold; every key must match, and {@code "$or"} takes a list of
 * policies of which one must match. Conditions: exact strings, numbers, booleans and {@code null}; {@code prefix},
 * {@code suffix}, {@code equals-ignore-case}; {@code anything-but} (a value, a list, or a {@code prefix} /
 * {@code suffix} / {@code equals-ignore-case}); {@code numeric} comparisons and ranges; {@code exists};
 * {@code cidr} (IPv4 and IPv6). An attribute or field holding an array matches when one of its elements does.
 *
 * <p>Shared by the SNS service (which validates a policy when it is set, with AWS's limits: at most 5 keys and 150
 * combinations) and the fan-out (which matches each message before delivering it). The matching is EventBridge's
 * ({@link EventPattern}); what is SNS's is here: its checks, limits and messages, the scopes, and how message
 * attributes become values ({@code Number} a number, {@code String.Array} a list, {@code Binary} left out).
 */
public final class FilterPolicy
{
    public static final int MAX_KEYS = 5;
    public static final int MAX_COMBINATIONS = 150;
    public static final int MAX_DEPTH = 5;
    private static final BigDecimal NUMERIC_LIMIT = new BigDecimal("1000000000");
    private static final Set<String> COMPARISONS = Set.of("=", "<", "<=", ">", ">=");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** Where a policy looks: the message's attributes or its JSON body. */
    public enum Scope
    {
        MessageAttributes, MessageBody
    }

    /** A message attribute as published: its data type ({@code String}, {@code String.Array}, {@code Number}, {@code Binary}...) and value. */
    public record Attribute(String dataType, String value)
    {
        public Attribute
        {
            requireNonNull(dataType, "dataType is null");
            requireNonNull(value, "value is null");
        }
    }

    private final Map<String, Object> policy;
    private final Scope scope;
    private final EventPattern pattern;

    private FilterPolicy(Map<String, Object> policy, Scope scope, EventPattern pattern)
    {
        this.policy = policy;
        this.scope = scope;
        this.pattern = pattern;
    }

    /**
     * @throws IllegalArgumentException with the reason, in AWS's words where it has them, when the policy is not valid
     */
    @SuppressWarnings("unchecked")
    public static FilterPolicy parse(String json, Scope scope)
    {
        requireNonNull(json, "json is null");
        requireNonNull(scope, "scope is null");
        Object parsed;
        try {
            parsed = JsonText.parse(json);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("failed to parse JSON. " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Filter policy must be a JSON object");
        }
        Map<String, Object> policy = (Map<String, Object>) map;
        validateObject(policy, scope, 1);
        if (keys(policy) > MAX_KEYS) {
            throw new IllegalArgumentException("Filter policy can not have more than " + MAX_KEYS + " keys");
        }
        if (combinations(policy) > MAX_COMBINATIONS) {
            throw new IllegalArgumentException("Filter policy is too complex");
        }
        EventPattern pattern;
        try {
            // matched as EventBridge matches its patterns: the language is the same, SNS's checks and limits are above
            pattern = EventPattern.parse(json);
        }
        catch (EventPattern.InvalidPatternException e) {
            throw new IllegalArgumentException(e.reason());
        }
        return new FilterPolicy(policy, scope, pattern);
    }

    public Scope scope()
    {
        return scope;
    }

    /**
     * Whether a message passes: its attributes for scope {@code MessageAttributes}, its body for {@code MessageBody}
     * (a body that is not a JSON object passes no policy in that scope).
     */
    public boolean matches(Map<String, Attribute> attributes, String message)
    {
        if (scope == Scope.MessageAttributes) {
            return matchesAttributes(attributes);
        }
        return matchesBody(message);
    }

    public boolean matchesAttributes(Map<String, Attribute> attributes)
    {
        Map<String, Object> document = new java.util.LinkedHashMap<>();
        attributes.forEach((name, attribute) -> attributeValue(attribute).ifPresent(value -> document.put(name, value)));
        return pattern.matchesDocument(document);
    }

    public boolean matchesBody(String message)
    {
        return pattern.matches(message);
    }

    private static Optional<Object> attributeValue(Attribute attribute)
    {
        String type = attribute.dataType();
        if (type.startsWith("Number")) {
            try {
                return Optional.of(new BigDecimal(attribute.value().trim()));
            }
            catch (NumberFormatException e) {
                return Optional.of(attribute.value());
            }
        }
        if (type.equals("String.Array")) {
            try {
                Object parsed = JsonText.parse(attribute.value());
                if (parsed instanceof List<?>) {
                    return Optional.of(parsed);
                }
            }
            catch (IllegalArgumentException e) {
                // not an array: matched as the text it is
            }
            return Optional.of(attribute.value());
        }
        if (type.startsWith("String")) {
            return Optional.of(attribute.value());
        }
        // binary attributes take no part in filtering, as on AWS
        return Optional.empty();
    }

    private static Optional<byte[]> ipAddress(String text)
    {
        // only literals reach InetAddress, which would otherwise resolve a host name
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text).getAddress());
        }
        catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    // validation

    @SuppressWarnings("unchecked")
    private static void validateObject(Map<String, Object> policy, Scope scope, int depth)
    {
        if (policy.isEmpty()) {
            throw new IllegalArgumentException("Empty objects are not allowed in filter policies");
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Filter policy is too deeply nested: at most " + MAX_DEPTH + " levels");
        }
        for (Map.Entry<String, Object> entry : policy.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.equals("$or")) {
                if (!(value instanceof List<?> branches) || branches.size() < 2) {
                    throw new IllegalArgumentException("$or must be an array of at least two filter policies");
                }
                for (Object branch : branches) {
                    if (!(branch instanceof Map<?, ?>)) {
                        throw new IllegalArgumentException("$or must be an array of at least two filter policies");
                    }
                    validateObject((Map<String, Object>) branch, scope, depth);
                }
                continue;
            }
            if (value instanceof Map<?, ?> nested) {
                if (scope == Scope.MessageAttributes) {
                    throw new IllegalArgumentException("Filter policy scope MessageAttributes does not support nested filter policy");
                }
                validateObject((Map<String, Object>) nested, scope, depth + 1);
                continue;
            }
            if (!(value instanceof List<?> conditions)) {
                throw new IllegalArgumentException("Match value must be String, number, true, false, or null");
            }
            if (conditions.isEmpty()) {
                throw new IllegalArgumentException("Empty arrays are not allowed");
            }
            for (Object condition : conditions) {
                validateCondition(key, condition);
            }
        }
    }

    private static void validateCondition(String key, Object condition)
    {
        if (condition instanceof String || condition instanceof BigDecimal || condition instanceof Boolean || condition == JsonText.NULL) {
            if (condition instanceof BigDecimal number) {
                checkNumber(number);
            }
            return;
        }
        if (condition instanceof List<?>) {
            throw new IllegalArgumentException("Match value must be String, number, true, false, or null");
        }
        Map<?, ?> operator = (Map<?, ?>) condition;
        if (operator.size() != 1) {
            throw new IllegalArgumentException("Only one key allowed in match expression");
        }
        String name = (String) operator.keySet().iterator().next();
        Object operand = operator.values().iterator().next();
        switch (name) {
            case "prefix", "suffix", "equals-ignore-case" -> {
                if (!(operand instanceof String)) {
                    throw new IllegalArgumentException(name + " match pattern must be a string");
                }
            }
            case "exists" -> {
                if (!(operand instanceof Boolean)) {
                    throw new IllegalArgumentException("exists match pattern must be either true or false.");
                }
            }
            case "cidr" -> {
                if (!(operand instanceof String text) || !validCidr(text)) {
                    throw new IllegalArgumentException("Malformed CIDR, one '/' required");
                }
            }
            case "numeric" -> validateNumeric(operand);
            case "anything-but" -> validateAnythingBut(operand);
            default -> throw new IllegalArgumentException("Unrecognized match type " + name);
        }
    }

    private static void validateAnythingBut(Object operand)
    {
        if (operand instanceof String || operand instanceof BigDecimal) {
            return;
        }
        if (operand instanceof List<?> values) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("Empty arrays are not allowed");
            }
            for (Object value : values) {
                if (!(value instanceof String) && !(value instanceof BigDecimal)) {
                    throw new IllegalArgumentException("Inside anything but list, start|null|boolean is not supported.");
                }
            }
            return;
        }
        if (operand instanceof Map<?, ?> nested && nested.size() == 1) {
            Object name = nested.keySet().iterator().next();
            if ((name.equals("prefix") || name.equals("suffix") || name.equals("equals-ignore-case")) && nested.get(name) instanceof String) {
                return;
            }
            throw new IllegalArgumentException("Unsupported anything-but pattern: " + name);
        }
        throw new IllegalArgumentException("Value of anything-but must be an array or single string/number value.");
    }

    private static void validateNumeric(Object operand)
    {
        if (!(operand instanceof List<?> parts) || parts.isEmpty() || parts.size() % 2 != 0 || parts.size() > 4) {
            throw new IllegalArgumentException("Value of numeric must be an array of one or two comparisons, such as [\">\", 0, \"<=\", 150]");
        }
        for (int i = 0; i < parts.size(); i += 2) {
            if (!(parts.get(i) instanceof String comparison) || !COMPARISONS.contains(comparison)) {
                throw new IllegalArgumentException("Unrecognized numeric range operator: " + parts.get(i));
            }
            if (!(parts.get(i + 1) instanceof BigDecimal number)) {
                throw new IllegalArgumentException("Value of " + comparison + " must be numeric");
            }
            checkNumber(number);
        }
        if (parts.size() == 4) {
            String lower = (String) parts.get(0);
            String upper = (String) parts.get(2);
            if (!(lower.equals(">") || lower.equals(">=")) || !(upper.equals("<") || upper.equals("<="))) {
                throw new IllegalArgumentException("Bad numeric range operator: a range is a lower bound (> or >=) then an upper bound (< or <=)");
            }
            if (((BigDecimal) parts.get(1)).compareTo((BigDecimal) parts.get(3)) >= 0) {
                throw new IllegalArgumentException("Bottom must be less than top");
            }
        }
    }

    private static void checkNumber(BigDecimal number)
    {
        if (number.abs().compareTo(NUMERIC_LIMIT) > 0) {
            throw new IllegalArgumentException("Value " + number.toPlainString() + " is out of range: numbers must be between -1.0E9 and 1.0E9");
        }
        if (number.stripTrailingZeros().scale() > 5) {
            throw new IllegalArgumentException("Value " + number.toPlainString() + " has more than 5 digits after the decimal point");
        }
    }

    private static boolean validCidr(String cidr)
    {
        int slash = cidr.indexOf('/');
        if (slash < 0 || cidr.indexOf('/', slash + 1) >= 0) {
            return false;
        }
        Optional<byte[]> network = ipAddress(cidr.substring(0, slash));
        if (network.isEmpty()) {
            return false;
        }
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            return bits >= 0 && bits <= network.get().length * 8;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static int keys(Map<String, Object> policy)
    {
        int keys = 0;
        int branches = 0;
        for (Map.Entry<String, Object> entry : policy.entrySet()) {
            if (entry.getKey().equals("$or")) {
                for (Object branch : (List<Object>) entry.getValue()) {
                    branches = Math.max(branches, keys((Map<String, Object>) branch));
                }
            }
            else if (entry.getValue() instanceof Map<?, ?> nested) {
                keys += keys((Map<String, Object>) nested);
            }
            else {
                keys++;
            }
        }
        return keys + branches;
    }

    @SuppressWarnings("unchecked")
    private static long combinations(Map<String, Object> policy)
    {
        long product = 1;
        for (Map.Entry<String, Object> entry : policy.entrySet()) {
            if (entry.getKey().equals("$or")) {
                long sum = 0;
                for (Object branch : (List<Object>) entry.getValue()) {
                    sum += combinations((Map<String, Object>) branch);
                }
                product *= sum;
            }
            else if (entry.getValue() instanceof Map<?, ?> nested) {
                product *= combinations((Map<String, Object>) nested);
            }
            else {
                product *= ((List<Object>) entry.getValue()).size();
            }
            if (product > MAX_COMBINATIONS) {
                return product;
            }
        }
        return product;
    }

    @Override
    public String toString()
    {
        return "FilterPolicy[" + scope.name().toLowerCase(Locale.ROOT) + ", " + policy.keySet() + "]";
    }
}
