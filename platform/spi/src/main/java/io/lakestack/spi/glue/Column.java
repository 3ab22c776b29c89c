package io.lakestack.spi.glue;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A column of a table or a partition key: its Hive type name as Glue stores it ({@code bigint}, {@code struct<a:int>}). */
public record Column(String name, String type, Optional<String> comment, Map<String, String> parameters)
{
    public Column
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(comment, "comment is null");
        parameters = Map.copyOf(parameters);
    }

    public static Column of(String name, String type)
    {
        return new Column(name, type, Optional.empty(), Map.of());
    }
}
