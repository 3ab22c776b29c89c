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
