package io.lakestack.services.athena.sql;

import io.lakestack.spi.sql.SqlTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTokensTest
{
    @Test
    void bindsPlaceholdersOutsideStringsNamesAndComments()
    {
        assertThat(SqlTokens.bind("SELECT '?' AS \"?\", ? -- ?\n, ? /* ? */", List.of("1", "'two'")))
                .isEqualTo("SELECT '?' AS \"?\", 1 -- ?\n, 'two' /* ? */");
        assertThatThrownBy(() -> SqlTokens.bind("SELECT ?", List.of()))
                .hasMessage("The query has 1 parameter placeholder(s) (?), but 0 ExecutionParameters were given");
    }

    @Test
    void stripsTerminatorsAndNamesPositions()
    {
        assertThat(SqlTokens.stripTerminator("  SELECT 1 ;; ")).isEqualTo("SELECT 1");
        assertThat(SqlTokens.position("SELECT\n  x", 9)).isEqualTo("line 2:3");
        assertThatThrownBy(() -> SqlTokens.tokenize("SELECT 'open")).hasMessageStartingWith("line 1:8:");
    }

    @Test
    void readsAthenasCommentsAndHiveQlEscapes()
    {
        assertThat(SqlTokens.tokenize("SELECT 'a\\tb' -- c\n, /* d */ \"e\\\"f\""))
                .extracting(SqlTokenizer.Token::text)
                .containsExactly("SELECT", "a\tb", ",", "e\"f");
        assertThatThrownBy(() -> SqlTokens.tokenize("SELECT 1\n/* open"))
                .hasMessage("line 2:1: unclosed /* comment");
    }
}
