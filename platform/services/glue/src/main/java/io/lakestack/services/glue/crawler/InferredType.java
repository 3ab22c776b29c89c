package io.lakestack.services.glue.crawler;

import io.lakestack.spi.glue.HiveType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A column type found in data, before it becomes a Hive type name: primitives widen when samples disagree
 * ({@code int} + {@code bigint} = {@code bigint}, {@code bigint} + {@code double} = {@code double}, anything else
 * mixed = {@code string}), structs merge field by field, arrays merge their elements.
 */
sealed interface InferredType
        permits InferredType.Unknown, InferredType.Primitive, InferredType.Struct, InferredType.Array, InferredType.MapType
{
    /** Only nulls seen so far. */
    record Unknown()
            implements InferredType
    {
        @Override
        public String hive()
        {
            return "string";
        }
    }

    record Primitive(String name)
            implements InferredType
    {
        @Override
        public String hive()
        {
            return name;
        }
    }

    record Struct(Map<String, InferredType> fields)
            implements InferredType
    {
        public Struct
        {
            fields = new LinkedHashMap<>(fields);
        }

        @Override
        public String hive()
        {
            if (fields.isEmpty()) {
                return "string";
            }
            return "struct<" + fields.entrySet().stream().map(entry -> entry.getKey() + ":" + entry.getValue().hive()).collect(Collectors.joining(",")) + ">";
        }
    }

    record Array(InferredType element)
            implements InferredType
    {
        @Override
        public String hive()
        {
            return "array<" + element.hive() + ">";
        }
    }

    record MapType(InferredType key, InferredType value)
            implements InferredType
    {
        @Override
        public String hive()
        {
            return "map<" + key.hive() + "," + value.hive() + ">";
        }
    }

    InferredType UNKNOWN = new Unknown();
    InferredType STRING = new Primitive("string");
    InferredType BOOLEAN = new Primitive("boolean");
    InferredType INT = new Primitive("int");
    InferredType BIGINT = new Primitive("bigint");
    InferredType DOUBLE = new Primitive("double");

    /** The type as the metastore writes it. */
    String hive();

    /** A column's type as the catalog holds it ({@code struct<a:int,b:array<string>>}), to merge with a type found in files. */
    static InferredType of(String hiveType)
    {
        HiveType type;
        try {
            type = HiveType.parse(hiveType);
        }
        catch (IllegalArgumentException e) {
            return new Primitive(hiveType);
        }
        return of(type);
    }

    private static InferredType of(HiveType type)
    {
        return switch (type.kind()) {
            case "struct" -> {
                Map<String, InferredType> fields = new LinkedHashMap<>();
                for (int i = 0; i < type.fieldNames().size(); i++) {
                    fields.put(type.fieldNames().get(i), of(type.children().get(i)));
                }
                yield new Struct(fields);
            }
            case "array" -> new Array(of(type.element()));
            case "map" -> new MapType(of(type.key()), of(type.value()));
            default -> new Primitive(type.toString());
        };
    }

    Set<String> NUMBERS = Set.of("tinyint", "smallint", "int", "bigint", "float", "double");

    static InferredType merge(InferredType a, InferredType b)
    {
        if (a instanceof Unknown) {
            return b;
        }
        if (b instanceof Unknown || a.equals(b)) {
            return a;
        }
        if (a instanceof Primitive first && b instanceof Primitive second) {
            if (NUMBERS.contains(first.name()) && NUMBERS.contains(second.name())) {
                return rank(first.name()) >= rank(second.name()) ? first : second;
            }
            return STRING;
        }
        if (a instanceof Struct first && b instanceof Struct second) {
            Map<String, InferredType> fields = new LinkedHashMap<>(first.fields());
            second.fields().forEach((name, type) -> fields.merge(name, type, InferredType::merge));
            return new Struct(fields);
        }
        if (a instanceof Array first && b instanceof Array second) {
            return new Array(merge(first.element(), second.element()));
        }
        if (a instanceof MapType first && b instanceof MapType second) {
            return new MapType(merge(first.key(), second.key()), merge(first.value(), second.value()));
        }
        return STRING;
    }

    private static int rank(String number)
    {
        return switch (number) {
            case "tinyint" -> 0;
            case "smallint" -> 1;
            case "int" -> 2;
            case "bigint" -> 3;
            case "float" -> 4;
            default -> 5;
        };
    }
}
