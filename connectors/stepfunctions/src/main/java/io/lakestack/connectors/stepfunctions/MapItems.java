package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The items of a distributed Map's {@code ItemReader} and their batches ({@code ItemBatcher}), as AWS makes them: a JSON
 * object holding an array gives its elements; a CSV object gives one JSON object per row, every value a string, its
 * keys the first row ({@code CSVHeaderLocation: FIRST_ROW}) or the given {@code CSVHeaders} ({@code GIVEN}); a JSON
 * Lines object gives one item per non-empty line. Errors are {@link StatesFailure}s with {@code States.ItemReaderFailed}.
 */
public final class MapItems
{
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    /** {@code ReaderConfig.CSVDelimiter}'s values and the character each separates fields with (COMMA when not given). */
    public static final Map<String, Character> CSV_DELIMITERS = new TreeMap<>(Map.of("COMMA", ',', "PIPE", '|', "SEMICOLON", ';', "SPACE", ' ',
            "TAB", '\t'));

    private MapItems() {}

    /** The elements of a JSON array. */
    public static List<JsonNode> json(String text, String source)
    {
        JsonNode parsed;
        try {
            parsed = Json.parse(text);
        }
        catch (JsonProcessingException e) {
            throw new StatesFailure(ITEM_READER_FAILED, "The object " + source + " is not JSON: " + e.getOriginalMessage());
        }
        if (parsed == null || !parsed.isArray()) {
            throw new StatesFailure(ITEM_READER_FAILED, "The object " + source + " does not hold a JSON array (InputType JSON reads an array of items)");
        }
        List<JsonNode> items = new ArrayList<>();
        parsed.forEach(items::add);
        return items;
    }

    /** One item per non-empty line, each a JSON value. */
    public static List<JsonNode> jsonLines(String text, String source)
    {
        List<JsonNode> items = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                items.add(Json.parse(lines[i]));
            }
            catch (JsonProcessingException e) {
                throw new StatesFailure(ITEM_READER_FAILED, "Line " + (i + 1) + " of the object " + source + " is not JSON: " + e.getOriginalMessage());
            }
        }
        return items;
    }

    /**
     * The rows of a CSV text (RFC 4180: quoted fields with doubled quotes, delimiters and line breaks inside quotes) as
     * objects of strings, keyed by the header row or by {@code givenHeaders} when present (then the first row is data).
     */
    public static List<JsonNode> csv(String text, Optional<List<String>> givenHeaders, char delimiter, String source)
    {
        List<List<String>> rows = csvRows(text, delimiter);
        List<String> headers;
        int first;
        if (givenHeaders.isPresent()) {
            headers = givenHeaders.get();
            first = 0;
        }
        else {
            if (rows.isEmpty()) {
                return List.of();
            }
            headers = rows.get(0);
            first = 1;
        }
        List<JsonNode> items = new ArrayList<>();
        for (int i = first; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            if (row.size() != headers.size()) {
                throw new StatesFailure(ITEM_READER_FAILED, "Row " + (i + 1) + " of the CSV object " + source + " has " + row.size()
                        + " fields, the header " + headers.size());
            }
            ObjectNode item = Json.object();
            for (int column = 0; column < headers.size(); column++) {
                item.put(headers.get(column), row.get(column));
            }
            items.add(item);
        }
        return items;
    }

    private static List<List<String>> csvRows(String text, char delimiter)
    {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                }
                else if (c == '"') {
                    quoted = false;
                }
                else {
                    field.append(c);
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
                any = true;
            }
            else if (c == delimiter) {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            }
            else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
            }
            else {
                field.append(c);
                any = true;
            }
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    /**
     * Groups items into AWS's batch inputs, {@code {"BatchInput": ..., "Items": [...]}} ({@code BatchInput} only when
     * given): at most {@code maxItems} items (0: no limit) and at most {@code maxBytes} bytes of the batch's JSON (0:
     * no limit) each. An item bigger than {@code maxBytes} on its own fails the Map.
     */
    public static List<JsonNode> batches(List<JsonNode> items, int maxItems, int maxBytes, Optional<JsonNode> batchInput)
    {
        List<JsonNode> batches = new ArrayList<>();
        ObjectNode batch = null;
        for (JsonNode item : items) {
            if (batch != null) {
                ArrayNode current = (ArrayNode) batch.get("Items");
                boolean full = maxItems > 0 && current.size() >= maxItems;
                if (!full && maxBytes > 0) {
                    current.add(item);
                    full = size(batch) > maxBytes;
                    current.remove(current.size() - 1);
                }
                if (full) {
                    batches.add(batch);
                    batch = null;
                }
            }
            if (batch == null) {
                batch = Json.object();
                if (batchInput.isPresent()) {
                    batch.set("BatchInput", batchInput.get());
                }
                batch.putArray("Items");
            }
            ((ArrayNode) batch.get("Items")).add(item);
            if (maxBytes > 0 && size(batch) > maxBytes) {
                throw new StatesFailure(ITEM_READER_FAILED, "An item of " + size(item) + " bytes does not fit in a batch of MaxInputBytesPerBatch "
                        + maxBytes + ": " + Json.write(item));
            }
        }
        if (batch != null) {
            batches.add(batch);
        }
        return batches;
    }

    private static int size(JsonNode node)
    {
        return Json.write(node).getBytes(StandardCharsets.UTF_8).length;
    }
}
