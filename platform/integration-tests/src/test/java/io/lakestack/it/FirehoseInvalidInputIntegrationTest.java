package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Firehose input no SDK sends but a client can: version ids beyond an int, fractions and huge numbers for integers, oversized tags. */
@LakestackTest
@Order(24)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseInvalidInputIntegrationTest
{
    private static final String BUCKET = "it-firehose-input";
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";
    private static final String STREAM = "it-firehose-input";

    private final TestStack stack;
    private FirehoseClient firehose;

    FirehoseInvalidInputIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(BUCKET));
        }
        firehose = stack.firehose();
        firehose.createDeliveryStream(request -> request.deliveryStreamName(STREAM).deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE)));
    }

    @AfterAll
    void tearDown()
    {
        firehose.deleteDeliveryStream(request -> request.deliveryStreamName(STREAM));
        firehose.close();
    }

    /**
     * Firehose's model lets a version id be any run of up to 50 digits, so "99999999999" passes validation; it is not
     * the stream's version, which is what Firehose then answers: {@code ConcurrentModificationException}.
     */
    @Test
    void versionIdBeyondAnIntIsNotTheCurrentVersion()
    {
        assertThatThrownBy(() -> firehose.updateDestination(request -> request.deliveryStreamName(STREAM).currentDeliveryStreamVersionId("99999999999")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(update -> update.prefix("changed/"))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ConcurrentModificationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Cannot update firehose: " + STREAM + " since the current version id: 1 "
                            + "and specified version id: 99999999999 do not match");
                });
        assertThat(firehose.describeDeliveryStream(request -> request.deliveryStreamName(STREAM)).deliveryStreamDescription().versionId()).isEqualTo("1");
    }

    @Test
    void versionIdOfFiftyDigitsIsNotTheCurrentVersion()
    {
        String version = "1".repeat(50);
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.UpdateDestination", "{\"DeliveryStreamName\":\"" + STREAM
                + "\",\"CurrentDeliveryStreamVersionId\":\"" + version + "\",\"DestinationId\":\"destinationId-000000000001\","
                + "\"ExtendedS3DestinationUpdate\":{\"Prefix\":\"changed/\"}}"))
                .isEqualTo(new JsonRequests.Error(400, "ConcurrentModificationException", "Cannot update firehose: " + STREAM
                        + " since the current version id: 1 and specified version id: " + version + " do not match"));
    }

    private String createRequest(String name, String bufferingHints)
    {
        return "{\"DeliveryStreamName\":\"" + name + "\",\"DeliveryStreamType\":\"DirectPut\",\"ExtendedS3DestinationConfiguration\":"
                + "{\"BucketARN\":\"arn:aws:s3:::" + BUCKET + "\",\"RoleARN\":\"" + ROLE + "\",\"BufferingHints\":" + bufferingHints + "}}";
    }

    @Test
    void fractionalBufferingHintsAreRefused()
    {
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.CreateDeliveryStream",
                createRequest("it-fractional", "{\"IntervalInSeconds\":1.5}")))
                .isEqualTo(new JsonRequests.Error(400, "InvalidArgumentException",
                        "BufferingHints.IntervalInSeconds must be a whole number between 0 and 900, not 1.5"));
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.CreateDeliveryStream",
                createRequest("it-fractional", "{\"SizeInMBs\":64.9}")))
                .isEqualTo(new JsonRequests.Error(400, "InvalidArgumentException",
                        "BufferingHints.SizeInMBs must be a whole number between 1 and 128, not 64.9"));
        assertThat(firehose.listDeliveryStreams(request -> {}).deliveryStreamNames()).doesNotContain("it-fractional");
    }

    @Test
    void fractionalBufferingHintsInAnUpdateAreRefused()
    {
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.UpdateDestination", "{\"DeliveryStreamName\":\"" + STREAM
                + "\",\"CurrentDeliveryStreamVersionId\":\"1\",\"DestinationId\":\"destinationId-000000000001\","
                + "\"ExtendedS3DestinationUpdate\":{\"BufferingHints\":{\"IntervalInSeconds\":60.25}}}"))
                .isEqualTo(new JsonRequests.Error(400, "InvalidArgumentException",
                        "BufferingHints.IntervalInSeconds must be a whole number between 0 and 900, not 60.25"));
    }

    @Test
    void limitBeyondItsTypeIsValidationException()
    {
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.ListDeliveryStreams", "{\"Limit\":18446744073709551617}"))
                .isEqualTo(new JsonRequests.Error(400, "ValidationException", "1 validation error detected: Value '18446744073709551617' at 'Limit' "
                        + "failed to satisfy constraint: Member must have value less than or equal to 10000"));
    }

    @Test
    void tagsBeyondFirehosesLimitsAreRefused()
    {
        String tags = IntStream.range(0, 10_001).mapToObj(i -> "{\"Key\":\"k" + i + "\",\"Value\":\"v\"}").collect(Collectors.joining(",", "[", "]"));
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.TagDeliveryStream", "{\"DeliveryStreamName\":\"" + STREAM + "\",\"Tags\":" + tags + "}"))
                .isEqualTo(new JsonRequests.Error(400, "ValidationException", "1 validation error detected: Value '(10001 tags)' at 'tags' failed to "
                        + "satisfy constraint: Member must have length less than or equal to 50 and greater than or equal to 1"));

        String longValue = "v".repeat(257);
        assertThat(JsonRequests.error(stack, "firehose", "Firehose_20150804.TagDeliveryStream", "{\"DeliveryStreamName\":\"" + STREAM
                + "\",\"Tags\":[{\"Key\":\"owner\",\"Value\":\"" + longValue + "\"}]}"))
                .isEqualTo(new JsonRequests.Error(400, "ValidationException", "1 validation error detected: Value '" + longValue + "' at 'Tags.1.Value' "
                        + "failed to satisfy constraint: Member must have length less than or equal to 256"));
        assertThat(firehose.listTagsForDeliveryStream(request -> request.deliveryStreamName(STREAM)).tags()).isEmpty();
    }
}
