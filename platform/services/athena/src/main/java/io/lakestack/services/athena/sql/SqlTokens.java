package io.lakestack.services.athena.sql;

import io.lakestack.spi.sql.SqlTokenizer;

import java.util.List;

/**
 * The tokens of an Athena statement, with their positions in the text, comments dropped: {@link SqlTokenizer} with
 * comments and HiveQL's backslash escapes. Strings may be quoted with {@code '} (SQL) or {@code "} (HiveQL DDL); names
 * with backticks or, in DML, double quotes.
 */
public final class SqlTokens
{
    private static final SqlTokenizer ATHENA = SqlTokenizer.of(SqlTokenizer.Feature.COMMENTS, SqlTokenizer.Feature.BACKSLASH_ESCAPES);

    private SqlTokens() {}

    /**
     * @throws IllegalArgumentException for an unclosed quote or comment, naming the line and column
     */
    public static List<SqlTokenizer.Token> tokenize(String sql)
    {
        try {
            return ATHENA.tokenize(sql);
        }
        catch (SqlTokenizer.UnclosedException e) {
            throw error(sql, e.offset(), e.getMessage());
        }
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
        List<SqlTokenizer.Token> placeholders = tokenize(sql).stream().filter(token -> token.isSymbol("?")).toList();
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
