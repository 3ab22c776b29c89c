package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic partitioning's {@code MetadataExtraction}: a JQ 1.6 query that builds an object of partition keys from
 * each record, e.g. {@code {customer_id: .customer_id, year: .event_time | strftime("%Y")}}.
 */
final class MetadataExtractor
{
    private static final Scope ROOT = rootScope();

    private final JsonQuery query;
    private final List<String> keys;

    MetadataExtractor(Map<String, String> queries)
            throws InvalidConfigurationException
    {
        this.keys = List.copyOf(queries.keySet());
        StringBuilder object = new StringBuilder("{");
        for (Map.Entry<String, String> entry : queries.entrySet()) {
            if (object.length() > 1) {
                object.append(", ");
            }
            object.append('"').append(entry.getKey().replace("\"", "\\\"")).append("\": (").append(entry.getValue()).append(')');
        }
        this.query = compile(object.append('}').toString());
    }

    /** Why a record has no partition keys; its message goes into the error output. */
    static final class ExtractionFailure
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        ExtractionFailure(String message)
        {
            super(message);
        }
    }

    /** The partition key values of one record, each as text. */
    Map<String, String> extract(JsonNode record)
            throws ExtractionFailure
    {
        List<JsonNode> results = new ArrayList<>();
        try {
            query.apply(Scope.newChildScope(ROOT), record, results::add);
        }
        catch (JsonQueryException e) {
            throw new ExtractionFailure("The MetadataExtractionQuery failed on the record: " + e.getMessage());
        }
        if (results.size() != 1 || !results.get(0).isObject()) {
            throw new ExtractionFailure("The MetadataExtractionQuery gave " + results.size() + " results for the record; it must give one object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : keys) {
            JsonNode value = results.get(0).get(key);
            if (value == null || value.isNull() || value.isMissingNode()) {
                throw new ExtractionFailure("Partition key " + key + " is null or missing in the record");
            }
            if (value.isContainerNode()) {
                throw new ExtractionFailure("Partition key " + key + " is " + (value.isArray() ? "an array" : "an object") + "; it must be a string or a "
                        + "number");
            }
            values.put(key, value.asText());
        }
        return values;
    }

    /**
     * The keys a query defines, each with its own expression: the query must be one object construction
     * ({@code {key: expression, ...}}), as Firehose requires.
     */
    static Map<String, String> keysOf(String query)
            throws InvalidConfigurationException
    {
        compile(query);
        String text = query.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new InvalidConfigurationException("MetadataExtractionQuery '" + query + "' must build an object of partition keys, e.g. "
                    + "{customer_id: .customer_id}");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        String body = text.substring(1, text.length() - 1);
        for (String member : splitTopLevel(body, ',')) {
            if (member.isBlank()) {
                continue;
            }
            List<String> keyAndValue = splitTopLevel(member, ':');
            if (keyAndValue.size() < 2) {
                throw new InvalidConfigurationException("MetadataExtractionQuery '" + query + "': '" + member.strip() + "' must be key: expression");
            }
            String key = keyAndValue.get(0).strip();
            if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
                key = key.substring(1, key.length() - 1);
            }
            if (!key.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                throw new InvalidConfigurationException("MetadataExtractionQuery '" + query + "': '" + key + "' is not a partition key name");
            }
            keys.put(key, keyAndValue.get(1).strip());
        }
        if (keys.isEmpty()) {
            throw new InvalidConfigurationException("MetadataExtractionQuery '" + query + "' defines no partition key");
        }
        return keys;
    }

    private static List<String> splitTopLevel(String text, char separator)
    {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                }
                else if (c == '"') {
                    quoted = false;
                }
            }
            else if (c == '"') {
                quoted = true;
            }
            else if (c == '(' || c == '[' || c == '{') {
                depth++;
            }
            else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
                if (separator == ':') {
                    parts.add(text.substring(start));
                    return parts;
                }
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static JsonQuery compile(String query)
            throws InvalidConfigurationException
    {
        try {
            return JsonQuery.compile(query, Versions.JQ_1_6);
        }
        catch (JsonQueryException e) {
            throw new InvalidConfigurationException("MetadataExtractionQuery '" + query + "' is not valid JQ: " + e.getMessage());
        }
    }

    private static Scope rootScope()
    {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }
}
