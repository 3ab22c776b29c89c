package io.lakestack.spi.glue;

import java.util.List;
import java.util.Map;

/**
 * Glue's {@code SkewedInfo} of a storage descriptor: the columns whose values are skewed, the values, and where the
 * data of each value is.
 */
public record SkewedInfo(List<String> columnNames, List<String> columnValues, Map<String, String> valueLocations)
{
    public static final SkewedInfo NONE = new SkewedInfo(List.of(), List.of(), Map.of());

    public SkewedInfo
    {
        columnNames = List.copyOf(columnNames);
        columnValues = List.copyOf(columnValues);
        valueLocations = Map.copyOf(valueLocations);
    }

    public boolean isEmpty()
    {
        return columnNames.isEmpty() && columnValues.isEmpty() && valueLocations.isEmpty();
    }
}
