package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3DestinationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode config(String extra)
            throws Exception
    {
        return JSON.readTree("{\"BucketARN\": \"arn:aws:s3:::my-bucket\", \"RoleARN\": \"arn:aws:iam::1:role/r\"" + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    @Test
    void firehoseDefaults()
            throws Exception
    {
        S3Destination destination = S3Destination.parse(config(""));
        assertThat(destination.bucket()).isEqualTo("my-bucket");
        assertThat(destination.bufferBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(destination.bufferMillis()).isEqualTo(300_000);
        assertThat(destination.compression()).isEqualTo(S3Destination.Compression.UNCOMPRESSED);
        assertThat(destination.timeZone()).isEqualTo(java.time.ZoneId.of("UTC"));
        assertThat(destination.extension()).isEmpty();
        assertThat(S3Destination.parse(config("\"CompressionFormat\": \"HADOOP_SNAPPY\"")).extension()).isEqualTo(".snappy");
        assertThat(S3Destination.parse(config("\"BufferingHints\": {\"SizeInMBs\": 1, \"IntervalInSeconds\": 0}")).bufferMillis()).isZero();
    }

    @Test
    void refusesConfigurationsFirehoseRefuses()
    {
        assertThatThrownBy(() -> S3Destination.parse(config("\"Prefix\": \"p/!{timestamp:yyyy}/\"")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ErrorOutputPrefix is required when Prefix contains expressions ('p/!{timestamp:yyyy}/')");
        assertThatThrownBy(() -> S3Destination.parse(config("\"BufferingHints\": {\"SizeInMBs\": 129}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("BufferingHints.SizeInMBs");
        assertThatThrownBy(() -> S3Destination.parse(config("\"DynamicPartitioningConfiguration\": {\"Enabled\": true}, \"BufferingHints\": {\"SizeInMBs\": 64}, "
                + "\"Prefix\": \"p/\", \"ErrorOutputPrefix\": \"e/\"")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("With dynamic partitioning enabled, Prefix must use at least one !{partitionKeyFromQuery:<key>} expression");
        assertThatThrownBy(() -> S3Destination.parse(config("\"FileExtension\": \"parquet\"")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("FileExtension 'parquet' must start with a dot and hold only 0-9 a-z ! - _ . * ' ( )");
        assertThatThrownBy(() -> S3Destination.parse(config("\"S3BackupMode\": \"Enabled\"")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("S3BackupConfiguration is required when S3BackupMode is Enabled");
    }

    @Test
    void numbersAreWholeAndInRangeNeverCutOrWrapped()
    {
        assertThatThrownBy(() -> S3Destination.parse(config("\"BufferingHints\": {\"IntervalInSeconds\": 1.5}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("BufferingHints.IntervalInSeconds must be a whole number between 0 and 900, not 1.5");
        assertThatThrownBy(() -> S3Destination.parse(config("\"BufferingHints\": {\"SizeInMBs\": 18446744073709551617}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("BufferingHints.SizeInMBs must be a whole number between 1 and 128, not 18446744073709551617");
        String conversion = "\"BufferingHints\": {\"SizeInMBs\": 128}, \"DataFormatConversionConfiguration\": {\"SchemaConfiguration\": "
                + "{\"DatabaseName\": \"d\", \"TableName\": \"t\"}, \"OutputFormatConfiguration\": {\"Serializer\": ";
        // 2^64 + 128 MiB is 128 MiB once wrapped into a long
        assertThatThrownBy(() -> S3Destination.parse(config(conversion + "{\"ParquetSerDe\": {\"BlockSizeBytes\": 18446744073843769344}}}}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ParquetSerDe.BlockSizeBytes must be a whole number of at least 67108864, not 18446744073843769344");
        assertThatThrownBy(() -> S3Destination.parse(config(conversion + "{\"ParquetSerDe\": {\"PageSizeBytes\": 65536.5}}}}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ParquetSerDe.PageSizeBytes must be a whole number between 65536 and 2147483647, not 65536.5");
        assertThatThrownBy(() -> S3Destination.parse(config(conversion + "{\"OrcSerDe\": {\"RowIndexStride\": 4294968296}}}}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("OrcSerDe.RowIndexStride must be a whole number between 1000 and 2147483647, not 4294968296");
    }

    @Test
    void dynamicPartitioningKeysComeFromTheMetadataExtractionQuery()
            throws Exception
    {
        S3Destination destination = S3Destination.parse(config("\"DynamicPartitioningConfiguration\": {\"Enabled\": true}, \"BufferingHints\": {\"SizeInMBs\": 64}, "
                + "\"Prefix\": \"p/c=!{partitionKeyFromQuery:customer}/\", \"ErrorOutputPrefix\": \"e/\", \"ProcessingConfiguration\": {\"Enabled\": true, "
                + "\"Processors\": [{\"Type\": \"MetadataExtraction\", \"Parameters\": [{\"ParameterName\": \"MetadataExtractionQuery\", "
                + "\"ParameterValue\": \"{customer: .customer.id}\"}, {\"ParameterName\": \"JsonParsingEngine\", \"ParameterValue\": \"JQ-1.6\"}]}]}"));
        assertThat(destination.partitionKeyQueries()).containsExactly(java.util.Map.entry("customer", ".customer.id"));
        assertThat(destination.bufferBytes()).isEqualTo(64L * 1024 * 1024);
    }

    private static String lambda(String parameters)
    {
        return "\"ProcessingConfiguration\": {\"Enabled\": true, \"Processors\": [{\"Type\": \"Lambda\", \"Parameters\": [" + parameters + "]}]}";
    }

    private static String parameter(String name, String value)
    {
        return "{\"ParameterName\": \"" + name + "\", \"ParameterValue\": \"" + value + "\"}";
    }

    @Test
    void lambdaProcessorTakesFirehosesParametersAndDefaults()
            throws Exception
    {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:transform";
        assertThat(S3Destination.parse(config(lambda(parameter("LambdaArn", arn)))).lambda())
                .contains(new S3Destination.LambdaProcessor(arn, 3, 1024 * 1024, 60_000, java.util.Optional.empty()));
        assertThat(S3Destination.parse(config(lambda(String.join(", ", parameter("LambdaArn", arn + ":live"), parameter("NumberOfRetries", "0"),
                parameter("BufferSizeInMBs", "0.2"), parameter("BufferIntervalInSeconds", "900"), parameter("RoleArn", "arn:aws:iam::000000000000:role/r")))))
                .lambda())
                .contains(new S3Destination.LambdaProcessor(arn + ":live", 0, 209_715, 900_000, java.util.Optional.of("arn:aws:iam::000000000000:role/r")));
        assertThat(S3Destination.parse(config(lambda(String.join(", ", parameter("LambdaArn", arn), parameter("BufferIntervalInSeconds", "0"))))).lambda())
                .contains(new S3Destination.LambdaProcessor(arn, 3, 1024 * 1024, 0, java.util.Optional.empty()));
        assertThat(S3Destination.parse(config("")).lambda()).isEmpty();
    }

    @Test
    void lambdaProcessorParametersAreCheckedAsFirehoseChecksThem()
    {
        String arn = parameter("LambdaArn", "arn:aws:lambda:us-east-1:000000000000:function:transform");
        assertThatThrownBy(() -> S3Destination.parse(config("\"ProcessingConfiguration\": {\"Enabled\": true, \"Processors\": [{\"Type\": \"Lambda\"}]}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The Lambda processor needs the parameter LambdaArn, e.g. arn:aws:lambda:us-east-1:000000000000:function:my-transform[:qualifier]");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(parameter("LambdaArn", "transform")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: LambdaArn 'transform' is not a Lambda function ARN "
                        + "(arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>])");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("NumberOfRetries", "301")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: NumberOfRetries must be between 0 and 300, not 301");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("NumberOfRetries", "two")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: NumberOfRetries must be a whole number between 0 and 300, not 'two'");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("BufferSizeInMBs", "0.1")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: BufferSizeInMBs must be between 0.2 and 3, not 0.1");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("BufferSizeInMBs", "4")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: BufferSizeInMBs must be between 0.2 and 3, not 4");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("BufferIntervalInSeconds", "901")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: BufferIntervalInSeconds must be between 0 and 900, not 901");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("BufferIntervalInSeconds", "-1")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: BufferIntervalInSeconds must be between 0 and 900, not -1");
        assertThatThrownBy(() -> S3Destination.parse(config(lambda(arn + ", " + parameter("Timeout", "60")))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Lambda processor: unknown parameter Timeout (known: LambdaArn, NumberOfRetries, RoleArn, BufferSizeInMBs, BufferIntervalInSeconds)");
        assertThatThrownBy(() -> S3Destination.parse(config("\"ProcessingConfiguration\": {\"Enabled\": true, \"Processors\": [{\"Type\": \"Lambda\", "
                + "\"Parameters\": [" + arn + "]}, {\"Type\": \"Lambda\", \"Parameters\": [" + arn + "]}]}")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ProcessingConfiguration can have only one Lambda processor");
    }
}
