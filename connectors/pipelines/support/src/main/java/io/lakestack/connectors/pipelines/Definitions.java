package io.lakestack.connectors.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline's definitions, kept as resources beside its code: AWS JSON and SQL with {@code ${name}} placeholders for
 * what differs per deployment (the bucket, the stream's ARN, the region). A placeholder without a value is refused, so
 * a definition never goes out with a hole in it.
 */
public final class Definitions
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private final Class<?> owner;
    private final String directory;
    private final Map<String, String> variables;

    /** The definitions under {@code directory} among {@code owner}'s resources, filled with {@code variables}. */
    public Definitions(Class<?> owner, String directory, Map<String, String> variables)
    {
        this.owner = owner;
        this.directory = directory.endsWith("/") ? directory : directory + "/";
        this.variables = Map.copyOf(variables);
    }

    /** These definitions with one more value, known once part of the pipeline is deployed (a stream's ARN). */
    public Definitions with(String name, String value)
    {
        Map<String, String> more = new java.util.HashMap<>(variables);
        more.put(name, value);
        return new Definitions(owner, directory, more);
    }

    /** The raw text of a definition, placeholders as written. */
    public String raw(String name)
    {
        String resource = directory + name;
        try (InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no definition " + resource + " beside " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the definition " + resource, e);
        }
    }

    /** The definition with every placeholder filled. */
    public String text(String name)
    {
        return fill(name, raw(name), variables);
    }

    /** A JSON definition, filled and parsed. */
    public JsonNode json(String name)
    {
        try {
            return JSON.readTree(text(name));
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the definition " + directory + name + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String fill(String name, String text, Map<String, String> variables)
    {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        TreeSet<String> missing = new TreeSet<>();
        while (matcher.find()) {
            String value = variables.get(matcher.group(1));
            if (value == null) {
                missing.add(matcher.group(1));
                value = matcher.group();
            }
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(filled);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the definition " + name + " needs a value for " + String.join(", ", missing));
        }
        return filled.toString();
    }
}
