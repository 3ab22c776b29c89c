package io.lakestack.spi.glue;

import org.junit.jupiter.api.Test;

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

    private static List<List<String>> matching(String expression)
    {
        Predicate<List<String>> filter = PartitionFilter.parse(expression, KEYS);
        return PARTITIONS.stream().filter(filter).toList();
    }
}
