package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    private static JsonNode json(String text)
            throws Exception
    {
        return Json.parse(text);
    }
}
