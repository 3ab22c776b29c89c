package io.lakestack.spi.glue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A database of the catalog. */
public record CatalogDatabase(String name, Optional<String> description, Optional<String> locationUri, Map<String, String> parameters,
        Optional<Instant> createTime)
{
    public CatalogDatabase
    {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(locationUri, "locationUri is null");
        parameters = Map.copyOf(parameters);
        requireNonNull(createTime, "createTime is null");
    }
}
