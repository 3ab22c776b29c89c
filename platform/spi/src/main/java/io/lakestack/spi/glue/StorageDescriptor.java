package io.lakestack.spi.glue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Where a table's or partition's data is and how it is stored. */
public record StorageDescriptor(
        List<Column> columns,
        Optional<String> location,
        Optional<String> inputFormat,
        Optional<String> outputFormat,
        boolean compressed,
        int numberOfBuckets,
        SerDeInfo serdeInfo,
        List<String> bucketColumns,
        List<SortColumn> sortColumns,
        Map<String, String> parameters,
        boolean storedAsSubDirectories,
        SkewedInfo skewedInfo)
{
    public StorageDescriptor
    {
        requireNonNull(skewedInfo, "skewedInfo is null");
        columns = List.copyOf(columns);
        requireNonNull(location, "location is null");
        requireNonNull(inputFormat, "inputFormat is null");
        requireNonNull(outputFormat, "outputFormat is null");
        requireNonNull(serdeInfo, "serdeInfo is null");
        bucketColumns = List.copyOf(bucketColumns);
        sortColumns = List.copyOf(sortColumns);
        parameters = Map.copyOf(parameters);
    }

    /** A storage descriptor without skewed values. */
    public StorageDescriptor(List<Column> columns, Optional<String> location, Optional<String> inputFormat, Optional<String> outputFormat, boolean compressed,
            int numberOfBuckets, SerDeInfo serdeInfo, List<String> bucketColumns, List<SortColumn> sortColumns, Map<String, String> parameters,
            boolean storedAsSubDirectories)
    {
        this(columns, location, inputFormat, outputFormat, compressed, numberOfBuckets, serdeInfo, bucketColumns, sortColumns, parameters,
                storedAsSubDirectories, SkewedInfo.NONE);
    }

    public StorageDescriptor withLocation(String newLocation)
    {
        return new StorageDescriptor(columns, Optional.of(newLocation), inputFormat, outputFormat, compressed, numberOfBuckets, serdeInfo,
                bucketColumns, sortColumns, parameters, storedAsSubDirectories, skewedInfo);
    }

    public StorageDescriptor withColumns(List<Column> newColumns)
    {
        return new StorageDescriptor(newColumns, location, inputFormat, outputFormat, compressed, numberOfBuckets, serdeInfo,
                bucketColumns, sortColumns, parameters, storedAsSubDirectories, skewedInfo);
    }
}
