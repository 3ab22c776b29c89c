package io.lakestack.connectors.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ProcessorParameterName;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsJsonTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsADefinitionIntoTheSdksRequestAtEveryDepth()
    {
        Definitions definitions = new Definitions(AwsJsonTest.class, "definitions", Map.of("name", "clicks", "bucket", "lake", "seconds", "60"));
        CreateDeliveryStreamRequest request = AwsJson.request(definitions.json("sample.json"), CreateDeliveryStreamRequest.builder());

        assertThat(request.deliveryStreamName()).isEqualTo("clicks");
        assertThat(request.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
        assertThat(request.extendedS3DestinationConfiguration().bucketARN()).isEqualTo("arn:aws:s3:::lake");
        assertThat(request.extendedS3DestinationConfiguration().bufferingHints().sizeInMBs()).isEqualTo(128);
        assertThat(request.extendedS3DestinationConfiguration().bufferingHints().intervalInSeconds()).isEqualTo(60);
        assertThat(request.extendedS3DestinationConfiguration().processingConfiguration().enabled()).isFalse();
        assertThat(request.extendedS3DestinationConfiguration().processingConfiguration().processors().get(0).parameters().get(0).parameterName())
                .isEqualTo(ProcessorParameterName.LAMBDA_ARN);
        assertThat(request.extendedS3DestinationConfiguration().dataFormatConversionConfiguration().outputFormatConfiguration().serializer()
                .orcSerDe().bloomFilterColumns()).containsExactly("a", "b");
        assertThat(request.extendedS3DestinationConfiguration().dataFormatConversionConfiguration().outputFormatConfiguration().serializer()
                .orcSerDe().bloomFilterFalsePositiveProbability()).isEqualTo(0.05);
        assertThat(request.tags()).hasSize(1);
        assertThat(request.tags().get(0).key()).isEqualTo("team");
    }

    @Test
    void refusesAMemberTheOperationDoesNotHaveOrAValueOfAnotherType()
    {
        assertThatThrownBy(() -> AwsJson.request(JSON.readTree("{\"DeliveryStreamName\": \"x\", \"ExtendedS3DestinationConfiguration\": {\"Bucket\": \"b\"}}"),
                CreateDeliveryStreamRequest.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown parameter in ExtendedS3DestinationConfiguration: \"Bucket\", must be one of: RoleARN, BucketARN, Prefix,");
        assertThatThrownBy(() -> AwsJson.request(JSON.readTree("{\"DeliveryStreamName\": 7}"), CreateDeliveryStreamRequest.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid type for parameter DeliveryStreamName, value: 7, type: number, valid types: str");
        assertThatThrownBy(() -> AwsJson.request(JSON.readTree("{\"ExtendedS3DestinationConfiguration\": {\"BufferingHints\": {\"SizeInMBs\": \"64\"}}}"),
                CreateDeliveryStreamRequest.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid type for parameter ExtendedS3DestinationConfiguration.BufferingHints.SizeInMBs, value: \"64\", type: string, valid types: int");
    }

    @Test
    void refusesADefinitionWithAPlaceholderLeftWithoutAValue()
    {
        Definitions definitions = new Definitions(AwsJsonTest.class, "definitions", Map.of("name", "clicks"));

        assertThatThrownBy(() -> definitions.text("sample.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the definition sample.json needs a value for bucket, seconds");
        assertThat(definitions.with("bucket", "lake").with("seconds", "1").text("sample.json")).contains("\"arn:aws:s3:::lake\"", "\"IntervalInSeconds\": 1}");
        assertThatThrownBy(() -> definitions.raw("missing.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no definition definitions/missing.json beside io.lakestack.connectors.pipelines.AwsJsonTest");
    }
}
