package io.lakestack.services.glue.crawler;

import io.lakestack.spi.glue.Column;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CrawlRunTest
{
    @Test
    void aStructColumnGainsTheFieldsOfNewFilesAndWidensThemOneByOne()
    {
        List<Column> merged = CrawlRun.mergeColumns(
                List.of(Column.of("id", "int"), Column.of("attributes", "struct<lang:string,score:int>"), Column.of("tags", "array<struct<k:string>>")),
                List.of(Column.of("id", "bigint"), Column.of("attributes", "struct<lang:string,score:double,tier:string>"),
                        Column.of("tags", "array<struct<k:string,v:int>>"), Column.of("channel", "string")));

        assertThat(merged).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id", "bigint"),
                org.assertj.core.groups.Tuple.tuple("attributes", "struct<lang:string,score:double,tier:string>"),
                org.assertj.core.groups.Tuple.tuple("tags", "array<struct<k:string,v:int>>"),
                org.assertj.core.groups.Tuple.tuple("channel", "string"));
    }

    @Test
    void typesThatDoNotMeetBecomeStringAsBefore()
    {
        assertThat(CrawlRun.mergeColumns(List.of(Column.of("a", "struct<x:int>"), Column.of("b", "decimal(10,2)")),
                List.of(Column.of("a", "int"), Column.of("b", "decimal(10,2)"))))
                .extracting(Column::type).containsExactly("string", "decimal(10,2)");
    }
}
