package io.lakestack.services.athena;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultFilesTest
{
    @TempDir
    Path directory;

    @Test
    void writesAthenaCsvAndPagesItBackFromTheCache()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory)) {
            long size = publish(results, "q1.csv");
            assertThat(new String(store.objects.get("out/q1.csv"), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("""
                    "id","text"
                    "1","plain"
                    "2","with ""quotes"", a comma
                    and a newline"
                    "3",
                    "4",""
                    """);
            assertThat(size).isEqualTo(store.objects.get("out/q1.csv").length);

            ResultFiles.Page first = results.read("out", "q1.csv", size, true, Optional.empty(), 2);
            assertThat(first.rows()).containsExactly(List.of("id", "text"), List.of("1", "plain"));
            ResultFiles.Page second = results.read("out", "q1.csv", size, true, first.nextToken(), 2);
            assertThat(second.rows()).containsExactly(List.of("2", "with \"quotes\", a comma\nand a newline"), Arrays.asList("3", null));
            ResultFiles.Page last = results.read("out", "q1.csv", size, true, second.nextToken(), 2);
            assertThat(last.rows()).containsExactly(List.of("4", ""));
            assertThat(last.nextToken()).isEmpty();
            assertThat(store.reads).isEqualTo(0);
        }
    }

    @Test
    void tellsNullFromTheEmptyStringInAOneColumnResult()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory)) {
            long size;
            try (ResultFiles.CsvWriter writer = results.newWriter()) {
                writer.columns(List.of(new QueryEngine.Column("v", "varchar")));
                writer.row(Arrays.asList((String) null));
                writer.row(List.of(""));
                writer.row(List.of("a\r\nb"));
                writer.row(List.of("é,\""));
                size = results.publish(writer, "out", "q4.csv", "text/csv");
            }
            assertThat(new String(store.objects.get("out/q4.csv"), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("\"v\"\n\n\"\"\n\"a\r\nb\"\n\"é,\"\"\"\n");

            ResultFiles.Page page = results.read("out", "q4.csv", size, true, Optional.empty(), 10);

            assertThat(page.rows()).containsExactly(List.of("v"), Arrays.asList((String) null), List.of(""), List.of("a\r\nb"), List.of("é,\""));
            assertThat(page.nextToken()).isEmpty();
        }
    }

    @Test
    void readsFromTheStoreWhatTheCacheDoesNotHold()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory, 10)) {
            long size = publish(results, "q2.csv");
            ResultFiles.Page page = results.read("out", "q2.csv", size, true, Optional.empty(), 10);
            assertThat(page.rows()).hasSize(5);
            assertThat(page.nextToken()).isEmpty();
            assertThat(store.reads).isEqualTo(1);
        }
    }

    @Test
    void refusesForeignTokens()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory)) {
            long size = publish(results, "q3.csv");
            assertThatThrownBy(() -> results.read("out", "q3.csv", size, true, Optional.of("bm90LWEtdG9rZW4"), 10))
                    .isInstanceOf(ServiceException.class)
                    .hasMessage("The next token 'bm90LWEtdG9rZW4' is not one lakestack issued");
        }
    }

    @Test
    void writesInItsDirectoryOnlyAndLeavesNothingThereWhenClosed()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory)) {
            try (ResultFiles.CsvWriter writer = results.newWriter()) {
                writer.columns(List.of(new QueryEngine.Column("id", "integer")));
                assertThat(filesIn(directory)).singleElement().satisfies(file -> assertThat(file.getFileName().toString()).matches("result-\\d+\\.csv"));
                results.publish(writer, "out", "q5.csv", "text/csv");
            }
            assertThat(filesIn(directory)).as("the result in the cache").singleElement()
                    .satisfies(file -> assertThat(directory.relativize(file).getName(0).toString()).startsWith("results-"));
        }
        assertThat(filesIn(directory)).isEmpty();
    }

    private static List<Path> filesIn(Path directory)
            throws IOException
    {
        try (var paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    private static long publish(ResultFiles results, String key)
            throws IOException
    {
        try (ResultFiles.CsvWriter writer = results.newWriter()) {
            writer.columns(List.of(new QueryEngine.Column("id", "integer"), new QueryEngine.Column("text", "varchar")));
            writer.row(List.of("1", "plain"));
            writer.row(List.of("2", "with \"quotes\", a comma\nand a newline"));
            writer.row(Arrays.asList("3", null));
            writer.row(List.of("4", ""));
            return results.publish(writer, "out", key, "text/csv");
        }
    }

    @Test
    void pagesTheLinesOfATextResult()
            throws Exception
    {
        MemoryObjectStore store = new MemoryObjectStore();
        try (ResultFiles results = new ResultFiles(store, directory)) {
            long size;
            try (ResultFiles.CsvWriter writer = results.newWriter()) {
                writer.line("events\tfirst");
                writer.line("sales");
                size = results.publish(writer, "out", "q5.txt", "text/plain");
            }

            ResultFiles.Page first = results.read("out", "q5.txt", size, false, Optional.empty(), 1);
            assertThat(first.rows()).containsExactly(List.of("events\tfirst"));
            ResultFiles.Page last = results.read("out", "q5.txt", size, false, first.nextToken(), 1);
            assertThat(last.rows()).containsExactly(List.of("sales"));
            assertThat(last.nextToken()).isEmpty();
        }
    }

    @Test
    void readsEveryShapeOfAthenaCsvRecord()
    {
        assertThat(record("\"a\",,\"\",\"\"\"\",\"x\"\"\"\n")).containsExactly("a", null, "", "\"", "x\"");
        assertThat(record(",\n")).containsExactly(null, null);
        assertThat(record("\"1\",\"2\"")).containsExactly("1", "2");
        assertThat(record("\"ü, \"\"ñ\"\"\",plain\n")).containsExactly("ü, \"ñ\"", "plain");
    }

    @Test
    void writesRowsOfAPageAsAthenaAnswersThem()
            throws Exception
    {
        com.fasterxml.jackson.databind.node.ObjectNode resultSet = io.lakestack.endpoint.json.JsonProtocolService.JSON.createObjectNode();
        resultSet.putPOJO("Rows", ResultRows.of(List.of(List.of("id", "name"), Arrays.asList("1", null), List.of("2", "\"quoted\""))));

        assertThat(io.lakestack.endpoint.json.JsonProtocolService.JSON.writeValueAsString(resultSet)).isEqualTo("{\"Rows\":["
                + "{\"Data\":[{\"VarCharValue\":\"id\"},{\"VarCharValue\":\"name\"}]},"
                + "{\"Data\":[{\"VarCharValue\":\"1\"},{}]},"
                + "{\"Data\":[{\"VarCharValue\":\"2\"},{\"VarCharValue\":\"\\\"quoted\\\"\"}]}]}");
    }

    private static List<String> record(String text)
    {
        byte[] bytes = ("xx" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ResultFiles.csvRecord(bytes, 2, bytes.length - 2);
    }
}
