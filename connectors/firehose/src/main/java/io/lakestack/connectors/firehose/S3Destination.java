package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A Firehose stream's S3 destination, read from its {@code ExtendedS3DestinationConfiguration} (or the older
 * {@code S3DestinationConfiguration}) and checked as Firehose checks it.
 *
 * @param bufferBytes {@code BufferingHints.SizeInMBs} in bytes
 * @param bufferMillis {@code BufferingHints.IntervalInSeconds} in milliseconds; 0 delivers as soon as records arrive
 */
public record S3Destination(
        String bucket,
        PrefixTemplate prefix,
        PrefixTemplate errorOutputPrefix,
        long bufferBytes,
        long bufferMillis,
        Compression compression,
        Optional<String> fileExtension,
        ZoneId timeZone,
        boolean dynamicPartitioning,
        Map<String, String> partitionKeyQueries,
        Optional<String> appendDelimiter,
        Optional<DeAggregation> deAggregation,
        boolean decompressGzip,
        Optional<FormatConversion> conversion,
        Optional<Backup> backup,
        Optional<LambdaProcessor> lambda)
{
    private static final Pattern BUCKET_ARN = Pattern.compile("arn:[a-z-]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])");
    private static final Pattern FILE_EXTENSION = Pattern.compile("\\.[0-9a-z!\\-_.*'()]{1,127}");
    private static final long MEGABYTE = 1024L * 1024;
    private static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\\$LATEST|[a-zA-Z0-9_-]+))?");
    private static final Set<String> LAMBDA_PARAMETERS = Set.of("LambdaArn", "NumberOfRetries", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds");

    public S3Destination
    {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(errorOutputPrefix, "errorOutputPrefix is null");
        partitionKeyQueries = Map.copyOf(partitionKeyQueries);
        requireNonNull(lambda, "lambda is null");
    }

    /**
     * A {@code Lambda} processor: records wait in a buffer of their own until it holds {@code bufferBytes} of data
     * (or Lambda's 6 MB synchronous payload), or {@code bufferMillis} passed since its first record, whichever comes
     * first; then the function is invoked on them, and what it answers goes into the destination's buffer.
     *
     * @param numberOfRetries how often a failed invocation (or one the function answered with an error) is tried again
     *         before its records go to the error output
     * @param bufferBytes {@code BufferSizeInMBs} in bytes
     * @param bufferMillis {@code BufferIntervalInSeconds} in milliseconds; 0 invokes the function on the records as
     *         soon as they are read
     */
    public record LambdaProcessor(String functionArn, int numberOfRetries, long bufferBytes, long bufferMillis, Optional<String> roleArn)
    {
        public LambdaProcessor
        {
            requireNonNull(functionArn, "functionArn is null");
            requireNonNull(roleArn, "roleArn is null");
        }
    }

    /** Firehose's compression formats, spelled as its API spells them. */
    public enum Compression
    {
        UNCOMPRESSED(""), GZIP(".gz"), ZIP(".zip"), Snappy(".snappy"), HADOOP_SNAPPY(".snappy");

        private final String extension;

        Compression(String extension)
        {
            this.extension = extension;
        }

        public String extension()
        {
            return extension;
        }

        static Compression of(String value, String field)
                throws InvalidConfigurationException
        {
            for (Compression compression : values()) {
                if (compression.name().equals(value)) {
                    return compression;
                }
            }
            throw new InvalidConfigurationException(field + " '" + value + "' is not one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY");
        }
    }

    /** {@code RecordDeAggregation}: one record holding several, split as JSON documents or at a delimiter. */
    public record DeAggregation(boolean json, byte[] delimiter)
    {
    }

    /** {@code DataFormatConversionConfiguration}. */
    public record FormatConversion(String database, String table, Optional<String> catalogId, Optional<String> region, Optional<String> versionId,
            Deserializer deserializer, Serializer serializer)
    {
    }

    /** How records are read: the OpenX JSON SerDe or the Hive JSON SerDe. */
    public record Deserializer(boolean openX, boolean caseInsensitive, Map<String, String> columnToJsonKey, boolean convertDotsToUnderscores,
            List<String> timestampFormats)
    {
        public Deserializer
        {
            columnToJsonKey = Map.copyOf(columnToJsonKey);
            timestampFormats = List.copyOf(timestampFormats);
        }
    }

    /** How rows are written: Parquet or ORC, and their settings. */
    public record Serializer(boolean parquet, String compression, long blockSizeBytes, int pageSizeBytes, boolean enableDictionary, boolean writerVersion2,
            long stripeSizeBytes, int rowIndexStride, List<String> bloomFilterColumns, double bloomFilterFpp, double dictionaryKeyThreshold,
            boolean enablePadding)
    {
        public Serializer
        {
            bloomFilterColumns = List.copyOf(bloomFilterColumns);
        }
    }

    /** {@code S3BackupConfiguration} with {@code S3BackupMode: Enabled}: every source record, as it came. */
    public record Backup(String bucket, PrefixTemplate prefix, Compression compression)
    {
    }

    /** The file extension of delivered objects: the configured one, else the format's or the compression's. */
    public String extension()
    {
        if (fileExtension.isPresent()) {
            return fileExtension.get();
        }
        if (conversion.isPresent()) {
            return conversion.get().serializer().parquet() ? ".parquet" : ".orc";
        }
        return compression.extension();
    }

    /**
     * Reads an {@code ExtendedS3DestinationConfiguration} or {@code S3DestinationConfiguration}.
     *
     * @throws InvalidConfigurationException with the message Firehose's {@code InvalidArgumentException} carries
     */
    public static S3Destination parse(JsonNode config)
            throws InvalidConfigurationException
    {
        if (config == null || !config.isObject()) {
            throw new InvalidConfigurationException("ExtendedS3DestinationConfiguration is required");
        }
        String bucket = bucket(required(config, "BucketARN", "ExtendedS3DestinationConfiguration"), "BucketARN");
        required(config, "RoleARN", "ExtendedS3DestinationConfiguration");

        boolean dynamicPartitioning = config.path("DynamicPartitioningConfiguration").path("Enabled").asBoolean(false);
        JsonNode conversionNode = config.get("DataFormatConversionConfiguration");
        boolean converting = conversionNode != null && conversionNode.isObject() && conversionNode.path("Enabled").asBoolean(true);

        JsonNode hints = config.path("BufferingHints");
        int defaultMegabytes = dynamicPartitioning || converting ? 128 : 5;
        int megabytes = integer(hints, "SizeInMBs", defaultMegabytes, 1, 128, "BufferingHints.SizeInMBs");
        if ((dynamicPartitioning || converting) && megabytes < 64) {
            throw new InvalidConfigurationException("BufferingHints.SizeInMBs must be at least 64 when " + (converting ? "data format conversion"
                    : "dynamic partitioning") + " is enabled, not " + megabytes);
        }
        int seconds = integer(hints, "IntervalInSeconds", 300, 0, 900, "BufferingHints.IntervalInSeconds");

        Compression compression = Compression.of(config.path("CompressionFormat").asText("UNCOMPRESSED"), "CompressionFormat");
        if (converting && compression != Compression.UNCOMPRESSED) {
            throw new InvalidConfigurationException("CompressionFormat must be UNCOMPRESSED when data format conversion is enabled; set the "
                    + "compression of the Parquet or ORC serializer instead");
        }
        Optional<String> fileExtension = optionalText(config, "FileExtension");
        if (fileExtension.isPresent() && !fileExtension.get().isEmpty() && !FILE_EXTENSION.matcher(fileExtension.get()).matches()) {
            throw new InvalidConfigurationException("FileExtension '" + fileExtension.get() + "' must start with a dot and hold only 0-9 a-z ! - _ . * ' ( )");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(config.path("CustomTimeZone").asText("UTC").isEmpty() ? "UTC" : config.path("CustomTimeZone").asText("UTC"));
        }
        catch (DateTimeException e) {
            throw new InvalidConfigurationException("CustomTimeZone '" + config.path("CustomTimeZone").asText() + "' is not a time zone Firehose knows");
        }

        Map<String, String> queries = new LinkedHashMap<>();
        Optional<String> delimiter = Optional.empty();
        Optional<DeAggregation> deAggregation = Optional.empty();
        boolean decompress = false;
        Optional<LambdaProcessor> lambda = Optional.empty();
        JsonNode processing = config.path("ProcessingConfiguration");
        if (processing.path("Enabled").asBoolean(false)) {
            for (JsonNode processor : processing.path("Processors")) {
                Map<String, String> parameters = new LinkedHashMap<>();
                processor.path("Parameters").forEach(parameter -> parameters.put(parameter.path("ParameterName").asText(),
                        parameter.path("ParameterValue").asText()));
                String type = processor.path("Type").asText();
                switch (type) {
                    case "MetadataExtraction" -> {
                        String engine = parameters.getOrDefault("JsonParsingEngine", "JQ-1.6");
                        if (!engine.equals("JQ-1.6")) {
                            throw new InvalidConfigurationException("MetadataExtraction: JsonParsingEngine must be JQ-1.6, not " + engine);
                        }
                        String query = parameters.get("MetadataExtractionQuery");
                        if (query == null || query.isBlank()) {
                            throw new InvalidConfigurationException("MetadataExtraction needs the parameter MetadataExtractionQuery, e.g. "
                                    + "{customer_id:.customer_id}");
                        }
                        queries.putAll(MetadataExtractor.keysOf(query));
                    }
                    case "AppendDelimiterToRecord" -> delimiter = Optional.of(unescape(parameters.getOrDefault("Delimiter", "\\n")));
                    case "RecordDeAggregation" -> {
                        String subRecordType = parameters.getOrDefault("SubRecordType", "JSON");
                        if (subRecordType.equals("JSON")) {
                            deAggregation = Optional.of(new DeAggregation(true, new byte[0]));
                        }
                        else if (subRecordType.equals("DELIMITED")) {
                            String encoded = parameters.get("Delimiter");
                            if (encoded == null) {
                                throw new InvalidConfigurationException("RecordDeAggregation with SubRecordType DELIMITED needs the parameter Delimiter "
                                        + "(base64)");
                            }
                            try {
                                deAggregation = Optional.of(new DeAggregation(false, Base64.getDecoder().decode(encoded)));
                            }
                            catch (IllegalArgumentException e) {
                                throw new InvalidConfigurationException("RecordDeAggregation: Delimiter must be base64, not '" + encoded + "'");
                            }
                        }
                        else {
                            throw new InvalidConfigurationException("RecordDeAggregation: SubRecordType must be JSON or DELIMITED, not " + subRecordType);
                        }
                    }
                    case "Decompression" -> {
                        String format = parameters.getOrDefault("CompressionFormat", "GZIP");
                        if (!format.equals("GZIP")) {
                            throw new InvalidConfigurationException("Decompression: CompressionFormat must be GZIP, not " + format);
                        }
                        decompress = true;
                    }
                    case "Lambda" -> {
                        if (lambda.isPresent()) {
                            throw new InvalidConfigurationException("ProcessingConfiguration can have only one Lambda processor");
                        }
                        lambda = Optional.of(lambdaProcessor(parameters));
                    }
                    default -> throw new InvalidConfigurationException("Processor type " + type + " is not supported by lakestack's Firehose "
                            + "(supported: Lambda, MetadataExtraction, AppendDelimiterToRecord, RecordDeAggregation, Decompression)");
                }
            }
        }

        Optional<String> prefixText = optionalText(config, "Prefix").filter(text -> !text.isEmpty());
        PrefixTemplate prefix = prefixText.isPresent() ? PrefixTemplate.parse(prefixText.get(), "Prefix", false) : PrefixTemplate.defaultPrefix();
        Optional<PrefixTemplate> errorPrefix = optionalText(config, "ErrorOutputPrefix").filter(text -> !text.isEmpty()).isPresent()
                ? Optional.of(PrefixTemplate.parse(config.path("ErrorOutputPrefix").asText(), "ErrorOutputPrefix", true))
                : Optional.empty();
        if (prefix.hasExpressions() && errorPrefix.isEmpty()) {
            throw new InvalidConfigurationException("ErrorOutputPrefix is required when Prefix contains expressions ('" + prefix.text() + "')");
        }
        if (!errorPrefix.map(PrefixTemplate::partitionKeys).orElse(Set.of()).isEmpty()) {
            throw new InvalidConfigurationException("ErrorOutputPrefix cannot use partitionKeyFromQuery: records that fail have no partition keys");
        }
        Set<String> prefixKeys = prefix.partitionKeys();
        if (dynamicPartitioning) {
            if (prefixKeys.isEmpty()) {
                throw new InvalidConfigurationException("With dynamic partitioning enabled, Prefix must use at least one !{partitionKeyFromQuery:<key>} "
                        + "expression");
            }
            if (errorPrefix.isEmpty()) {
                throw new InvalidConfigurationException("ErrorOutputPrefix is required when dynamic partitioning is enabled");
            }
            for (String key : prefixKeys) {
                if (!queries.containsKey(key)) {
                    throw new InvalidConfigurationException("Prefix uses !{partitionKeyFromQuery:" + key + "} but no MetadataExtraction query defines "
                            + "the key " + key + " (defined: " + String.join(", ", queries.keySet()) + ")");
                }
            }
        }
        else if (!prefixKeys.isEmpty()) {
            throw new InvalidConfigurationException("Prefix uses partitionKeyFromQuery, which needs DynamicPartitioningConfiguration {Enabled: true}");
        }
        else if (!queries.isEmpty()) {
            throw new InvalidConfigurationException("A MetadataExtraction processor needs DynamicPartitioningConfiguration {Enabled: true}");
        }

        Optional<FormatConversion> conversion = converting ? Optional.of(conversion(conversionNode)) : Optional.empty();

        Optional<Backup> backup = Optional.empty();
        String backupMode = config.path("S3BackupMode").asText("Disabled");
        if (backupMode.equals("Enabled")) {
            JsonNode backupConfig = config.get("S3BackupConfiguration");
            if (backupConfig == null || !backupConfig.isObject()) {
                throw new InvalidConfigurationException("S3BackupConfiguration is required when S3BackupMode is Enabled");
            }
            String backupBucket = bucket(required(backupConfig, "BucketARN", "S3BackupConfiguration"), "S3BackupConfiguration.BucketARN");
            PrefixTemplate backupPrefix = optionalText(backupConfig, "Prefix").filter(text -> !text.isEmpty()).isPresent()
                    ? PrefixTemplate.parse(backupConfig.path("Prefix").asText(), "S3BackupConfiguration.Prefix", false)
                    : PrefixTemplate.defaultPrefix();
            if (!backupPrefix.partitionKeys().isEmpty()) {
                throw new InvalidConfigurationException("S3BackupConfiguration.Prefix cannot use partitionKeyFromQuery");
            }
            backup = Optional.of(new Backup(backupBucket, backupPrefix,
                    Compression.of(backupConfig.path("CompressionFormat").asText("UNCOMPRESSED"), "S3BackupConfiguration.CompressionFormat")));
        }
        else if (!backupMode.equals("Disabled")) {
            throw new InvalidConfigurationException("S3BackupMode must be Disabled or Enabled, not " + backupMode);
        }

        return new S3Destination(bucket, prefix, errorPrefix.orElse(PrefixTemplate.defaultErrorPrefix()), megabytes * MEGABYTE, seconds * 1000L,
                compression, fileExtension.filter(text -> !text.isEmpty()), zone, dynamicPartitioning, queries, delimiter, deAggregation, decompress,
                conversion, backup, lambda);
    }

    /** The parameters of a {@code Lambda} processor, checked as Firehose checks them; the function itself is looked for when records come. */
    private static LambdaProcessor lambdaProcessor(Map<String, String> parameters)
            throws InvalidConfigurationException
    {
        for (String name : parameters.keySet()) {
            if (!LAMBDA_PARAMETERS.contains(name)) {
                throw new InvalidConfigurationException("Lambda processor: unknown parameter " + name + " (known: LambdaArn, NumberOfRetries, RoleArn, "
                        + "BufferSizeInMBs, BufferIntervalInSeconds)");
            }
        }
        String arn = parameters.get("LambdaArn");
        if (arn == null || arn.isBlank()) {
            throw new InvalidConfigurationException("The Lambda processor needs the parameter LambdaArn, e.g. "
                    + "arn:aws:lambda:us-east-1:000000000000:function:my-transform[:qualifier]");
        }
        if (!FUNCTION_ARN.matcher(arn).matches()) {
            throw new InvalidConfigurationException("Lambda processor: LambdaArn '" + arn + "' is not a Lambda function ARN "
                    + "(arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>])");
        }
        int retries = parameterInteger(parameters, "NumberOfRetries", 3, 0, 300);
        int seconds = parameterInteger(parameters, "BufferIntervalInSeconds", 60, 0, 900);
        long bytes = MEGABYTE;
        String size = parameters.get("BufferSizeInMBs");
        if (size != null) {
            java.math.BigDecimal megabytes;
            try {
                megabytes = new java.math.BigDecimal(size.trim());
            }
            catch (NumberFormatException e) {
                throw new InvalidConfigurationException("Lambda processor: BufferSizeInMBs must be a number between 0.2 and 3, not '" + size + "'");
            }
            if (megabytes.compareTo(new java.math.BigDecimal("0.2")) < 0 || megabytes.compareTo(java.math.BigDecimal.valueOf(3)) > 0) {
                throw new InvalidConfigurationException("Lambda processor: BufferSizeInMBs must be between 0.2 and 3, not " + size);
            }
            bytes = megabytes.multiply(java.math.BigDecimal.valueOf(MEGABYTE)).longValue();
        }
        Optional<String> role = Optional.ofNullable(parameters.get("RoleArn"));
        if (role.isPresent() && !role.get().startsWith("arn:")) {
            throw new InvalidConfigurationException("Lambda processor: RoleArn '" + role.get() + "' is not an ARN");
        }
        return new LambdaProcessor(arn, retries, bytes, seconds * 1000L, role);
    }

    private static int parameterInteger(Map<String, String> parameters, String name, int defaultValue, int min, int max)
            throws InvalidConfigurationException
    {
        String text = parameters.get(name);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        }
        catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Lambda processor: " + name + " must be a whole number between " + min + " and " + max + ", not '"
                    + text + "'");
        }
        if (value < min || value > max) {
            throw new InvalidConfigurationException("Lambda processor: " + name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    private static FormatConversion conversion(JsonNode node)
            throws InvalidConfigurationException
    {
        JsonNode schema = node.path("SchemaConfiguration");
        if (!schema.isObject()) {
            throw new InvalidConfigurationException("DataFormatConversionConfiguration.SchemaConfiguration is required: the catalog table whose "
                    + "schema the records are converted with");
        }
        String database = required(schema, "DatabaseName", "SchemaConfiguration");
        String table = required(schema, "TableName", "SchemaConfiguration");
        Optional<String> version = optionalText(schema, "VersionId").filter(text -> !text.equals("LATEST"));

        JsonNode input = node.path("InputFormatConfiguration").path("Deserializer");
        Deserializer deserializer;
        if (input.has("HiveJsonSerDe")) {
            List<String> formats = new ArrayList<>();
            input.path("HiveJsonSerDe").path("TimestampFormats").forEach(format -> formats.add(format.asText()));
            deserializer = new Deserializer(false, true, Map.of(), false, formats);
        }
        else if (input.has("OpenXJsonSerDe") || input.isMissingNode() || input.isEmpty()) {
            JsonNode openX = input.path("OpenXJsonSerDe");
            Map<String, String> mappings = new LinkedHashMap<>();
            openX.path("ColumnToJsonKeyMappings").fields().forEachRemaining(entry -> mappings.put(entry.getKey().toLowerCase(java.util.Locale.ROOT),
                    entry.getValue().asText()));
            deserializer = new Deserializer(true, openX.path("CaseInsensitive").asBoolean(true), mappings,
                    openX.path("ConvertDotsInJsonKeysToUnderscores").asBoolean(false), List.of());
        }
        else {
            throw new InvalidConfigurationException("InputFormatConfiguration.Deserializer must be OpenXJsonSerDe or HiveJsonSerDe");
        }

        JsonNode output = node.path("OutputFormatConfiguration").path("Serializer");
        Serializer serializer;
        if (output.has("ParquetSerDe")) {
            JsonNode parquet = output.path("ParquetSerDe");
            String compression = parquet.path("Compression").asText("SNAPPY");
            if (!Set.of("UNCOMPRESSED", "GZIP", "SNAPPY").contains(compression)) {
                throw new InvalidConfigurationException("ParquetSerDe.Compression must be UNCOMPRESSED, GZIP or SNAPPY, not " + compression);
            }
            long blockSize = longValue(parquet, "BlockSizeBytes", 256 * MEGABYTE, 64 * MEGABYTE, "ParquetSerDe.BlockSizeBytes");
            int pageSize = integer(parquet, "PageSizeBytes", 1024 * 1024, 64 * 1024, Integer.MAX_VALUE, "ParquetSerDe.PageSizeBytes");
            String writerVersion = parquet.path("WriterVersion").asText("V1");
            if (!writerVersion.equals("V1") && !writerVersion.equals("V2")) {
                throw new InvalidConfigurationException("ParquetSerDe.WriterVersion must be V1 or V2, not " + writerVersion);
            }
            serializer = new Serializer(true, compression, blockSize, pageSize, parquet.path("EnableDictionaryCompression").asBoolean(false),
                    writerVersion.equals("V2"), 0, 0, List.of(), 0, 0, false);
        }
        else if (output.has("OrcSerDe")) {
            JsonNode orc = output.path("OrcSerDe");
            String compression = orc.path("Compression").asText("SNAPPY");
            if (!Set.of("NONE", "ZLIB", "SNAPPY").contains(compression)) {
                throw new InvalidConfigurationException("OrcSerDe.Compression must be NONE, ZLIB or SNAPPY, not " + compression);
            }
            long stripeSize = longValue(orc, "StripeSizeBytes", 64 * MEGABYTE, 8 * MEGABYTE, "OrcSerDe.StripeSizeBytes");
            int stride = integer(orc, "RowIndexStride", 10_000, 1000, Integer.MAX_VALUE, "OrcSerDe.RowIndexStride");
            List<String> bloom = new ArrayList<>();
            orc.path("BloomFilterColumns").forEach(column -> bloom.add(column.asText()));
            double fpp = orc.path("BloomFilterFalsePositiveProbability").asDouble(0.05);
            double threshold = orc.path("DictionaryKeyThreshold").asDouble(0.8);
            if (fpp <= 0 || fpp >= 1 || threshold < 0 || threshold > 1) {
                throw new InvalidConfigurationException("OrcSerDe.BloomFilterFalsePositiveProbability must be in (0, 1) and DictionaryKeyThreshold in [0, 1]");
            }
            long blockSize = longValue(orc, "BlockSizeBytes", 256 * MEGABYTE, 64 * MEGABYTE, "OrcSerDe.BlockSizeBytes");
            serializer = new Serializer(false, compression, blockSize, 0, false, false, stripeSize, stride,
                    bloom, fpp, threshold, orc.path("EnablePadding").asBoolean(false));
        }
        else {
            throw new InvalidConfigurationException("OutputFormatConfiguration.Serializer must be ParquetSerDe or OrcSerDe");
        }
        return new FormatConversion(database, table, optionalText(schema, "CatalogId"), optionalText(schema, "Region"), version, deserializer,
                serializer);
    }

    /** Merges an {@code ExtendedS3DestinationUpdate} into the configuration it updates, as {@code UpdateDestination} does. */
    public static ObjectNode merge(ObjectNode current, JsonNode update)
    {
        ObjectNode merged = current.deepCopy();
        update.fields().forEachRemaining(entry -> merged.set(entry.getKey(), entry.getValue()));
        return merged;
    }

    private static String bucket(String arn, String field)
            throws InvalidConfigurationException
    {
        var matcher = BUCKET_ARN.matcher(arn);
        if (!matcher.matches()) {
            throw new InvalidConfigurationException(field + " '" + arn + "' is not a bucket ARN (arn:aws:s3:::<bucket>)");
        }
        return matcher.group(1);
    }

    private static String required(JsonNode node, String field, String parent)
            throws InvalidConfigurationException
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidConfigurationException(parent + "." + field + " is required");
        }
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static int integer(JsonNode node, String field, int defaultValue, int min, int max, String name)
            throws InvalidConfigurationException
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        return Math.toIntExact(whole(value, min, max, name));
    }

    private static long longValue(JsonNode node, String field, long defaultValue, long min, String name)
            throws InvalidConfigurationException
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        return whole(value, min, Long.MAX_VALUE, name);
    }

    /** A whole number within {@code [min, max]}: never a fraction cut to its integer part, never a large number wrapped into range. */
    private static long whole(JsonNode value, long min, long max, String name)
            throws InvalidConfigurationException
    {
        if (!value.isIntegralNumber() || value.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0
                || value.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidConfigurationException(name + " must be a whole number " + (max == Long.MAX_VALUE ? "of at least " + min : "between " + min + " and "
                    + max) + ", not " + value);
        }
        return value.longValue();
    }

    private static String unescape(String delimiter)
    {
        return delimiter.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r");
    }
}
