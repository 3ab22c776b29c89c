package io.lakestack.spi.glue;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** How rows are read and written: the SerDe class and its parameters (field delimiter, JSON paths...). */
public record SerDeInfo(Optional<String> name, Optional<String> serializationLibrary, Map<String, String> parameters)
{
    public static final SerDeInfo NONE = new SerDeInfo(Optional.empty(), Optional.empty(), Map.of());

    public SerDeInfo
    {
        requireNonNull(name, "name is null");
        requireNonNull(serializationLibrary, "serializationLibrary is null");
        parameters = Map.copyOf(parameters);
    }
}
