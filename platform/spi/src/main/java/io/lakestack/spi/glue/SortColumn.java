package io.lakestack.spi.glue;

import static java.util.Objects.requireNonNull;

/** A sort column of a bucketed table; {@code sortOrder} 1 ascending, 0 descending, as in Hive. */
public record SortColumn(String column, int sortOrder)
{
    public SortColumn
    {
        requireNonNull(column, "column is null");
    }
}
