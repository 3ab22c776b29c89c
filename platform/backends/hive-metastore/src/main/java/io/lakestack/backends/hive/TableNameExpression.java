package io.lakestack.backends.hive;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * Glue's {@code GetTables} {@code Expression}: a regular expression that a table's whole name must match, in any case;
 * {@code *} alone (a habit from {@code SHOW TABLES}) means every table.
 *
 * <p>Matched with RE2J, in time proportional to the name's length times the expression's size, never backtracking:
 * {@code ((x+)+)+y}, which keeps {@code java.util.regex} busy for minutes on a name of 30 {@code x}, answers at once.
 * RE2's syntax is Java's without backreferences, lookaround and possessive quantifiers. Two limits keep compiling and
 * matching bounded, checked before RE2J sees the expression: groups nest at most {@value #MAX_GROUP_DEPTH} levels deep,
 * and the expression with its counted repetitions expanded ({@code x{3}} is {@code xxx}) is at most
 * {@value #MAX_SIZE} instructions.
 */
final class TableNameExpression
{
    static final int MAX_GROUP_DEPTH = 100;
    static final int MAX_SIZE = 2_000;
    /** Longer expressions are shortened in error messages. */
    private static final int QUOTED_LENGTH = 200;

    private TableNameExpression() {}

    /**
     * @throws IllegalArgumentException saying why the expression cannot be used: not RE2 syntax, groups nested too
     *         deep, or too large
     */
    static Predicate<String> compile(String expression)
    {
        String regex = expression.equals("*") ? ".*" : expression;
        checkDepthAndSize(expression, regex);
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        }
        catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Expression '" + quoted(expression) + "' is not a valid regular expression: " + e.getDescription()
                    + " (lakestack reads RE2 syntax: no backreferences or lookaround)");
        }
        if (pattern.programSize() > MAX_SIZE) {
            throw tooLarge(expression);
        }
        return name -> pattern.matches(name);
    }

    /**
     * Walks the expression once, counting how deep groups nest and how many instructions it expands to: each literal
     * or class one, each alternative and quantifier one more, a counted repetition multiplying what it repeats. Refuses
     * it before compiling, which would otherwise expand {@code ((x{1000}){1000}){1000}} until memory runs out.
     */
    private static void checkDepthAndSize(String expression, String regex)
    {
        Deque<long[]> groups = new ArrayDeque<>();
        // per group: {instructions before the last atom, instructions of the last atom}
        groups.push(new long[2]);
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            long[] group = groups.peek();
            switch (c) {
                case '\\' -> {
                    if (regex.startsWith("\\Q", i)) {
                        int end = regex.indexOf("\\E", i + 2);
                        int literalEnd = end < 0 ? regex.length() : end;
                        for (int k = i + 2; k < literalEnd; k++) {
                            atom(group, 1);
                        }
                        i = end < 0 ? regex.length() : end + 2;
                        continue;
                    }
                    atom(group, 1);
                    i += 2;
                    continue;
                }
                case '[' -> {
                    atom(group, 1);
                    i = endOfClass(regex, i);
                    continue;
                }
                case '(' -> {
                    if (groups.size() > MAX_GROUP_DEPTH) {
                        throw new IllegalArgumentException("Expression '" + quoted(expression) + "' nests groups more than " + MAX_GROUP_DEPTH
                                + " levels deep; lakestack accepts at most " + MAX_GROUP_DEPTH + " levels");
                    }
                    groups.push(new long[2]);
                }
                case ')' -> {
                    if (groups.size() > 1) {
                        long[] inner = groups.pop();
                        atom(groups.peek(), inner[0] + inner[1] + 1);
                    }
                }
                case '|' -> {
                    group[0] += group[1] + 1;
                    group[1] = 0;
                }
                case '*', '+', '?' -> group[1] += 1;
                case '{' -> {
                    // {n,m} holds at most 19 digits and a comma; look no further, or a run of { would be read quadratically
                    int end = regex.substring(i, Math.min(regex.length(), i + 22)).indexOf('}');
                    long count = end < 0 ? -1 : repetitions(regex.substring(i + 1, i + end));
                    if (count < 0) {
                        atom(group, 1);
                    }
                    else {
                        group[1] = Math.min(group[1] * Math.max(count, 1), Integer.MAX_VALUE);
                        i += end + 1;
                        continue;
                    }
                }
                default -> atom(group, 1);
            }
            i++;
        }
        checkSize(expression, groups);
    }

    private static void checkSize(String expression, Deque<long[]> groups)
    {
        long size = 0;
        for (long[] open : groups) {
            size += open[0] + open[1];
        }
        if (size > MAX_SIZE) {
            throw tooLarge(expression);
        }
    }

    private static void atom(long[] group, long size)
    {
        group[0] = Math.min(group[0] + group[1], Integer.MAX_VALUE);
        group[1] = size;
    }

    /** The largest count of {@code n}, {@code n,} or {@code n,m}, or -1 when the braces hold no repetition (RE2 reads them as text). */
    private static long repetitions(String inside)
    {
        if (!inside.matches("\\d{1,9}(,\\d{0,9})?")) {
            return -1;
        }
        int comma = inside.indexOf(',');
        if (comma < 0) {
            return Long.parseLong(inside);
        }
        String max = inside.substring(comma + 1);
        return max.isEmpty() ? Long.parseLong(inside.substring(0, comma)) + 1 : Long.parseLong(max);
    }

    /** The index after a character class {@code [...]}, {@code []a]} and {@code [[:alpha:]]} included. */
    private static int endOfClass(String regex, int start)
    {
        int i = start + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        while (i < regex.length() && regex.charAt(i) != ']') {
            if (regex.charAt(i) == '\\') {
                i++;
            }
            else if (regex.startsWith("[:", i)) {
                int end = regex.indexOf(":]", i + 2);
                if (end > 0) {
                    i = end + 1;
                }
            }
            i++;
        }
        return i + 1;
    }

    private static IllegalArgumentException tooLarge(String expression)
    {
        return new IllegalArgumentException("Expression '" + quoted(expression) + "' is too large: written out (counted repetitions such as "
                + "{n,m} expanded) it is more than " + MAX_SIZE + " instructions; lakestack matches table names with expressions of at most "
                + MAX_SIZE + " instructions");
    }

    private static String quoted(String expression)
    {
        return expression.length() <= QUOTED_LENGTH ? expression : expression.substring(0, QUOTED_LENGTH / 2) + "... (" + expression.length() + " characters)";
    }
}
