package io.lakestack.services.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.spi.ServiceException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The input of one SQS operation, read the same way from both protocols: a JSON 1.0 document, where lists are arrays
 * and maps objects, or Query parameters, where lists are flattened ({@code AttributeName.1}) and maps are entries
 * ({@code Attribute.1.Name} / {@code Attribute.1.Value}). Each member is named by its JSON name and, where the Query
 * protocol names it otherwise, by its Query name.
 */
sealed interface SqsInput
        permits SqsInput.Json, SqsInput.Query
{
    Optional<String> string(String name);

    /** An integer; text that is not one is {@code InvalidParameterValue} (Query) or a {@code SerializationException} (JSON). */
    Optional<Integer> integer(String name);

    /** A list of strings: {@code jsonName} is an array in JSON, {@code queryName.N} in Query. */
    List<String> strings(String jsonName, String queryName);

    /** A map of strings: {@code jsonName} is an object in JSON, {@code queryName.N.<key>} / {@code queryName.N.<value>} in Query. */
    Map<String, String> map(String jsonName, String queryName, String key, String value);

    /** Message attributes: {@code {name: {DataType, StringValue, BinaryValue}}} in JSON, {@code queryName.N.Name} / {@code queryName.N.Value.*} in Query. */
    Map<String, AttributeValue> messageAttributes(String jsonName, String queryName);

    /** The entries of a batch: {@code jsonName} is an array of objects in JSON, {@code queryName.N.*} in Query. */
    List<SqsInput> entries(String jsonName, String queryName);

    /** A message attribute as sent; the service checks it. */
    record AttributeValue(Optional<String> dataType, Optional<String> stringValue, Optional<byte[]> binaryValue)
    {
        public AttributeValue
        {
            requireNonNull(dataType, "dataType is null");
            requireNonNull(stringValue, "stringValue is null");
            requireNonNull(binaryValue, "binaryValue is null");
        }
    }

    static ServiceException notAnInteger(String name, String value)
    {
        return SqsErrors.invalidParameter(name, value, "Must be an integer.");
    }

    /** A JSON 1.0 document (or one object in it). */
    record Json(JsonNode node, String path)
            implements SqsInput
    {
        public Json
        {
            requireNonNull(node, "node is null");
            requireNonNull(path, "path is null");
        }

        @Override
        public Optional<String> string(String name)
        {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw wrongType(name, "a string", value);
            }
            return Optional.of(value.textValue());
        }

        @Override
        public Optional<Integer> integer(String name)
        {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            if (!value.isIntegralNumber()) {
                throw wrongType(name, "an integer", value);
            }
            if (!value.canConvertToInt()) {
                throw notAnInteger(name, value.asText());
            }
            return Optional.of(value.intValue());
        }

        @Override
        public List<String> strings(String jsonName, String queryName)
        {
            List<String> values = new ArrayList<>();
            JsonNode list = node.get(jsonName);
            if (list == null || list.isNull()) {
                return values;
            }
            if (!list.isArray()) {
                throw wrongType(jsonName, "a list", list);
            }
            for (JsonNode element : list) {
                if (!element.isTextual()) {
                    throw wrongType(jsonName + ".member", "a string", element);
                }
                values.add(element.textValue());
            }
            return values;
        }

        @Override
        public Map<String, String> map(String jsonName, String queryName, String key, String value)
        {
            Map<String, String> map = new LinkedHashMap<>();
            JsonNode object = node.get(jsonName);
            if (object == null || object.isNull()) {
                return map;
            }
            if (!object.isObject()) {
                throw wrongType(jsonName, "a map", object);
            }
            object.fields().forEachRemaining(entry -> {
                if (!entry.getValue().isTextual()) {
                    throw wrongType(jsonName + "." + entry.getKey(), "a string", entry.getValue());
                }
                map.put(entry.getKey(), entry.getValue().textValue());
            });
            return map;
        }

        @Override
        public Map<String, AttributeValue> messageAttributes(String jsonName, String queryName)
        {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            JsonNode object = node.get(jsonName);
            if (object == null || object.isNull()) {
                return attributes;
            }
            if (!object.isObject()) {
                throw wrongType(jsonName, "a map", object);
            }
            object.fields().forEachRemaining(entry -> {
                if (!entry.getValue().isObject()) {
                    throw wrongType(jsonName + "." + entry.getKey(), "a structure", entry.getValue());
                }
                Json value = new Json(entry.getValue(), qualified(jsonName + "." + entry.getKey()));
                Optional<byte[]> binary = value.string("BinaryValue").map(text -> {
                    try {
                        return Base64.getDecoder().decode(text);
                    }
                    catch (IllegalArgumentException e) {
                        throw wrongType(jsonName + "." + entry.getKey() + ".BinaryValue", "base64-encoded bytes", entry.getValue().get("BinaryValue"));
                    }
                });
                attributes.put(entry.getKey(), new AttributeValue(value.string("DataType"), value.string("StringValue"), binary));
            });
            return attributes;
        }

        @Override
        public List<SqsInput> entries(String jsonName, String queryName)
        {
            List<SqsInput> entries = new ArrayList<>();
            JsonNode list = node.get(jsonName);
            if (list == null || list.isNull()) {
                return entries;
            }
            if (!list.isArray()) {
                throw wrongType(jsonName, "a list", list);
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isObject()) {
                    throw wrongType(jsonName + "." + (i + 1), "a structure", list.get(i));
                }
                entries.add(new Json(list.get(i), qualified(jsonName + "." + (i + 1))));
            }
            return entries;
        }

        private String qualified(String name)
        {
            return path.isEmpty() ? name : path + "." + name;
        }

        private ServiceException wrongType(String name, String expected, JsonNode value)
        {
            String text = value.toString();
            return ServiceException.user("SerializationException", "'" + qualified(name) + "' must be " + expected + ", not "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (text.length() <= 60 ? text : text.substring(0, 57) + "..."));
        }
    }

    /** Query protocol parameters (or those of one batch entry, under its prefix). */
    record Query(Map<String, String> parameters, String prefix)
            implements SqsInput
    {
        public Query
        {
            parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
            requireNonNull(prefix, "prefix is null");
        }

        @Override
        public Optional<String> string(String name)
        {
            return Optional.ofNullable(parameters.get(prefix + name));
        }

        @Override
        public Optional<Integer> integer(String name)
        {
            Optional<String> text = string(name);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Integer.parseInt(text.get()));
            }
            catch (NumberFormatException e) {
                throw notAnInteger(name, text.get());
            }
        }

        @Override
        public List<String> strings(String jsonName, String queryName)
        {
            List<String> values = new ArrayList<>();
            String base = prefix + queryName + ".";
            for (int i = 1; parameters.containsKey(base + i); i++) {
                values.add(parameters.get(base + i));
            }
            checkNumbered(base, values.size());
            return values;
        }

        @Override
        public Map<String, String> map(String jsonName, String queryName, String key, String value)
        {
            Map<String, String> map = new LinkedHashMap<>();
            String base = prefix + queryName + ".";
            for (int i = 1; parameters.containsKey(base + i + "." + key); i++) {
                String entryValue = parameters.get(base + i + "." + value);
                if (entryValue == null) {
                    throw SqsErrors.missingParameter(queryName + "." + i + "." + value);
                }
                map.put(parameters.get(base + i + "." + key), entryValue);
            }
            checkNumbered(base, map.size());
            return map;
        }

        @Override
        public Map<String, AttributeValue> messageAttributes(String jsonName, String queryName)
        {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            String base = prefix + queryName + ".";
            int count = 0;
            for (int i = 1; parameters.containsKey(base + i + ".Name"); i++) {
                String value = base + i + ".Value.";
                String member = queryName + "." + i + ".Value.BinaryValue";
                Optional<byte[]> binary = Optional.ofNullable(parameters.get(value + "BinaryValue")).map(text -> {
                    try {
                        return Base64.getDecoder().decode(text);
                    }
                    catch (IllegalArgumentException e) {
                        throw SqsErrors.invalidParameter(member, text, "Must be base64-encoded.");
                    }
                });
                attributes.put(parameters.get(base + i + ".Name"), new AttributeValue(Optional.ofNullable(parameters.get(value + "DataType")),
                        Optional.ofNullable(parameters.get(value + "StringValue")), binary));
                count++;
            }
            checkNumbered(base, count);
            return attributes;
        }

        @Override
        public List<SqsInput> entries(String jsonName, String queryName)
        {
            List<SqsInput> entries = new ArrayList<>();
            String base = prefix + queryName + ".";
            for (int i = 1; hasPrefix(base + i + "."); i++) {
                entries.add(new Query(parameters, base + i + "."));
            }
            checkNumbered(base, entries.size());
            return entries;
        }

        /**
         * Refuses a parameter under {@code base} whose number is not one of 1 to {@code count}: numbered from 0, after
         * a gap, or a value without its name. Left out, the request would mean less than was sent.
         */
        private void checkNumbered(String base, int count)
        {
            for (String name : new TreeSet<>(parameters.keySet())) {
                if (name.startsWith(base)) {
                    int end = name.indexOf('.', base.length());
                    String number = end < 0 ? name.substring(base.length()) : name.substring(base.length(), end);
                    if (!number.matches("[1-9][0-9]{0,8}") || Integer.parseInt(number) > count) {
                        throw SqsErrors.invalidParameter("The parameter " + name + " is not a member of " + base.substring(0, base.length() - 1)
                                + ": members are numbered 1, 2, 3... without gaps, and each has its name or key");
                    }
                }
            }
        }

        private boolean hasPrefix(String start)
        {
            return parameters.keySet().stream().anyMatch(name -> name.startsWith(start));
        }
    }
}
