package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * JSONPath as the States Language uses it, on {@code com.jayway.jsonpath}: {@code Path}s (any JSONPath, for
 * {@code InputPath}, {@code OutputPath}, {@code ItemsPath} and {@code .$} fields) and Reference Paths (a definite path
 * of member names and array indexes only, for {@code ResultPath}, Choice {@code Variable}s and the {@code ...Path}
 * fields), which may also be written into a document.
 */
final class JsonPaths
{
    private static final Configuration CONFIGURATION = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();
    private static final ConcurrentMap<String, JsonPath> COMPILED = new ConcurrentHashMap<>();

    private JsonPaths() {}

    /** Why {@code path} is not a valid JSONPath, if it is not. */
    static Optional<String> pathProblem(String path)
    {
        if (!path.startsWith("$")) {
            return Optional.of("Path didn't start with '$'");
        }
        Optional<String> variable = variable(path);
        if (variable.isPresent()) {
            return variableProblem(variable.get()).or(() -> pathProblem(afterVariable(path, variable.get())));
        }
        try {
            compile(path);
            return Optional.empty();
        }
        catch (InvalidPathException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why {@code path} is not a Reference Path, if it is not. */
    static Optional<String> referencePathProblem(String path)
    {
        if (!path.startsWith("$")) {
            return Optional.of("Reference path didn't start with '$'");
        }
        Optional<String> variable = variable(path);
        if (variable.isPresent()) {
            return variableProblem(variable.get()).or(() -> referencePathProblem(afterVariable(path, variable.get())));
        }
        try {
            segments(path);
            return Optional.empty();
        }
        catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The value at {@code path} in {@code document}; {@code $$...} paths read the context object instead, and
     * {@code $name...} paths the variable {@code name} that the context object carries ({@link ContextObject}).
     *
     * @throws PathNotFoundException when the path selects nothing (a definite path), a member on the way is missing or
     *         the variable is not assigned
     */
    static JsonNode read(String path, JsonNode document, JsonNode context)
    {
        if (path.startsWith("$$")) {
            return read(path.substring(1), context, context);
        }
        Optional<String> variable = variable(path);
        if (variable.isPresent()) {
            JsonNode value = (context instanceof ContextObject scoped ? scoped.variables().lookup(variable.get()) : Optional.<JsonNode>empty())
                    .orElseThrow(() -> new PathNotFoundException("The variable $" + variable.get() + " is not assigned"));
            return read(afterVariable(path, variable.get()), value, context);
        }
        if (path.equals("$")) {
            return document;
        }
        Object value = JsonPath.using(CONFIGURATION).parse(document).read(compile(path));
        if (value == null) {
            return NullNode.getInstance();
        }
        return value instanceof JsonNode node ? node : Json.MAPPER.valueToTree(value);
    }

    /**
     * {@code document} with {@code value} at the Reference Path {@code path}: {@code $} replaces the document, other
     * paths create the objects missing on the way. Empty when the path runs into something that is not an object (AWS's
     * {@code States.ResultPathMatchFailure}).
     */
    static Optional<JsonNode> write(String path, JsonNode document, JsonNode value)
    {
        List<Object> segments = segments(path);
        if (segments.isEmpty()) {
            return Optional.of(value);
        }
        JsonNode root = document.deepCopy();
        JsonNode current = root;
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (segment instanceof String name) {
                if (!(current instanceof ObjectNode object)) {
                    return Optional.empty();
                }
                if (last) {
                    object.set(name, value);
                }
                else {
                    JsonNode child = object.get(name);
                    if (child == null || child.isNull()) {
                        child = Json.object();
                        object.set(name, child);
                    }
                    current = child;
                }
            }
            else {
                int index = (Integer) segment;
                if (!(current instanceof ArrayNode array) || index >= array.size()) {
                    return Optional.empty();
                }
                if (last) {
                    array.set(index, value);
                }
                else {
                    current = array.get(index);
                }
            }
        }
        return Optional.of(root);
    }

    /** Member names ({@code String}) and array indexes ({@code Integer}) of a Reference Path. */
    static List<Object> segments(String path)
    {
        if (!path.startsWith("$")) {
            throw new IllegalArgumentException("Reference path didn't start with '$'");
        }
        List<Object> segments = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String name = path.substring(i + 1, end);
                if (name.isEmpty() || name.contains("*") || name.contains("@") || name.contains(",") || name.contains(":") || name.contains("?")) {
                    throw new IllegalArgumentException("Reference path contains an operator or an empty member: '" + path + "'");
                }
                segments.add(name);
                i = end;
            }
            else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("Reference path has an unclosed '[': '" + path + "'");
                }
                String inside = path.substring(i + 1, end).trim();
                if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'") || inside.startsWith("\"") && inside.endsWith("\""))) {
                    segments.add(inside.substring(1, inside.length() - 1));
                }
                else if (inside.matches("[0-9]+")) {
                    segments.add(Integer.parseInt(inside));
                }
                else {
                    throw new IllegalArgumentException("Reference path may only select a member or an array index: '" + path + "'");
                }
                i = end + 1;
            }
            else {
                throw new IllegalArgumentException("Unexpected character '" + c + "' in reference path '" + path + "'");
            }
        }
        return segments;
    }

    /** The variable a path such as {@code $name.x} starts with, if it starts with one. */
    static Optional<String> variable(String path)
    {
        if (path.length() < 2 || !(Character.isLetter(path.charAt(1)) || path.charAt(1) == '_')) {
            return Optional.empty();
        }
        int end = 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
            end++;
        }
        return Optional.of(path.substring(1, end));
    }

    private static Optional<String> variableProblem(String name)
    {
        return name.equals(Variables.STATES) ? Optional.empty() : Variables.nameProblem(name);
    }

    private static String afterVariable(String path, String variable)
    {
        return "$" + path.substring(1 + variable.length());
    }

    private static JsonPath compile(String path)
    {
        return COMPILED.computeIfAbsent(path, JsonPath::compile);
    }
}
