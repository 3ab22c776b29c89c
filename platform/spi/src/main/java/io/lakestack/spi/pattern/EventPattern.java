package io.lakestack.spi.pattern;

import io.lakestack.spi.json.JsonText;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An event pattern in EventBridge's language, the one language behind EventBridge rules, SNS filter policies and Lambda
 * filter criteria: a JSON object whose keys name fields of the event, each holding either a nested pattern (for a
 * nested object) or a list of conditions of which one must hold; every key must match, and {@code "$or"} takes a
 * list of at least two patterns of which one must match. A field holding an array matches when one of its elements
 * does.
 *
 * <p>Conditions: exact values (strings, numbers compared as numbers, booleans, {@code null}); {@code prefix} and
 * {@code suffix} (a string, or {@code {"equals-ignore-case": "..."}}); {@code equals-ignore-case}; {@code wildcard}
 * ({@code *} for any characters, {@code \*} and {@code \\} for the characters themselves, no two {@code *} in a row);
 * {@code anything-but} (a value, a list of strings or of numbers, or {@code prefix}, {@code suffix},
 * {@code equals-ignore-case}, {@code wildcard}); {@code numeric} (one comparison, or a lower then an upper bound);
 * {@code exists}; {@code cidr} (IPv4 and IPv6).
 *
 * <p>{@link #parse} checks a pattern as EventBridge does and fails with EventBridge's reasons, and the place in the
 * pattern, in {@link InvalidPatternException}. Where lakestack differs: matching is evaluated directly on the event
 * rather than by a compiled state machine, so EventBridge's complexity limits for wildcards are not applied; numbers
 * are compared exactly ({@link BigDecimal}) within EventBridge's range of -5.0E9 to 5.0E9.
 */
public final class EventPattern
{
    /** The numbers {@code numeric} compares with: EventBridge's range. */
    public static final BigDecimal NUMERIC_LIMIT = new BigDecimal("5000000000");

    private final Node root;
    private final String text;

    private EventPattern(Node root, String text)
    {
        this.root = root;
        this.text = text;
    }

    /** How an exact number in a pattern is compared with the event's: as a value (EventBridge, SNS) or by its JSON text (Lambda). */
    public enum NumberEquality
    {
        /** {@code 300} matches {@code 300}, {@code 300.0} and {@code 3e2}. */
        VALUE,
        /** {@code 300} matches {@code 300} only, as Lambda's event filtering says. */
        TEXT
    }

    /**
     * What a caller decides for a field at the top of the pattern before it is matched, for documents some of whose
     * fields could not be read (Lambda's {@code data} of a record that is not JSON).
     */
    @FunctionalInterface
    public interface FieldCheck
    {
        enum Decision
        {
            /** Match the field as the pattern says. */
            MATCH,
            /** Leave the field out: the rest of the pattern decides. */
            SKIP,
            /** The document does not match. */
            FAIL
        }

        /** @param nested whether the pattern holds a nested pattern (an object) for the field, rather than a list of conditions */
        Decision decide(String field, boolean nested);
    }

    /** A pattern that is not valid: {@link #reason()} in EventBridge's words, {@link #location()} where in the pattern. */
    public static final class InvalidPatternException
            extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        private final String reason;
        private final String location;

        InvalidPatternException(String reason, String location, String source)
        {
            super(reason + "\n at [Source: (String)\"" + source + "\"; " + location + "]");
            this.reason = reason;
            this.location = location;
        }

        /** Why, e.g. {@code Unrecognized match type foo}. */
        public String reason()
        {
            return reason;
        }

        /** {@code line: L, column: C}, just after the piece of the pattern at fault. */
        public String location()
        {
            return location;
        }
    }

    /**
     * @throws InvalidPatternException when the pattern is not valid JSON or not a valid pattern
     */
    public static EventPattern parse(String json)
    {
        return parse(json, NumberEquality.VALUE);
    }

    /**
     * @throws InvalidPatternException when the pattern is not valid JSON or not a valid pattern
     */
    public static EventPattern parse(String json, NumberEquality numbers)
    {
        requireNonNull(json, "json is null");
        requireNonNull(numbers, "numbers is null");
        Compiler compiler = new Compiler(json, numbers);
        return new EventPattern(compiler.compile(), json);
    }

    /** The pattern as written. */
    public String text()
    {
        return text;
    }

    /** Whether the event (a JSON document) matches; a document that is not a JSON object matches nothing. */
    public boolean matches(String event)
    {
        Object document;
        try {
            document = JsonText.parse(event);
        }
        catch (IllegalArgumentException e) {
            return false;
        }
        return document instanceof Map<?, ?> && matchesDocument(document);
    }

    /** Whether the event, read by {@link JsonText#parse}, matches. */
    public boolean matchesDocument(Object document)
    {
        return document instanceof Map<?, ?> map && root.matches(map, field -> FieldCheck.Decision.MATCH);
    }

    /** Whether the event, read by {@link JsonText#parse}, matches, with the caller's decision on each field at the top of the pattern. */
    public boolean matchesDocument(Object document, FieldCheck check)
    {
        requireNonNull(check, "check is null");
        return document instanceof Map<?, ?> map && root.matches(map, field -> check.decide(field, root.fields().get(field) instanceof Node));
    }

    @Override
    public String toString()
    {
        return "EventPattern" + text;
    }

    // the compiled pattern

    /** An object of the pattern: fields that must all match, and {@code $or} groups of which one branch must. */
    private record Node(Map<String, Object> fields, List<List<Node>> alternatives)
    {
        boolean matches(Map<?, ?> object)
        {
            return matches(object, field -> FieldCheck.Decision.MATCH);
        }

        boolean matches(Map<?, ?> object, java.util.function.Function<String, FieldCheck.Decision> check)
        {
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                FieldCheck.Decision decision = check.apply(field.getKey());
                if (decision == FieldCheck.Decision.SKIP) {
                    continue;
                }
                if (decision == FieldCheck.Decision.FAIL) {
                    return false;
                }
                boolean present = object.containsKey(field.getKey());
                Object value = object.get(field.getKey());
                if (field.getValue() instanceof Node nested) {
                    if (!matchesNested(nested, present ? value : null)) {
                        return false;
                    }
                }
                else {
                    @SuppressWarnings("unchecked")
                    List<Condition> conditions = (List<Condition>) field.getValue();
                    List<Object> leaves = new ArrayList<>();
                    if (present) {
                        collectLeaves(value, leaves);
                    }
                    if (!matchesConditions(conditions, leaves)) {
                        return false;
                    }
                }
            }
            for (List<Node> branches : alternatives) {
                boolean any = false;
                for (Node branch : branches) {
                    if (branch.matches(object)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        }

        private static boolean matchesNested(Node nested, Object value)
        {
            List<Map<?, ?>> objects = new ArrayList<>();
            collectObjects(value, objects);
            if (objects.isEmpty()) {
                // fields under a missing object are missing: only "exists": false holds for them
                return nested.matches(Map.of());
            }
            for (Map<?, ?> object : objects) {
                if (nested.matches(object)) {
                    return true;
                }
            }
            return false;
        }

        private static void collectObjects(Object value, List<Map<?, ?>> objects)
        {
            if (value instanceof Map<?, ?> map) {
                objects.add(map);
            }
            else if (value instanceof List<?> list) {
                list.forEach(element -> collectObjects(element, objects));
            }
        }

        private static void collectLeaves(Object value, List<Object> leaves)
        {
            if (value instanceof List<?> list) {
                list.forEach(element -> collectLeaves(element, leaves));
            }
            else if (!(value instanceof Map<?, ?>)) {
                leaves.add(value);
            }
        }

        private static boolean matchesConditions(List<Condition> conditions, List<Object> leaves)
        {
            for (Condition condition : conditions) {
                if (condition instanceof Exists exists) {
                    if (exists.present() == !leaves.isEmpty()) {
                        return true;
                    }
                    continue;
                }
                for (Object leaf : leaves) {
                    if (condition.test(leaf)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private interface Condition
    {
        boolean test(Object value);
    }

    private record Exists(boolean present)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            throw new IllegalStateException("exists is decided on the field, not a value");
        }
    }

    private record Exact(Object expected, NumberEquality numbers)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            if (numbers == NumberEquality.TEXT && expected instanceof BigDecimal number) {
                return number.equals(value);
            }
            return sameValue(expected, value);
        }
    }

    private record Prefix(String prefix, boolean ignoreCase)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            return value instanceof String text && text.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
        }
    }

    private record Suffix(String suffix, boolean ignoreCase)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            return value instanceof String text && text.length() >= suffix.length()
                    && text.regionMatches(ignoreCase, text.length() - suffix.length(), suffix, 0, suffix.length());
        }
    }

    private record EqualsIgnoreCase(String expected)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            return value instanceof String text && text.equalsIgnoreCase(expected);
        }
    }

    private record Wildcard(Pattern regex)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            return value instanceof String text && regex.matcher(text).matches();
        }
    }

    private record Numeric(List<String> operators, List<BigDecimal> bounds)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            if (!(value instanceof BigDecimal number)) {
                return false;
            }
            for (int i = 0; i < operators.size(); i++) {
                int order = number.compareTo(bounds.get(i));
                boolean holds = switch (operators.get(i)) {
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
    }

    private record Cidr(byte[] network, int bits)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            if (!(value instanceof String text)) {
                return false;
            }
            Optional<byte[]> address = ipAddress(text);
            if (address.isEmpty() || address.get().length != network.length) {
                return false;
            }
            byte[] bytes = address.get();
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((bytes[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code anything-but}: holds for a value none of the excluded conditions holds for. */
    private record AnythingBut(List<Condition> excluded, boolean stringsOnly)
            implements Condition
    {
        @Override
        public boolean test(Object value)
        {
            if (stringsOnly && !(value instanceof String)) {
                return false;
            }
            for (Condition condition : excluded) {
                if (condition.test(value)) {
                    return false;
                }
            }
            return true;
        }
    }

    static boolean sameValue(Object expected, Object value)
    {
        if (expected instanceof BigDecimal number) {
            return value instanceof BigDecimal other && number.compareTo(other) == 0;
        }
        return expected.equals(value);
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    static Optional<byte[]> ipAddress(String text)
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

    // checking and compiling, piece by piece so that an error names its place

    private static final class Compiler
    {
        private final String source;
        private final JsonText reader;
        private final NumberEquality numbers;

        Compiler(String source, NumberEquality numbers)
        {
            this.source = source;
            this.reader = JsonText.reader(source);
            this.numbers = numbers;
        }

        Node compile()
        {
            try {
                if (reader.atEnd() || reader.next() != '{') {
                    if (!reader.atEnd()) {
                        reader.readValue();
                    }
                    throw invalid("Filter is not an object");
                }
                Node root = object();
                if (!reader.atEnd()) {
                    throw invalid("Unexpected content after the pattern");
                }
                return root;
            }
            catch (InvalidPatternException e) {
                throw e;
            }
            catch (IllegalArgumentException e) {
                // not JSON: the reader's own reason
                throw invalid(e.getMessage());
            }
        }

        private InvalidPatternException invalid(String reason)
        {
            return new InvalidPatternException(reason, reader.location(), source);
        }

        private Node object()
        {
            reader.require('{');
            if (reader.consume('}')) {
                throw invalid("Empty objects are not allowed");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            List<List<Node>> alternatives = new ArrayList<>();
            do {
                String name = reader.readString();
                reader.require(':');
                if (name.equals("$or")) {
                    alternatives.add(or());
                    continue;
                }
                char next = reader.next();
                if (next == '{') {
                    fields.put(name, object());
                }
                else if (next == '[') {
                    fields.put(name, conditions());
                }
                else {
                    reader.readValue();
                    throw invalid("\"" + name + "\" must be an object or an array");
                }
            }
            while (reader.consume(','));
            reader.require('}');
            return new Node(fields, alternatives);
        }

        private List<Node> or()
        {
            if (reader.next() != '[') {
                reader.readValue();
                throw invalid("It must be an Array followed with $or.");
            }
            reader.require('[');
            List<Node> branches = new ArrayList<>();
            if (!reader.consume(']')) {
                do {
                    if (reader.next() != '{') {
                        reader.readValue();
                        throw invalid("Only JSON object is allowed in array of $or relationship.");
                    }
                    branches.add(object());
                }
                while (reader.consume(','));
                reader.require(']');
            }
            if (branches.size() < 2) {
                throw invalid("There must have at least 2 Objects in $or relationship.");
            }
            return branches;
        }

        private List<Condition> conditions()
        {
            reader.require('[');
            if (reader.consume(']')) {
                throw invalid("Empty arrays are not allowed");
            }
            List<Condition> conditions = new ArrayList<>();
            do {
                char next = reader.next();
                if (next == '{') {
                    conditions.add(matchExpression());
                }
                else if (next == '[') {
                    reader.readValue();
                    throw invalid("Match value must be String, number, true, false, or null");
                }
                else {
                    conditions.add(new Exact(reader.readValue(), numbers));
                }
            }
            while (reader.consume(','));
            reader.require(']');
            return conditions;
        }

        private Condition matchExpression()
        {
            reader.require('{');
            if (reader.next() != '"') {
                throw invalid("Match expression name not found");
            }
            String name = reader.readString();
            reader.require(':');
            Object operand = reader.readValue();
            Condition condition = switch (name) {
                case "prefix" -> prefixOrSuffix(operand, true);
                case "suffix" -> prefixOrSuffix(operand, false);
                case "equals-ignore-case" -> new EqualsIgnoreCase(string(operand, "equals-ignore-case match pattern must be a string"));
                case "wildcard" -> wildcard(string(operand, "wildcard match pattern must be a string"));
                case "numeric" -> numeric(operand);
                case "anything-but" -> anythingBut(operand);
                case "exists" -> {
                    if (!(operand instanceof Boolean present)) {
                        throw invalid("exists match pattern must be either true or false.");
                    }
                    yield new Exists(present);
                }
                case "cidr" -> cidr(string(operand, "cidr match pattern must be a string"));
                default -> throw invalid("Unrecognized match type " + name);
            };
            if (!reader.consume('}')) {
                throw invalid(name.equals("numeric") ? "Too many elements in numeric expression" : "Only one key allowed in match expression");
            }
            return condition;
        }

        private String string(Object operand, String reason)
        {
            if (!(operand instanceof String text)) {
                throw invalid(reason);
            }
            return text;
        }

        private Condition prefixOrSuffix(Object operand, boolean prefix)
        {
            String name = prefix ? "prefix" : "suffix";
            boolean ignoreCase = false;
            String text;
            if (operand instanceof Map<?, ?> inner) {
                if (inner.size() != 1) {
                    throw invalid(inner.isEmpty() ? name + " match pattern must be a string" : "Only one key allowed in match expression");
                }
                Map.Entry<?, ?> entry = inner.entrySet().iterator().next();
                if (!entry.getKey().equals("equals-ignore-case")) {
                    throw invalid("Unsupported " + name + " pattern: " + entry.getKey());
                }
                text = string(entry.getValue(), "equals-ignore-case match pattern must be a string");
                ignoreCase = true;
            }
            else {
                text = string(operand, name + " match pattern must be a string");
            }
            return prefix ? new Prefix(text, ignoreCase) : new Suffix(text, ignoreCase);
        }

        private Wildcard wildcard(String text)
        {
            StringBuilder regex = new StringBuilder("(?s)");
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '*') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '*') {
                        throw invalid("Consecutive wildcard characters at pos " + bytePosition(text, i));
                    }
                    regex.append(Pattern.quote(literal.toString())).append(".*");
                    literal.setLength(0);
                }
                else if (c == '\\') {
                    if (i + 1 >= text.length() || (text.charAt(i + 1) != '*' && text.charAt(i + 1) != '\\')) {
                        throw invalid("Invalid escape character at pos " + bytePosition(text, i));
                    }
                    literal.append(text.charAt(++i));
                }
                else {
                    literal.append(c);
                }
            }
            regex.append(Pattern.quote(literal.toString()));
            return new Wildcard(Pattern.compile(regex.toString()));
        }

        /** Positions are counted in UTF-8 bytes, as EventBridge counts them. */
        private static int bytePosition(String text, int index)
        {
            return text.substring(0, index).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }

        private Condition numeric(Object operand)
        {
            if (!(operand instanceof List<?> parts)) {
                throw invalid("Value of numeric must be an array.");
            }
            if (parts.isEmpty() || !(parts.get(0) instanceof String first)) {
                throw invalid("Invalid member in numeric match: " + (parts.isEmpty() ? "]" : render(parts.get(0))));
            }
            List<String> operators = new ArrayList<>();
            List<BigDecimal> bounds = new ArrayList<>();
            switch (first) {
                case "=", "<", "<=" -> {
                    bounds.add(bound(first, parts, 1));
                    operators.add(first);
                    if (parts.size() > 2) {
                        throw invalid("Too many elements in numeric expression");
                    }
                }
                case ">", ">=" -> {
                    bounds.add(bound(first, parts, 1));
                    operators.add(first);
                    if (parts.size() > 2) {
                        if (!(parts.get(2) instanceof String upper)) {
                            throw invalid("Bad value in numeric range: " + render(parts.get(2)));
                        }
                        if (!upper.equals("<") && !upper.equals("<=")) {
                            throw invalid("Bad numeric range operator: " + upper);
                        }
                        bounds.add(bound(upper, parts, 3));
                        operators.add(upper);
                        if (parts.size() > 4) {
                            throw invalid("Too many terms in numeric range expression");
                        }
                        if (bounds.get(0).compareTo(bounds.get(1)) >= 0) {
                            throw invalid("Bottom must be less than top");
                        }
                    }
                }
                default -> throw invalid("Unrecognized numeric range operator: " + first);
            }
            return new Numeric(List.copyOf(operators), List.copyOf(bounds));
        }

        private BigDecimal bound(String operator, List<?> parts, int index)
        {
            if (parts.size() <= index || !(parts.get(index) instanceof BigDecimal number)) {
                throw invalid("Value of " + (operator.equals("=") ? "equals" : operator) + " must be numeric");
            }
            if (number.abs().compareTo(NUMERIC_LIMIT) > 0) {
                throw invalid("Value of " + operator + " must be between -5.0E9 and 5.0E9, inclusive; " + number.toPlainString() + " is not");
            }
            return number;
        }

        private Condition anythingBut(Object operand)
        {
            if (operand instanceof String || operand instanceof BigDecimal) {
                return new AnythingBut(List.of(new Exact(operand, numbers)), false);
            }
            if (operand instanceof List<?> values) {
                boolean hasStrings = false;
                boolean hasNumbers = false;
                List<Condition> excluded = new ArrayList<>();
                for (Object value : values) {
                    if (value instanceof String) {
                        hasStrings = true;
                    }
                    else if (value instanceof BigDecimal) {
                        hasNumbers = true;
                    }
                    else {
                        throw invalid("Inside anything but list, start|null|boolean is not supported.");
                    }
                    excluded.add(new Exact(value, numbers));
                }
                if (hasStrings == hasNumbers) {
                    throw invalid("Inside anything but list, either all values are number or string, mixed type is not supported");
                }
                return new AnythingBut(excluded, false);
            }
            if (operand instanceof Map<?, ?> inner) {
                if (inner.isEmpty()) {
                    throw invalid("Anything-But expression name not found");
                }
                if (inner.size() > 1) {
                    throw invalid("Only one key allowed in match expression");
                }
                Map.Entry<?, ?> entry = inner.entrySet().iterator().next();
                String name = (String) entry.getKey();
                Object value = entry.getValue();
                switch (name) {
                    case "prefix", "suffix" -> {
                        if (!(value instanceof String text)) {
                            throw invalid("prefix/suffix match pattern must be a string");
                        }
                        if (text.isEmpty()) {
                            throw invalid("Null prefix/suffix not allowed");
                        }
                        Condition excluded = name.equals("prefix") ? new Prefix(text, false) : new Suffix(text, false);
                        return new AnythingBut(List.of(excluded), true);
                    }
                    case "equals-ignore-case" -> {
                        List<Condition> excluded = new ArrayList<>();
                        for (String text : strings(value, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")) {
                            excluded.add(new EqualsIgnoreCase(text));
                        }
                        return new AnythingBut(excluded, true);
                    }
                    case "wildcard" -> {
                        List<Condition> excluded = new ArrayList<>();
                        for (String text : strings(value, "Inside anything-but/wildcard list, number|start|null|boolean is not supported.")) {
                            excluded.add(wildcard(text));
                        }
                        return new AnythingBut(excluded, true);
                    }
                    default -> throw invalid("Unsupported anything-but pattern: " + name);
                }
            }
            throw invalid("Value of anything-but must be an array or single string/number value.");
        }

        private List<String> strings(Object value, String reason)
        {
            if (value instanceof String text) {
                return List.of(text);
            }
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                throw invalid(reason);
            }
            List<String> strings = new ArrayList<>();
            for (Object element : list) {
                strings.add(string(element, reason));
            }
            return strings;
        }

        private Cidr cidr(String text)
        {
            int slash = text.indexOf('/');
            if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
                throw invalid("Malformed CIDR, one '/' required");
            }
            Optional<byte[]> network = ipAddress(text.substring(0, slash));
            if (network.isEmpty()) {
                throw invalid("Invalid IP address in CIDR: " + text.substring(0, slash));
            }
            int bits;
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            }
            catch (NumberFormatException e) {
                throw invalid("Malformed CIDR, mask bits must be an integer: " + text.substring(slash + 1));
            }
            if (bits < 0 || bits > network.get().length * 8) {
                throw invalid("Malformed CIDR, mask bits must be between 0 and " + network.get().length * 8 + ": " + bits);
            }
            return new Cidr(network.get(), bits);
        }

        private static String render(Object value)
        {
            if (value instanceof BigDecimal number) {
                return number.toString();
            }
            if (value instanceof String text) {
                return text;
            }
            return String.valueOf(value).toLowerCase(Locale.ROOT);
        }
    }
}
