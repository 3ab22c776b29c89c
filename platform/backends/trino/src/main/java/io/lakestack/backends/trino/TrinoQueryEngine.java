package io.lakestack.backends.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.athena.QueryEngine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Runs queries on Trino over its client protocol ({@code POST /v1/statement}, then each {@code nextUri}), which
 * carries what Athena reports and JDBC hides: the error name, physical input bytes, update type and count.
 * Rows are handed on page by page, never all held.
 */
public final class TrinoQueryEngine
        implements QueryEngine
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NO_NODES_RETRY = Duration.ofSeconds(15);

    private final URI server;
    private final String user;
    private final HttpClient http;

    public TrinoQueryEngine(URI server, String user)
    {
        this.server = requireNonNull(server, "server is null");
        this.user = requireNonNull(user, "user is null");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public Outcome execute(Query query, RowSink sink, BooleanSupplier cancelled)
            throws QueryFailure
    {
        // a query that finds no node to run on has not run: the coordinator is still registering itself; try again
        long deadline = System.nanoTime() + NO_NODES_RETRY.toNanos();
        boolean[] delivered = {false};
        RowSink watched = new RowSink()
        {
            @Override
            public void columns(List<Column> columns)
            {
                delivered[0] = true;
                sink.columns(columns);
            }

            @Override
            public void row(List<String> values)
            {
                delivered[0] = true;
                sink.row(values);
            }
        };
        while (true) {
            try {
                return executeOnce(query, watched, cancelled);
            }
            catch (QueryFailure e) {
                if (!e.errorName().equals("NO_NODES_AVAILABLE") || delivered[0] || System.nanoTime() > deadline || cancelled.getAsBoolean()) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Outcome executeOnce(Query query, RowSink sink, BooleanSupplier cancelled)
            throws QueryFailure
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/v1/statement"))
                .header("X-Trino-User", user)
                .header("X-Trino-Source", "lakestack-athena")
                .header("X-Trino-Catalog", query.catalog())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(query.sql()));
        query.schema().ifPresent(schema -> request.header("X-Trino-Schema", schema));
        if (!query.sessionProperties().isEmpty()) {
            request.header("X-Trino-Session", query.sessionProperties().entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining(",")));
        }
        JsonNode page = send(request.build());
        List<String> columnTypes = null;
        while (true) {
            if (page.has("error")) {
                throw failure(page.get("error"));
            }
            if (columnTypes == null && page.has("columns")) {
                List<Column> columns = new ArrayList<>();
                columnTypes = new ArrayList<>();
                for (JsonNode column : page.get("columns")) {
                    columns.add(new Column(column.path("name").asText(), column.path("type").asText()));
                    columnTypes.add(column.path("type").asText());
                }
                sink.columns(columns);
            }
            if (page.has("data")) {
                List<JsonNode> typeSignatures = new ArrayList<>();
                page.get("columns").forEach(column -> typeSignatures.add(column.path("typeSignature")));
                for (JsonNode row : page.get("data")) {
                    List<String> values = new ArrayList<>(row.size());
                    for (int i = 0; i < row.size(); i++) {
                        values.add(AthenaValues.format(row.get(i), columnTypes.get(i), typeSignatures.get(i)));
                    }
                    sink.row(values);
                }
            }
            JsonNode next = page.get("nextUri");
            if (next == null || next.isNull()) {
                JsonNode stats = page.path("stats");
                return new Outcome(
                        stats.path("physicalInputBytes").asLong(stats.path("processedBytes").asLong(0)),
                        stats.path("elapsedTimeMillis").asLong(0),
                        stats.path("queuedTimeMillis").asLong(0),
                        stats.path("planningTimeMillis").asLong(0),
                        page.has("updateCount") ? Optional.of(page.get("updateCount").asLong()) : Optional.empty(),
                        Optional.ofNullable(page.get("updateType")).map(JsonNode::asText),
                        Optional.ofNullable(page.get("id")).map(JsonNode::asText));
            }
            if (cancelled.getAsBoolean()) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create(next.asText())).header("X-Trino-User", user).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                catch (IOException e) {
                    // the query ends with the server anyway
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new QueryFailure("USER_CANCELED", "Query cancelled by user", true);
            }
            page = send(HttpRequest.newBuilder(URI.create(next.asText())).header("X-Trino-User", user).GET().build());
        }
    }

    private JsonNode send(HttpRequest request)
            throws QueryFailure
    {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() == 503 && attempt < 10) {
                        Thread.sleep(100L * attempt);
                        continue;
                    }
                    if (response.statusCode() != 200) {
                        throw new QueryFailure("GENERIC_INTERNAL_ERROR", "Trino answered HTTP " + response.statusCode() + ": "
                                + new String(body.readAllBytes(), StandardCharsets.UTF_8), false);
                    }
                    return JSON.readTree(body);
                }
            }
            catch (IOException e) {
                throw new QueryFailure("GENERIC_INTERNAL_ERROR", "Trino at " + server + " is not reachable: " + e.getMessage(), false);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueryFailure("USER_CANCELED", "interrupted", true);
            }
        }
    }

    private static QueryFailure failure(JsonNode error)
    {
        String name = error.path("errorName").asText("GENERIC_INTERNAL_ERROR");
        String message = error.path("message").asText("query failed");
        JsonNode location = error.get("errorLocation");
        if (location != null && !message.startsWith("line ")) {
            message = "line " + location.path("lineNumber").asInt() + ":" + location.path("columnNumber").asInt() + ": " + message;
        }
        return new QueryFailure(name, message, "USER_ERROR".equals(error.path("errorType").asText()));
    }

    /** Values in the text form Athena gives them, from Trino's JSON encoding. */
    static final class AthenaValues
    {
        private AthenaValues() {}

        static String format(JsonNode value, String type, JsonNode signature)
        {
            if (value == null || value.isNull()) {
                return null;
            }
            String base = type.contains("(") ? type.substring(0, type.indexOf('(')) : type;
            switch (base) {
                case "array": {
                    JsonNode element = signature.path("arguments").path(0).path("value");
                    String elementType = typeName(element);
                    List<String> items = new ArrayList<>();
                    value.forEach(item -> items.add(String.valueOf(format(item, elementType, element))));
                    return "[" + String.join(", ", items) + "]";
                }
                case "map": {
                    JsonNode valueSignature = signature.path("arguments").path(1).path("value");
                    List<String> entries = new ArrayList<>();
                    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
                    while (fields.hasNext()) {
                        Map.Entry<String, JsonNode> entry = fields.next();
                        entries.add(entry.getKey() + "=" + format(entry.getValue(), typeName(valueSignature), valueSignature));
                    }
                    return "{" + String.join(", ", entries) + "}";
                }
                case "row": {
                    JsonNode arguments = signature.path("arguments");
                    List<String> fields = new ArrayList<>();
                    for (int i = 0; i < value.size(); i++) {
                        JsonNode field = arguments.path(i).path("value");
                        String name = field.path("fieldName").path("name").asText("field" + i);
                        JsonNode fieldType = field.path("typeSignature");
                        fields.add(name + "=" + format(value.get(i), typeName(fieldType), fieldType));
                    }
                    return "{" + String.join(", ", fields) + "}";
                }
                case "varbinary": {
                    byte[] bytes = Base64.getDecoder().decode(value.asText());
                    String hex = HexFormat.of().formatHex(bytes);
                    StringBuilder spaced = new StringBuilder();
                    for (int i = 0; i < hex.length(); i += 2) {
                        spaced.append(i == 0 ? "" : " ").append(hex, i, i + 2);
                    }
                    return spaced.toString();
                }
                default:
                    return value.isTextual() ? value.asText() : value.toString();
            }
        }

        private static String typeName(JsonNode signature)
        {
            String raw = signature.path("rawType").asText("varchar");
            return signature.path("arguments").isEmpty() ? raw : raw + "(...)";
        }
    }
}
