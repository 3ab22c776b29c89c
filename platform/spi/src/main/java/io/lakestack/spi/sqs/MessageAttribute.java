package io.lakestack.spi.sqs;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A message attribute as SQS carries it: a data type ({@code String}, {@code Number}, {@code Binary}, or one of them
 * followed by {@code .} and a custom label) with a string or a binary value.
 */
public record MessageAttribute(String dataType, Optional<String> stringValue, Optional<byte[]> binaryValue)
{
    public MessageAttribute
    {
        requireNonNull(dataType, "dataType is null");
        requireNonNull(stringValue, "stringValue is null");
        requireNonNull(binaryValue, "binaryValue is null");
        if (stringValue.isPresent() == binaryValue.isPresent()) {
            throw new IllegalArgumentException("a message attribute has a string value or a binary value");
        }
    }

    public static MessageAttribute string(String dataType, String value)
    {
        return new MessageAttribute(dataType, Optional.of(value), Optional.empty());
    }

    public static MessageAttribute binary(String dataType, byte[] value)
    {
        return new MessageAttribute(dataType, Optional.empty(), Optional.of(value.clone()));
    }

    /** The attributes by name, unmodifiable, in name order (the order their MD5 digest takes them in). */
    public static Map<String, MessageAttribute> sorted(Map<String, MessageAttribute> attributes)
    {
        return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(attributes));
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof MessageAttribute that && dataType.equals(that.dataType) && stringValue.equals(that.stringValue)
                && Arrays.equals(binaryValue.orElse(null), that.binaryValue.orElse(null));
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * dataType.hashCode() + stringValue.hashCode()) + Arrays.hashCode(binaryValue.orElse(null));
    }

    @Override
    public String toString()
    {
        return dataType + "=" + stringValue.orElseGet(() -> binaryValue.get().length + " bytes");
    }
}
