package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of Firehose: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered within
 * {@link JsonFuzz#BOUND} with a Firehose error (4xx), and the delivery stream it ran against still works afterwards.
 */
@LakestackTest
@Order(62)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseFuzzIntegrationTest
{
    private static final long SEED = 20150804L;
    private static final String BUCKET = "it-firehose-fuzz";
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";
    private static final String STREAM = "it-firehose-fuzz";
    private static final String DESTINATION = "{\"BucketARN\":\"arn:aws:s3:::" + BUCKET + "\",\"RoleARN\":\"" + ROLE + "\"}";
    static final JsonFuzz.Service FIREHOSE = new JsonFuzz.Service("firehose", "Firehose_20150804",
            Set.of("ValidationException", "SerializationException", "InvalidArgumentException", "ResourceNotFoundException", "ResourceInUseException",
                    "LimitExceededException", "ConcurrentModificationException", "UnknownOperationException"),
            "CreateDeliveryStream DeliveryStreamName!:string=" + STREAM + " DeliveryStreamType:string=DirectPut "
                    + "ExtendedS3DestinationConfiguration:structure=" + DESTINATION + " Tags:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "CreateDeliveryStream DeliveryStreamName!:string=fuzz-missing DeliveryStreamType:string=KinesisStreamAsSource "
                    + "KinesisStreamSourceConfiguration:structure={\"KinesisStreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/fuzz-missing\","
                    + "\"RoleARN\":\"" + ROLE + "\"} S3DestinationConfiguration:structure=" + DESTINATION,
            "DeleteDeliveryStream DeliveryStreamName!:string=fuzz-missing AllowForceDelete:boolean",
            "+DescribeDeliveryStream DeliveryStreamName!:string=" + STREAM + " Limit:integer=10 ExclusiveStartDestinationId:string=destinationId-000000000001",
            "+ListDeliveryStreams Limit:integer=10 DeliveryStreamType:string=DirectPut ExclusiveStartDeliveryStreamName:string=a",
            "UpdateDestination DeliveryStreamName!:string=" + STREAM + " CurrentDeliveryStreamVersionId!:string=999 "
                    + "DestinationId!:string=destinationId-000000000001 ExtendedS3DestinationUpdate:structure=" + DESTINATION,
            "+PutRecord DeliveryStreamName!:string=" + STREAM + " Record!:structure={\"Data\":\"ZnV6eg==\"}",
            "+PutRecordBatch DeliveryStreamName!:string=" + STREAM + " Records!:structures=[{\"Data\":\"ZnV6eg==\"}]",
            "TagDeliveryStream DeliveryStreamName!:string=fuzz-missing Tags!:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "UntagDeliveryStream DeliveryStreamName!:string=fuzz-missing TagKeys!:strings",
            "+ListTagsForDeliveryStream DeliveryStreamName!:string=" + STREAM + " Limit:integer=10 ExclusiveStartTagKey:string=a");

    private final TestStack stack;
    private FirehoseClient firehose;

    FirehoseFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createStream()
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(BUCKET));
        }
        firehose = stack.firehose();
        firehose.createDeliveryStream(request -> request.deliveryStreamName(STREAM).deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE)));
    }

    @AfterAll
    void close()
    {
        firehose.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(FIREHOSE)).isEqualTo(JsonFuzz.implementedOperations(stack, FIREHOSE));
    }

    @Test
    void malformedInputIsAFirehoseErrorInTimeAndTheStreamStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(FIREHOSE, SEED);
        System.out.println("Firehose fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, FIREHOSE, cases)).isEmpty();

        assertThat(firehose.putRecord(request -> request.deliveryStreamName(STREAM).record(record -> record.data(SdkBytes.fromUtf8String("after"))))
                .recordId()).isNotBlank();
        DeliveryStreamDescription description = firehose.describeDeliveryStream(request -> request.deliveryStreamName(STREAM)).deliveryStreamDescription();
        assertThat(List.of(description.deliveryStreamStatus(), description.versionId())).isEqualTo(List.of(DeliveryStreamStatus.ACTIVE, "1"));
        assertThat(firehose.listDeliveryStreams(request -> {}).deliveryStreamNames()).contains(STREAM).doesNotContain("fuzz-missing");
    }
}
