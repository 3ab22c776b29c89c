package io.lakestack.services.glue.crawler;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSchemaReaderTest
{
    @Test
    void infersJsonLinesWithNestingAndWidening()
            throws Exception
    {
        FileSchemaReader.FileSchema schema = read("""
                {"id":1,"name":"ada","score":9,"tags":["a"],"address":{"city":"London","zip":"N1"},"active":true}
                {"id":3000000000,"name":"grace","score":8.5,"tags":[],"address":{"city":"NYC","floor":3},"extra":null}
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(schema.format()).isEqualTo(FileSchemaReader.Format.JSON);
        assertThat(schema.gzip()).isFalse();
        assertThat(hive(schema)).containsExactly(
                Map.entry("id", "bigint"),
                Map.entry("name", "string"),
                Map.entry("score", "double"),
                Map.entry("tags", "array<string>"),
                Map.entry("address", "struct<city:string,zip:string,floor:int>"),
                Map.entry("active", "boolean"),
                Map.entry("extra", "string"));
    }

    @Test
    void infersCsvWithHeaderAndTsvWithout()
            throws Exception
    {
        FileSchemaReader.FileSchema csv = read("date,salesperson,segment,revenue\n2026-01-01,ada,smb,100.5\n2026-01-02,alan,enterprise,2000\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(csv.format()).isEqualTo(FileSchemaReader.Format.CSV);
        assertThat(csv.csv()).isEqualTo(new FileSchemaReader.CsvLayout(',', true, false));
        assertThat(hive(csv)).containsExactly(Map.entry("date", "string"), Map.entry("salesperson", "string"), Map.entry("segment", "string"),
                Map.entry("revenue", "double"));

        FileSchemaReader.FileSchema tsv = read("1\tada\ttrue\n2\tgrace\tfalse\n".getBytes(StandardCharsets.UTF_8));
        assertThat(tsv.csv()).isEqualTo(new FileSchemaReader.CsvLayout('\t', false, false));
        assertThat(hive(tsv)).containsExactly(Map.entry("col0", "bigint"), Map.entry("col1", "string"), Map.entry("col2", "boolean"));
    }

    @Test
    void readsQuotedValuesWithDelimitersLineBreaksAndDoubledQuotes()
            throws Exception
    {
        FileSchemaReader.FileSchema csv = read("""
                "id","comment","score"
                1,"two lines,
                and a comma",9.5
                2,"she said ""hi""; then left",7

                3,"",8
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(csv.format()).isEqualTo(FileSchemaReader.Format.CSV);
        assertThat(csv.csv()).isEqualTo(new FileSchemaReader.CsvLayout(',', true, true));
        assertThat(hive(csv)).containsExactly(Map.entry("id", "string"), Map.entry("comment", "string"), Map.entry("score", "string"));

        FileSchemaReader.FileSchema tsv = read("a\t\"tab\there\"\tc\nd\t\"line\nbreak \"\"quoted\"\"\"\tf\n".getBytes(StandardCharsets.UTF_8));
        assertThat(tsv.csv()).isEqualTo(new FileSchemaReader.CsvLayout('\t', false, true));
        assertThat(hive(tsv)).containsExactly(Map.entry("col0", "string"), Map.entry("col1", "string"), Map.entry("col2", "string"));
    }

    @Test
    void leavesOutTheRecordASampleCutsInsideItsQuotes()
            throws Exception
    {
        StringBuilder text = new StringBuilder("id;note\n");
        for (int id = 0; text.length() <= FileSchemaReader.TEXT_SAMPLE_BYTES; id++) {
            text.append(id).append(";\"").append("x".repeat(2000)).append("\n").append("y".repeat(2000)).append("\"\n");
        }
        String sample = text.substring(0, FileSchemaReader.TEXT_SAMPLE_BYTES);
        assertThat(sample.chars().filter(c -> c == '"').count() % 2).as("the sample ends inside a quoted value").isEqualTo(1);

        FileSchemaReader.FileSchema schema = read(text.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(schema.csv()).isEqualTo(new FileSchemaReader.CsvLayout(';', true, true));
        assertThat(hive(schema)).containsExactly(Map.entry("id", "string"), Map.entry("note", "string"));
    }

    @Test
    void refusesADelimiterUnderWhichAQuoteDoesNotClose()
    {
        assertThatThrownBy(() -> read("a,b\n\"open,c\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileSchemaReader.Unreadable.class)
                .hasMessage("not Parquet, ORC, JSON or delimited text (no delimiter among , TAB | ; splits every line into the same number of columns)");
    }

    @Test
    void readsGzipCompressedText()
            throws Exception
    {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write("{\"a\":1}\n{\"a\":2,\"b\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        FileSchemaReader.FileSchema schema = read(compressed.toByteArray());

        assertThat(schema.gzip()).isTrue();
        assertThat(hive(schema)).containsExactly(Map.entry("a", "int"), Map.entry("b", "string"));
    }

    @Test
    void reportsWhatItCannotRead()
    {
        assertThatThrownBy(() -> read(new byte[] {1, 2, 3, 0, (byte) 0xff, 9}))
                .isInstanceOf(FileSchemaReader.Unreadable.class)
                .hasMessage("binary data that is not Parquet, ORC or gzip (byte 0x01 at offset 0)");
        assertThatThrownBy(() -> read("PAR1 this is not really parquet".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileSchemaReader.Unreadable.class)
                .hasMessage("corrupt Parquet file: it does not end with PAR1");
        assertThatThrownBy(() -> read("just one sentence of prose\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileSchemaReader.Unreadable.class)
                .hasMessageStartingWith("not Parquet, ORC, JSON or delimited text");
        assertThatThrownBy(() -> read("{\"a\":1}\n{\"b\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileSchemaReader.Unreadable.class)
                .hasMessageStartingWith("not valid JSON: ");
    }

    private static FileSchemaReader.FileSchema read(byte[] bytes)
            throws FileSchemaReader.Unreadable, IOException
    {
        return FileSchemaReader.read(new FileSchemaReader.Source()
        {
            @Override
            public long size()
            {
                return bytes.length;
            }

            @Override
            public byte[] read(long offset, int length)
            {
                return java.util.Arrays.copyOfRange(bytes, (int) offset, (int) Math.min(bytes.length, offset + length));
            }
        });
    }

    private static Map<String, String> hive(FileSchemaReader.FileSchema schema)
    {
        Map<String, String> columns = new LinkedHashMap<>();
        schema.columns().forEach((name, type) -> columns.put(name, type.hive()));
        return columns;
    }
}
