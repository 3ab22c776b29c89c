package io.lakestack.services.athena.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of an Athena statement, with their positions in the text, comments dropped. Strings may be quoted
 * with {@code '} (SQL) or {@code "} (HiveQL DDL); names with backticks or, in DML, double quotes.
 */
public final class SqlTokens
{
    public enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, SYMBOL }

    /**
     * @param text the token's value: a word as written, a name or string without its quotes
     * @param start the offset of its first character in the statement
     * @param end the offset after its last character
     */
    public record Token(Kind kind, String text, int start, int end, char quote)
    {
        public boolean is(String keyword)
        {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        public boolean isSymbol(String symbol)
        {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        /** An identifier: a bare word or a back-quoted name. */
        public boolean isName()
        {
            return kind == Kind.WORD || kind == Kind.QUOTED_NAME || (kind == Kind.STRING && quote == '"');
        }

        public String upper()
        {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private SqlTokens() {}

    /**
     * @throws IllegalArgumentException for an unclosed quote or comment, naming the line and column
     */
    public static List<Token> tokenize(String sql)
    {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            }
            else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            }
            else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw error(sql, i, "unclosed /* comment");
                }
                i = end + 2;
            }
            else if (c == '\'' || c == '"' || c == '`') {
                StringBuilder value = new StringBuilder();
                int start = i;
                i++;
                while (true) {
                    if (i >= sql.length()) {
                        throw error(sql, start, "unclosed " + c + " quote");
                    }
                    char next = sql.charAt(i);
                    if (next == c) {
                        if (i + 1 < sql.length() && sql.charAt(i + 1) == c) {
                            value.append(c);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (next == '\\' && c != '`' && i + 1 < sql.length()) {
                        // HiveQL escapes inside string literals
                        char escaped = sql.charAt(i + 1);
                        value.append(switch (escaped) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case '0' -> '\0';
                            default -> escaped;
                        });
                        i += 2;
                        continue;
                    }
                    value.append(next);
                    i++;
                }
                Kind kind = c == '`' ? Kind.QUOTED_NAME : Kind.STRING;
                tokens.add(new Token(kind, value.toString(), start, i, c));
            }
            else if (Character.isDigit(c) || (c == '.' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1)))) {
                int start = i;
                while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), start, i, (char) 0));
            }
            else if (Character.isLetter(c) || c == '_' || c == '$') {
                int start = i;
                while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), start, i, (char) 0));
            }
            else {
                int start = i;
                String two = i + 1 < sql.length() ? sql.substring(i, i + 2) : "";
                if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=") || two.equals("||")) {
                    i += 2;
                    tokens.add(new Token(Kind.SYMBOL, two, start, i, (char) 0));
                }
                else {
                    i++;
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), start, i, (char) 0));
                }
            }
        }
        return tokens;
    }

    /** The statement without a trailing semicolon. */
    public static String stripTerminator(String sql)
    {
        String trimmed = sql.strip();
        while (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
        }
        return trimmed;
    }

    /**
     * Replaces each {@code ?} outside strings, names and comments with the next parameter, as Athena's
     * {@code ExecutionParameters} do.
     *
     * @throws IllegalArgumentException when the counts differ
     */
    public static String bind(String sql, List<String> parameters)
    {
        List<Token> placeholders = tokenize(sql).stream().filter(token -> token.isSymbol("?")).toList();
        if (placeholders.size() != parameters.size()) {
            throw new IllegalArgumentException("The query has " + placeholders.size() + " parameter placeholder(s) (?), but " + parameters.size()
                    + " ExecutionParameters were given");
        }
        StringBuilder bound = new StringBuilder();
        int previous = 0;
        for (int i = 0; i < placeholders.size(); i++) {
            bound.append(sql, previous, placeholders.get(i).start()).append(parameters.get(i));
            previous = placeholders.get(i).end();
        }
        return bound.append(sql.substring(previous)).toString();
    }

    static IllegalArgumentException error(String sql, int offset, String message)
    {
        return new IllegalArgumentException(position(sql, offset) + ": " + message);
    }

    /** {@code line L:C} of an offset, as Athena and Trino name positions. */
    public static String position(String sql, int offset)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset && i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                column = 1;
            }
            else {
                column++;
            }
        }
        return "line " + line + ":" + column;
    }
}
