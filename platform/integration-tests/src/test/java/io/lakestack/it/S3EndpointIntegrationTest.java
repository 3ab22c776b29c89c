package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** S3 through the endpoint with the AWS SDK v2, and the S3 events it publishes to Kafka. */
@LakestackTest
@Order(1)
class S3EndpointIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIB = 1024 * 1024;

    private final TestStack stack;

    S3EndpointIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void objectsRoundTripThroughTheEndpoint()
    {
        String bucket = "objects-" + suffix();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));

            byte[] small = "hello, lakestack\n".getBytes(StandardCharsets.UTF_8);
            s3.putObject(request -> request.bucket(bucket).key("hello/world.txt"), RequestBody.fromBytes(small));
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("hello/world.txt")).asByteArray()).isEqualTo(small);
            // the object's own type, once: not the HTTP server's default before it
            s3.putObject(request -> request.bucket(bucket).key("typed.json").contentType("application/json"), RequestBody.fromBytes(small));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("typed.json")).contentType()).isEqualTo("application/json");
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("typed.json")).response().contentType()).isEqualTo("application/json");
            s3.deleteObject(request -> request.bucket(bucket).key("typed.json"));

            byte[] large = pattern(20 * MIB);
            String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key("large/blob.bin")).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (int part = 1; part <= 4; part++) {
                int number = part;
                byte[] chunk = java.util.Arrays.copyOfRange(large, (part - 1) * 5 * MIB, part * 5 * MIB);
                String eTag = s3.uploadPart(request -> request.bucket(bucket).key("large/blob.bin").uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(chunk)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
            }
            s3.completeMultipartUpload(request -> request.bucket(bucket).key("large/blob.bin").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
            assertThat(s3.headObject(request -> request.bucket(bucket).key("large/blob.bin")).contentLength()).isEqualTo(20L * MIB);

            ResponseBytes<GetObjectResponse> range = s3.getObjectAsBytes(request -> request.bucket(bucket).key("large/blob.bin")
                    .range("bytes=5242870-5242889"));
            assertThat(range.response().contentLength()).isEqualTo(20L);
            assertThat(range.response().contentRange()).isEqualTo("bytes 5242870-5242889/20971520");
            assertThat(range.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(large, 5242870, 5242890));
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("large/blob.bin")).asByteArray()).isEqualTo(large);

            ListObjectsV2Response root = s3.listObjectsV2(request -> request.bucket(bucket).delimiter("/"));
            assertThat(root.contents()).isEmpty();
            assertThat(root.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("hello/", "large/");
            ListObjectsV2Response hello = s3.listObjectsV2(request -> request.bucket(bucket).prefix("hello/").delimiter("/"));
            assertThat(hello.contents()).extracting(S3Object::key, S3Object::size).containsExactly(org.assertj.core.groups.Tuple.tuple("hello/world.txt", 17L));

            s3.copyObject(request -> request.sourceBucket(bucket).sourceKey("hello/world.txt").destinationBucket(bucket).destinationKey("copies/world.txt"));
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("copies/world.txt")).asByteArray()).isEqualTo(small);

            s3.deleteObject(request -> request.bucket(bucket).key("copies/world.txt"));
            assertThatThrownBy(() -> s3.getObject(request -> request.bucket(bucket).key("copies/world.txt")))
                    .isInstanceOfSatisfying(NoSuchKeyException.class, e -> assertThat(e.statusCode()).isEqualTo(404));

            s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(
                    ObjectIdentifier.builder().key("hello/world.txt").build(), ObjectIdentifier.builder().key("large/blob.bin").build())));
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).keyCount()).isEqualTo(0);
            s3.deleteBucket(request -> request.bucket(bucket));
        }
    }

    @Test
    void notificationsPublishS3EventsToKafka()
            throws Exception
    {
        String suffix = suffix();
        String bucket = "events-" + suffix;
        String queue = "uploads-" + suffix;
        String topic = "archive-" + suffix;
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queueConfiguration -> queueConfiguration
                            .id("incoming-json")
                            .queueArn("arn:aws:sqs:us-east-1:000000000000:" + queue)
                            .events(Event.S3_OBJECT_CREATED, Event.S3_OBJECT_REMOVED)
                            .filter(filter -> filter.key(key -> key.filterRules(
                                    rule -> rule.name(FilterRuleName.PREFIX).value("incoming/"),
                                    rule -> rule.name(FilterRuleName.SUFFIX).value(".json")))))
                    .topicConfigurations(topicConfiguration -> topicConfiguration
                            .id("archive")
                            .topicArn("arn:aws:sns:us-east-1:000000000000:" + topic)
                            .events(Event.S3_OBJECT_CREATED_PUT)
                            .filter(filter -> filter.key(key -> key.filterRules(rule -> rule.name(FilterRuleName.PREFIX).value("archive/")))))));

            GetBucketNotificationConfigurationResponse stored = s3.getBucketNotificationConfiguration(request -> request.bucket(bucket));
            assertThat(stored.queueConfigurations()).hasSize(1);
            assertThat(stored.queueConfigurations().get(0).id()).isEqualTo("incoming-json");
            assertThat(stored.queueConfigurations().get(0).queueArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + queue);
            assertThat(stored.queueConfigurations().get(0).eventsAsStrings()).containsExactly("s3:ObjectCreated:*", "s3:ObjectRemoved:*");
            assertThat(stored.queueConfigurations().get(0).filter().key().filterRules())
                    .extracting(rule -> rule.nameAsString().toLowerCase(Locale.ROOT) + "=" + rule.value())
                    .containsExactly("prefix=incoming/", "suffix=.json");
            assertThat(stored.topicConfigurations()).extracting(configuration -> configuration.id() + " " + configuration.topicArn())
                    .containsExactly("archive arn:aws:sns:us-east-1:000000000000:" + topic);

            byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            String smallETag = unquote(s3.putObject(request -> request.bucket(bucket).key("incoming/a.json"), RequestBody.fromBytes(small)).eTag());
            String spacedETag = unquote(s3.putObject(request -> request.bucket(bucket).key("incoming/my file.json"), RequestBody.fromBytes(small)).eTag());
            byte[] firstPart = pattern(5 * MIB);
            byte[] lastPart = "0123456789".getBytes(StandardCharsets.UTF_8);
            String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key("incoming/big.json")).uploadId();
            String eTag1 = s3.uploadPart(request -> request.bucket(bucket).key("incoming/big.json").uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(firstPart)).eTag();
            String eTag2 = s3.uploadPart(request -> request.bucket(bucket).key("incoming/big.json").uploadId(uploadId).partNumber(2),
                    RequestBody.fromBytes(lastPart)).eTag();
            String bigETag = unquote(s3.completeMultipartUpload(request -> request.bucket(bucket).key("incoming/big.json").uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(CompletedPart.builder().partNumber(1).eTag(eTag1).build(),
                            CompletedPart.builder().partNumber(2).eTag(eTag2).build()))).eTag());
            s3.copyObject(request -> request.sourceBucket(bucket).sourceKey("incoming/a.json").destinationBucket(bucket).destinationKey("incoming/c.json"));
            s3.deleteObject(request -> request.bucket(bucket).key("incoming/a.json"));
            s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(ObjectIdentifier.builder().key("incoming/c.json").build())));
            s3.putObject(request -> request.bucket(bucket).key("incoming/skipped.csv"), RequestBody.fromString("not json"));
            s3.putObject(request -> request.bucket(bucket).key("other/skipped.json"), RequestBody.fromString("{}"));
            String archivedETag = unquote(s3.putObject(request -> request.bucket(bucket).key("archive/2026/report.txt"), RequestBody.fromString("report")).eTag());

            List<String> queueEvents;
            try (KafkaConsumer<String, String> consumer = stack.consumer("lakestack.sqs." + queue)) {
                List<ConsumerRecord<String, String>> records = TestStack.poll(consumer, 7, Duration.ofSeconds(30));
                assertThat(records).hasSize(7);
                JsonNode test = records.stream().map(record -> read(record.value())).filter(node -> node.has("Event")).findFirst().orElseThrow();
                assertThat(test.path("Service").asText()).isEqualTo("Amazon S3");
                assertThat(test.path("Event").asText()).isEqualTo("s3:TestEvent");
                assertThat(test.path("Bucket").asText()).isEqualTo(bucket);
                queueEvents = records.stream().map(record -> read(record.value())).filter(node -> node.has("Records"))
                        .map(node -> describe(node, bucket, record(records, node)))
                        .sorted(Comparator.naturalOrder())
                        .toList();
            }
            assertThat(queueEvents).containsExactly(
                    "ObjectCreated:CompleteMultipartUpload incoming/big.json size=5242890 eTag=" + bigETag + " config=incoming-json",
                    "ObjectCreated:Copy incoming/c.json size=7 eTag=" + smallETag + " config=incoming-json",
                    "ObjectCreated:Put incoming/a.json size=7 eTag=" + smallETag + " config=incoming-json",
                    "ObjectCreated:Put incoming/my+file.json size=7 eTag=" + spacedETag + " config=incoming-json",
                    "ObjectRemoved:Delete incoming/a.json config=incoming-json",
                    "ObjectRemoved:Delete incoming/c.json config=incoming-json");

            try (KafkaConsumer<String, String> consumer = stack.consumer("lakestack.sns." + topic)) {
                List<ConsumerRecord<String, String>> records = TestStack.poll(consumer, 2, Duration.ofSeconds(30));
                List<String> described = records.stream().map(record -> read(record.value())).filter(node -> node.has("Records"))
                        .map(node -> describe(node, bucket, null)).toList();
                assertThat(described).containsExactly("ObjectCreated:Put archive/2026/report.txt size=6 eTag=" + archivedETag + " config=archive");
            }
        }
    }

    /** One line per event record, after checking the fields every record carries. */
    private static String describe(JsonNode notification, String bucket, ConsumerRecord<String, String> record)
    {
        assertThat(notification.path("Records")).hasSize(1);
        JsonNode event = notification.path("Records").get(0);
        assertThat(event.path("eventVersion").asText()).isEqualTo("2.1");
        assertThat(event.path("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(event.path("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(event.path("eventTime").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(event.path("userIdentity").path("principalId").asText()).isEqualTo("AWS:test");
        assertThat(event.path("responseElements").path("x-amz-request-id").asText()).matches("[0-9A-F]{16}");
        JsonNode s3 = event.path("s3");
        assertThat(s3.path("s3SchemaVersion").asText()).isEqualTo("1.0");
        assertThat(s3.path("bucket").path("name").asText()).isEqualTo(bucket);
        assertThat(s3.path("bucket").path("arn").asText()).isEqualTo("arn:aws:s3:::" + bucket);
        assertThat(s3.path("object").path("sequencer").asText()).matches("[0-9A-F]{16}");
        JsonNode object = s3.path("object");
        if (record != null) {
            assertThat(record.key()).isEqualTo(bucket + "/" + java.net.URLDecoder.decode(object.path("key").asText(), StandardCharsets.UTF_8));
        }
        String line = event.path("eventName").asText() + " " + object.path("key").asText();
        if (object.has("size")) {
            line += " size=" + object.path("size").asLong() + " eTag=" + object.path("eTag").asText();
        }
        return line + " config=" + s3.path("configurationId").asText();
    }

    private static ConsumerRecord<String, String> record(List<ConsumerRecord<String, String>> records, JsonNode node)
    {
        return records.stream().filter(record -> read(record.value()).equals(node)).findFirst().orElseThrow();
    }

    private static JsonNode read(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static String unquote(String eTag)
    {
        return eTag.replace("\"", "");
    }

    static byte[] pattern(int size)
    {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ((i * 31 + (i >> 12)) & 0xff);
        }
        return bytes;
    }

    static String suffix()
    {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
