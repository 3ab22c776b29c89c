package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.Float16LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapKeyValueTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.MapLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The rows of a Parquet object as the items of a distributed Map: every row of every row group, each a JSON object of
 * its columns, read from the object's bytes in memory with the reference library (no Hadoop file system).
 *
 * <p>Values: {@code BOOLEAN} a boolean; {@code INT32} and {@code INT64} (plain or {@code INTEGER}, unsigned ones
 * too) a number; {@code FLOAT} and {@code DOUBLE} a number (the shortest decimal that reads back as the value; NaN and
 * the infinities, which JSON has no number for, the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}); {@code FLOAT16} a number likewise; {@code DECIMAL} (on {@code INT32}, {@code INT64},
 * {@code BINARY} or {@code FIXED_LEN_BYTE_ARRAY}) the exact number with its scale; {@code BINARY} and
 * {@code FIXED_LEN_BYTE_ARRAY} annotated {@code STRING}, {@code ENUM} or {@code JSON} a string (a {@code JSON} value is
 * its text, not parsed), {@code UUID} its canonical text, other binaries their bytes in base64 (standard alphabet, padded);
 * {@code DATE} {@code yyyy-MM-dd}; {@code TIMESTAMP} ({@code MILLIS}, {@code MICROS}, {@code NANOS}) and {@code INT96}
 * (as Trino and Hive write timestamps) {@code yyyy-MM-ddTHH:mm:ss[.fff]}, ended by {@code Z} when the timestamp is
 * adjusted to UTC ({@code INT96} has no such flag: it reads as Trino reads it, a timestamp without time zone, no
 * {@code Z}); {@code TIME} {@code HH:mm:ss[.fff]}. The fraction of a second is written in groups of three digits, as
 * few as hold the value ({@code .120}, {@code .123456}, {@code .123456789}), none when it is zero. A {@code LIST} is
 * an array (the standard three-level layout and the older two-level ones), a {@code MAP} an object whose keys are the
 * keys' text, any other group an object, a repeated field outside a list an array; an optional value that is absent is
 * {@code null}, its key kept.
 */
final class ParquetItems
{
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    /** The Julian day of 1970-01-01, where INT96's days count from. */
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private ParquetItems() {}

