package io.lakestack.connectors.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an AWS request written as JSON, as {@code aws <service> <operation> --cli-input-json} takes it (members by
 * their API names, {@code "DeliveryStreamName"}, {@code "ExtendedS3DestinationConfiguration"}), into the SDK's request,
 * so a pipeline's definitions stay AWS JSON that the AWS CLI deploys as they are. A member the operation does not have
 * is refused, as the CLI refuses it ({@code Unknown parameter in input}), never dropped.
 */
public final class AwsJson
{
    private AwsJson()
    {
    }

    /** The request {@code json} describes, built by {@code builder} (say {@code CreateDeliveryStreamRequest.builder()}). */
    public static <R, B extends SdkPojo & SdkBuilder<B, R>> R request(JsonNode json, B builder)
    {
        fill(builder, json, "input");
        return builder.build();
    }

    private static void fill(SdkPojo builder, JsonNode json, String path)
    {
        if (!json.isObject()) {
            throw new IllegalArgumentException("Invalid type for parameter " + path + ", value: " + json + ", type: " + json.getNodeType()
                    + ", valid types: object");
        }
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> field : builder.sdkFields()) {
            fields.put(field.memberName(), field);
        }
        Iterator<Map.Entry<String, JsonNode>> members = json.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            SdkField<?> field = fields.get(member.getKey());
            if (field == null) {
                throw new IllegalArgumentException("Unknown parameter in " + path + ": \"" + member.getKey() + "\", must be one of: "
                        + String.join(", ", fields.keySet()));
            }
            if (!member.getValue().isNull()) {
                field.set(builder, value(field, member.getValue(), path.equals("input") ? member.getKey() : path + "." + member.getKey()));
            }
        }
    }

    private static Object value(SdkField<?> field, JsonNode json, String path)
    {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) {
            return text(json, path);
        }
        if (type == MarshallingType.BOOLEAN) {
            if (!json.isBoolean()) {
                throw invalid(path, json, "boolean");
            }
            return json.booleanValue();
        }
        if (type == MarshallingType.INTEGER || type == MarshallingType.LONG || type == MarshallingType.SHORT || type == MarshallingType.BYTE) {
            if (!json.isIntegralNumber()) {
                throw invalid(path, json, "int");
            }
            if (type == MarshallingType.LONG) {
                return json.longValue();
            }
            if (!json.canConvertToInt()) {
                throw invalid(path, json, "int");
            }
            return type == MarshallingType.INTEGER ? (Object) json.intValue() : type == MarshallingType.SHORT ? (Object) (short) json.intValue()
                    : (Object) (byte) json.intValue();
        }
        if (type == MarshallingType.DOUBLE || type == MarshallingType.FLOAT || type == MarshallingType.BIG_DECIMAL) {
            if (!json.isNumber()) {
                throw invalid(path, json, "float");
            }
            return type == MarshallingType.DOUBLE ? (Object) json.doubleValue() : type == MarshallingType.FLOAT ? (Object) json.floatValue()
                    : (Object) new BigDecimal(json.asText());
        }
        if (type == MarshallingType.INSTANT) {
            if (json.isNumber()) {
                return Instant.ofEpochMilli(Math.round(json.doubleValue() * 1000));
            }
            try {
                return Instant.parse(text(json, path));
            }
            catch (DateTimeParseException e) {
                throw invalid(path, json, "timestamp");
            }
        }
        if (type == MarshallingType.SDK_BYTES) {
            try {
                return SdkBytes.fromByteArray(Base64.getDecoder().decode(text(json, path)));
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid base64 for parameter " + path + ": " + e.getMessage());
            }
        }
        if (type == MarshallingType.LIST) {
            if (!json.isArray()) {
                throw invalid(path, json, "list, tuple");
            }
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                list.add(value(member, json.get(i), path + "[" + i + "]"));
            }
            return list;
        }
        if (type == MarshallingType.MAP) {
            if (!json.isObject()) {
                throw invalid(path, json, "dict");
            }
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            json.fields().forEachRemaining(entry -> map.put(entry.getKey(), value(member, entry.getValue(), path + "." + entry.getKey())));
            return map;
        }
        if (type == MarshallingType.SDK_POJO) {
            SdkPojo nested = field.constructor().get();
            fill(nested, json, path);
            return ((SdkBuilder<?, ?>) nested).build();
        }
        throw new IllegalArgumentException("Parameter " + path + " has type " + type + ", which a JSON definition cannot give; set it in code");
    }

    private static String text(JsonNode json, String path)
    {
        if (!json.isTextual()) {
            throw invalid(path, json, "str");
        }
        return json.textValue();
    }

    private static IllegalArgumentException invalid(String path, JsonNode json, String valid)
    {
        return new IllegalArgumentException("Invalid type for parameter " + path + ", value: " + json + ", type: "
                + json.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", valid types: " + valid);
    }
}
