package io.lakestack.services.glue.crawler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.apache.orc.OrcProto;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

/**
 * Reads the schema of one data file, as Glue's built-in classifiers do: Parquet and ORC from their footers;
 * newline-delimited JSON (or a JSON array) and CSV/TSV from a sample of their first records (a value in double quotes
 * may hold the delimiter, line breaks and doubled quotes); any of the text formats gzip-compressed. A file that fits
 * none is {@link Unreadable}, with the reason.
 */
final class FileSchemaReader
{
    static final int TEXT_SAMPLE_BYTES = 1 << 20;
    private static final int TEXT_SAMPLE_RECORDS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader CSV_RECORDS = new CsvMapper().readerForListOf(String.class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY)
            .with(CsvParser.Feature.SKIP_EMPTY_LINES);
    private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};

    enum Format
    {
        JSON("json"), CSV("csv"), PARQUET("parquet"), ORC("orc");

        private final String classification;

        Format(String classification)
        {
            this.classification = classification;
        }

        String classification()
        {
            return classification;
        }
    }

    /** Where a file's bytes come from: a range of the object. */
    interface Source
    {
        long size();

        byte[] read(long offset, int length)
                throws IOException;
    }

    /** The schema of one file. */
    record FileSchema(Format format, boolean gzip, Map<String, InferredType> columns, CsvLayout csv)
    {
    }

    /** How a CSV/TSV file is laid out. */
    record CsvLayout(char delimiter, boolean header, boolean quoted)
    {
    }

    static final class Unreadable
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason)
        {
            super(reason);
        }
    }

    private FileSchemaReader() {}

    static FileSchema read(Source source)
            throws Unreadable, IOException
    {
        long size = source.size();
        if (size == 0) {
            throw new Unreadable("the file is empty");
        }
        byte[] head = source.read(0, (int) Math.min(size, TEXT_SAMPLE_BYTES));
        if (startsWith(head, PARQUET_MAGIC)) {
            return parquet(source);
        }
        if (head.length >= 3 && head[0] == 'O' && head[1] == 'R' && head[2] == 'C') {
            return orc(source);
        }
        boolean gzip = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        byte[] text = gzip ? gunzipPrefix(head) : head;
        boolean truncated = gzip || size > head.length;
        String decoded = decode(text, truncated);
        String trimmed = decoded.stripLeading();
        if (trimmed.isEmpty()) {
            throw new Unreadable("the file holds no records");
        }
        if (trimmed.charAt(0) == '{' || trimmed.charAt(0) == '[') {
            return new FileSchema(Format.JSON, gzip, json(trimmed, truncated), null);
        }
        return csv(decoded, truncated, gzip);
    }

    // JSON

    private static Map<String, InferredType> json(String text, boolean truncated)
            throws Unreadable
    {
        Map<String, InferredType> columns = new LinkedHashMap<>();
        int records = 0;
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            parser.setCodec(JSON);
            JsonToken first = parser.nextToken();
            boolean array = first == JsonToken.START_ARRAY;
            JsonToken token = array ? parser.nextToken() : first;
            while (token != null && token != JsonToken.END_ARRAY && records < TEXT_SAMPLE_RECORDS) {
                if (token != JsonToken.START_OBJECT) {
                    throw new Unreadable("record " + (records + 1) + " is not a JSON object");
                }
                JsonNode record;
                try {
                    record = parser.readValueAsTree();
                }
                catch (IOException e) {
                    if (truncated && records > 0) {
                        // the sample ends inside a record
                        break;
                    }
                    throw e;
                }
                record.fields().forEachRemaining(field -> columns.merge(field.getKey().toLowerCase(Locale.ROOT), infer(field.getValue()), InferredType::merge));
                records++;
                try {
                    token = parser.nextToken();
                }
                catch (IOException e) {
                    if (truncated) {
                        break;
                    }
                    throw e;
                }
            }
        }
        catch (IOException e) {
            throw new Unreadable("not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (records == 0 || columns.isEmpty()) {
            throw new Unreadable("no JSON records with fields");
        }
        return columns;
    }

    static InferredType infer(JsonNode value)
    {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return InferredType.UNKNOWN;
        }
        if (value.isBoolean()) {
            return InferredType.BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToInt() ? InferredType.INT : InferredType.BIGINT;
        }
        if (value.isNumber()) {
            return InferredType.DOUBLE;
        }
        if (value.isTextual()) {
            return InferredType.STRING;
        }
        if (value.isArray()) {
            InferredType element = InferredType.UNKNOWN;
            for (JsonNode item : value) {
                element = InferredType.merge(element, infer(item));
            }
            return new InferredType.Array(element);
        }
        Map<String, InferredType> fields = new LinkedHashMap<>();
        value.fields().forEachRemaining(field -> fields.merge(field.getKey().toLowerCase(Locale.ROOT), infer(field.getValue()), InferredType::merge));
        return new InferredType.Struct(fields);
    }

    // CSV / TSV

    private static FileSchema csv(String text, boolean truncated, boolean gzip)
            throws Unreadable
    {
        char delimiter = 0;
        int width = 0;
        List<List<String>> rows = List.of();
        for (char candidate : new char[] {',', '\t', '|', ';'}) {
            Optional<List<List<String>>> records = records(text, candidate, truncated);
            if (records.isEmpty() || records.get().isEmpty()) {
                continue;
            }
            int columns = records.get().get(0).size();
            if (columns < 2) {
                continue;
            }
            boolean consistent = records.get().stream().allMatch(record -> record.size() == columns);
            if (consistent && columns > width) {
                delimiter = candidate;
                width = columns;
                rows = records.get();
            }
        }
        if (delimiter == 0) {
            throw new Unreadable("not Parquet, ORC, JSON or delimited text (no delimiter among , TAB | ; splits every line into the same number of columns)");
        }
        // a quote anywhere in the sample asks for OpenCSVSerde, which reads unquoted values as well
        boolean quoted = text.indexOf('"') >= 0;
        List<String> first = rows.get(0);
        List<InferredType> dataTypes = columnTypes(rows.subList(1, rows.size()), width);
        boolean identifiers = first.stream().allMatch(value -> value.matches("[A-Za-z_][A-Za-z0-9_ .-]*")) && first.stream().distinct().count() == first.size();
        boolean typedData = dataTypes.stream().anyMatch(type -> !type.equals(InferredType.STRING) && !(type instanceof InferredType.Unknown));
        boolean header = rows.size() > 1 && identifiers && (typedData || allTypes(first).stream().allMatch(InferredType.STRING::equals));
        List<InferredType> types = header ? dataTypes : columnTypes(rows, width);
        Map<String, InferredType> columns = new LinkedHashMap<>();
        for (int i = 0; i < width; i++) {
            String name = header ? first.get(i).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") : "col" + i;
            InferredType type = quoted ? InferredType.STRING : types.get(i);
            columns.put(name, type instanceof InferredType.Unknown ? InferredType.STRING : type);
        }
        return new FileSchema(Format.CSV, gzip, columns, new CsvLayout(delimiter, header, quoted));
    }

    /**
     * The first records of the sample (blank lines skipped), split at the delimiter outside double quotes, or empty
     * when the sample is not CSV with that delimiter (a quote that does not close, text after a closing quote).
     */
    private static Optional<List<List<String>>> records(String text, char delimiter, boolean truncated)
    {
        List<List<String>> records = new ArrayList<>();
        SampleReader sample = new SampleReader(text);
        ObjectReader reader = CSV_RECORDS.with(CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"'));
        try (MappingIterator<List<String>> iterator = reader.readValues(sample)) {
            while (records.size() <= TEXT_SAMPLE_RECORDS && iterator.hasNextValue()) {
                records.add(iterator.nextValue());
            }
        }
        catch (IOException e) {
            if (truncated && sample.ended()) {
                // the sample ends inside a quoted value: the records before that one are whole
                return Optional.of(records);
            }
            return Optional.empty();
        }
        if (truncated && records.size() > 1 && !text.endsWith("\n")) {
            // the last record of a sample may be cut short
            records.remove(records.size() - 1);
        }
        return Optional.of(records);
    }

    /** The text of a sample, remembering whether the CSV parser read to its end. */
    private static final class SampleReader
            extends Reader
    {
        private final StringReader text;
        private boolean ended;

        SampleReader(String text)
        {
            this.text = new StringReader(text);
        }

        @Override
        public int read(char[] buffer, int offset, int length)
                throws IOException
        {
            int read = text.read(buffer, offset, length);
            if (read < 0) {
                ended = true;
            }
            return read;
        }

        boolean ended()
        {
            return ended;
        }

        @Override
        public void close()
        {
            text.close();
        }
    }

    private static List<InferredType> allTypes(List<String> values)
    {
        return values.stream().map(FileSchemaReader::typeOf).toList();
    }

    private static List<InferredType> columnTypes(List<List<String>> rows, int width)
    {
        List<InferredType> types = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            InferredType type = InferredType.UNKNOWN;
            for (List<String> row : rows) {
                type = InferredType.merge(type, typeOf(row.get(i)));
            }
            types.add(type);
        }
        return types;
    }

    private static InferredType typeOf(String raw)
    {
        String value = raw.trim();
        if (value.isEmpty()) {
            return InferredType.UNKNOWN;
        }
        if (value.matches("-?\\d{1,18}")) {
            return InferredType.BIGINT;
        }
        if (value.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
            return InferredType.DOUBLE;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return InferredType.BOOLEAN;
        }
        return InferredType.STRING;
    }

    // Parquet

    private static FileSchema parquet(Source source)
            throws Unreadable, IOException
    {
        long size = source.size();
        if (size < 12) {
            throw new Unreadable("a Parquet file of " + size + " bytes is too short");
        }
        byte[] end = source.read(size - 8, 8);
        if (!startsWith(java.util.Arrays.copyOfRange(end, 4, 8), PARQUET_MAGIC)) {
            throw new Unreadable("corrupt Parquet file: it does not end with PAR1");
        }
        long footerLength = (end[0] & 0xffL) | (end[1] & 0xffL) << 8 | (end[2] & 0xffL) << 16 | (end[3] & 0xffL) << 24;
        if (footerLength <= 0 || footerLength > size - 12) {
            throw new Unreadable("corrupt Parquet file: footer length " + footerLength + " does not fit a file of " + size + " bytes");
        }
        byte[] footer = source.read(size - 8 - footerLength, (int) footerLength);
        FileMetaData metadata;
        try {
            metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
        }
        catch (IOException | RuntimeException e) {
            throw new Unreadable("corrupt Parquet footer: " + e.getMessage());
        }
        List<SchemaElement> schema = metadata.getSchema();
        if (schema == null || schema.isEmpty()) {
            throw new Unreadable("the Parquet footer has no schema");
        }
        int[] position = {1};
        Map<String, InferredType> columns = new LinkedHashMap<>();
        int children = schema.get(0).getNum_children();
        for (int i = 0; i < children; i++) {
            SchemaElement element = schema.get(position[0]);
            columns.put(element.getName().toLowerCase(Locale.ROOT), parquetType(schema, position));
        }
        return new FileSchema(Format.PARQUET, false, columns, null);
    }

    private static InferredType parquetType(List<SchemaElement> schema, int[] position)
    {
        SchemaElement element = schema.get(position[0]++);
        InferredType type;
        if (element.isSetNum_children() && element.getNum_children() > 0) {
            List<SchemaElement> fieldElements = new ArrayList<>();
            List<InferredType> fieldTypes = new ArrayList<>();
            for (int i = 0; i < element.getNum_children(); i++) {
                fieldElements.add(schema.get(position[0]));
                fieldTypes.add(parquetType(schema, position));
            }
            ConvertedType converted = element.isSetConverted_type() ? element.getConverted_type() : null;
            LogicalType logical = element.isSetLogicalType() ? element.getLogicalType() : null;
            boolean list = converted == ConvertedType.LIST || (logical != null && logical.isSetLIST());
            boolean map = converted == ConvertedType.MAP || converted == ConvertedType.MAP_KEY_VALUE || (logical != null && logical.isSetMAP());
            if (list && fieldTypes.size() == 1) {
                InferredType repeated = fieldTypes.get(0);
                // three-level lists wrap the element in a repeated group of one field
                if (repeated instanceof InferredType.Array array && array.element() instanceof InferredType.Struct struct && struct.fields().size() == 1) {
                    type = new InferredType.Array(struct.fields().values().iterator().next());
                }
                else if (repeated instanceof InferredType.Array) {
                    type = repeated;
                }
                else {
                    type = new InferredType.Array(repeated);
                }
            }
            else if (map && fieldTypes.size() == 1 && fieldTypes.get(0) instanceof InferredType.Array array
                    && array.element() instanceof InferredType.Struct entry && entry.fields().size() == 2) {
                List<InferredType> keyValue = new ArrayList<>(entry.fields().values());
                type = new InferredType.MapType(keyValue.get(0), keyValue.get(1));
            }
            else {
                Map<String, InferredType> fields = new LinkedHashMap<>();
                for (int i = 0; i < fieldTypes.size(); i++) {
                    fields.put(fieldElements.get(i).getName().toLowerCase(Locale.ROOT), fieldTypes.get(i));
                }
                type = new InferredType.Struct(fields);
            }
        }
        else {
            type = new InferredType.Primitive(parquetPrimitive(element));
        }
        boolean repeated = element.isSetRepetition_type() && element.getRepetition_type() == FieldRepetitionType.REPEATED;
        return repeated ? new InferredType.Array(type) : type;
    }

    private static String parquetPrimitive(SchemaElement element)
    {
        LogicalType logical = element.isSetLogicalType() ? element.getLogicalType() : null;
        ConvertedType converted = element.isSetConverted_type() ? element.getConverted_type() : null;
        if ((logical != null && logical.isSetDECIMAL()) || converted == ConvertedType.DECIMAL) {
            int precision = element.isSetPrecision() ? element.getPrecision() : logical.getDECIMAL().getPrecision();
            int scale = element.isSetScale() ? element.getScale() : logical.getDECIMAL().getScale();
            return "decimal(" + precision + "," + scale + ")";
        }
        if ((logical != null && logical.isSetDATE()) || converted == ConvertedType.DATE) {
            return "date";
        }
        if ((logical != null && logical.isSetTIMESTAMP()) || converted == ConvertedType.TIMESTAMP_MILLIS || converted == ConvertedType.TIMESTAMP_MICROS) {
            return "timestamp";
        }
        if ((logical != null && (logical.isSetSTRING() || logical.isSetENUM() || logical.isSetJSON()))
                || converted == ConvertedType.UTF8 || converted == ConvertedType.ENUM || converted == ConvertedType.JSON) {
            return "string";
        }
        if (logical != null && logical.isSetINTEGER()) {
            int bits = logical.getINTEGER().getBitWidth();
            return bits <= 8 ? "tinyint" : bits <= 16 ? "smallint" : bits <= 32 ? "int" : "bigint";
        }
        if (converted == ConvertedType.INT_8) {
            return "tinyint";
        }
        if (converted == ConvertedType.INT_16) {
            return "smallint";
        }
        return switch (element.getType()) {
            case BOOLEAN -> "boolean";
            case INT32 -> "int";
            case INT64 -> "bigint";
            case INT96 -> "timestamp";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> "binary";
        };
    }

    // ORC

    private static FileSchema orc(Source source)
            throws Unreadable, IOException
    {
        long size = source.size();
        int tailLength = (int) Math.min(size, 256 * 1024);
        byte[] tail = source.read(size - tailLength, tailLength);
        int postScriptLength = tail[tail.length - 1] & 0xff;
        if (postScriptLength == 0 || postScriptLength >= tail.length) {
            throw new Unreadable("corrupt ORC file: postscript length " + postScriptLength);
        }
        OrcProto.PostScript postScript;
        try {
            postScript = OrcProto.PostScript.parseFrom(java.util.Arrays.copyOfRange(tail, tail.length - 1 - postScriptLength, tail.length - 1));
        }
        catch (IOException e) {
            throw new Unreadable("corrupt ORC postscript: " + e.getMessage());
        }
        int footerLength = (int) postScript.getFooterLength();
        int footerEnd = tail.length - 1 - postScriptLength;
        byte[] footerBytes;
        if (footerLength <= footerEnd) {
            footerBytes = java.util.Arrays.copyOfRange(tail, footerEnd - footerLength, footerEnd);
        }
        else {
            footerBytes = source.read(size - 1 - postScriptLength - footerLength, footerLength);
        }
        OrcProto.Footer footer;
        try {
            footer = OrcProto.Footer.parseFrom(decompress(footerBytes, postScript.getCompression(), (int) postScript.getCompressionBlockSize()));
        }
        catch (IOException e) {
            throw new Unreadable("corrupt ORC footer: " + e.getMessage());
        }
        List<OrcProto.Type> types = footer.getTypesList();
        if (types.isEmpty() || types.get(0).getKind() != OrcProto.Type.Kind.STRUCT) {
            throw new Unreadable("the ORC footer has no struct schema");
        }
        Map<String, InferredType> columns = new LinkedHashMap<>();
        OrcProto.Type root = types.get(0);
        for (int i = 0; i < root.getSubtypesCount(); i++) {
            columns.put(root.getFieldNames(i).toLowerCase(Locale.ROOT), orcType(types, root.getSubtypes(i)));
        }
        return new FileSchema(Format.ORC, false, columns, null);
    }

    private static InferredType orcType(List<OrcProto.Type> types, int index)
    {
        OrcProto.Type type = types.get(index);
        return switch (type.getKind()) {
            case BOOLEAN -> InferredType.BOOLEAN;
            case BYTE -> new InferredType.Primitive("tinyint");
            case SHORT -> new InferredType.Primitive("smallint");
            case INT -> InferredType.INT;
            case LONG -> InferredType.BIGINT;
            case FLOAT -> new InferredType.Primitive("float");
            case DOUBLE -> InferredType.DOUBLE;
            case STRING -> InferredType.STRING;
            case BINARY -> new InferredType.Primitive("binary");
            case TIMESTAMP, TIMESTAMP_INSTANT -> new InferredType.Primitive("timestamp");
            case DATE -> new InferredType.Primitive("date");
            case DECIMAL -> new InferredType.Primitive("decimal(" + type.getPrecision() + "," + type.getScale() + ")");
            case VARCHAR -> new InferredType.Primitive("varchar(" + type.getMaximumLength() + ")");
            case CHAR -> new InferredType.Primitive("char(" + type.getMaximumLength() + ")");
            case LIST -> new InferredType.Array(orcType(types, type.getSubtypes(0)));
            case MAP -> new InferredType.MapType(orcType(types, type.getSubtypes(0)), orcType(types, type.getSubtypes(1)));
            case STRUCT -> {
                Map<String, InferredType> fields = new LinkedHashMap<>();
                for (int i = 0; i < type.getSubtypesCount(); i++) {
                    fields.put(type.getFieldNames(i).toLowerCase(Locale.ROOT), orcType(types, type.getSubtypes(i)));
                }
                yield new InferredType.Struct(fields);
            }
            default -> InferredType.STRING;
        };
    }

    /** ORC's compressed stream: chunks with a 3-byte header (length << 1 | original). */
    private static byte[] decompress(byte[] data, OrcProto.CompressionKind kind, int blockSize)
            throws IOException
    {
        if (kind == OrcProto.CompressionKind.NONE) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        while (position + 3 <= data.length) {
            int header = (data[position] & 0xff) | (data[position + 1] & 0xff) << 8 | (data[position + 2] & 0xff) << 16;
            position += 3;
            int length = header >>> 1;
            boolean original = (header & 1) == 1;
            if (position + length > data.length) {
                throw new IOException("compressed chunk of " + length + " bytes runs past the footer");
            }
            byte[] chunk = java.util.Arrays.copyOfRange(data, position, position + length);
            position += length;
            if (original) {
                out.writeBytes(chunk);
                continue;
            }
            switch (kind) {
                case ZLIB -> out.writeBytes(inflate(chunk, blockSize));
                case SNAPPY -> out.writeBytes(org.xerial.snappy.Snappy.uncompress(chunk));
                case ZSTD -> out.writeBytes(com.github.luben.zstd.Zstd.decompress(chunk, blockSize));
                case LZ4 -> {
                    byte[] restored = new byte[blockSize];
                    int restoredLength = net.jpountz.lz4.LZ4Factory.fastestInstance().safeDecompressor().decompress(chunk, restored);
                    out.write(restored, 0, restoredLength);
                }
                default -> throw new IOException("ORC compression " + kind + " is not supported");
            }
        }
        return out.toByteArray();
    }

    private static byte[] inflate(byte[] chunk, int blockSize)
            throws IOException
    {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(chunk);
            ByteArrayOutputStream out = new ByteArrayOutputStream(blockSize);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int count = inflater.inflate(buffer);
                if (count == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, count);
            }
            return out.toByteArray();
        }
        catch (java.util.zip.DataFormatException e) {
            throw new IOException("zlib: " + e.getMessage(), e);
        }
        finally {
            inflater.end();
        }
    }

    // helpers

    private static byte[] gunzipPrefix(byte[] compressed)
            throws Unreadable
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] buffer = new byte[8192];
            int read;
            while (out.size() < TEXT_SAMPLE_BYTES && (read = in.read(buffer)) > 0) {
                out.write(buffer, 0, read);
            }
        }
        catch (EOFException e) {
            // only a prefix of the compressed file was read
        }
        catch (IOException e) {
            if (out.size() == 0) {
                throw new Unreadable("corrupt gzip data: " + e.getMessage());
            }
        }
        return out.toByteArray();
    }

    private static String decode(byte[] bytes, boolean truncated)
            throws Unreadable
    {
        int length = bytes.length;
        if (truncated) {
            // do not let a character cut at the end of the sample count as binary
            while (length > 0 && length > bytes.length - 4 && (bytes[length - 1] & 0xc0) == 0x80) {
                length--;
            }
            if (length > 0 && (bytes[length - 1] & 0x80) != 0) {
                length--;
            }
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == 0 || (b > 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t')) {
                throw new Unreadable("binary data that is not Parquet, ORC or gzip (byte 0x" + String.format("%02x", b & 0xff) + " at offset " + i + ")");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString();
        }
        catch (CharacterCodingException e) {
            throw new Unreadable("not UTF-8 text, Parquet, ORC or gzip");
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix)
    {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
