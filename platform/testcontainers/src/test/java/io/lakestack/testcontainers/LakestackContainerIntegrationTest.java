package io.lakestack.testcontainers;

import io.lakestack.testcontainers.LakestackContainer.Service;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image built from this repository's {@code compose/Dockerfile}, started by Testcontainers, answering S3 and
 * Kinesis. Skipped where there is no Docker engine (as in lakestack's CI): the embedded stack's own tests do not need
 * one, and this test never stands in for them.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class LakestackContainerIntegrationTest
{
    private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    @Container
    static final LakestackContainer LAKESTACK = new LakestackContainer(new ImageFromDockerfile("lakestack/lakestack-it", false)
            .withFileFromPath(".", REPOSITORY)
            .withDockerfile(REPOSITORY.resolve("compose/Dockerfile")))
            .withServices(Service.S3, Service.KINESIS);

    @Test
    void answersS3AndKinesisOnItsEndpoint()
    {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(LAKESTACK.getAccessKey(), LAKESTACK.getSecretKey()));
        try (S3Client s3 = S3Client.builder().endpointOverride(LAKESTACK.getEndpointOverride(Service.S3)).region(Region.of(LAKESTACK.getRegion()))
                .credentialsProvider(credentials).forcePathStyle(true).httpClient(ApacheHttpClient.create()).build();
                KinesisClient kinesis = KinesisClient.builder().endpointOverride(LAKESTACK.getEndpointOverride(Service.KINESIS))
                        .region(Region.of(LAKESTACK.getRegion())).credentialsProvider(credentials).httpClient(ApacheHttpClient.create()).build()) {
            s3.createBucket(request -> request.bucket("in-a-container"));
            s3.putObject(request -> request.bucket("in-a-container").key("hello.txt"), RequestBody.fromString("hello"));
            assertThat(s3.getObjectAsBytes(request -> request.bucket("in-a-container").key("hello.txt")).asUtf8String()).isEqualTo("hello");

            kinesis.createStream(request -> request.streamName("in-a-container").shardCount(1));
            kinesis.putRecord(request -> request.streamName("in-a-container").partitionKey("k").data(SdkBytes.fromUtf8String("record")));
            String iterator = kinesis.getShardIterator(request -> request.streamName("in-a-container").shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(kinesis.getRecords(request -> request.shardIterator(iterator)).records()).extracting(Record::partitionKey,
                    record -> record.data().asUtf8String()).containsExactly(org.assertj.core.groups.Tuple.tuple("k", "record"));
        }
    }
}
