package io.lakestack.services.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lakestack.spi.ServiceException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A CloudWatch Logs filter pattern, as FilterLogEvents takes it, and whether a message matches it. Matching is case
 * sensitive, as in CloudWatch.
 *
 * <p>What lakestack understands:
 * <ul>
 * <li>The empty pattern matches every event.</li>
 * <li>Terms: {@code ERROR Exception} matches messages that contain every term ({@code ERROR} is in
 *     {@code ERRORCODE}, as CloudWatch's own example says). A term of other characters than letters, digits and
 *     {@code _} must be quoted ({@code "Connection refused"}, {@code "192.168.0.1"}); inside quotes, {@code \"} and
 *     {@code \\} stand for {@code "} and {@code \}.</li>
 * <li>{@code -term} (or {@code - "phrase"}): the message must not contain it.</li>
 * <li>{@code ?term}: alternatives. Each {@code ?}-term starts a group that takes the terms after it up to the next
 *     {@code ?}-term; a message matches when one group matches ({@code ?ERROR ?WARN} is ERROR or WARN;
 *     {@code ?ERROR MainThread ?WARN Deadlock} is ERROR and MainThread, or WARN and Deadlock, as the AWS CDK writes
 *     term groups). Terms before the first {@code ?}-term are refused: lakestack does not know how CloudWatch would
 *     combine them.</li>
 * <li>JSON patterns, for messages that are JSON: {@code { $.a.b[0].c = "x" }} with {@code =}, {@code !=}, {@code <},
 *     {@code >}, {@code <=}, {@code >=}; {@code &&} before {@code ||}, and parentheses; {@code IS NULL},
 *     {@code NOT EXISTS}, {@code IS TRUE}, {@code IS FALSE}. A value is a number ({@code 400}, {@code -1.5},
 *     {@code 10e3}), compared as a number with number fields only; or a string, quoted or not, compared with the
 *     field's text (strings, numbers, booleans), where a {@code *} at its start or end matches any text ({@code "Put*"},
 *     {@code 123.123.*}) and {@code *} alone matches any value. A selector that names an object, an array, null or
 *     nothing satisfies no comparison, {@code =} or {@code !=}. A message that is not JSON matches no JSON pattern.</li>
 * </ul>
 *
 * <p>Refused with {@code InvalidParameterException} naming what is not supported, never ignored: space-delimited
 * patterns ({@code [ip, user, ...]}), regular expressions ({@code %...%}), wildcards in selectors
 * ({@code $.a[*]}, {@code $.*}).
 */
final class FilterPattern
        implements Predicate<String>
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BARE_TERM = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern SELECTOR_NAME = Pattern.compile("[A-Za-z0-9_\\-@]+");

    private final String text;
    private final Predicate<String> matcher;

    private FilterPattern(String text, Predicate<String> matcher)
    {
        this.text = text;
        this.matcher = matcher;
    }

    /**
     * @throws ServiceException {@code InvalidParameterException} for a pattern that is not valid or that lakestack does
     *         not implement, saying which
     */
    static FilterPattern parse(String pattern)
    {
        requireNonNull(pattern, "pattern is null");
        String trimmed = pattern.strip();
        if (trimmed.isEmpty()) {
            return new FilterPattern(pattern, message -> true);
        }
        if (trimmed.startsWith("{")) {
            return new FilterPattern(pattern, new JsonParser(trimmed).parse());
        }
        if (trimmed.startsWith("[")) {
            throw unsupported("space-delimited filter patterns ([field, field, ...])", pattern);
        }
        if (trimmed.startsWith("%")) {
            throw unsupported("regular expressions in filter patterns (%...%)", pattern);
        }
        return new FilterPattern(pattern, terms(trimmed, pattern));
    }

    @Override
    public boolean test(String message)
    {
        return matcher.test(message);
    }

    @Override
    public String toString()
    {
        return text;
    }

    private static ServiceException unsupported(String what, String pattern)
    {
        return ServiceException.user("InvalidParameterException", "lakestack does not support " + what + " in filter pattern '" + pattern
                + "'; it supports terms, quoted phrases, -exclusions, ?alternatives and JSON patterns { $.field = value }");
    }

    private static ServiceException invalid(String pattern, String reason)
    {
        return ServiceException.user("InvalidParameterException", "Invalid filter pattern '" + pattern + "': " + reason);
    }

    // terms

    private record Term(char marker, String text)
    {
    }

    private record Group(List<String> included, List<String> excluded)
    {
        boolean matches(String message)
        {
            for (String term : included) {
                if (!message.contains(term)) {
                    return false;
                }
            }
            for (String term : excluded) {
                if (message.contains(term)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Predicate<String> terms(String text, String pattern)
    {
        List<Term> terms = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            char marker = ' ';
            if (c == '?' || c == '-') {
                marker = c;
                i++;
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i == text.length()) {
                    throw invalid(pattern, "'" + marker + "' must be followed by a term");
                }
                if (text.charAt(i) == '?' || text.charAt(i) == '-') {
                    throw invalid(pattern, "'" + marker + "' must be followed by a term, not '" + text.charAt(i) + "'");
                }
            }
            StringBuilder term = new StringBuilder();
            if (text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < text.length()) {
                    char d = text.charAt(i++);
                    if (d == '\\' && i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\\')) {
                        term.append(text.charAt(i++));
                    }
                    else if (d == '"') {
                        closed = true;
                        break;
                    }
                    else {
                        term.append(d);
                    }
                }
                if (!closed) {
                    throw invalid(pattern, "a quoted term is not closed");
                }
                if (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    throw invalid(pattern, "a quoted term must be followed by a space");
                }
            }
            else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                String bare = text.substring(start, i);
                if (!BARE_TERM.matcher(bare).matches()) {
                    throw invalid(pattern, "Invalid character(s) in term '" + bare + "': a term of other characters than letters, digits and _ "
                            + "must be quoted (\"" + bare + "\")");
                }
                term.append(bare);
            }
            terms.add(new Term(marker, term.toString()));
        }
        boolean alternatives = terms.stream().anyMatch(term -> term.marker() == '?');
        if (!alternatives) {
            Group group = group(terms);
            return group::matches;
        }
        if (terms.get(0).marker() != '?') {
            throw unsupported("terms before the first ?-term ('" + terms.get(0).text() + "')", pattern);
        }
        List<Group> groups = new ArrayList<>();
        int start = 0;
        for (int j = 1; j <= terms.size(); j++) {
            if (j == terms.size() || terms.get(j).marker() == '?') {
                groups.add(group(terms.subList(start, j)));
                start = j;
            }
        }
        return message -> groups.stream().anyMatch(group -> group.matches(message));
    }

    private static Group group(List<Term> terms)
    {
        List<String> included = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (Term term : terms) {
            (term.marker() == '-' ? excluded : included).add(term.text());
        }
        return new Group(included, excluded);
    }

    // JSON patterns

    /** A condition on a parsed JSON message. */
    private interface Condition
    {
        boolean test(JsonNode root);
    }

    private record Selector(List<Object> steps)
    {
        JsonNode resolve(JsonNode root)
        {
            JsonNode node = root;
            for (Object step : steps) {
                node = step instanceof String name ? (node.isObject() ? node.get(name) : null) : (node.isArray() ? node.get((Integer) step) : null);
                if (node == null) {
                    return MissingNode.getInstance();
                }
            }
            return node;
        }
    }

    private static final class JsonParser
    {
        private final String text;
        private int position;

        JsonParser(String text)
        {
            this.text = text;
        }

        Predicate<String> parse()
        {
            expect('{');
            Condition condition = or();
            expect('}');
            skipSpaces();
            if (position < text.length()) {
                throw invalid(text, "unexpected '" + text.substring(position) + "' after the closing }");
            }
            return message -> {
                JsonNode root;
                try {
                    root = JSON.readTree(message);
                }
                catch (JsonProcessingException e) {
                    return false;
                }
                return root != null && (root.isObject() || root.isArray()) && condition.test(root);
            };
        }

        private Condition or()
        {
            List<Condition> alternatives = new ArrayList<>();
            alternatives.add(and());
            while (consume("||")) {
                alternatives.add(and());
            }
            return alternatives.size() == 1 ? alternatives.get(0) : root -> alternatives.stream().anyMatch(condition -> condition.test(root));
        }

        private Condition and()
        {
            List<Condition> all = new ArrayList<>();
            all.add(primary());
            while (consume("&&")) {
                all.add(primary());
            }
            return all.size() == 1 ? all.get(0) : root -> all.stream().allMatch(condition -> condition.test(root));
        }

        private Condition primary()
        {
            if (consume("(")) {
                Condition inner = or();
                expect(')');
                return inner;
            }
            Selector selector = selector();
            skipSpaces();
            if (consumeWord("IS")) {
                if (consumeWord("NULL")) {
                    return root -> {
                        JsonNode node = selector.resolve(root);
                        return !node.isMissingNode() && node.isNull();
                    };
                }
                if (consumeWord("TRUE")) {
                    return root -> selector.resolve(root).isBoolean() && selector.resolve(root).booleanValue();
                }
                if (consumeWord("FALSE")) {
                    return root -> selector.resolve(root).isBoolean() && !selector.resolve(root).booleanValue();
                }
                throw invalid(text, "IS must be followed by NULL, TRUE or FALSE at position " + position);
            }
            if (consumeWord("NOT")) {
                if (!consumeWord("EXISTS")) {
                    throw invalid(text, "NOT must be followed by EXISTS at position " + position);
                }
                return root -> selector.resolve(root).isMissingNode();
            }
            String operator = operator();
            return comparison(selector, operator, value());
        }

        private Selector selector()
        {
            skipSpaces();
            if (position >= text.length() || text.charAt(position) != '$') {
                throw invalid(text, "a selector starting with $ is expected at position " + position);
            }
            position++;
            List<Object> steps = new ArrayList<>();
            while (position < text.length()) {
                char c = text.charAt(position);
                if (c == '.') {
                    position++;
                    int start = position;
                    while (position < text.length() && (SELECTOR_NAME.matcher(String.valueOf(text.charAt(position))).matches() || text.charAt(position) == '*')) {
                        position++;
                    }
                    String name = text.substring(start, position);
                    if (name.contains("*")) {
                        throw unsupported("wildcards in selectors ($.*, $.a[*])", text);
                    }
                    if (name.isEmpty()) {
                        throw invalid(text, "a property name is expected after '.' at position " + start);
                    }
                    steps.add(name);
                }
                else if (c == '[') {
                    int close = text.indexOf(']', position);
                    if (close < 0) {
                        throw invalid(text, "'[' at position " + position + " is not closed");
                    }
                    String index = text.substring(position + 1, close).strip();
                    if (index.equals("*")) {
                        throw unsupported("wildcards in selectors ($.*, $.a[*])", text);
                    }
                    if (!index.matches("\\d{1,9}")) {
                        throw invalid(text, "an array index must be a number, not '" + index + "'");
                    }
                    steps.add(Integer.parseInt(index));
                    position = close + 1;
                }
                else {
                    break;
                }
            }
            return new Selector(steps);
        }

        private String operator()
        {
            skipSpaces();
            for (String operator : List.of("!=", "<=", ">=", "=", "<", ">")) {
                if (text.startsWith(operator, position)) {
                    position += operator.length();
                    return operator;
                }
            }
            throw invalid(text, "an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) is expected at position " + position);
        }

        /** A literal: a quoted string, or text up to a space, a parenthesis, &&, || or the closing brace. */
        private Literal value()
        {
            skipSpaces();
            if (position < text.length() && text.charAt(position) == '"') {
                position++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (position >= text.length()) {
                        throw invalid(text, "a quoted value is not closed");
                    }
                    char c = text.charAt(position++);
                    if (c == '\\' && position < text.length() && (text.charAt(position) == '"' || text.charAt(position) == '\\')) {
                        value.append(text.charAt(position++));
                    }
                    else if (c == '"') {
                        break;
                    }
                    else {
                        value.append(c);
                    }
                }
                return Literal.string(value.toString());
            }
            int start = position;
            while (position < text.length() && "(){}|& \t\r\n".indexOf(text.charAt(position)) < 0) {
                position++;
            }
            String value = text.substring(start, position);
            if (value.isEmpty()) {
                throw invalid(text, "a value is expected at position " + start);
            }
            return NUMBER.matcher(value).matches() ? Literal.number(new BigDecimal(value)) : Literal.string(value);
        }

        private Condition comparison(Selector selector, String operator, Literal literal)
        {
            boolean equality = operator.equals("=") || operator.equals("!=");
            if (!equality && literal.number() == null) {
                throw invalid(text, "'" + operator + "' compares numbers; '" + literal.text() + "' is not a number");
            }
            return root -> {
                JsonNode node = selector.resolve(root);
                if (!(node.isTextual() || node.isNumber() || node.isBoolean())) {
                    return false;
                }
                if (literal.number() != null) {
                    if (!node.isNumber()) {
                        return false;
                    }
                    int compared = node.decimalValue().compareTo(literal.number());
                    return switch (operator) {
                        case "=" -> compared == 0;
                        case "!=" -> compared != 0;
                        case "<" -> compared < 0;
                        case ">" -> compared > 0;
                        case "<=" -> compared <= 0;
                        default -> compared >= 0;
                    };
                }
                boolean matches = literal.matches(node.asText());
                return operator.equals("=") == matches;
            };
        }

        private void skipSpaces()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private boolean consume(String token)
        {
            skipSpaces();
            if (text.startsWith(token, position)) {
                position += token.length();
                return true;
            }
            return false;
        }

        private boolean consumeWord(String word)
        {
            skipSpaces();
            int end = position + word.length();
            if (text.startsWith(word, position) && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
                position = end;
                return true;
            }
            return false;
        }

        private void expect(char c)
        {
            skipSpaces();
            if (position >= text.length() || text.charAt(position) != c) {
                throw invalid(text, "'" + c + "' is expected at position " + position);
            }
            position++;
        }
    }

    /** A value compared with: a number, or text with {@code *} at its start or end matching any text. */
    private record Literal(String text, BigDecimal number)
    {
        static Literal string(String text)
        {
            return new Literal(text, null);
        }

        static Literal number(BigDecimal number)
        {
            return new Literal(number.toString(), number);
        }

        boolean matches(String value)
        {
            if (text.equals("*")) {
                return true;
            }
            boolean anyBefore = text.startsWith("*");
            boolean anyAfter = text.endsWith("*");
            String core = text.substring(anyBefore ? 1 : 0, text.length() - (anyAfter ? 1 : 0));
            if (anyBefore && anyAfter) {
                return value.contains(core);
            }
            if (anyBefore) {
                return value.endsWith(core);
            }
            if (anyAfter) {
                return value.startsWith(core);
            }
            return value.equals(core);
        }
    }
}
