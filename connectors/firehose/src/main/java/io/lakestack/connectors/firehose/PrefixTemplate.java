package io.lakestack.connectors.firehose;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A Firehose S3 prefix with its {@code !{namespace:value}} expressions: {@code timestamp} (a
 * {@link DateTimeFormatter} pattern, evaluated at the arrival time of the oldest record in the object),
 * {@code firehose:random-string}, {@code firehose:error-output-type} (error prefixes only) and
 * {@code partitionKeyFromQuery} (with dynamic partitioning).
 */
public final class PrefixTemplate
{
    /** The time path Firehose puts where no prefix, or one without expressions, is given. */
    static final String DEFAULT_TIME_PATH = "yyyy/MM/dd/HH/";
    private static final DateTimeFormatter DEFAULT_TIME = DateTimeFormatter.ofPattern(DEFAULT_TIME_PATH, Locale.ROOT);

    private sealed interface Part
    {
    }

    private record Literal(String text)
            implements Part
    {
    }

    private record Timestamp(DateTimeFormatter formatter)
            implements Part
    {
    }

    private record RandomString()
            implements Part
    {
    }

    private record ErrorOutputType()
            implements Part
    {
    }

    private record PartitionKey(String name)
            implements Part
    {
    }

    /** What an expression evaluates to for one object. */
    public record Values(Instant oldestArrival, ZoneId zone, String randomString, String errorOutputType, Map<String, String> partitionKeys)
    {
        public Values
        {
            requireNonNull(oldestArrival, "oldestArrival is null");
            requireNonNull(zone, "zone is null");
            partitionKeys = Map.copyOf(partitionKeys);
        }
    }

    private final String text;
    private final List<Part> parts;
    private final boolean hasExpressions;

    private PrefixTemplate(String text, List<Part> parts, boolean hasExpressions)
    {
        this.text = text;
        this.parts = List.copyOf(parts);
        this.hasExpressions = hasExpressions;
    }

    /**
     * @param field the configuration field, for messages ({@code Prefix}, {@code ErrorOutputPrefix})
     * @param errorPrefix whether {@code !{firehose:error-output-type}} may appear
     */
    public static PrefixTemplate parse(String text, String field, boolean errorPrefix)
            throws InvalidConfigurationException
    {
        if (text.length() > 1024) {
            throw new InvalidConfigurationException(field + " is " + text.length() + " characters long; at most 1024 are allowed");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean expressions = false;
        int index = 0;
        while (index < text.length()) {
            int start = text.indexOf("!{", index);
            if (start < 0) {
                literal.append(text, index, text.length());
                break;
            }
            literal.append(text, index, start);
            int end = text.indexOf('}', start);
            if (end < 0) {
                throw new InvalidConfigurationException(field + " '" + text + "': the expression at position " + start + " is not closed with '}'");
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(expression(text.substring(start + 2, end), field, text, errorPrefix));
            expressions = true;
            index = end + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new PrefixTemplate(text, parts, expressions);
    }

    private static Part expression(String expression, String field, String text, boolean errorPrefix)
            throws InvalidConfigurationException
    {
        int colon = expression.indexOf(':');
        if (colon < 0) {
            throw new InvalidConfigurationException(field + " '" + text + "': the expression !{" + expression + "} must be !{namespace:value}");
        }
        String namespace = expression.substring(0, colon);
        String value = expression.substring(colon + 1);
        switch (namespace) {
            case "timestamp":
                try {
                    return new Timestamp(DateTimeFormatter.ofPattern(value, Locale.ROOT));
                }
                catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(field + " '" + text + "': !{timestamp:" + value + "} is not a valid Java DateTimeFormatter "
                            + "pattern: " + e.getMessage());
                }
            case "firehose":
                if (value.equals("random-string")) {
                    return new RandomString();
                }
                if (value.equals("error-output-type")) {
                    if (!errorPrefix) {
                        throw new InvalidConfigurationException(field + " '" + text + "': !{firehose:error-output-type} can only be used in "
                                + "ErrorOutputPrefix");
                    }
                    return new ErrorOutputType();
                }
                throw new InvalidConfigurationException(field + " '" + text + "': the firehose namespace has random-string and error-output-type, not "
                        + value);
            case "partitionKeyFromQuery":
                if (value.isEmpty()) {
                    throw new InvalidConfigurationException(field + " '" + text + "': !{partitionKeyFromQuery:} needs a key name");
                }
                return new PartitionKey(value);
            case "partitionKeyFromLambda":
                throw new InvalidConfigurationException(field + " '" + text + "': partitionKeyFromLambda is not supported by lakestack's Firehose "
                        + "(it does not read the partition keys of a Lambda function's answer); extract the keys with a MetadataExtraction processor and partitionKeyFromQuery");
            default:
                throw new InvalidConfigurationException(field + " '" + text + "': unknown namespace '" + namespace + "' (known: timestamp, firehose, "
                        + "partitionKeyFromQuery)");
        }
    }

    public String text()
    {
        return text;
    }

    public boolean hasExpressions()
    {
        return hasExpressions;
    }

    public Set<String> partitionKeys()
    {
        Set<String> keys = new LinkedHashSet<>();
        for (Part part : parts) {
            if (part instanceof PartitionKey key) {
                keys.add(key.name());
            }
        }
        return keys;
    }

    public boolean usesErrorOutputType()
    {
        return parts.stream().anyMatch(part -> part instanceof ErrorOutputType);
    }

    /** The evaluated prefix; a prefix without expressions gets Firehose's {@value #DEFAULT_TIME_PATH} after it. */
    public String evaluate(Values values)
    {
        StringBuilder result = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                result.append(literal.text());
            }
            else if (part instanceof Timestamp timestamp) {
                result.append(timestamp.formatter().format(values.oldestArrival().atZone(values.zone())));
            }
            else if (part instanceof RandomString) {
                result.append(values.randomString());
            }
            else if (part instanceof ErrorOutputType) {
                result.append(values.errorOutputType());
            }
            else if (part instanceof PartitionKey key) {
                result.append(values.partitionKeys().getOrDefault(key.name(), ""));
            }
        }
        if (!hasExpressions) {
            result.append(DEFAULT_TIME.format(values.oldestArrival().atZone(values.zone())));
        }
        return result.toString();
    }

    /** The prefix Firehose uses when none is configured: the time path alone. */
    public static PrefixTemplate defaultPrefix()
    {
        return new PrefixTemplate("", List.of(), false);
    }

    /** Firehose's error prefix when none is configured: {@code <error-output-type>/yyyy/MM/dd/HH/}. */
    public static PrefixTemplate defaultErrorPrefix()
    {
        return new PrefixTemplate("!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/",
                List.of(new ErrorOutputType(), new Literal("/"), new Timestamp(DateTimeFormatter.ofPattern("yyyy/MM/dd/HH", Locale.ROOT)), new Literal("/")),
                true);
    }
}
