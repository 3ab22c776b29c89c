package io.lakestack.spi.sql;

import io.lakestack.spi.sql.SqlTokenizer.Feature;
import io.lakestack.spi.sql.SqlTokenizer.Kind;
import io.lakestack.spi.sql.SqlTokenizer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTokenizerTest
{
    @Test
    void splitsWordsNumbersQuotesAndSymbolsWithTheirPositions()
    {
        assertThat(SqlTokenizer.of().tokenize("SELECT 'it''s', \"q\"\"x\", `b``c` FROM t1 WHERE x<=1.5e3 || $v_1 <> .5"))
                .containsExactly(
                        new Token(Kind.WORD, "SELECT", 0, 6, (char) 0),
                        new Token(Kind.STRING, "it's", 7, 14, '\''),
                        new Token(Kind.SYMBOL, ",", 14, 15, (char) 0),
                        new Token(Kind.STRING, "q\"x", 16, 22, '"'),
                        new Token(Kind.SYMBOL, ",", 22, 23, (char) 0),
                        new Token(Kind.QUOTED_NAME, "b`c", 24, 30, '`'),
                        new Token(Kind.WORD, "FROM", 31, 35, (char) 0),
                        new Token(Kind.WORD, "t1", 36, 38, (char) 0),
                        new Token(Kind.WORD, "WHERE", 39, 44, (char) 0),
                        new Token(Kind.WORD, "x", 45, 46, (char) 0),
                        new Token(Kind.SYMBOL, "<=", 46, 48, (char) 0),
                        new Token(Kind.NUMBER, "1.5e3", 48, 53, (char) 0),
                        new Token(Kind.SYMBOL, "||", 54, 56, (char) 0),
                        new Token(Kind.WORD, "$v_1", 57, 61, (char) 0),
                        new Token(Kind.SYMBOL, "<>", 62, 64, (char) 0),
                        new Token(Kind.NUMBER, ".5", 65, 67, (char) 0));
    }

    @Test
    void skipsCommentsOnlyWhenTheDialectHasThem()
    {
        assertThat(texts(SqlTokenizer.of(Feature.COMMENTS).tokenize("a -- b ?\n c /* d\n ? */ e-f"))).containsExactly("a", "c", "e", "-", "f");
        assertThat(texts(SqlTokenizer.of().tokenize("a -- b /* c */"))).containsExactly("a", "-", "-", "b", "/", "*", "c", "*", "/");
    }

    @Test
    void resolvesBackslashEscapesOnlyWhenTheDialectHasThem()
    {
        String text = "'a\\tb\\'c' \"d\\ne\" `f\\g`";

        assertThat(texts(SqlTokenizer.of(Feature.BACKSLASH_ESCAPES).tokenize(text))).containsExactly("a\tb'c", "d\ne", "f\\g");
        assertThat(texts(SqlTokenizer.of().tokenize("'a\\tb' `f\\g`"))).containsExactly("a\\tb", "f\\g");
    }

    @Test
    void delimitsWordsByOperatorsOnlyWhenTheDialectDoes()
    {
        assertThat(SqlTokenizer.of(Feature.OPERATOR_DELIMITED_WORDS).tokenize("event-date>=-5 AND x.y<>'a'OR(1col,+.5,-,\"n m\")"))
                .containsExactly(
                        new Token(Kind.WORD, "event-date", 0, 10, (char) 0),
                        new Token(Kind.SYMBOL, ">=", 10, 12, (char) 0),
                        new Token(Kind.NUMBER, "-5", 12, 14, (char) 0),
                        new Token(Kind.WORD, "AND", 15, 18, (char) 0),
                        new Token(Kind.WORD, "x.y", 19, 22, (char) 0),
                        new Token(Kind.SYMBOL, "<>", 22, 24, (char) 0),
                        new Token(Kind.STRING, "a", 24, 27, '\''),
                        new Token(Kind.WORD, "OR", 27, 29, (char) 0),
                        new Token(Kind.SYMBOL, "(", 29, 30, (char) 0),
                        new Token(Kind.NUMBER, "1col", 30, 34, (char) 0),
                        new Token(Kind.SYMBOL, ",", 34, 35, (char) 0),
                        new Token(Kind.NUMBER, "+.5", 35, 38, (char) 0),
                        new Token(Kind.SYMBOL, ",", 38, 39, (char) 0),
                        new Token(Kind.WORD, "-", 39, 40, (char) 0),
                        new Token(Kind.SYMBOL, ",", 40, 41, (char) 0),
                        new Token(Kind.STRING, "n m", 41, 46, '"'),
                        new Token(Kind.SYMBOL, ")", 46, 47, (char) 0));
        assertThat(texts(SqlTokenizer.of().tokenize("event-date>=-5"))).containsExactly("event", "-", "date", ">=", "-", "5");
    }

    @Test
    void tellsKeywordsFromNames()
    {
        List<Token> tokens = SqlTokenizer.of().tokenize("select `select` \"select\" 'select'");

        assertThat(tokens).extracting(token -> token.is("SELECT")).containsExactly(true, false, false, false);
        assertThat(tokens).extracting(Token::isName).containsExactly(true, true, true, false);
        assertThat(tokens.get(0).upper()).isEqualTo("SELECT");
        assertThat(tokens.get(0).isSymbol("select")).isFalse();
    }

    @Test
    void reportsWhereAnUnclosedQuoteOrCommentOpens()
    {
        assertThatThrownBy(() -> SqlTokenizer.of().tokenize("a = 'it''s"))
                .isInstanceOfSatisfying(SqlTokenizer.UnclosedException.class, e -> {
                    assertThat(e.offset()).isEqualTo(4);
                    assertThat(e.opening()).isEqualTo("'");
                })
                .hasMessage("unclosed ' quote");
        assertThatThrownBy(() -> SqlTokenizer.of().tokenize("`a"))
                .isInstanceOfSatisfying(SqlTokenizer.UnclosedException.class, e -> assertThat(e.opening()).isEqualTo("`"))
                .hasMessage("unclosed ` quote");
        assertThatThrownBy(() -> SqlTokenizer.of(Feature.COMMENTS).tokenize("a\n/* b"))
                .isInstanceOfSatisfying(SqlTokenizer.UnclosedException.class, e -> assertThat(e.offset()).isEqualTo(2))
                .hasMessage("unclosed /* comment");
        assertThatThrownBy(() -> SqlTokenizer.of(Feature.BACKSLASH_ESCAPES).tokenize("'a\\'"))
                .hasMessage("unclosed ' quote");
    }

    private static List<String> texts(List<Token> tokens)
    {
        return tokens.stream().map(Token::text).toList();
    }
}
