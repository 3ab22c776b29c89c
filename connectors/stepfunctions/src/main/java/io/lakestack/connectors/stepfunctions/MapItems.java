package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static java.util.Objects.requireNonNull;

/**
 * The items of a distributed Map's {@code ItemReader} and their batches ({@code ItemBatcher}), as AWS makes them: a JSON
 * object holding an array gives its elements; a CSV object gives one JSON object per row, every value a string, its
 * keys the first row ({@code CSVHeaderLocation: FIRST_ROW}) or the given {@code CSVHeaders} ({@code GIVEN}); a JSON
 * Lines object gives one item per non-empty line. An object's text is its bytes as UTF-8, decompressed first when they
 * are gzip. The manifests: an Athena data manifest ({@code ManifestType: ATHENA_DATA}) lists its data objects one
 * {@code s3://} URI a line; an S3 Inventory {@code manifest.json} ({@code InputType: MANIFEST}) names its CSV files,
 * their bucket and their columns. Errors are {@link StatesFailure}s with {@code States.ItemReaderFailed}.
 */
public final class MapItems
{
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    /** {@code ReaderConfig.CSVDelimiter}'s values and the character each separates fields with (COMMA when not given). */
    public static final Map<String, Character> CSV_DELIMITERS = new TreeMap<>(Map.of("COMMA", ',', "PIPE", '|', "SEMICOLON", ';', "SPACE", ' ',
            "TAB", '\t'));

    private static final String S3_URI = "s3://";
    private static final String S3_ARN = ":s3:::";

    private MapItems() {}

    /** An S3 object a manifest lists. */
    public record S3Location(String bucket, String key)
    {
        public S3Location
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(key, "key is null");
        }

        /** {@code s3://bucket/key}. */
        @Override
        public String toString()
        {
            return S3_URI + bucket + "/" + key;
        }
    }

    /**
     * An S3 Inventory manifest: the bucket its files are in ({@code destinationBucket}), the files' keys in the
     * manifest's order, and the names of their columns ({@code fileSchema}, trimmed).
     */
    public record Inventory(String bucket, List<String> files, List<String> columns)
    {
        public Inventory
        {
            requireNonNull(bucket, "bucket is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }
    }

    /**
     * The text of an object: its bytes as UTF-8, decompressed first when they begin with gzip's magic bytes
     * ({@code 0x1f 0x8b}; every member of a multi-member gzip stream is read).
     */
    public static String text(byte[] object, String source)
    {
        requireNonNull(object, "object is null");
        if (object.length < 2 || (object[0] & 0xff) != 0x1f || (object[1] & 0xff) != 0x8b) {
            return new String(object, StandardCharsets.UTF_8);
        }
        try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(object))) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new StatesFailure(ITEM_READER_FAILED, "The object " + source + " begins as gzip but cannot be decompressed: " + e.getMessage());
        }
    }

    /**
     * The data objects an Athena data manifest lists (what {@code UNLOAD} writes as {@code <query id>-manifest.csv}): one
     * {@code s3://bucket/key} a line, in order, blank lines skipped.
     */
    public static List<S3Location> athenaManifest(String text, String source)
    {
        List<S3Location> files = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int slash = line.indexOf('/', S3_URI.length());
            if (!line.startsWith(S3_URI) || slash <= S3_URI.length() || slash == line.length() - 1) {
                throw new StatesFailure(ITEM_READER_FAILED, "Line " + (i + 1) + " of the Athena data manifest " + source
                        + " is not an S3 URI (s3://bucket/key): " + line);
            }
            files.add(new S3Location(line.substring(S3_URI.length(), slash), line.substring(slash + 1)));
        }
        return files;
    }

    /**
     * An S3 Inventory {@code manifest.json}: its {@code destinationBucket} (an ARN), {@code fileSchema} and
     * {@code files}; an inventory whose {@code fileFormat} is not {@code CSV} is refused.
     */
    public static Inventory inventoryManifest(String text, String source)
    {
        JsonNode manifest = parse(text, "The S3 Inventory manifest " + source);
        if (manifest == null || !manifest.isObject()) {
            throw new StatesFailure(ITEM_READER_FAILED, "The S3 Inventory manifest " + source + " is not a JSON object");
        }
        String format = manifest.path("fileFormat").asText("");
        if (!format.equals("CSV")) {
            throw new StatesFailure(ITEM_READER_FAILED, "lakestack reads CSV inventories only, and the S3 Inventory manifest " + source
                    + " has the fileFormat '" + format + "'");
        }
        String destination = manifest.path("destinationBucket").asText("");
        int arn = destination.indexOf(S3_ARN);
        if (!destination.startsWith("arn:") || arn < 0 || arn + S3_ARN.length() == destination.length()) {
            throw new StatesFailure(ITEM_READER_FAILED, "The S3 Inventory manifest " + source + " has no destinationBucket ARN "
                    + "(arn:aws:s3:::bucket): '" + destination + "'");
        }
        String bucket = destination.substring(arn + S3_ARN.length());
        List<String> columns = new ArrayList<>();
        for (String column : manifest.path("fileSchema").asText("").split(",", -1)) {
            columns.add(column.strip());
        }
        if (columns.contains("")) {
            throw new StatesFailure(ITEM_READER_FAILED, "The S3 Inventory manifest " + source + " has no fileSchema of column names: '"
                    + manifest.path("fileSchema").asText("") + "'");
        }
        JsonNode listed = manifest.path("files");
        if (!listed.isArray()) {
            throw new StatesFailure(ITEM_READER_FAILED, "The S3 Inventory manifest " + source + " has no array of files");
        }
        List<String> files = new ArrayList<>();
        for (JsonNode file : listed) {
            if (!file.path("key").isTextual() || file.get("key").textValue().isEmpty()) {
                throw new StatesFailure(ITEM_READER_FAILED, "A file of the S3 Inventory manifest " + source + " has no key: " + Json.write(file));
            }
            files.add(file.get("key").textValue());
        }
        return new Inventory(bucket, files, columns);
    }

    /** The JSON of the text; {@code States.ItemReaderFailed} saying that {@code what} is not JSON when it is not. */
    private static JsonNode parse(String text, String what)
    {
        try {
            return Json.parse(text);
        }
        catch (JsonProcessingException e) {
            throw new StatesFailure(ITEM_READER_FAILED, what + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The elements of a JSON array. */
    public static List<JsonNode> json(String text, String source)
    {
        JsonNode parsed = parse(text, "The object " + source);
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