    /**
     * Every row of the Parquet object {@code object}; an {@link IllegalArgumentException} naming {@code source} when
     * the bytes are not Parquet or cannot be decoded.
     */
    static List<JsonNode> rows(byte[] object, String source)
    {
        requireNonNull(object, "object is null");
        requireNonNull(source, "source is null");
        List<JsonNode> rows = new ArrayList<>();
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new BytesInputFile(object, source), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = columns.getRecordReader(rowGroup, new GroupRecordConverter(schema));
                for (long row = 0; row < rowGroup.getRowCount(); row++) {
                    rows.add(group(records.read(), schema));
                }
            }
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("The object " + source + " cannot be read as Parquet: " + e.getMessage(), e);
        }
        return rows;
    }

    private static ObjectNode group(Group group, GroupType type)
    {
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            object.set(type.getFieldName(i), field(group, i, type.getType(i)));
        }
        return object;
    }

    /** Field {@code index} of a group: the array of a repeated field's values, else its value, or null when absent. */
    private static JsonNode field(Group group, int index, Type type)
    {
        int count = group.getFieldRepetitionCount(index);
        if (type.isRepetition(Type.Repetition.REPEATED)) {
            ArrayNode array = NODES.arrayNode();
            for (int i = 0; i < count; i++) {
                array.add(value(group, index, i, type));
            }
            return array;
        }
        return count == 0 ? NODES.nullNode() : value(group, index, 0, type);
    }

    private static JsonNode value(Group group, int field, int index, Type type)
    {
        if (type.isPrimitive()) {
            return primitive(group, field, index, type.asPrimitiveType());
        }
        GroupType groupType = type.asGroupType();
        Group value = group.getGroup(field, index);
        LogicalTypeAnnotation logical = groupType.getLogicalTypeAnnotation();
        boolean oneRepeated = groupType.getFieldCount() == 1 && groupType.getType(0).isRepetition(Type.Repetition.REPEATED);
        if (logical instanceof ListLogicalTypeAnnotation && oneRepeated) {
            return list(value, groupType);
        }
        if ((logical instanceof MapLogicalTypeAnnotation || logical instanceof MapKeyValueTypeAnnotation) && oneRepeated
                && !groupType.getType(0).isPrimitive()) {
            return map(value, groupType.getType(0).asGroupType());
        }
        return group(value, groupType);
    }

    /**
     * A {@code LIST} group's elements, with Parquet's rules for the older layouts: the repeated field is the element
     * when it is a primitive, a group of several fields, or a group named {@code array} or {@code <list>_tuple};
     * otherwise its one field is.
     */
    private static ArrayNode list(Group list, GroupType listType)
    {
        Type repeated = listType.getType(0);
        boolean repeatedIsElement = repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1 || repeated.getName().equals("array")
                || repeated.getName().equals(listType.getName() + "_tuple");
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
            if (repeatedIsElement) {
                array.add(value(list, 0, i, repeated));
            }
            else {
                array.add(field(list.getGroup(0, i), 0, repeated.asGroupType().getType(0)));
            }
        }
        return array;
    }

    /** A {@code MAP} group's entries: each key's text (a string's own, a number's digits, a group's JSON) to its value. */
    private static ObjectNode map(Group map, GroupType entryType)
    {
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < map.getFieldRepetitionCount(0); i++) {
            Group entry = map.getGroup(0, i);
            JsonNode key = field(entry, 0, entryType.getType(0));
            JsonNode value = entryType.getFieldCount() > 1 ? field(entry, 1, entryType.getType(1)) : NODES.nullNode();
            object.set(key.isValueNode() ? key.asText() : key.toString(), value);
        }
        return object;
    }

    private static JsonNode primitive(Group group, int field, int index, PrimitiveType type)
    {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        switch (type.getPrimitiveTypeName()) {
            case BOOLEAN:
                return NODES.booleanNode(group.getBoolean(field, index));
            case INT32: {
                int value = group.getInteger(field, index);
                if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
                    return NODES.numberNode(BigDecimal.valueOf(value, decimal.getScale()));
                }
                if (logical instanceof DateLogicalTypeAnnotation) {
                    return NODES.textNode(LocalDate.ofEpochDay(value).toString());
                }
                if (logical instanceof TimeLogicalTypeAnnotation) {
                    return NODES.textNode(time(value * 1_000_000L));
                }
                if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
                    return NODES.numberNode(Integer.toUnsignedLong(value));
                }
                return NODES.numberNode(value);
            }
            case INT64: {
                long value = group.getLong(field, index);
                if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
                    return NODES.numberNode(BigDecimal.valueOf(value, decimal.getScale()));
                }
                if (logical instanceof TimestampLogicalTypeAnnotation timestamp) {
                    long perSecond = perSecond(timestamp.getUnit());
                    return NODES.textNode(dateTime(Math.floorDiv(value, perSecond), Math.floorMod(value, perSecond) * (NANOS_PER_SECOND / perSecond))
                            + (timestamp.isAdjustedToUTC() ? "Z" : ""));
                }
                if (logical instanceof TimeLogicalTypeAnnotation time) {
                    return NODES.textNode(time(value * (NANOS_PER_SECOND / perSecond(time.getUnit()))));
                }
                if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
                    return NODES.numberNode(new BigInteger(Long.toUnsignedString(value)));
                }
                return NODES.numberNode(value);
            }
            case INT96: {
                ByteBuffer bytes = group.getInt96(field, index).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                long nanosOfDay = bytes.getLong();
                long epochDay = bytes.getInt() - JULIAN_EPOCH_DAY;
                long seconds = epochDay * SECONDS_PER_DAY + Math.floorDiv(nanosOfDay, NANOS_PER_SECOND);
                return NODES.textNode(dateTime(seconds, Math.floorMod(nanosOfDay, NANOS_PER_SECOND)));
            }
            case FLOAT:
                return floating(group.getFloat(field, index), Float.toString(group.getFloat(field, index)));
            case DOUBLE:
                return floating(group.getDouble(field, index), Double.toString(group.getDouble(field, index)));
            case BINARY:
            case FIXED_LEN_BYTE_ARRAY:
                return binary(group.getBinary(field, index), logical);
            default:
                throw new IllegalArgumentException("the column " + type.getName() + " has the type " + type.getPrimitiveTypeName()
                        + ", which lakestack does not read");
        }
    }

    private static JsonNode binary(Binary binary, LogicalTypeAnnotation logical)
    {
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            byte[] bytes = binary.getBytes();
            return NODES.numberNode(new BigDecimal(bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes), decimal.getScale()));
        }
        if (logical instanceof StringLogicalTypeAnnotation || logical instanceof EnumLogicalTypeAnnotation || logical instanceof JsonLogicalTypeAnnotation) {
            return NODES.textNode(binary.toStringUsingUTF8());
        }
        if (logical instanceof UUIDLogicalTypeAnnotation && binary.length() == 16) {
            ByteBuffer bytes = binary.toByteBuffer();
            return NODES.textNode(new UUID(bytes.getLong(), bytes.getLong()).toString());
        }
        if (logical instanceof Float16LogicalTypeAnnotation && binary.length() == 2) {
            float value = float16(binary.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getShort());
            return floating(value, Float.toString(value));
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(binary.getBytes()));
    }

    /** An IEEE 754 half-precision value as a float. */
    private static float float16(short bits)
    {
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        }
        else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        }
        else {
            magnitude = Float.intBitsToFloat((exponent + 112) << 23 | mantissa << 13);
        }
        return bits < 0 ? -magnitude : magnitude;
    }

    /** A finite number as the decimal its shortest text gives; NaN and the infinities as that text. */
    private static JsonNode floating(double value, String text)
    {
        return Double.isFinite(value) ? NODES.numberNode(new BigDecimal(text)) : NODES.textNode(text);
    }

    private static long perSecond(TimeUnit unit)
    {
        return switch (unit) {
            case MILLIS -> 1_000L;
            case MICROS -> 1_000_000L;
            case NANOS -> NANOS_PER_SECOND;
        };
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.fff]} of a UTC instant given as seconds from the epoch and nanoseconds (0 to 999,999,999). */
    private static String dateTime(long epochSeconds, long nanos)
    {
        long day = Math.floorDiv(epochSeconds, SECONDS_PER_DAY);
        return LocalDate.ofEpochDay(day) + "T" + time(Math.floorMod(epochSeconds, SECONDS_PER_DAY) * NANOS_PER_SECOND + nanos);
    }

    /** {@code HH:mm:ss[.fff]} of nanoseconds since midnight. */
    private static String time(long nanosOfDay)
    {
        long seconds = Math.floorDiv(nanosOfDay, NANOS_PER_SECOND);
        long nanos = Math.floorMod(nanosOfDay, NANOS_PER_SECOND);
        String text = String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (nanos == 0) {
            return text;
        }
        if (nanos % 1_000_000 == 0) {
            return text + String.format(".%03d", nanos / 1_000_000);
        }
        if (nanos % 1_000 == 0) {
            return text + String.format(".%06d", nanos / 1_000);
        }
        return text + String.format(".%09d", nanos);
    }

    /** An object's bytes as Parquet's input: a stream that seeks within them. */
    private static final class BytesInputFile
            implements InputFile
    {
        private final byte[] bytes;
        private final String source;

        BytesInputFile(byte[] bytes, String source)
        {
            this.bytes = requireNonNull(bytes, "bytes is null");
            this.source = requireNonNull(source, "source is null");
        }

        @Override
        public long getLength()
        {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream()
        {
            SeekableBytes stream = new SeekableBytes(bytes);
            return new DelegatingSeekableInputStream(stream)
            {
                @Override
                public long getPos()
                {
                    return stream.position();
                }

                @Override
                public void seek(long position)
                        throws IOException
                {
                    stream.seek(position);
                }
            };
        }

        @Override
        public String toString()
        {
            return source;
        }
    }

    private static final class SeekableBytes
            extends ByteArrayInputStream
    {
        SeekableBytes(byte[] bytes)
        {
            super(bytes);
        }

        synchronized long position()
        {
            return pos;
        }

        synchronized void seek(long position)
                throws EOFException
        {
            if (position < 0 || position > count) {
                throw new EOFException("cannot seek to " + position + " in " + count + " bytes");
            }
            pos = (int) position;
        }
    }
}
