package io.lakestack.spi.glue;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One page of a listing and the token of the next, if there is one. */
public record Page<T>(List<T> items, Optional<String> nextToken)
{
    public Page
    {
        items = List.copyOf(items);
        requireNonNull(nextToken, "nextToken is null");
    }
}
