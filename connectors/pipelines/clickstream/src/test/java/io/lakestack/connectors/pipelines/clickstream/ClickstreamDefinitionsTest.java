package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.AwsJson;
import io.lakestack.connectors.pipelines.Definitions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.CreateDatabaseRequest;
import software.amazon.awssdk.services.glue.model.CreateTableRequest;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline's AWS JSON definitions are requests the SDK (and so the AWS CLI) takes as they are. */
class ClickstreamDefinitionsTest
{
    private static final Definitions DEFINITIONS = new Definitions(ClickstreamPipeline.class, "pipelines/clickstream", Map.of(
            "bucket", "my-bucket",
            "database", "clickstream",
            "table", "clickstream_master",
            "topic", "clickstream",
            "deliveryStreamName", "clickstream-master",
            "bufferSeconds", "1",
            "roleArn", "arn:aws:iam::123456789012:role/firehose",
            "region", "eu-west-1",
            "clusterArn", "arn:aws:kafka:eu-west-1:123456789012:cluster/lakestack/1"));

    @Test
    void theDeliveryStreamReadsTheTopicFromItsEarliestRecordIntoParquet()
    {
        CreateDeliveryStreamRequest request = AwsJson.request(DEFINITIONS.json("delivery-stream.json"), CreateDeliveryStreamRequest.builder());

        assertThat(request.deliveryStreamType()).isEqualTo(DeliveryStreamType.MSK_AS_SOURCE);
        assertThat(request.mskSourceConfiguration().mskClusterARN()).isEqualTo("arn:aws:kafka:eu-west-1:123456789012:cluster/lakestack/1");
        assertThat(request.mskSourceConfiguration().topicName()).isEqualTo("clickstream");
        assertThat(request.mskSourceConfiguration().authenticationConfiguration().connectivityAsString()).isEqualTo("PUBLIC");
        assertThat(request.mskSourceConfiguration().readFromTimestamp()).isEqualTo(Instant.EPOCH);
        assertThat(request.extendedS3DestinationConfiguration().prefix()).isEqualTo("master/");
        assertThat(request.extendedS3DestinationConfiguration().errorOutputPrefix()).startsWith("master-errors/");
        assertThat(request.extendedS3DestinationConfiguration().bufferingHints().intervalInSeconds()).isEqualTo(1);
        assertThat(request.extendedS3DestinationConfiguration().dataFormatConversionConfiguration().schemaConfiguration().tableName()).isEqualTo("clickstream_master");
    }

    @Test
    void theMasterTableIsParquetOfTheClicksFourColumns()
    {
        CreateTableRequest table = AwsJson.request(DEFINITIONS.json("master-table.json"), CreateTableRequest.builder());

        assertThat(table.databaseName()).isEqualTo("clickstream");
        assertThat(table.tableInput().name()).isEqualTo("clickstream_master");
        assertThat(table.tableInput().storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("zipcode", "int"),
                org.assertj.core.groups.Tuple.tuple("productname", "string"),
                org.assertj.core.groups.Tuple.tuple("price", "int"),
                org.assertj.core.groups.Tuple.tuple("timestamp", "string"));
        assertThat(table.tableInput().storageDescriptor().location()).isEqualTo("s3://my-bucket/master/");
        assertThat(table.tableInput().storageDescriptor().serdeInfo().serializationLibrary()).isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");

        assertThat(AwsJson.request(DEFINITIONS.json("database.json"), CreateDatabaseRequest.builder()).databaseInput().name()).isEqualTo("clickstream");
    }
}
