package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The AWS CLI v2, unchanged but for --endpoint-url, with {@code aws kinesis} and {@code aws firehose}. */
@LakestackTest
@Order(27)
class AwsCliKinesisFirehoseIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestStack stack;
    private AwsCli aws;

    AwsCliKinesisFirehoseIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void findCli()
    {
        aws = AwsCli.required(stack);
    }

    @Test
    void kinesisStreamsRecordsAndErrors()
            throws Exception
    {
        assertThat(aws.run("kinesis", "create-stream", "--stream-name", "cli-clicks", "--shard-count", "2")).isEqualTo(new AwsCli.Result(0, "", ""));
        JsonNode summary = json("kinesis", "describe-stream-summary", "--stream-name", "cli-clicks").get("StreamDescriptionSummary");
        assertThat(summary.get("StreamARN").asText()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/cli-clicks");
        assertThat(summary.get("OpenShardCount").asInt()).isEqualTo(2);
        assertThat(summary.get("StreamStatus").asText()).isEqualTo("ACTIVE");

        // with the CLI v2's default cli_binary_format (base64), --data takes the data's base64
        String data = Base64.getEncoder().encodeToString("{\"page\":\"/home\"}".getBytes(StandardCharsets.UTF_8));
        JsonNode put = json("kinesis", "put-record", "--stream-name", "cli-clicks", "--partition-key", "user-1", "--data", data);
        // MD5("user-1") = 0xd6d77053... lies in the upper half of the hash key space: shard 1 of 2
        assertThat(put.get("ShardId").asText()).isEqualTo("shardId-000000000001");
        assertThat(put.get("SequenceNumber").asText()).hasSize(56).startsWith("49");

        String iterator = json("kinesis", "get-shard-iterator", "--stream-name", "cli-clicks", "--shard-id", "shardId-000000000001",
                "--shard-iterator-type", "TRIM_HORIZON").get("ShardIterator").asText();
        JsonNode records = json("kinesis", "get-records", "--shard-iterator", iterator);
        assertThat(records.get("Records")).hasSize(1);
        assertThat(records.get("Records").get(0).get("PartitionKey").asText()).isEqualTo("user-1");
        assertThat(new String(Base64.getDecoder().decode(records.get("Records").get(0).get("Data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{\"page\":\"/home\"}");
        assertThat(records.get("MillisBehindLatest").asLong()).isEqualTo(0);

        JsonNode shards = json("kinesis", "list-shards", "--stream-name", "cli-clicks").get("Shards");
        assertThat(shards.get(1).get("HashKeyRange").get("StartingHashKey").asText()).isEqualTo("170141183460469231731687303715884105728");

        AwsCli.Result missing = aws.run("kinesis", "describe-stream", "--stream-name", "cli-nope");
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: "
                + "Stream cli-nope under account 000000000000 not found.");
    }

    @Test
    void firehoseDeliveryStreams(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket("cli-firehose"));
            String configuration = """
                    {"BucketARN":"arn:aws:s3:::cli-firehose","RoleARN":"arn:aws:iam::000000000000:role/f","Prefix":"cli/",
                     "BufferingHints":{"SizeInMBs":1,"IntervalInSeconds":60}}
                    """;
            String arn = json("firehose", "create-delivery-stream", "--delivery-stream-name", "cli-stream",
                    "--extended-s3-destination-configuration", configuration).get("DeliveryStreamARN").asText();
            assertThat(arn).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/cli-stream");
            JsonNode description = json("firehose", "describe-delivery-stream", "--delivery-stream-name", "cli-stream").get("DeliveryStreamDescription");
            assertThat(description.get("DeliveryStreamStatus").asText()).isEqualTo("ACTIVE");
            assertThat(description.get("DeliveryStreamType").asText()).isEqualTo("DirectPut");
            assertThat(description.get("Destinations").get(0).get("ExtendedS3DestinationDescription").get("Prefix").asText()).isEqualTo("cli/");
            assertThat(json("firehose", "list-delivery-streams").get("DeliveryStreamNames")).extracting(JsonNode::asText).contains("cli-stream");

            // the Debian CLI's model asks for IntervalInSeconds >= 60: the buffer is written once it holds 1 MiB
            StringBuilder records = new StringBuilder("[");
            List<String> expected = new ArrayList<>();
            for (String letter : List.of("a", "b", "c")) {
                String record = letter.repeat(350_000) + "\n";
                expected.add(record);
                records.append(records.length() > 1 ? "," : "").append("{\"Data\":\"")
                        .append(Base64.getEncoder().encodeToString(record.getBytes(StandardCharsets.UTF_8))).append("\"}");
            }
            Path file = work.resolve("records.json");
            Files.writeString(file, records.append("]"));
            JsonNode batch = json("firehose", "put-record-batch", "--delivery-stream-name", "cli-stream", "--records", "file://" + file.toAbsolutePath());
            assertThat(batch.get("FailedPutCount").asInt()).isEqualTo(0);
            assertThat(batch.get("RequestResponses")).hasSize(3);

            List<FirehoseObjects.Delivered> objects = FirehoseObjects.awaitObjects(s3, "cli-firehose", "cli/", "cli-stream", FirehoseObjects.delimited("\n"),
                    Duration.ofSeconds(30), found -> FirehoseObjects.inPutOrder(found, expected));
            // 1 MiB is reached with the third record: one buffer, written long before its 60 s interval
            assertThat(objects).hasSize(1);
            assertThat(objects.get(0).key()).matches(FirehoseObjects.timePathKey("cli/", "cli-stream", 1, ""));

            AwsCli.Result missing = aws.run("firehose", "describe-delivery-stream", "--delivery-stream-name", "cli-nope");
            assertThat(missing.exitCode()).isEqualTo(254);
            assertThat(missing.stderr()).contains("An error occurred (ResourceNotFoundException) when calling the DescribeDeliveryStream operation: "
                    + "Firehose cli-nope under account 000000000000 not found.");
            assertThat(aws.run("firehose", "delete-delivery-stream", "--delivery-stream-name", "cli-stream")).isEqualTo(new AwsCli.Result(0, "", ""));
        }
    }

    private JsonNode json(String... arguments)
            throws Exception
    {
        AwsCli.Result result = aws.run(arguments);
        assertThat(result.exitCode()).as("aws %s: %s", String.join(" ", arguments), result.stderr()).isEqualTo(0);
        return JSON.readTree(result.stdout());
    }
}
