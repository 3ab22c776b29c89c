package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Input no SDK sends but a client can: forged tokens and iterators, times before 1970, numbers beyond their type.
 * Each is the client's error (4xx) with Kinesis's error code, answered at once, never a 500 or a wait on Kafka.
 */
@LakestackTest
@Order(21)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisInvalidInputIntegrationTest
{
    private static final String STREAM = "it-forged";

    private final TestStack stack;
    private KinesisClient kinesis;

    KinesisInvalidInputIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createStream()
    {
        kinesis = stack.kinesis();
        kinesis.createStream(request -> request.streamName(STREAM).shardCount(2));
    }

    @AfterAll
    void close()
    {
        kinesis.close();
    }

    private static String base64(String text)
    {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertError(Runnable call, int status, String code, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KinesisException.class, e -> assertThat(new JsonRequests.Error(e.statusCode(),
                e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage())).isEqualTo(new JsonRequests.Error(status, code, message)));
    }

    @Test
    void forgedListShardsTokenIsInvalidArgument()
    {
        for (String forged : new String[] {STREAM + "|-1", STREAM + "|2", STREAM + "|0", STREAM + "|99"}) {
            assertError(() -> kinesis.listShards(request -> request.nextToken(base64(forged))), 400, "InvalidArgumentException",
                    "Invalid NextToken: it is not one ListShards returned");
        }
    }

    /** An iterator is base64 of {@code lakestack-1|stream|creation|shard|position|issued}; these change one field of a real one. */
    private String forgedIterator(int field, String value)
    {
        String real = kinesis.getShardIterator(request -> request.streamName(STREAM).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        String[] parts = new String(Base64.getDecoder().decode(real), StandardCharsets.UTF_8).split("\\|", -1);
        assertThat(parts).hasSize(6);
        parts[field] = value;
        return base64(String.join("|", parts));
    }

    @Test
    void iteratorOfAShardTheStreamDoesNotHaveIsResourceNotFound()
    {
        assertError(() -> kinesis.getRecords(request -> request.shardIterator(forgedIterator(3, "99"))), 400, "ResourceNotFoundException",
                "Shard shardId-000000000099 in stream it-forged under account 000000000000 does not exist");
        assertError(() -> kinesis.getRecords(request -> request.shardIterator(forgedIterator(3, "2"))), 400, "ResourceNotFoundException",
                "Shard shardId-000000000002 in stream it-forged under account 000000000000 does not exist");
        assertError(() -> kinesis.getRecords(request -> request.shardIterator(forgedIterator(3, "-1"))), 400, "ResourceNotFoundException",
                "Shard -1 in stream it-forged under account 000000000000 does not exist");
    }

    @Test
    void iteratorAtANegativePositionIsInvalidArgument()
    {
        assertError(() -> kinesis.getRecords(request -> request.shardIterator(forgedIterator(4, "-5"))), 400, "InvalidArgumentException",
                "Invalid ShardIterator: it is not an iterator GetShardIterator or GetRecords returned");
    }

    @Test
    void timestampBefore1970IsInvalidArgument()
    {
        JsonRequests.Error error = JsonRequests.error(stack, "kinesis", "Kinesis_20131202.GetShardIterator",
                "{\"StreamName\":\"" + STREAM + "\",\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":-1}");

        assertThat(error).isEqualTo(new JsonRequests.Error(400, "InvalidArgumentException",
                "The timestampInMillis parameter cannot be less than 0. timestampInMillis: -1000"));
    }

    @Test
    void shardCountBeyondItsTypeIsValidationExceptionNotAWrappedCount()
    {
        JsonRequests.Error error = JsonRequests.error(stack, "kinesis", "Kinesis_20131202.CreateStream",
                "{\"StreamName\":\"it-wrapped\",\"ShardCount\":18446744073709551617}");

        assertThat(error).isEqualTo(new JsonRequests.Error(400, "ValidationException", "1 validation error detected: Value '18446744073709551617' at "
                + "'ShardCount' failed to satisfy constraint: Member must have value less than or equal to 2147483647"));
        assertThat(kinesis.listStreams(request -> {}).streamNames()).doesNotContain("it-wrapped");
    }

    @Test
    void limitBeyondItsTypeIsValidationException()
    {
        JsonRequests.Error error = JsonRequests.error(stack, "kinesis", "Kinesis_20131202.ListStreams", "{\"Limit\":18446744073709551626}");

        assertThat(error).isEqualTo(new JsonRequests.Error(400, "ValidationException", "1 validation error detected: Value '18446744073709551626' at "
                + "'Limit' failed to satisfy constraint: Member must have value less than or equal to 10000"));
    }

    @Test
    void fractionalShardCountIsSerializationException()
    {
        JsonRequests.Error error = JsonRequests.error(stack, "kinesis", "Kinesis_20131202.CreateStream", "{\"StreamName\":\"it-fraction\",\"ShardCount\":1.5}");

        assertThat(error).isEqualTo(new JsonRequests.Error(400, "SerializationException", "'ShardCount' must be an integer, not number 1.5"));
    }

    @Test
    void moreThanFiftyTagsAtCreationIsInvalidArgument()
    {
        String tags = IntStream.range(0, 10_001).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(",", "{", "}"));
        JsonRequests.Error error = JsonRequests.error(stack, "kinesis", "Kinesis_20131202.CreateStream",
                "{\"StreamName\":\"it-tagged\",\"ShardCount\":1,\"Tags\":" + tags + "}");

        assertThat(error).isEqualTo(new JsonRequests.Error(400, "InvalidArgumentException", "A stream can have at most 50 tags; 10001 given"));
        assertThat(kinesis.listStreams(request -> {}).streamNames()).doesNotContain("it-tagged");
    }
}
