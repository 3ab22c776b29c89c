package io.lakestack.services.athena.sql;

import io.lakestack.spi.sql.SqlTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Athena's SQL for prepared statements: {@code PREPARE name FROM statement}, {@code EXECUTE name [USING value, ...]}
 * and {@code DEALLOCATE PREPARE name}.
 */
public sealed interface PreparedCommand
{
    String name();

    record Prepare(String name, String statement)
            implements PreparedCommand
    {
    }

    /** @param using the SQL text of each {@code USING} value, empty when there is no {@code USING} */
    record Execute(String name, List<String> using)
            implements PreparedCommand
    {
        public Execute
        {
            using = List.copyOf(using);
        }
    }

    record Deallocate(String name)
            implements PreparedCommand
    {
    }

    /**
     * The command, or empty when the statement is not one of the three.
     *
     * @throws IllegalArgumentException when it is one but malformed, with the position
     */
    static Optional<PreparedCommand> parse(String query)
    {
        String sql = SqlTokens.stripTerminator(query);
        List<SqlTokenizer.Token> tokens = SqlTokens.tokenize(sql);
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        SqlTokenizer.Token first = tokens.get(0);
        if (first.is("PREPARE")) {
            if (tokens.size() < 4 || !tokens.get(1).isName() || !tokens.get(2).is("FROM")) {
                throw SqlTokens.error(sql, tokens.size() > 1 ? tokens.get(1).start() : sql.length(), "PREPARE <name> FROM <statement> expected");
            }
            return Optional.of(new Prepare(tokens.get(1).text(), sql.substring(tokens.get(3).start())));
        }
        if (first.is("DEALLOCATE")) {
            if (tokens.size() != 3 || !tokens.get(1).is("PREPARE") || !tokens.get(2).isName()) {
                throw SqlTokens.error(sql, tokens.size() > 1 ? tokens.get(1).start() : sql.length(), "DEALLOCATE PREPARE <name> expected");
            }
            return Optional.of(new Deallocate(tokens.get(2).text()));
        }
        if (first.is("EXECUTE")) {
            if (tokens.size() < 2 || !tokens.get(1).isName()) {
                throw SqlTokens.error(sql, sql.length(), "EXECUTE <name> [USING value, ...] expected");
            }
            if (tokens.size() == 2) {
                return Optional.of(new Execute(tokens.get(1).text(), List.of()));
            }
            if (!tokens.get(2).is("USING") || tokens.size() == 3) {
                throw SqlTokens.error(sql, tokens.get(2).start(), "USING value, ... expected after EXECUTE " + tokens.get(1).text());
            }
            List<String> values = new ArrayList<>();
            int depth = 0;
            int start = 3;
            for (int i = 3; i <= tokens.size(); i++) {
                boolean end = i == tokens.size();
                if (!end) {
                    SqlTokenizer.Token token = tokens.get(i);
                    if (token.isSymbol("(") || token.isSymbol("[")) {
                        depth++;
                    }
                    else if (token.isSymbol(")") || token.isSymbol("]")) {
                        depth--;
                    }
                }
                if (end || (depth == 0 && tokens.get(i).isSymbol(","))) {
                    if (i == start) {
                        throw SqlTokens.error(sql, end ? sql.length() : tokens.get(i).start(), "a value is missing in USING");
                    }
                    values.add(sql.substring(tokens.get(start).start(), tokens.get(i - 1).end()));
                    start = i + 1;
                }
            }
            return Optional.of(new Execute(tokens.get(1).text(), values));
        }
        return Optional.empty();
    }
}
