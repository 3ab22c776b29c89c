package io.lakestack.spi.eventbridge;

import io.lakestack.spi.json.JsonText;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What a target receives for an event, as EventBridge builds it: the whole event; or {@code Input} as given; or the
 * part of the event {@code InputPath} names (JSONPath: {@code $}, {@code .name}, {@code ['name']}, {@code [index]});
 * or {@code InputTransformer}'s template with each {@code <name>} replaced by the value its path picks. In a template
 * that is a JSON object or array, a placeholder inside quotes takes the value's text escaped for a JSON string (a
 * string without its quotes), and one outside quotes takes the value as JSON; in any other template (a JSON string
 * or plain text) a placeholder inside quotes takes the escaped text and one outside quotes the bare text. A path
 * that picks nothing gives {@code null} outside quotes and nothing inside them. The predefined variables are
 * {@code <aws.events.rule-arn>}, {@code <aws.events.rule-name>}, {@code <aws.events.event.ingestion-time>},
 * {@code <aws.events.event>} and {@code <aws.events.event.json>} (the whole event).
 */
public final class TargetInput
{
    public static final int MAX_PATHS = 100;
    public static final int MAX_INPUT_LENGTH = 8192;
    private static final Pattern PATH_KEY = Pattern.compile("[A-Za-z0-9_\\-]{1,256}");
    private static final Set<String> PREDEFINED = Set.of("aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time",
            "aws.events.event", "aws.events.event.json");

    private TargetInput() {}

    /** A JSONPath of the forms EventBridge accepts in {@code InputPath}, {@code InputPathsMap} and {@code PartitionKeyPath}. */
    public record JsonPath(String text, List<Object> steps)
    {
        public JsonPath
        {
            requireNonNull(text, "text is null");
            steps = List.copyOf(steps);
        }

