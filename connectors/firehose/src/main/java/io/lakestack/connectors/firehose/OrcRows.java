package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.HiveType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hive.common.type.HiveDecimal;
import org.apache.hadoop.hive.ql.exec.vector.BytesColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.ColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.DecimalColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.DoubleColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.ListColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.LongColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.MapColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.StructColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.TimestampColumnVector;
import org.apache.hadoop.hive.ql.exec.vector.VectorizedRowBatch;
import org.apache.orc.CompressionKind;
import org.apache.orc.OrcConf;
import org.apache.orc.OrcFile;
import org.apache.orc.TypeDescription;
import org.apache.orc.Writer;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Rows written as ORC with the reference writer, into a local file; timestamps in UTC. */
final class OrcRows
        implements Closeable
{
    private final Writer writer;
    private final VectorizedRowBatch batch;
    private final List<HiveType> types;

    OrcRows(Path file, List<String> names, List<HiveType> types, S3Destination.Serializer settings)
            throws IOException
    {
        this.types = List.copyOf(types);
        TypeDescription schema = TypeDescription.createStruct();
        for (int i = 0; i < names.size(); i++) {
            schema.addField(names.get(i), type(types.get(i)));
        }
        Configuration configuration = new Configuration(false);
        OrcConf.DICTIONARY_KEY_SIZE_THRESHOLD.setDouble(configuration, settings.dictionaryKeyThreshold());
        FileSystem local = FileSystem.getLocal(configuration).getRawFileSystem();
        OrcFile.WriterOptions options = OrcFile.writerOptions(configuration)
                .setSchema(schema)
                .fileSystem(local)
                .overwrite(true)
                .compress(switch (settings.compression()) {
                    case "NONE" -> CompressionKind.NONE;
                    case "ZLIB" -> CompressionKind.ZLIB;
                    default -> CompressionKind.SNAPPY;
                })
                .stripeSize(settings.stripeSizeBytes())
                .rowIndexStride(settings.rowIndexStride())
                .blockPadding(settings.enablePadding())
                .bloomFilterFpp(settings.bloomFilterFpp())
                .useUTCTimestamp(true);
        if (!settings.bloomFilterColumns().isEmpty()) {
            options.bloomFilterColumns(String.join(",", settings.bloomFilterColumns()));
        }
        this.writer = OrcFile.createWriter(new org.apache.hadoop.fs.Path(file.toUri()), options);
        this.batch = schema.createRowBatch();
    }

    private static TypeDescription type(HiveType type)
    {
        return switch (type.kind()) {
            case "boolean" -> TypeDescription.createBoolean();
            case "tinyint" -> TypeDescription.createByte();
            case "smallint" -> TypeDescription.createShort();
            case "int" -> TypeDescription.createInt();
            case "bigint" -> TypeDescription.createLong();
            case "float" -> TypeDescription.createFloat();
            case "double" -> TypeDescription.createDouble();
            case "string" -> TypeDescription.createString();
            case "varchar" -> TypeDescription.createVarchar().withMaxLength(type.length());
            case "char" -> TypeDescription.createChar().withMaxLength(type.length());
            case "binary" -> TypeDescription.createBinary();
            case "decimal" -> TypeDescription.createDecimal().withPrecision(type.precision()).withScale(type.scale());
            case "date" -> TypeDescription.createDate();
            case "timestamp" -> TypeDescription.createTimestamp();
            case "array" -> TypeDescription.createList(type(type.element()));
            case "map" -> TypeDescription.createMap(type(type.key()), type(type.value()));
            case "struct" -> {
                TypeDescription struct = TypeDescription.createStruct();
                for (int i = 0; i < type.children().size(); i++) {
                    struct.addField(type.fieldNames().get(i), type(type.children().get(i)));
                }
                yield struct;
            }
            default -> throw new IllegalArgumentException("type " + type + " cannot be written to ORC");
        };
    }

    void write(Object[] row)
            throws IOException
    {
        int index = batch.size++;
        for (int i = 0; i < row.length; i++) {
            set(batch.cols[i], index, row[i], types.get(i));
        }
        if (batch.size == batch.getMaxSize()) {
            writer.addRowBatch(batch);
            batch.reset();
        }
    }

    @SuppressWarnings("unchecked")
    private static void set(ColumnVector vector, int row, Object value, HiveType type)
    {
        if (value == null) {
            vector.noNulls = false;
            vector.isNull[row] = true;
            return;
        }
        vector.isNull[row] = false;
        switch (type.kind()) {
            case "boolean" -> ((LongColumnVector) vector).vector[row] = (Boolean) value ? 1 : 0;
            case "tinyint", "smallint", "int", "bigint" -> ((LongColumnVector) vector).vector[row] = (Long) value;
            case "date" -> ((LongColumnVector) vector).vector[row] = ((LocalDate) value).toEpochDay();
            case "float", "double" -> ((DoubleColumnVector) vector).vector[row] = (Double) value;
            case "string", "varchar", "char" -> ((BytesColumnVector) vector).setVal(row, ((String) value).getBytes(StandardCharsets.UTF_8));
            case "binary" -> ((BytesColumnVector) vector).setVal(row, (byte[]) value);
            case "decimal" -> ((DecimalColumnVector) vector).set(row, HiveDecimal.create((BigDecimal) value));
            case "timestamp" -> ((TimestampColumnVector) vector).set(row, Timestamp.from((Instant) value));
            case "array" -> {
                ListColumnVector list = (ListColumnVector) vector;
                List<Object> elements = (List<Object>) value;
                int offset = list.childCount;
                list.offsets[row] = offset;
                list.lengths[row] = elements.size();
                list.childCount += elements.size();
                list.child.ensureSize(list.childCount, true);
                for (int i = 0; i < elements.size(); i++) {
                    set(list.child, offset + i, elements.get(i), type.element());
                }
            }
            case "map" -> {
                MapColumnVector map = (MapColumnVector) vector;
                Map<Object, Object> entries = (Map<Object, Object>) value;
                int offset = map.childCount;
                map.offsets[row] = offset;
                map.lengths[row] = entries.size();
                map.childCount += entries.size();
                map.keys.ensureSize(map.childCount, true);
                map.values.ensureSize(map.childCount, true);
                int i = 0;
                for (Map.Entry<Object, Object> entry : entries.entrySet()) {
                    set(map.keys, offset + i, entry.getKey(), type.key());
                    set(map.values, offset + i, entry.getValue(), type.value());
                    i++;
                }
            }
            case "struct" -> {
                StructColumnVector struct = (StructColumnVector) vector;
                Object[] fields = (Object[]) value;
                for (int i = 0; i < fields.length; i++) {
                    set(struct.fields[i], row, fields[i], type.children().get(i));
                }
            }
            default -> throw new IllegalArgumentException("type " + type + " cannot be written to ORC");
        }
    }

    @Override
    public void close()
            throws IOException
    {
        if (batch.size > 0) {
            writer.addRowBatch(batch);
            batch.reset();
        }
        writer.close();
    }
}
