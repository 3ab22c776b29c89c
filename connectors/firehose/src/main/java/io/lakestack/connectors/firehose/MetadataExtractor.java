package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic partitioning's {@code MetadataExtraction}: a JQ 1.6 query that builds an object of partition keys from
 * each record, e.g. {@code {customer_id: .customer_id, year: .event_time | strftime("%Y")}}.
 *
 * <p>A query nests at most {@value #MAX_QUERY_DEPTH} levels deep, as {@link #depth} counts them: jackson-jq parses and
 * evaluates a query by recursion, one or more calls per level, and runs out of stack somewhere between 500 and 2,000
 * levels, depending on the construct. Real queries nest a handful of levels.
 */
final class MetadataExtractor
{
    /** How deep a query may nest, as {@link #depth} counts. */
    static final int MAX_QUERY_DEPTH = 100;
    private static final Scope ROOT = rootScope();
    /** Words that add a level to the syntax tree, as operators do. */
    private static final Set<String> NESTING_WORDS = Set.of("and", "or", "if", "elif", "reduce", "foreach", "try", "def", "label", "as");
    /** Longer queries are shortened in error messages. */
    private static final int QUOTED_LENGTH = 200;

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
        catch (StackOverflowError e) {
            // the depth limit keeps queries far from this; should one get here, the record goes to the error output and the delivery goes on
            throw new ExtractionFailure("The MetadataExtractionQuery is nested too deeply to evaluate on the record");
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
        int depth = depth(query);
        if (depth > MAX_QUERY_DEPTH) {
            throw new InvalidConfigurationException("MetadataExtractionQuery '" + quoted(query) + "' nests " + depth + " levels deep (brackets, and "
                    + "operators chained within a bracket); lakestack accepts at most " + MAX_QUERY_DEPTH + " levels");
        }
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

    /**
     * How deep the query nests, read from its text without parsing it: each bracket
     * ({@code ()}, {@code []}, <code>{}</code> and a string's {@code \(...)} interpolation) is a level, and so is each
     * operator ({@code | + - * / % = < > ! ?} and the words {@code and or if elif reduce foreach try def label as})
     * counted since the last {@code ,}, {@code :} or {@code ;} within its bracket, since a chain of operators nests as
     * deep as it is long. {@code {customer_id: .customer_id, year: .ts | strftime("%Y")}} is 3 levels deep.
     */
    static int depth(String query)
    {
        Deque<int[]> brackets = new ArrayDeque<>();
        // per bracket: {1 for a string interpolation, operators since the last separator}
        brackets.push(new int[2]);
        int operators = 0;
        int deepest = 0;
        boolean inString = false;
        int i = 0;
        while (i < query.length()) {
            char c = query.charAt(i);
            if (inString) {
                if (c == '\\' && i + 1 < query.length() && query.charAt(i + 1) == '(') {
                    brackets.push(new int[] {1, 0});
                    inString = false;
                    i += 2;
                }
                else {
                    inString = c != '"';
                    i += c == '\\' ? 2 : 1;
                }
            }
            else if (c == '"') {
                inString = true;
                i++;
            }
            else if (c == '#') {
                int end = query.indexOf('\n', i);
                i = end < 0 ? query.length() : end + 1;
            }
            else if (c == '(' || c == '[' || c == '{') {
                brackets.push(new int[2]);
                i++;
            }
            else if (c == ')' || c == ']' || c == '}') {
                if (brackets.size() > 1) {
                    int[] closed = brackets.pop();
                    operators -= closed[1];
                    inString = closed[0] == 1;
                }
                i++;
            }
            else if (c == ',' || c == ':' || c == ';') {
                operators -= brackets.peek()[1];
                brackets.peek()[1] = 0;
                i++;
            }
            else if ("|+-*/%=<>!?".indexOf(c) >= 0) {
                brackets.peek()[1]++;
                operators++;
                i++;
            }
            else if (Character.isLetter(c) || c == '_' || c == '$' || c == '@') {
                int start = i;
                while (i < query.length() && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '_' || query.charAt(i) == '$'
                        || query.charAt(i) == '@')) {
                    i++;
                }
                if (NESTING_WORDS.contains(query.substring(start, i))) {
                    brackets.peek()[1]++;
                    operators++;
                }
            }
            else {
                i++;
            }
            deepest = Math.max(deepest, brackets.size() - 1 + operators);
        }
        return deepest;
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
        catch (StackOverflowError e) {
            // the depth limit keeps queries far from this; jackson-jq's parser recurses in ways the count may not foresee
            throw new InvalidConfigurationException("MetadataExtractionQuery '" + quoted(query) + "' is nested too deeply for the JQ parser; lakestack "
                    + "accepts at most " + MAX_QUERY_DEPTH + " levels");
        }
    }

    private static String quoted(String query)
    {
        return query.length() <= QUOTED_LENGTH ? query : query.substring(0, QUOTED_LENGTH / 2) + "... (" + query.length() + " characters)";
    }

    private static Scope rootScope()
    {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }
}