        /**
         * @throws IllegalArgumentException saying what is wrong with the path
         */
        public static JsonPath parse(String text)
        {
            if (!text.startsWith("$")) {
                throw new IllegalArgumentException("a JSON path starts with $: " + text);
            }
            List<Object> steps = new ArrayList<>();
            int i = 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '.') {
                    int end = i + 1;
                    while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                        end++;
                    }
                    String name = text.substring(i + 1, end);
                    if (name.isEmpty() || name.equals("*")) {
                        throw new IllegalArgumentException("lakestack reads JSON paths of names and indexes only (no '..' or '*'): " + text);
                    }
                    steps.add(name);
                    i = end;
                }
                else if (c == '[') {
                    int close = text.indexOf(']', i);
                    if (close < 0) {
                        throw new IllegalArgumentException("unclosed '[' in JSON path " + text);
                    }
                    String inside = text.substring(i + 1, close).trim();
                    if (inside.length() >= 2 && (inside.startsWith("'") && inside.endsWith("'") || inside.startsWith("\"") && inside.endsWith("\""))) {
                        steps.add(inside.substring(1, inside.length() - 1));
                    }
                    else if (inside.matches("\\d{1,9}")) {
                        steps.add(Integer.parseInt(inside));
                    }
                    else {
                        throw new IllegalArgumentException("lakestack reads JSON paths of names and indexes only (no '*', slices or filters): " + text);
                    }
                    i = close + 1;
                }
                else {
                    throw new IllegalArgumentException("unexpected '" + c + "' at position " + i + " of JSON path " + text);
                }
            }
            return new JsonPath(text, steps);
        }

        /** The value the path picks from a document read by {@link JsonText#parse}, or empty when there is none. */
        public Optional<Object> select(Object document)
        {
            Object current = document;
            for (Object step : steps) {
                if (step instanceof String name && current instanceof Map<?, ?> map && map.containsKey(name)) {
                    current = map.get(name);
                }
                else if (step instanceof Integer index && current instanceof List<?> list && index < list.size()) {
                    current = list.get(index);
                }
                else {
                    return Optional.empty();
                }
            }
            return Optional.of(current);
        }
    }

    /** What a rule's delivery knows besides the event. */
    public record Context(String ruleArn, String ruleName, String ingestionTime)
    {
        public Context
        {
            requireNonNull(ruleArn, "ruleArn is null");
            requireNonNull(ruleName, "ruleName is null");
            requireNonNull(ingestionTime, "ingestionTime is null");
        }
    }

    /**
     * Checks a target's input settings as PutTargets does.
     *
     * @throws IllegalArgumentException with the reason, naming the target
     */
    public static void check(Target target)
    {
        int set = (target.input().isPresent() ? 1 : 0) + (target.inputPath().isPresent() ? 1 : 0) + (target.inputTransformer().isPresent() ? 1 : 0);
        if (set > 1) {
            throw new IllegalArgumentException("Only one of Input, InputPath, or InputTransformer can be provided for target " + target.id() + ".");
        }
        target.input().ifPresent(input -> {
            if (input.length() > MAX_INPUT_LENGTH) {
                throw new IllegalArgumentException("Input for target " + target.id() + " is longer than " + MAX_INPUT_LENGTH + " characters.");
            }
            try {
                JsonText.parse(input);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Input for target " + target.id() + " is not valid JSON text: " + e.getMessage());
            }
        });
        target.inputPath().ifPresent(path -> checkPath("InputPath for target " + target.id(), path));
        target.partitionKeyPath().ifPresent(path -> checkPath("KinesisParameters.PartitionKeyPath for target " + target.id(), path));
        if (target.inputTransformer().isEmpty()) {
            return;
        }
        Target.InputTransformer transformer = target.inputTransformer().get();
        if (transformer.inputPathsMap().size() > MAX_PATHS) {
            throw new IllegalArgumentException("InputPathsMap of target " + target.id() + " has " + transformer.inputPathsMap().size()
                    + " entries; at most " + MAX_PATHS + " are allowed.");
        }
        for (Map.Entry<String, String> entry : transformer.inputPathsMap().entrySet()) {
            if (!PATH_KEY.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException("InputPathsMap key '" + entry.getKey() + "' of target " + target.id()
                        + " must be 1 to 256 letters, digits, '_' or '-'.");
            }
            checkPath("InputPathsMap value for key '" + entry.getKey() + "' of target " + target.id(), entry.getValue());
        }
        String template = transformer.inputTemplate();
        if (template.length() > MAX_INPUT_LENGTH) {
            throw new IllegalArgumentException("InputTemplate for target " + target.id() + " is longer than " + MAX_INPUT_LENGTH + " characters.");
        }
        if (jsonTemplate(template)) {
            // every variable as a value of each kind it may take: the result must be JSON
            String sample = fill(template, name -> Optional.of(new BigDecimal(1)), transformer.inputPathsMap().keySet());
            try {
                JsonText.parse(sample);
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid InputTemplate for target " + target.id() + ": the template is a JSON object or array "
                        + "but does not read as JSON once its placeholders are filled in (" + e.getMessage() + ").");
            }
        }
    }

    private static void checkPath(String what, String path)
    {
        try {
            JsonPath.parse(path);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a valid JSON path: " + e.getMessage());
        }
    }

    /**
     * The input of a target for an event.
     *
     * @param event the event as it is on the bus
     * @param document the event read by {@link JsonText#parse}
     */
    public static String render(Target target, String event, Object document, Context context)
    {
        if (target.input().isPresent()) {
            return target.input().get();
        }
        if (target.inputPath().isPresent()) {
            return JsonPath.parse(target.inputPath().get()).select(document).map(JsonText::write).orElse("null");
        }
        if (target.inputTransformer().isEmpty()) {
            return event;
        }
        Target.InputTransformer transformer = target.inputTransformer().get();
        return fill(transformer.inputTemplate(), name -> switch (name) {
            case "aws.events.rule-arn" -> Optional.of(context.ruleArn());
            case "aws.events.rule-name" -> Optional.of(context.ruleName());
            case "aws.events.event.ingestion-time" -> Optional.of(context.ingestionTime());
            case "aws.events.event", "aws.events.event.json" -> Optional.of(document);
            default -> JsonPath.parse(transformer.inputPathsMap().get(name)).select(document);
        }, transformer.inputPathsMap().keySet());
    }

    /** The text a path picks, for a partition key: a string as it is, anything else as JSON; empty when it picks nothing. */
    public static Optional<String> text(String path, Object document)
    {
        return JsonPath.parse(path).select(document).map(value -> value instanceof String text ? text : JsonText.write(value));
    }

    private static boolean jsonTemplate(String template)
    {
        String trimmed = template.strip();
        return trimmed.startsWith("{") || trimmed.startsWith("[");
    }

    private interface Values
    {
        Optional<Object> value(String name);
    }

    private static String fill(String template, Values values, Set<String> names)
    {
        boolean json = jsonTemplate(template);
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && inString && i + 1 < template.length()) {
                out.append(c).append(template.charAt(++i));
                continue;
            }
            if (c == '"') {
                inString = !inString;
                out.append(c);
                continue;
            }
            if (c == '<') {
                int close = template.indexOf('>', i);
                if (close > i) {
                    String name = template.substring(i + 1, close);
                    if (names.contains(name) || PREDEFINED.contains(name)) {
                        Optional<Object> value = values.value(name);
                        if (inString) {
                            value.ifPresent(v -> out.append(JsonText.escape(v instanceof String text ? text : JsonText.write(v))));
                        }
                        else if (json) {
                            out.append(value.map(JsonText::write).orElse("null"));
                        }
                        else {
                            out.append(value.map(v -> v instanceof String text ? text : JsonText.write(v)).orElse("null"));
                        }
                        i = close;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
