package io.lakestack.spi.glue;

import io.lakestack.spi.sql.SqlTokenizer;
import io.lakestack.spi.sql.SqlTokenizer.Token;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Glue's partition filter expressions ({@code GetPartitions} {@code Expression}): an SQL {@code WHERE} clause over
 * the partition keys with {@code = <> != < <= > >=}, {@code BETWEEN ... AND ...}, {@code [NOT] IN (...)},
 * {@code [NOT] LIKE}, {@code AND}, {@code OR}, {@code NOT} and parentheses. Values compare by the key's type:
 * numbers as numbers, dates as dates, everything else as strings. A key is named bare (up to white space, a quote or
 * an operator, so {@code event-date} needs no quotes), in backticks or in double quotes; a value is a string in
 * single quotes (with {@code ''} for a quote) or a number such as {@code 10}, {@code -5} or {@code 2.5}.
 *
 * <p>Parentheses and {@code NOT} nest at most {@value #MAX_NESTING_DEPTH} levels deep; {@code AND} and {@code OR}
 * chains of any length are evaluated one term after the other, and {@code LIKE} matches in time proportional to the
 * value's length times the pattern's, so no expression makes the work grow beyond its size.
 */
public final class PartitionFilter
{
    /** How deep parentheses and {@code NOT} may nest, together. */
    public static final int MAX_NESTING_DEPTH = 200;
    /** Unquoted names such as {@code event-date} and signed numbers are one token each; no comments, no escapes. */
    private static final SqlTokenizer GLUE = SqlTokenizer.of(SqlTokenizer.Feature.OPERATOR_DELIMITED_WORDS);
    /** Longer expressions are shortened in error messages. */
    private static final int QUOTED_LENGTH = 200;

    private PartitionFilter() {}

    /**
     * @return a test of a partition's values (in key order)
     * @throws IllegalArgumentException for a malformed expression, an unknown key or nesting deeper than
     *         {@value #MAX_NESTING_DEPTH} levels, saying which (an expression longer than 200 characters is shortened to
     *         its start and its length)
     */
    public static Predicate<List<String>> parse(String expression, List<Column> partitionKeys)
    {
        Parser parser = new Parser(expression, partitionKeys);
        Predicate<List<String>> predicate = parser.orExpression();
        if (parser.peek() != null) {
            throw parser.error("unexpected '" + parser.peek().text() + "'");
        }
        return predicate;
    }

    private enum Kind { NUMBER, DATE, TEXT }

    private static String quoted(String expression)
    {
        return expression.length() <= QUOTED_LENGTH ? expression : expression.substring(0, QUOTED_LENGTH / 2) + "... (" + expression.length() + " characters)";
    }

    private static final class Parser
    {
        private final String expression;
        private final List<Column> keys;
        private final List<Token> tokens;
        private int position;
        private int depth;

        Parser(String expression, List<Column> keys)
        {
            this.expression = expression;
            this.keys = keys;
            try {
                this.tokens = GLUE.tokenize(expression);
            }
            catch (SqlTokenizer.UnclosedException e) {
                String what = e.opening().equals("'") ? "string literal" : "quoted name";
                throw new IllegalArgumentException("unclosed " + what + " in expression: " + quoted(expression));
            }
        }

        Token peek()
        {
            return position < tokens.size() ? tokens.get(position) : null;
        }

        private Token next()
        {
            if (position >= tokens.size()) {
                throw error("the expression ends too early");
            }
            return tokens.get(position++);
        }

        private void expect(String text)
        {
            Token token = next();
            if (!token.is(text) && !token.isSymbol(text)) {
                throw error("'" + text + "' expected, found '" + token.text() + "'");
            }
        }

        IllegalArgumentException error(String message)
        {
            return new IllegalArgumentException("invalid partition filter expression '" + quoted(expression) + "': " + message);
        }

        Predicate<List<String>> orExpression()
        {
            List<Predicate<List<String>>> terms = new ArrayList<>(List.of(andExpression()));
            while (peek() != null && peek().is("OR")) {
                next();
                terms.add(andExpression());
            }
            // a list, not a chain of Predicate.or: a chain of 10,000 terms would be tested 10,000 calls deep
            return terms.size() == 1 ? terms.get(0) : values -> terms.stream().anyMatch(term -> term.test(values));
        }

        private Predicate<List<String>> andExpression()
        {
            List<Predicate<List<String>>> terms = new ArrayList<>(List.of(notExpression()));
            while (peek() != null && peek().is("AND")) {
                next();
                terms.add(notExpression());
            }
            return terms.size() == 1 ? terms.get(0) : values -> terms.stream().allMatch(term -> term.test(values));
        }

        private Predicate<List<String>> notExpression()
        {
            if (peek() != null && peek().is("NOT")) {
                next();
                enter();
                Predicate<List<String>> negated = notExpression().negate();
                depth--;
                return negated;
            }
            if (peek() != null && peek().isSymbol("(")) {
                next();
                enter();
                Predicate<List<String>> inner = orExpression();
                expect(")");
                depth--;
                return inner;
            }
            return comparison();
        }

        /** One level deeper: refused beyond the limit, before the parser's own recursion could run out of stack. */
        private void enter()
        {
            if (++depth > MAX_NESTING_DEPTH) {
                throw error("parentheses and NOT nest more than " + MAX_NESTING_DEPTH + " levels deep; lakestack accepts at most " + MAX_NESTING_DEPTH
                        + " levels");
            }
        }

        private Predicate<List<String>> comparison()
        {
            Token first = next();
            if (isLiteral(first)) {
                // literal op key: turn it around
                Token operator = next();
                Token keyToken = next();
                int index = keyIndex(keyToken);
                return compare(index, mirror(operator(operator)), first);
            }
            int index = keyIndex(first);
            Token operator = next();
            if (operator.is("BETWEEN")) {
                Token low = literal();
                expect("AND");
                Token high = literal();
                return values -> compareValues(index, values.get(index), low) >= 0 && compareValues(index, values.get(index), high) <= 0;
            }
            boolean negated = false;
            if (operator.is("NOT")) {
                negated = true;
                operator = next();
            }
            if (operator.is("IN")) {
                expect("(");
                List<Token> members = new ArrayList<>();
                do {
                    members.add(literal());
                }
                while (peek() != null && peek().isSymbol(",") && next() != null);
                expect(")");
                Predicate<List<String>> in = values -> members.stream().anyMatch(member -> compareValues(index, values.get(index), member) == 0);
                return negated ? in.negate() : in;
            }
            if (operator.is("LIKE")) {
                int[] pattern = literal().text().codePoints().toArray();
                Predicate<List<String>> like = values -> like(values.get(index).codePoints().toArray(), pattern);
                return negated ? like.negate() : like;
            }
            if (negated) {
                throw error("NOT must be followed by IN or LIKE here, not '" + operator.text() + "'");
            }
            return compare(index, operator(operator), literal());
        }

        private String operator(Token token)
        {
            if (token.kind() != SqlTokenizer.Kind.SYMBOL) {
                throw error("unknown operator '" + token.text() + "'");
            }
            return token.text();
        }

        private Predicate<List<String>> compare(int index, String operator, Token literal)
        {
            return switch (operator) {
                case "=" -> values -> compareValues(index, values.get(index), literal) == 0;
                case "<>", "!=" -> values -> compareValues(index, values.get(index), literal) != 0;
                case "<" -> values -> compareValues(index, values.get(index), literal) < 0;
                case "<=" -> values -> compareValues(index, values.get(index), literal) <= 0;
                case ">" -> values -> compareValues(index, values.get(index), literal) > 0;
                case ">=" -> values -> compareValues(index, values.get(index), literal) >= 0;
                default -> throw error("unknown operator '" + operator + "'");
            };
        }

        private static String mirror(String operator)
        {
            return switch (operator) {
                case "<" -> ">";
                case "<=" -> ">=";
                case ">" -> "<";
                case ">=" -> "<=";
                default -> operator;
            };
        }

        private Token literal()
        {
            Token token = next();
            if (!isLiteral(token)) {
                throw error("a quoted string or a number expected, found '" + token.text() + "'");
            }
            return token;
        }

        private int keyIndex(Token token)
        {
            String name = token.text();
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).name().equalsIgnoreCase(name)) {
                    return i;
                }
            }
            throw error("'" + name + "' is not a partition key (partition keys: "
                    + String.join(", ", keys.stream().map(Column::name).toList()) + ")");
        }

        private int compareValues(int index, String value, Token literal)
        {
            Kind kind = kindOf(keys.get(index).type());
            try {
                return switch (kind) {
                    case NUMBER -> new BigDecimal(value).compareTo(new BigDecimal(literal.text()));
                    case DATE -> LocalDate.parse(value).compareTo(LocalDate.parse(literal.text()));
                    case TEXT -> value.compareTo(literal.text());
                };
            }
            catch (RuntimeException e) {
                // a value that does not read as its key's type compares as text
                return value.compareTo(literal.text());
            }
        }

        private static Kind kindOf(String type)
        {
            String lower = type.toLowerCase(Locale.ROOT);
            if (lower.equals("int") || lower.equals("bigint") || lower.equals("smallint") || lower.equals("tinyint") || lower.equals("long")
                    || lower.startsWith("decimal") || lower.equals("double") || lower.equals("float")) {
                return Kind.NUMBER;
            }
            if (lower.equals("date")) {
                return Kind.DATE;
            }
            return Kind.TEXT;
        }

        /** A string in single quotes, or a number such as {@code 10}, {@code -5} or {@code 2.5}. */
        private static boolean isLiteral(Token token)
        {
            return (token.kind() == SqlTokenizer.Kind.STRING && token.quote() == '\'')
                    || (token.kind() == SqlTokenizer.Kind.NUMBER && token.text().matches("[-+]?\\d+(\\.\\d+)?"));
        }

        /**
         * Whether the value matches the LIKE pattern as a whole: {@code %} is any text, {@code _} any one character.
         * Greedy, going back only to the last {@code %}: at most the value's length times the pattern's steps, where a
         * regular expression of {@code .*} would backtrack exponentially on patterns such as {@code %a%a%a%a%a%b}.
         */
        private static boolean like(int[] value, int[] pattern)
        {
            int v = 0;
            int p = 0;
            int lastPercent = -1;
            int resumeAt = 0;
            while (v < value.length) {
                if (p < pattern.length && pattern[p] == '%') {
                    lastPercent = p++;
                    resumeAt = v;
                }
                else if (p < pattern.length && (pattern[p] == '_' || pattern[p] == value[v])) {
                    p++;
                    v++;
                }
                else if (lastPercent >= 0) {
                    // let the last % take one more character, and match the rest of the pattern from there
                    p = lastPercent + 1;
                    v = ++resumeAt;
                }
                else {
                    return false;
                }
            }
            while (p < pattern.length && pattern[p] == '%') {
                p++;
            }
            return p == pattern.length;
        }
    }
}
