package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.HiveType;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows written as Parquet the way Hive (and so Firehose) lays them out: every column optional, strings as UTF-8
 * binaries, decimals as fixed-length byte arrays, timestamps as INT96, lists and maps in the standard three-level
 * groups.
 */
final class ParquetRows
{
    private ParquetRows() {}

    static MessageType schema(List<String> names, List<HiveType> types)
    {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (int i = 0; i < names.size(); i++) {
            message.addField(field(names.get(i), types.get(i)));
        }
        return message.named("hive_schema");
    }

    private static Type field(String name, HiveType type)
    {
        return field(name, type, Type.Repetition.OPTIONAL);
    }

    private static Type field(String name, HiveType type, Type.Repetition repetition)
    {
        switch (type.kind()) {
            case "boolean":
                return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case "tinyint":
                return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.intType(8, true)).named(name);
            case "smallint":
                return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.intType(16, true)).named(name);
            case "int":
                return Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
            case "bigint":
                return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case "float":
                return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case "double":
                return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case "string", "varchar", "char":
                return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
            case "binary":
                return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case "decimal":
                return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(decimalBytes(type.precision()))
                        .as(LogicalTypeAnnotation.decimalType(type.scale(), type.precision())).named(name);
            case "date":
                return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
            case "timestamp":
                return Types.primitive(PrimitiveTypeName.INT96, repetition).named(name);
            case "array":
                return Types.list(repetition).element(field("element", type.element())).named(name);
            case "map":
                return Types.map(repetition).key(field("key", type.key(), Type.Repetition.REQUIRED)).value(field("value", type.value())).named(name);
            case "struct": {
                Types.GroupBuilder<GroupType> group = Types.buildGroup(repetition);
                for (int i = 0; i < type.children().size(); i++) {
                    group.addField(field(type.fieldNames().get(i), type.children().get(i)));
                }
                return group.named(name);
            }
            default:
                throw new IllegalArgumentException("type " + type + " cannot be written to Parquet");
        }
    }

    /** The fewest bytes holding any unscaled value of {@code precision} digits, as Hive sizes them. */
    static int decimalBytes(int precision)
    {
        int bytes = 1;
        while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) {
            bytes++;
        }
        return bytes;
    }

    /** A writer of rows into a local file. */
    static ParquetWriter<Object[]> writer(Path file, List<String> names, List<HiveType> types, S3Destination.Serializer settings)
            throws IOException
    {
        CompressionCodecName codec = switch (settings.compression()) {
            case "GZIP" -> CompressionCodecName.GZIP;
            case "UNCOMPRESSED" -> CompressionCodecName.UNCOMPRESSED;
            default -> CompressionCodecName.SNAPPY;
        };
        return new Builder(new LocalOutputFile(file), schema(names, types), types)
                .withConf(new Configuration(false))
                .withCompressionCodec(codec)
                .withRowGroupSize(settings.blockSizeBytes())
                .withPageSize(settings.pageSizeBytes())
                .withDictionaryEncoding(settings.enableDictionary())
                .withWriterVersion(settings.writerVersion2() ? ParquetProperties.WriterVersion.PARQUET_2_0 : ParquetProperties.WriterVersion.PARQUET_1_0)
                .build();
    }

    private static final class Builder
            extends ParquetWriter.Builder<Object[], Builder>
    {
        private final MessageType schema;
        private final List<HiveType> types;

        Builder(OutputFile file, MessageType schema, List<HiveType> types)
        {
            super(file);
            this.schema = schema;
            this.types = types;
        }

        @Override
        protected Builder self()
        {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration configuration)
        {
            return new RowWriteSupport(schema, types);
        }
    }

    private static final class RowWriteSupport
            extends WriteSupport<Object[]>
    {
        private final MessageType schema;
        private final List<HiveType> types;
        private RecordConsumer consumer;

        RowWriteSupport(MessageType schema, List<HiveType> types)
        {
            this.schema = schema;
            this.types = types;
        }

        @Override
        public WriteContext init(Configuration configuration)
        {
            Map<String, String> metadata = new HashMap<>();
            metadata.put("writer.model.name", "lakestack-firehose");
            return new WriteContext(schema, metadata);
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer)
        {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Object[] row)
        {
            consumer.startMessage();
            writeFields(row, schema, types);
            consumer.endMessage();
        }

        private void writeFields(Object[] values, GroupType group, List<HiveType> fieldTypes)
        {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    continue;
                }
                String name = group.getFieldName(i);
                consumer.startField(name, i);
                writeValue(values[i], fieldTypes.get(i), group.getType(i));
                consumer.endField(name, i);
            }
        }

        @SuppressWarnings("unchecked")
        private void writeValue(Object value, HiveType type, Type parquetType)
        {
            switch (type.kind()) {
                case "boolean" -> consumer.addBoolean((Boolean) value);
                case "tinyint", "smallint", "int" -> consumer.addInteger(((Long) value).intValue());
                case "bigint" -> consumer.addLong((Long) value);
                case "float" -> consumer.addFloat(((Double) value).floatValue());
                case "double" -> consumer.addDouble((Double) value);
                // a byte-array binary: the column statistics compare arrays, far cheaper than the byte buffers Binary.fromString makes
                case "string", "varchar", "char" -> consumer.addBinary(Binary.fromConstantByteArray(((String) value).getBytes(StandardCharsets.UTF_8)));
                case "binary" -> consumer.addBinary(Binary.fromConstantByteArray((byte[]) value));
                case "decimal" -> consumer.addBinary(decimal((BigDecimal) value, parquetType.asPrimitiveType().getTypeLength()));
                case "date" -> consumer.addInteger((int) ((LocalDate) value).toEpochDay());
                case "timestamp" -> consumer.addBinary(int96((Instant) value));
                case "array" -> {
                    GroupType list = parquetType.asGroupType();
                    GroupType repeated = list.getType(0).asGroupType();
                    consumer.startGroup();
                    List<Object> elements = (List<Object>) value;
                    if (!elements.isEmpty()) {
                        consumer.startField(repeated.getName(), 0);
                        for (Object element : elements) {
                            consumer.startGroup();
                            if (element != null) {
                                consumer.startField("element", 0);
                                writeValue(element, type.element(), repeated.getType(0));
                                consumer.endField("element", 0);
                            }
                            consumer.endGroup();
                        }
                        consumer.endField(repeated.getName(), 0);
                    }
                    consumer.endGroup();
                }
                case "map" -> {
                    GroupType map = parquetType.asGroupType();
                    GroupType repeated = map.getType(0).asGroupType();
                    consumer.startGroup();
                    Map<Object, Object> entries = (Map<Object, Object>) value;
                    if (!entries.isEmpty()) {
                        consumer.startField(repeated.getName(), 0);
                        for (Map.Entry<Object, Object> entry : entries.entrySet()) {
                            consumer.startGroup();
                            consumer.startField("key", 0);
                            writeValue(entry.getKey(), type.key(), repeated.getType(0));
                            consumer.endField("key", 0);
                            if (entry.getValue() != null) {
                                consumer.startField("value", 1);
                                writeValue(entry.getValue(), type.value(), repeated.getType(1));
                                consumer.endField("value", 1);
                            }
                            consumer.endGroup();
                        }
                        consumer.endField(repeated.getName(), 0);
                    }
                    consumer.endGroup();
                }
                case "struct" -> {
                    consumer.startGroup();
                    writeFields((Object[]) value, parquetType.asGroupType(), type.children());
                    consumer.endGroup();
                }
                default -> throw new IllegalArgumentException("type " + type + " cannot be written to Parquet");
            }
        }
    }

    private static Binary decimal(BigDecimal value, int length)
    {
        byte[] unscaled = value.unscaledValue().toByteArray();
        byte[] bytes = new byte[length];
        byte fill = (byte) (value.signum() < 0 ? 0xFF : 0x00);
        int padding = length - unscaled.length;
        for (int i = 0; i < length; i++) {
            bytes[i] = i < padding ? fill : unscaled[i - padding];
        }
        return Binary.fromConstantByteArray(bytes);
    }

    /** Hive's INT96 timestamp: nanoseconds of the day (8 bytes) and the Julian day (4 bytes), little-endian. */
    private static Binary int96(Instant instant)
    {
        long epochDay = Math.floorDiv(instant.getEpochSecond(), 86_400);
        long secondOfDay = Math.floorMod(instant.getEpochSecond(), 86_400);
        long nanos = secondOfDay * 1_000_000_000L + instant.getNano();
        ByteBuffer buffer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(nanos);
        buffer.putInt((int) (epochDay + 2_440_588));
        return Binary.fromConstantByteArray(buffer.array());
    }
}
