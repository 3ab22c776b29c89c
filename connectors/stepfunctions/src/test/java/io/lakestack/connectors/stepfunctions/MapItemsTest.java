package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapItemsTest
{
    @Test
    void csvWithItsFirstRowAsHeaderGivesObjectsOfStrings()
            throws Exception
    {
        assertThat(MapItems.csv("id,name,note\r\n1,ann,\"says \"\"hi\"\", twice\"\n2,bob,\"two\nlines\"\n", Optional.empty(), ',', "s3://b/k"))
                .containsExactly(json("{\"id\": \"1\", \"name\": \"ann\", \"note\": \"says \\\"hi\\\", twice\"}"),
                        json("{\"id\": \"2\", \"name\": \"bob\", \"note\": \"two\\nlines\"}"));
    }

    @Test
    void csvWithGivenHeadersReadsEveryRow()
            throws Exception
    {
        assertThat(MapItems.csv("1,ann\n2,\n", Optional.of(List.of("id", "name")), ',', "s3://b/k"))
                .containsExactly(json("{\"id\": \"1\", \"name\": \"ann\"}"), json("{\"id\": \"2\", \"name\": \"\"}"));
        assertThat(MapItems.csv("", Optional.empty(), ',', "s3://b/k")).isEmpty();
    }

    @Test
    void csvWithAnotherDelimiterSplitsOnItAndKeepsCommas()
            throws Exception
    {
        assertThat(MapItems.CSV_DELIMITERS).containsExactly(Map.entry("COMMA", ','), Map.entry("PIPE", '|'), Map.entry("SEMICOLON", ';'),
                Map.entry("SPACE", ' '), Map.entry("TAB", '\t'));
        assertThat(MapItems.csv("id;note\n1;a,b\n2;\"x;y\"\n", Optional.empty(), ';', "s3://b/k"))
                .containsExactly(json("{\"id\": \"1\", \"note\": \"a,b\"}"), json("{\"id\": \"2\", \"note\": \"x;y\"}"));
        assertThat(MapItems.csv("1\t2 3\n", Optional.of(List.of("a", "b")), '\t', "s3://b/k"))
                .containsExactly(json("{\"a\": \"1\", \"b\": \"2 3\"}"));
    }

    @Test
    void csvRowOfAnotherWidthFailsTheReader()
    {
        assertThatThrownBy(() -> MapItems.csv("a,b\n1,2,3\n", Optional.empty(), ',', "s3://b/k"))
                .isInstanceOfSatisfying(StatesFailure.class, failure -> assertThat(failure.error()).isEqualTo("States.ItemReaderFailed"))
                .hasMessageContaining("Row 2 of the CSV object s3://b/k has 3 fields, the header 2");
    }

    @Test
    void jsonArrayAndJsonLines()
            throws Exception
    {
        assertThat(MapItems.json("[1, {\"a\": 2}, \"x\"]", "s3://b/k")).containsExactly(json("1"), json("{\"a\": 2}"), json("\"x\""));
        assertThat(MapItems.jsonLines("{\"a\": 1}\n\n[2]\n", "s3://b/k")).containsExactly(json("{\"a\": 1}"), json("[2]"));
        assertThatThrownBy(() -> MapItems.json("{\"a\": 1}", "s3://b/k"))
                .hasMessage("States.ItemReaderFailed: The object s3://b/k does not hold a JSON array (InputType JSON reads an array of items)");
    }

    @Test
    void batchesByCountWithTheirBatchInput()
            throws Exception
    {
        List<JsonNode> items = List.of(json("1"), json("2"), json("3"), json("4"), json("5"));
        assertThat(MapItems.batches(items, 2, 0, Optional.of(json("{\"run\": \"r\"}")))).containsExactly(
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [1, 2]}"),
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [3, 4]}"),
                json("{\"BatchInput\": {\"run\": \"r\"}, \"Items\": [5]}"));
    }

    @Test
    void batchesByBytes()
            throws Exception
    {
        // {"Items":["aaaa","bbbb"]} is 25 bytes; a third item would make it 32
        List<JsonNode> items = List.of(json("\"aaaa\""), json("\"bbbb\""), json("\"cccc\""));
        assertThat(MapItems.batches(items, 0, 25, Optional.empty()))
                .containsExactly(json("{\"Items\": [\"aaaa\", \"bbbb\"]}"), json("{\"Items\": [\"cccc\"]}"));
        assertThat(MapItems.batches(items, 0, 24, Optional.empty()))
                .containsExactly(json("{\"Items\": [\"aaaa\"]}"), json("{\"Items\": [\"bbbb\"]}"), json("{\"Items\": [\"cccc\"]}"));
        assertThatThrownBy(() -> MapItems.batches(items, 0, 10, Optional.empty()))
                .hasMessage("States.ItemReaderFailed: An item of 6 bytes does not fit in a batch of MaxInputBytesPerBatch 10: \"aaaa\"");
    }

    private static byte[] gzip(String text)
            throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void textIsUtf8DecompressedWhenItIsGzip()
            throws Exception
    {
        assertThat(MapItems.text("ünï\n".getBytes(StandardCharsets.UTF_8), "s3://b/k")).isEqualTo("ünï\n");
        assertThat(MapItems.text(gzip("{\"a\": \"é\"}\n"), "s3://b/k.gz")).isEqualTo("{\"a\": \"é\"}\n");
        // a gzip stream of two members (files concatenated) is read whole
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        members.write(gzip("1\n"));
        members.write(gzip("2\n"));
        assertThat(MapItems.text(members.toByteArray(), "s3://b/k.gz")).isEqualTo("1\n2\n");
        assertThat(MapItems.text(new byte[0], "s3://b/k")).isEmpty();
        assertThat(MapItems.text(new byte[] {0x1f}, "s3://b/k")).isEqualTo("\u001f");
        assertThatThrownBy(() -> MapItems.text(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, "s3://b/k.gz"))
                .isInstanceOfSatisfying(StatesFailure.class, failure -> assertThat(failure.error()).isEqualTo("States.ItemReaderFailed"))
                .hasMessageStartingWith("States.ItemReaderFailed: The object s3://b/k.gz begins as gzip but cannot be decompressed: ");
    }

    @Test
    void anAthenaDataManifestListsOneS3UriALine()
    {
        assertThat(MapItems.athenaManifest("s3://unload/q/1.gz\r\n\n  \ns3://other/a/b/c d\n", "s3://r/m.csv")).containsExactly(
                new MapItems.S3Location("unload", "q/1.gz"), new MapItems.S3Location("other", "a/b/c d"));
        assertThat(MapItems.athenaManifest("", "s3://r/m.csv")).isEmpty();
        assertThat(new MapItems.S3Location("b", "k/1").toString()).isEqualTo("s3://b/k/1");
        for (String line : List.of("unload/q/1", "s3://bucket", "s3://bucket/", "s3:///key", "S3://b/k")) {
            assertThatThrownBy(() -> MapItems.athenaManifest("s3://b/k\n" + line + "\n", "s3://r/m.csv")).as(line)
                    .isInstanceOfSatisfying(StatesFailure.class, failure -> assertThat(failure.error()).isEqualTo("States.ItemReaderFailed"))
                    .hasMessage("States.ItemReaderFailed: Line 2 of the Athena data manifest s3://r/m.csv is not an S3 URI (s3://bucket/key): " + line);
        }
    }

    @Test
    void anS3InventoryManifestNamesItsBucketFilesAndColumns()
    {
        assertThat(MapItems.inventoryManifest("""
                {"sourceBucket": "src", "destinationBucket": "arn:aws:s3:::dest", "version": "2016-11-30", "fileFormat": "CSV",
                 "fileSchema": "Bucket, Key,Size ,  ETag", "files": [{"key": "inv/1.csv.gz", "size": 3, "MD5checksum": "x"}, {"key": "inv/2.csv.gz"}]}
                """, "s3://dest/manifest.json")).isEqualTo(new MapItems.Inventory("dest", List.of("inv/1.csv.gz", "inv/2.csv.gz"),
                List.of("Bucket", "Key", "Size", "ETag")));
        assertThat(MapItems.inventoryManifest("{\"destinationBucket\": \"arn:aws-cn:s3:::d\", \"fileFormat\": \"CSV\", \"fileSchema\": \"Key\", \"files\": []}",
                "s3://d/m")).isEqualTo(new MapItems.Inventory("d", List.of(), List.of("Key")));
        assertThatThrownBy(() -> MapItems.inventoryManifest("{\"destinationBucket\": \"arn:aws:s3:::d\", \"fileFormat\": \"Parquet\", \"fileSchema\": \"Key\", "
                + "\"files\": []}", "s3://d/m")).hasMessage("States.ItemReaderFailed: lakestack reads CSV inventories only, and the S3 Inventory manifest "
                + "s3://d/m has the fileFormat 'Parquet'");
        assertThatThrownBy(() -> MapItems.inventoryManifest("{\"destinationBucket\": \"d\", \"fileFormat\": \"CSV\", \"fileSchema\": \"Key\", \"files\": []}",
                "s3://d/m")).hasMessage("States.ItemReaderFailed: The S3 Inventory manifest s3://d/m has no destinationBucket ARN (arn:aws:s3:::bucket): 'd'");
        assertThatThrownBy(() -> MapItems.inventoryManifest("{\"destinationBucket\": \"arn:aws:s3:::d\", \"fileFormat\": \"CSV\", \"fileSchema\": \"Key,\", "
                + "\"files\": []}", "s3://d/m")).hasMessage("States.ItemReaderFailed: The S3 Inventory manifest s3://d/m has no fileSchema of column names: 'Key,'");
        assertThatThrownBy(() -> MapItems.inventoryManifest("{\"destinationBucket\": \"arn:aws:s3:::d\", \"fileFormat\": \"CSV\", \"fileSchema\": \"Key\", "
                + "\"files\": [{\"size\": 1}]}", "s3://d/m")).hasMessage("States.ItemReaderFailed: A file of the S3 Inventory manifest s3://d/m has no key: {\"size\":1}");
        assertThatThrownBy(() -> MapItems.inventoryManifest("[]", "s3://d/m"))
                .hasMessage("States.ItemReaderFailed: The S3 Inventory manifest s3://d/m is not a JSON object");
    }

    private static JsonNode json(String text)
            throws Exception
    {
        return Json.parse(text);
    }
}
