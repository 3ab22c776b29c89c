package io.lakestack.spi.glue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionFilterTest
{
    private static final List<Column> KEYS = List.of(Column.of("dt", "date"), Column.of("region", "string"), Column.of("hour", "int"));
    private static final List<List<String>> PARTITIONS = List.of(
            List.of("2026-11-19", "eu", "9"),
            List.of("2026-11-20", "eu", "10"),
            List.of("2026-11-20", "us", "2"),
            List.of("2026-11-21", "ap", "23"));

    @Test
    void comparesByTheKeysTypes()
    {
        assertThat(matching("hour > 9")).containsExactly(PARTITIONS.get(1), PARTITIONS.get(3));
        assertThat(matching("dt = '2026-11-20'")).containsExactly(PARTITIONS.get(1), PARTITIONS.get(2));
        assertThat(matching("dt >= '2026-11-20' AND region <> 'us'")).containsExactly(PARTITIONS.get(1), PARTITIONS.get(3));
        assertThat(matching("dt BETWEEN '2026-11-19' AND '2026-11-20' AND hour < 10")).containsExactly(PARTITIONS.get(0), PARTITIONS.get(2));
        assertThat(matching("region IN ('eu', 'ap') OR hour = 2")).containsExactly(PARTITIONS.get(0), PARTITIONS.get(1), PARTITIONS.get(2), PARTITIONS.get(3));
        assertThat(matching("region NOT IN ('eu')")).containsExactly(PARTITIONS.get(2), PARTITIONS.get(3));
        assertThat(matching("NOT (region = 'eu') AND `dt` LIKE '2026-11-2%'")).containsExactly(PARTITIONS.get(2), PARTITIONS.get(3));
        assertThat(matching("10 <= hour")).containsExactly(PARTITIONS.get(1), PARTITIONS.get(3));
    }

    @Test
    void readsUnquotedNamesWithHyphensSignedNumbersAndQuotedNames()
    {
        List<Column> keys = List.of(Column.of("event-date", "date"), Column.of("delta", "int"));
        List<List<String>> partitions = List.of(List.of("2026-11-20", "-3"), List.of("2026-11-21", "4"));

        assertThat(partitions.stream().filter(PartitionFilter.parse("event-date = '2026-11-21'", keys))).containsExactly(partitions.get(1));
        assertThat(partitions.stream().filter(PartitionFilter.parse("delta > -5 AND delta < +0", keys))).containsExactly(partitions.get(0));
        assertThat(partitions.stream().filter(PartitionFilter.parse("-3=delta", keys))).containsExactly(partitions.get(0));
        assertThat(partitions.stream().filter(PartitionFilter.parse("`event-date` >= '2026-11-20' AND \"delta\" IN (4, -3)", keys)))
                .containsExactly(partitions.get(0), partitions.get(1));
        assertThat(partitions.stream().filter(PartitionFilter.parse("`event-date` LIKE 'it''s%' OR delta = 4", keys))).containsExactly(partitions.get(1));
    }

    @Test
    void refusesMalformedExpressions()
    {
        assertThatThrownBy(() -> PartitionFilter.parse("year = '2026'", KEYS))
                .hasMessage("invalid partition filter expression 'year = '2026'': 'year' is not a partition key (partition keys: dt, region, hour)");
        assertThatThrownBy(() -> PartitionFilter.parse("dt = ", KEYS))
                .hasMessage("invalid partition filter expression 'dt = ': the expression ends too early");
        assertThatThrownBy(() -> PartitionFilter.parse("dt = '2026' region = 'eu'", KEYS))
                .hasMessage("invalid partition filter expression 'dt = '2026' region = 'eu'': unexpected 'region'");
        assertThatThrownBy(() -> PartitionFilter.parse("dt = 'open", KEYS))
                .hasMessage("unclosed string literal in expression: dt = 'open");
        assertThatThrownBy(() -> PartitionFilter.parse("`dt = '2026-11-20'", KEYS))
                .hasMessage("unclosed quoted name in expression: `dt = '2026-11-20'");
        assertThatThrownBy(() -> PartitionFilter.parse("hour = 1 -- a comment", KEYS))
                .hasMessage("invalid partition filter expression 'hour = 1 -- a comment': unexpected '--'");
        assertThatThrownBy(() -> PartitionFilter.parse("hour '=' 1", KEYS))
                .hasMessage("invalid partition filter expression 'hour '=' 1': unknown operator '='");
        assertThatThrownBy(() -> PartitionFilter.parse("region = \"eu\"", KEYS))
                .hasMessage("invalid partition filter expression 'region = \"eu\"': a quoted string or a number expected, found 'eu'");
    }

    @Test
    void nestsParenthesesAndNotAtMostTwoHundredLevels()
    {
        assertThat(PartitionFilter.MAX_NESTING_DEPTH).isEqualTo(200);
        assertThat(matching("(".repeat(100) + "NOT ".repeat(99) + "region = 'eu'" + ")".repeat(100))).containsExactly(PARTITIONS.get(2), PARTITIONS.get(3));
        assertThat(matching("NOT ".repeat(200) + "region = 'eu'")).containsExactly(PARTITIONS.get(0), PARTITIONS.get(1));

        String tooDeep = "(".repeat(100) + "NOT ".repeat(101) + "region = 'eu'" + ")".repeat(100);
        assertThatThrownBy(() -> PartitionFilter.parse(tooDeep, KEYS))
                .hasMessage("invalid partition filter expression '" + "(".repeat(100) + "... (" + tooDeep.length() + " characters)': "
                        + "parentheses and NOT nest more than 200 levels deep; lakestack accepts at most 200 levels");
    }

    @Test
    void refusesTwentyThousandParenthesesAndFiftyThousandNotsWithTheLimitNotAStackOverflow()
    {
        String parentheses = "(".repeat(20_000) + "hour = 1" + ")".repeat(20_000);
        assertThatThrownBy(() -> PartitionFilter.parse(parentheses, KEYS))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid partition filter expression '" + "(".repeat(100) + "... (40008 characters)': "
                        + "parentheses and NOT nest more than 200 levels deep; lakestack accepts at most 200 levels");

        String nots = "NOT ".repeat(50_000) + "hour = 1";
        assertThatThrownBy(() -> PartitionFilter.parse(nots, KEYS))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid partition filter expression '" + "NOT ".repeat(25) + "... (200008 characters)': "
                        + "parentheses and NOT nest more than 200 levels deep; lakestack accepts at most 200 levels");
    }

    @Test
    void testsLongOrAndAndChainsTermAfterTerm()
    {
        List<String> hours = new ArrayList<>();
        for (int hour = 100; hour < 20_100; hour++) {
            hours.add("hour = " + hour);
        }
        assertThat(matching(String.join(" OR ", hours) + " OR hour = 23")).containsExactly(PARTITIONS.get(3));
        assertThat(matching(String.join(" OR ", hours))).isEmpty();
        assertThat(matching("hour < 1000 AND ".repeat(20_000) + "region = 'ap'")).containsExactly(PARTITIONS.get(3));
    }

    @Test
    void matchesLikeWithoutBacktrackingExponentially()
    {
        List<Column> keys = List.of(Column.of("name", "string"));
        String value = "a".repeat(10_000);
        // a regular expression .*a.*a...b backtracks for minutes on this; the wildcard matcher takes about 10^4 x 40 steps
        assertThat(PartitionFilter.parse("name LIKE '" + "%a".repeat(20) + "%b'", keys).test(List.of(value))).isFalse();
        assertThat(PartitionFilter.parse("name LIKE '" + "%a".repeat(20) + "%'", keys).test(List.of(value))).isTrue();

        assertThat(like("2026-11-20", "2026-11-2_")).isTrue();
        assertThat(like("2026-11-20", "2026%")).isTrue();
        assertThat(like("2026-11-20", "%11%")).isTrue();
        assertThat(like("2026-11-20", "%-%-%")).isTrue();
        assertThat(like("2026-11-20", "_026-11-20")).isTrue();
        assertThat(like("2026-11-20", "2026-11-2")).isFalse();
        assertThat(like("2026-11-20", "2026-11-20_")).isFalse();
        assertThat(like("2026-11-20", "%12%")).isFalse();
        assertThat(like("", "%")).isTrue();
        assertThat(like("", "_")).isFalse();
        assertThat(like("abcabd", "%abd")).isTrue();
        assertThat(like("aab", "%ab")).isTrue();
        assertThat(like("a.c", "a.c")).isTrue();
        assertThat(like("abc", "a.c")).isFalse();
        assertThat(like("x\uD83D\uDE00y", "x_y")).isTrue();
    }

    private static boolean like(String value, String pattern)
    {
        return PartitionFilter.parse("name LIKE '" + pattern + "'", List.of(Column.of("name", "string"))).test(List.of(value));
    }

    private static List<List<String>> matching(String expression)
    {
        Predicate<List<String>> filter = PartitionFilter.parse(expression, KEYS);
        return PARTITIONS.stream().filter(filter).toList();
    }
}
