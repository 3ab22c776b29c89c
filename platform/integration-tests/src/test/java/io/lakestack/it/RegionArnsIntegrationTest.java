package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.Tag;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.InvalidInputException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Resources carry the region of the request that created them: a client signing for us-west-2 gets us-west-2 ARNs,
 * calls with those ARNs reach the resource, and the same ARN naming another region names nothing, as on AWS. Stream
 * names stay one namespace across regions (a request by name reaches the stream from any region).
 */
@LakestackTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionArnsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";

    private final TestStack stack;
    private KinesisClient westKinesis;
    private FirehoseClient westFirehose;

    RegionArnsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        westKinesis = stack.client(KinesisClient.builder(), Region.US_WEST_2);
        westFirehose = stack.client(FirehoseClient.builder(), Region.US_WEST_2);
    }

    @AfterAll
    void close()
    {
        westKinesis.close();
        westFirehose.close();
    }

    @Test
    void aKinesisStreamIsNamedInTheRegionThatCreatedItAndFoundByThatArnOnly()
    {
        westKinesis.createStream(request -> request.streamName("it-region-west").shardCount(1));
        String arn = "arn:aws:kinesis:us-west-2:000000000000:stream/it-region-west";

        StreamDescriptionSummary byName = westKinesis.describeStreamSummary(request -> request.streamName("it-region-west")).streamDescriptionSummary();
        assertThat(byName.streamARN()).isEqualTo(arn);
        assertThat(westKinesis.describeStreamSummary(request -> request.streamARN(arn)).streamDescriptionSummary().streamName())
                .isEqualTo("it-region-west");
        assertThat(westKinesis.describeStream(request -> request.streamARN(arn)).streamDescription().streamARN()).isEqualTo(arn);
        try (KinesisClient east = stack.kinesis()) {
            // one namespace of names: the stream is reached by name from every region, and keeps its own ARN
            assertThat(east.describeStreamSummary(request -> request.streamName("it-region-west")).streamDescriptionSummary().streamARN())
                    .isEqualTo(arn);
            String eastArn = "arn:aws:kinesis:us-east-1:000000000000:stream/it-region-west";
            assertThatThrownBy(() -> east.describeStreamSummary(request -> request.streamARN(eastArn)))
                    .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Stream it-region-west under account 000000000000 not found."));
            assertThatThrownBy(() -> westKinesis.putRecord(request -> request.streamARN(eastArn).partitionKey("k")
                    .data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(ResourceNotFoundException.class);
            // an enhanced fan-out consumer's ARN is its stream's, so it names the stream's region
            String consumerArn = westKinesis.registerStreamConsumer(request -> request.streamARN(arn).consumerName("reader")).consumer().consumerARN();
            assertThat(consumerArn).startsWith(arn + "/consumer/reader:");
            assertThat(east.describeStreamConsumer(request -> request.consumerARN(consumerArn)).consumerDescription().streamARN()).isEqualTo(arn);
            assertThatThrownBy(() -> east.registerStreamConsumer(request -> request.streamARN(eastArn).consumerName("other")))
                    .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Stream it-region-west under account 000000000000 not found."));
            assertThatThrownBy(() -> east.describeStreamConsumer(request -> request.consumerARN(consumerArn.replace("us-west-2", "us-east-1"))))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
        westKinesis.deleteStream(request -> request.streamARN(arn));
    }

    @Test
    void aDeliveryStreamReadsAKinesisStreamOfItsOwnRegion()
    {
        westKinesis.createStream(request -> request.streamName("it-region-source").shardCount(1));
        String sourceArn = "arn:aws:kinesis:us-west-2:000000000000:stream/it-region-source";
        try (S3Client s3 = stack.s3(); FirehoseClient east = stack.firehose()) {
            s3.createBucket(request -> request.bucket("it-region-firehose"));
            assertThatThrownBy(() -> east.createDeliveryStream(request -> request.deliveryStreamName("it-region-east")
                    .deliveryStreamType("KinesisStreamAsSource")
                    .kinesisStreamSourceConfiguration(source -> source.kinesisStreamARN(sourceArn).roleARN(ROLE))
                    .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::it-region-firehose").roleARN(ROLE))))
                    .isInstanceOfSatisfying(InvalidArgumentException.class, e ->
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("KinesisStreamARN " + sourceArn + " names a stream of another "
                                    + "region than this request's (us-east-1): a delivery stream reads a Kinesis stream of its own region"));

            String arn = westFirehose.createDeliveryStream(request -> request.deliveryStreamName("it-region-west")
                    .deliveryStreamType("KinesisStreamAsSource")
                    .kinesisStreamSourceConfiguration(source -> source.kinesisStreamARN(sourceArn).roleARN(ROLE))
                    .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::it-region-firehose").roleARN(ROLE)))
                    .deliveryStreamARN();
            assertThat(arn).isEqualTo("arn:aws:firehose:us-west-2:000000000000:deliverystream/it-region-west");
            DeliveryStreamDescription description = east.describeDeliveryStream(request -> request.deliveryStreamName("it-region-west"))
                    .deliveryStreamDescription();
            assertThat(description.deliveryStreamARN()).isEqualTo(arn);
            assertThat(description.source().kinesisStreamSourceDescription().kinesisStreamARN()).isEqualTo(sourceArn);
            westFirehose.deleteDeliveryStream(request -> request.deliveryStreamName("it-region-west"));
        }
        westKinesis.deleteStream(request -> request.streamName("it-region-source"));
    }

    @Test
    void anS3EventNamesTheRegionOfTheBucketWhoeverWroteTheObject()
            throws Exception
    {
        try (S3Client west = stack.client(S3Client.builder().forcePathStyle(true), Region.US_WEST_2);
                S3Client east = stack.s3();
                SqsClient sqs = stack.client(SqsClient.builder())) {
            String url = sqs.createQueue(request -> request.queueName("it-region-s3-events")).queueUrl();
            String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            west.createBucket(request -> request.bucket("it-region-west-events")
                    .createBucketConfiguration(configuration -> configuration.locationConstraint(BucketLocationConstraint.US_WEST_2)));
            west.putBucketNotificationConfiguration(request -> request.bucket("it-region-west-events").notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue.id("to-queue").queueArn(queueArn).events(Event.S3_OBJECT_CREATED))));
            // a writer signing for us-east-1 (as lakestack's own deliveries do) still makes an event of a us-west-2 bucket
            east.putObject(request -> request.bucket("it-region-west-events").key("by-east.json"), RequestBody.fromString("{}"));
            west.putObject(request -> request.bucket("it-region-west-events").key("by-west.json"), RequestBody.fromString("{}"));

            List<JsonNode> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (Message message : sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    JsonNode body = JSON.readTree(message.body());
                    body.path("Records").forEach(records::add);
                    sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
                }
                return records.size() >= 2;
            });
            assertThat(records).extracting(record -> record.path("s3").path("object").path("key").asText(), record -> record.path("awsRegion").asText())
                    .containsExactlyInAnyOrder(
                            tuple("by-east.json", "us-west-2"),
                            tuple("by-west.json", "us-west-2"));
        }
    }

    @Test
    void glueDatabasesAndCrawlersAreTaggedByTheArnOfTheirRegion()
    {
        try (GlueClient west = stack.client(GlueClient.builder(), Region.US_WEST_2); GlueClient east = stack.glue()) {
            west.createDatabase(request -> request.databaseInput(input -> input.name("it_region_west")).tags(Map.of("team", "data")));
            String arn = "arn:aws:glue:us-west-2:000000000000:database/it_region_west";
            assertThat(west.getTags(request -> request.resourceArn(arn)).tags()).isEqualTo(Map.of("team", "data"));
            east.tagResource(request -> request.resourceArn(arn).tagsToAdd(Map.of("stage", "raw", "team", "lake")));
            west.untagResource(request -> request.resourceArn(arn).tagsToRemove("stage", "absent"));
            assertThat(east.getTags(request -> request.resourceArn(arn)).tags()).isEqualTo(Map.of("team", "lake"));
            assertThatThrownBy(() -> east.getTags(request -> request.resourceArn("arn:aws:glue:us-east-1:000000000000:database/it_region_west")))
                    .isInstanceOfSatisfying(EntityNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Database it_region_west not found."));
            assertThatThrownBy(() -> east.getTags(request -> request.resourceArn("arn:aws:glue:us-west-2:000000000000:table/it_region_west/t")))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("ResourceArn arn:aws:glue:us-west-2:000000000000:table/it_region_west/t is not a database, crawler, job, "
                                    + "trigger or workflow ARN of account 000000000000: lakestack tags databases "
                                    + "(arn:aws:glue:<region>:<account>:database/<name>), crawlers (...:crawler/<name>), jobs (...:job/<name>), "
                                    + "triggers (...:trigger/<name>) and workflows (...:workflow/<name>)"));

            west.createCrawler(request -> request.name("it-region-west").role("arn:aws:iam::000000000000:role/glue").databaseName("it_region_west")
                    .targets(targets -> targets.s3Targets(target -> target.path("s3://it-region-crawl/data/"))).tags(Map.of("owner", "me")));
            String crawlerArn = "arn:aws:glue:us-west-2:000000000000:crawler/it-region-west";
            assertThat(east.getTags(request -> request.resourceArn(crawlerArn)).tags()).isEqualTo(Map.of("owner", "me"));
            assertThatThrownBy(() -> west.getTags(request -> request.resourceArn(crawlerArn.replace("us-west-2", "eu-central-1"))))
                    .isInstanceOfSatisfying(EntityNotFoundException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Crawler entry with name it-region-west does not exist"));
            west.deleteCrawler(request -> request.name("it-region-west"));
            west.deleteDatabase(request -> request.name("it_region_west"));
            assertThatThrownBy(() -> west.getTags(request -> request.resourceArn(arn))).isInstanceOf(EntityNotFoundException.class);
        }
    }

    @Test
    void athenaWorkGroupsAreTaggedByTheArnOfTheirRegion()
    {
        try (AthenaClient west = stack.client(AthenaClient.builder(), Region.US_WEST_2); AthenaClient east = stack.athena()) {
            west.createWorkGroup(request -> request.name("it-region-west").tags(Tag.builder().key("team").value("data").build()));
            String arn = "arn:aws:athena:us-west-2:000000000000:workgroup/it-region-west";
            west.tagResource(request -> request.resourceARN(arn).tags(Tag.builder().key("stage").value("raw").build()));
            east.untagResource(request -> request.resourceARN(arn).tagKeys("team"));
            assertThat(west.listTagsForResource(request -> request.resourceARN(arn)).tags()).extracting(Tag::key, Tag::value)
                    .containsExactly(tuple("stage", "raw"));
            assertThatThrownBy(() -> east.listTagsForResource(request -> request.resourceARN(arn.replace("us-west-2", "us-east-1"))))
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.athena.model.ResourceNotFoundException.class, e ->
                            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("WorkGroup it-region-west is not found."));
            // the primary work group is in every region
            assertThat(east.listTagsForResource(request -> request.resourceARN("arn:aws:athena:eu-central-1:000000000000:workgroup/primary")).tags())
                    .isEmpty();
            west.deleteWorkGroup(request -> request.workGroup("it-region-west"));
        }
    }
}
