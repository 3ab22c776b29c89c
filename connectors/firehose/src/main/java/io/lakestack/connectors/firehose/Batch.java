package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.kinesis.SequenceNumber;
import org.apache.parquet.hadoop.ParquetWriter;
import org.xerial.snappy.SnappyFramedOutputStream;
import org.xerial.snappy.SnappyHadoopCompatibleOutputStream;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static java.util.Objects.requireNonNull;

/**
 * The records of one buffer of one Kafka partition, on their way to S3: each is decompressed, split, partitioned,
 * converted as the stream says and written into local files, one per object it will become; {@link #deliver}
 * uploads them. With a Lambda processor the records come from the Lambda buffer ({@link PartitionDelivery}), a
 * buffer's worth at a time, and what the function answered for them goes on through the pipeline.
 *
 * <p>Exactly once: an object's name derives from the offset (and sub-record index) of its first record, never from
 * the time of delivery. A delivery that crashed before its offsets were committed is redone from the same first
 * offset after the restart, and writes objects of the same names over the ones it wrote before, so no record is
 * delivered twice, whatever the buffer held the second time.
 */
final class Batch
        implements Closeable
{
    static final String FORMAT_CONVERSION_FAILED = "format-conversion-failed";
    static final String PROCESSING_FAILED = "processing-failed";
    static final String DECOMPRESSION_FAILED = "decompression-failed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SUFFIX_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT);
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final DeliveryStreamSettings settings;
    private final S3Destination destination;
    private final Path directory;
    private final Optional<MetadataExtractor> extractor;
    private final Optional<RowConverter> converter;
    private final Optional<String> schemaProblem;
    private final Optional<LambdaTransformer> lambda;
    private long transformedBytes;
    private long droppedRecords;
    private final Map<Map<String, String>, Output> data = new LinkedHashMap<>();
    private final Map<String, Output> errors = new LinkedHashMap<>();
    private Output backup;
    private long sourceBytes;
    private long sourceRecords;
    private long lastOffset = -1;

    /**
     * @param columns the conversion schema, or the reason there is none (the table is missing): then every record
     *         goes to the error output
     */
    Batch(DeliveryStreamSettings settings, Path directory, Optional<MetadataExtractor> extractor, Optional<List<Column>> columns,
            Optional<String> schemaProblem)
    {
        this(settings, directory, extractor, columns, schemaProblem, Optional.empty());
    }

    /**
     * @param lambda the stream's Lambda processor: then the records come through {@link #transform}, from the Lambda
     *         buffer, rather than {@link #add}
     */
    Batch(DeliveryStreamSettings settings, Path directory, Optional<MetadataExtractor> extractor, Optional<List<Column>> columns,
            Optional<String> schemaProblem, Optional<LambdaTransformer> lambda)
    {
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.destination = settings.destination();
        this.directory = requireNonNull(directory, "directory is null");
        this.extractor = requireNonNull(extractor, "extractor is null");
        this.converter = columns.flatMap(list -> destination.conversion().map(conversion -> new RowConverter(list, conversion.deserializer())));
        this.schemaProblem = requireNonNull(schemaProblem, "schemaProblem is null");
    }

    long sourceBytes()
    {
        return sourceBytes;
    }

    /**
     * The bytes that count against the destination's {@code SizeInMBs}: the source records as they came or, with a
     * Lambda processor, the data the function answered {@code Ok} with (as Firehose buffers the transformed records for
     * the destination).
     */
    long bufferedBytes()
    {
        return lambda.isPresent() ? transformedBytes : sourceBytes;
    }

    long sourceRecords()
    {
        return sourceRecords;
    }

    /** The records the Lambda function dropped. */
    long droppedRecords()
    {
        return droppedRecords;
    }

    boolean isEmpty()
    {
        return sourceRecords == 0;
    }

    /** The offset after the last record added: what may be committed once the batch is delivered. */
    long nextOffset()
    {
        return lastOffset + 1;
    }

    /** Takes a record of a stream without a Lambda processor through the pipeline. */
    void add(SourceRecord record)
            throws IOException
    {
        if (lambda.isPresent()) {
            throw new IllegalStateException("the records of a stream with a Lambda processor come through transform");
        }
        received(record);
        byte[] bytes;
        try {
            bytes = decompressed(destination, record);
        }
        catch (IOException e) {
            decompressionFailed(record, "The record is not gzip data: " + e.getMessage());
            return;
        }
        transformed(record, bytes);
    }

    /**
     * A record read for the Lambda function, as it waits in the Lambda buffer: decompressed as the stream says, or with
     * the reason it cannot be (it goes to the error output rather than to the function, in its turn).
     */
    static Pending pending(DeliveryStreamSettings settings, SourceRecord record)
    {
        byte[] bytes;
        try {
            bytes = decompressed(settings.destination(), record);
        }
        catch (IOException e) {
            return new Pending(record, Optional.empty(), Optional.of("The record is not gzip data: " + e.getMessage()));
        }
        String recordId = new SequenceNumber(settings.sequenceEpochMillis(), record.partition(), record.offset()).toString();
        return new Pending(record, Optional.of(new LambdaTransformer.Input(recordId, record.arrivalMillis(), bytes)), Optional.empty());
    }

    private static byte[] decompressed(S3Destination destination, SourceRecord record)
            throws IOException
    {
        if (!destination.decompressGzip()) {
            return record.data();
        }
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(record.data()))) {
            return in.readAllBytes();
        }
    }

    /**
     * Takes the records of a Lambda buffer, which follow the records this batch holds: invokes the function on them
     * (once, unless they exceed {@code BufferSizeInMBs} or Lambda's payload together), then takes what it answered on
     * through the rest of the pipeline, in the records' order.
     *
     * @throws IOException when the delivery stops while the function is being invoked: the batch is as it was, the
     *         records are read again from the committed offset
     */
    void transform(List<Pending> records)
            throws IOException
    {
        LambdaTransformer transformer = lambda.orElseThrow(() -> new IllegalStateException("the stream has no Lambda processor"));
        List<LambdaTransformer.Input> inputs = records.stream().flatMap(record -> record.input().stream()).toList();
        List<LambdaTransformer.Outcome> outcomes = List.of();
        if (!inputs.isEmpty()) {
            try {
                outcomes = transformer.transform(inputs);
            }
            catch (InterruptedException e) {
                throw new IOException("stopped while invoking " + transformer.processor().functionArn() + ": " + e.getMessage(), e);
            }
        }
        Iterator<LambdaTransformer.Outcome> answers = outcomes.iterator();
        for (Pending record : records) {
            received(record.source());
            if (record.decompressionFailure().isPresent()) {
                decompressionFailed(record.source(), record.decompressionFailure().get());
                continue;
            }
            LambdaTransformer.Outcome outcome = answers.next();
            if (outcome instanceof LambdaTransformer.Ok ok) {
                transformedBytes += ok.data().length;
                transformed(record.source(), ok.data());
            }
            else if (outcome instanceof LambdaTransformer.Failed failed) {
                lambdaError(record, failed);
            }
            else {
                droppedRecords++;
            }
        }
    }

    /** Counts a record in, and writes it to the backup as it came. */
    private void received(SourceRecord record)
            throws IOException
    {
        sourceRecords++;
        sourceBytes += record.data().length;
        lastOffset = record.offset();
        if (destination.backup().isPresent()) {
            if (backup == null) {
                backup = rawOutput(record, 0, destination.backup().get().bucket(), destination.backup().get().prefix(), Map.of(), "",
                        destination.backup().get().compression(), destination.backup().get().compression().extension(), "backup");
            }
            backup.writeRaw(record.data());
        }
    }

    private void decompressionFailed(SourceRecord record, String message)
            throws IOException
    {
        error(record, 0, record.data(), DECOMPRESSION_FAILED, "Decompression.GzipFailed", message);
    }

    /** The rest of the pipeline after the Lambda function: de-aggregation, partitioning, conversion or the delimiter. */
    private void transformed(SourceRecord record, byte[] bytes)
            throws IOException
    {
        List<byte[]> parts;
        try {
            parts = split(bytes);
        }
        catch (IOException e) {
            error(record, 0, bytes, PROCESSING_FAILED, "RecordDeAggregation.Failed", "The record cannot be split into JSON records: " + e.getMessage());
            return;
        }
        for (int sub = 0; sub < parts.size(); sub++) {
            process(record, sub, parts.get(sub));
        }
    }

    private List<byte[]> split(byte[] bytes)
            throws IOException
    {
        Optional<S3Destination.DeAggregation> deAggregation = destination.deAggregation();
        if (deAggregation.isEmpty()) {
            return List.of(bytes);
        }
        List<byte[]> parts = new ArrayList<>();
        if (deAggregation.get().json()) {
            try (MappingIterator<JsonNode> documents = JSON.readerFor(JsonNode.class).readValues(bytes)) {
                while (documents.hasNextValue()) {
                    parts.add(JSON.writeValueAsBytes(documents.nextValue()));
                }
            }
            return parts;
        }
        byte[] delimiter = deAggregation.get().delimiter();
        int start = 0;
        for (int i = 0; i + delimiter.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                if (i > start) {
                    parts.add(java.util.Arrays.copyOfRange(bytes, start, i));
                }
                start = i + delimiter.length;
                i = start - 1;
            }
        }
        if (start < bytes.length) {
            parts.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return parts;
    }

    private void process(SourceRecord record, int sub, byte[] bytes)
            throws IOException
    {
        Map<String, String> keys = Map.of();
        if (extractor.isPresent()) {
            JsonNode json;
            try {
                json = JSON.readTree(bytes);
            }
            catch (JsonProcessingException e) {
                error(record, sub, bytes, PROCESSING_FAILED, "DynamicPartitioning.MetadataExtractionFailed", "The record is not valid JSON: "
                        + e.getOriginalMessage());
                return;
            }
            try {
                keys = extractor.get().extract(json);
            }
            catch (MetadataExtractor.ExtractionFailure e) {
                error(record, sub, bytes, PROCESSING_FAILED, "DynamicPartitioning.MetadataExtractionFailed", e.getMessage());
                return;
            }
        }
        if (destination.conversion().isPresent()) {
            if (converter.isEmpty()) {
                error(record, sub, bytes, FORMAT_CONVERSION_FAILED, "DataFormatConversion.EntityNotFound", schemaProblem.orElse("The schema is missing"));
                return;
            }
            List<Object[]> rows;
            try {
                rows = converter.get().convert(bytes);
            }
            catch (RowConverter.ConversionFailure e) {
                boolean malformed = e.getMessage().startsWith("The record is not valid JSON") || e.getMessage().startsWith("The record holds no");
                error(record, sub, bytes, FORMAT_CONVERSION_FAILED, malformed ? "DataFormatConversion.MalformedData" : "DataFormatConversion.TypeMismatch",
                        e.getMessage());
                return;
            }
            Output output = dataOutput(record, sub, keys);
            for (Object[] row : rows) {
                output.writeRow(row);
            }
            return;
        }
        Output output = dataOutput(record, sub, keys);
        output.writeRaw(bytes);
        if (destination.appendDelimiter().isPresent()) {
            output.writeRaw(destination.appendDelimiter().get().getBytes(StandardCharsets.UTF_8));
        }
    }

    private Output dataOutput(SourceRecord record, int sub, Map<String, String> keys)
            throws IOException
    {
        Output output = data.get(keys);
        if (output == null) {
            if (destination.conversion().isPresent()) {
                output = rowOutput(record, sub, keys);
            }
            else {
                output = rawOutput(record, sub, destination.bucket(), destination.prefix(), keys, "", destination.compression(), destination.extension(),
                        "data");
            }
            data.put(keys, output);
        }
        output.records++;
        return output;
    }

    private Output errorOutput(SourceRecord record, int sub, String type)
            throws IOException
    {
        Output output = errors.get(type);
        if (output == null) {
            output = rawOutput(record, sub, destination.bucket(), destination.errorOutputPrefix(), Map.of(), type, S3Destination.Compression.UNCOMPRESSED,
                    "", "error/" + type);
            errors.put(type, output);
        }
        return output;
    }

    /** A record the Lambda function did not transform, under the {@code processing-failed} error output as Firehose writes it. */
    private void lambdaError(Pending record, LambdaTransformer.Failed failed)
            throws IOException
    {
        Output output = errorOutput(record.source(), 0, PROCESSING_FAILED);
        ObjectNode document = JSON.createObjectNode();
        document.put("attemptsMade", failed.attemptsMade());
        document.put("arrivalTimestamp", record.source().arrivalMillis());
        document.put("errorCode", failed.errorCode());
        document.put("errorMessage", failed.errorMessage());
        document.put("attemptEndingTimestamp", failed.attemptEndingMillis());
        document.put("rawData", Base64.getEncoder().encodeToString(record.input().orElseThrow().data()));
        document.put("lambdaArn", lambda.orElseThrow().processor().functionArn());
        output.writeRaw(JSON.writeValueAsBytes(document));
        output.writeRaw(new byte[] {'\n'});
        output.records++;
    }

    private void error(SourceRecord record, int sub, byte[] bytes, String type, String code, String message)
            throws IOException
    {
        Output output = errorOutput(record, sub, type);
        ObjectNode document = JSON.createObjectNode();
        document.put("attemptsMade", 1);
        document.put("arrivalTimestamp", record.arrivalMillis());
        document.put("errorCode", code);
        document.put("errorMessage", message);
        document.put("attemptEndingTimestamp", System.currentTimeMillis());
        document.put("rawData", Base64.getEncoder().encodeToString(bytes));
        document.put("sequenceNumber", new SequenceNumber(settings.sequenceEpochMillis(), record.partition(), record.offset()).toString());
        document.put("subSequenceNumber", sub);
        destination.conversion().ifPresent(conversion -> {
            ObjectNode table = document.putObject("dataCatalogTable");
            conversion.catalogId().ifPresent(id -> table.put("catalogId", id));
            table.put("databaseName", conversion.database());
            table.put("tableName", conversion.table());
            conversion.region().ifPresent(region -> table.put("region", region));
            table.put("versionId", conversion.versionId().orElse("LATEST"));
        });
        output.writeRaw(JSON.writeValueAsBytes(document));
        output.writeRaw(new byte[] {'\n'});
        output.records++;
    }

    /** The object's name: its evaluated prefix, then {@code <stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>}. */
    private String key(SourceRecord first, int sub, PrefixTemplate prefix, Map<String, String> keys, String errorType, String extension, String kind)
    {
        byte[] seed = (settings.sourceTopic() + "/" + first.partition() + "/" + first.offset() + "/" + sub + "/" + kind + "/" + new java.util.TreeMap<>(keys))
                .getBytes(StandardCharsets.UTF_8);
        UUID uuid = UUID.nameUUIDFromBytes(seed);
        Instant arrival = Instant.ofEpochMilli(first.arrivalMillis());
        String evaluated = prefix.evaluate(new PrefixTemplate.Values(arrival, destination.timeZone(), randomString(uuid), errorType, keys));
        return evaluated + settings.name() + "-" + settings.version() + "-" + SUFFIX_TIME.format(arrival.atZone(destination.timeZone())) + "-" + uuid
                + extension;
    }

    /** Eleven letters and digits, as {@code !{firehose:random-string}} gives, derived from the object's identity. */
    private static String randomString(UUID uuid)
    {
        long bits = uuid.getLeastSignificantBits() ^ uuid.getMostSignificantBits();
        StringBuilder text = new StringBuilder(11);
        for (int i = 0; i < 11; i++) {
            text.append(ALPHABET[(int) Math.floorMod(bits, (long) ALPHABET.length)]);
            bits = Long.rotateRight(bits, 6) * 31 + i;
        }
        return text.toString();
    }

    private Output rawOutput(SourceRecord first, int sub, String bucket, PrefixTemplate prefix, Map<String, String> keys, String errorType,
            S3Destination.Compression compression, String extension, String kind)
            throws IOException
    {
        String key = key(first, sub, prefix, keys, errorType, extension, kind);
        Path file = Files.createTempFile(directory, "object-", extension.isEmpty() ? ".bin" : extension);
        OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        stream = switch (compression) {
            case UNCOMPRESSED -> stream;
            case GZIP -> new GZIPOutputStream(stream, 64 * 1024);
            case Snappy -> new SnappyFramedOutputStream(stream);
            case HADOOP_SNAPPY -> new SnappyHadoopCompatibleOutputStream(stream);
            case ZIP -> {
                ZipOutputStream zip = new ZipOutputStream(stream);
                String name = key.substring(key.lastIndexOf('/') + 1);
                zip.putNextEntry(new ZipEntry(name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name));
                yield zip;
            }
        };
        return new Output(bucket, key, file, kind, stream, null, null);
    }

    private Output rowOutput(SourceRecord first, int sub, Map<String, String> keys)
            throws IOException
    {
        String key = key(first, sub, destination.prefix(), keys, "", destination.extension(), "data");
        RowConverter rows = converter.orElseThrow();
        S3Destination.Serializer serializer = destination.conversion().orElseThrow().serializer();
        Path file = directory.resolve("rows-" + UUID.randomUUID() + destination.extension());
        if (serializer.parquet()) {
            return new Output(destination.bucket(), key, file, "data", null, ParquetRows.writer(file, rows.names(), rows.types(), serializer), null);
        }
        return new Output(destination.bucket(), key, file, "data", null, null, new OrcRows(file, rows.names(), rows.types(), serializer));
    }

    /**
     * Closes every file and uploads it: data, then errors, then the backup. Returns what was written; an upload that
     * fails leaves the batch to be delivered again.
     */
    List<DeliveredObject> deliver(ObjectSink sink)
            throws IOException
    {
        List<Output> outputs = new ArrayList<>(data.values());
        outputs.addAll(errors.values());
        if (backup != null) {
            backup.records = sourceRecords;
            outputs.add(backup);
        }
        List<DeliveredObject> delivered = new ArrayList<>();
        for (Output output : outputs) {
            output.finish();
            sink.put(output.bucket, output.key, output.file, contentType(output));
            delivered.add(new DeliveredObject(output.bucket, output.key, output.records, output.kind));
        }
        return delivered;
    }

    private String contentType(Output output)
    {
        if (output.kind.equals("data") && destination.conversion().isPresent()) {
            return "application/octet-stream";
        }
        return output.kind.startsWith("error") ? "application/json" : "application/octet-stream";
    }

    @Override
    public void close()
    {
        List<Output> outputs = new ArrayList<>(data.values());
        outputs.addAll(errors.values());
        if (backup != null) {
            outputs.add(backup);
        }
        for (Output output : outputs) {
            try {
                output.finish();
            }
            catch (IOException | RuntimeException e) {
                // the file goes anyway
            }
            try {
                Files.deleteIfExists(output.file);
            }
            catch (IOException e) {
                // a temporary file
            }
        }
        data.clear();
        errors.clear();
        backup = null;
    }

    /**
     * A record waiting for the Lambda function: as it came, and as it is sent, or why it cannot be.
     *
     * @param input what the function gets, absent when the record cannot be decompressed
     */
    record Pending(SourceRecord source, Optional<LambdaTransformer.Input> input, Optional<String> decompressionFailure)
    {
        Pending
        {
            requireNonNull(source, "source is null");
            requireNonNull(input, "input is null");
            requireNonNull(decompressionFailure, "decompressionFailure is null");
        }

        /** The data the function gets. */
        long dataBytes()
        {
            return input.map(sent -> (long) sent.data().length).orElse(0L);
        }

        /** The record's share of the invocation's payload. */
        long payloadBytes()
        {
            return input.map(LambdaTransformer.Input::payloadBytes).orElse(0L);
        }
    }

    /** One object being written: raw bytes through a (compressing) stream, or rows through a Parquet or ORC writer. */
    private static final class Output
    {
        final String bucket;
        final String key;
        final Path file;
        final String kind;
        final OutputStream stream;
        final ParquetWriter<Object[]> parquet;
        final OrcRows orc;
        long records;
        boolean finished;

        Output(String bucket, String key, Path file, String kind, OutputStream stream, ParquetWriter<Object[]> parquet, OrcRows orc)
        {
            this.bucket = bucket;
            this.key = key;
            this.file = file;
            this.kind = kind;
            this.stream = stream;
            this.parquet = parquet;
            this.orc = orc;
        }

        void writeRaw(byte[] bytes)
                throws IOException
        {
            stream.write(bytes);
        }

        void writeRow(Object[] row)
                throws IOException
        {
            if (parquet != null) {
                parquet.write(row);
            }
            else {
                orc.write(row);
            }
        }

        void finish()
                throws IOException
        {
            if (finished) {
                return;
            }
            finished = true;
            if (stream != null) {
                if (stream instanceof ZipOutputStream zip) {
                    zip.closeEntry();
                }
                stream.close();
            }
            else if (parquet != null) {
                parquet.close();
            }
            else {
                orc.close();
            }
        }
    }
}
