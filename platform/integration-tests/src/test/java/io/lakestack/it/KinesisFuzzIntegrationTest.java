package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of Kinesis: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered within
 * {@link JsonFuzz#BOUND} with a Kinesis error (4xx), and the stream it ran against still works afterwards.
 */
@LakestackTest
@Order(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisFuzzIntegrationTest
{
    private static final long SEED = 20131202L;
    private static final String STREAM = "it-fuzz";
    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/";
    static final JsonFuzz.Service KINESIS = new JsonFuzz.Service("kinesis", "Kinesis_20131202",
            Set.of("ValidationException", "SerializationException", "InvalidArgumentException", "ResourceNotFoundException", "ResourceInUseException",
                    "LimitExceededException", "ExpiredIteratorException", "UnknownOperationException"),
            "CreateStream StreamName!:string=" + STREAM + " ShardCount:integer=1 StreamModeDetails:structure={\"StreamMode\":\"PROVISIONED\"} Tags:map",
            "DeleteStream StreamName:string StreamARN:string=" + ARN + "fuzz-missing",
            "+DescribeStream StreamName:string=" + STREAM + " Limit:integer=10 ExclusiveStartShardId:string=shardId-000000000000",
            "+DescribeStreamSummary StreamName:string=" + STREAM + " StreamARN:string=" + ARN + STREAM,
            "+ListStreams Limit:integer=10 ExclusiveStartStreamName:string=a NextToken:token",
            "+ListShards StreamName:string=" + STREAM + " NextToken:token ExclusiveStartShardId:string=shardId-000000000000 MaxResults:integer=10 "
                    + "ShardFilter:structure={\"Type\":\"AFTER_SHARD_ID\",\"ShardId\":\"shardId-000000000000\"}",
            "IncreaseStreamRetentionPeriod StreamName:string RetentionPeriodHours!:integer=48",
            "DecreaseStreamRetentionPeriod StreamName:string RetentionPeriodHours!:integer=24",
            "+PutRecord StreamName:string=" + STREAM + " PartitionKey!:string=k Data!:blob ExplicitHashKey:string=1",
            "+PutRecords StreamName:string=" + STREAM + " Records!:structures=[{\"PartitionKey\":\"k\",\"Data\":\"ZnV6eg==\"}]",
            "+GetShardIterator StreamName:string=" + STREAM + " ShardId!:string=shardId-000000000000 ShardIteratorType!:string=AT_TIMESTAMP "
                    + "Timestamp:timestamp",
            "GetShardIterator StreamName:string=" + STREAM + " ShardId!:string=shardId-000000000000 ShardIteratorType!:string=AFTER_SEQUENCE_NUMBER "
                    + "StartingSequenceNumber:string=49999999999999999999999999999999999999999999999999999999",
            "GetRecords ShardIterator!:token Limit:integer=10",
            "AddTagsToStream StreamName:string Tags!:map={\"k\":\"v\"}",
            "RemoveTagsFromStream StreamName:string TagKeys:strings",
            "+ListTagsForStream StreamName:string=" + STREAM + " Limit:integer=10 ExclusiveStartTagKey:string=a",
            "+RegisterStreamConsumer StreamARN!:string=" + ARN + STREAM + " ConsumerName!:string=fuzz-consumer",
            "+DescribeStreamConsumer StreamARN:string=" + ARN + STREAM + " ConsumerName:string=fuzz-consumer",
            "DescribeStreamConsumer ConsumerARN:string=" + ARN + STREAM + "/consumer/fuzz-missing:1",
            "+ListStreamConsumers StreamARN!:string=" + ARN + STREAM + " MaxResults:integer=10 NextToken:token StreamCreationTimestamp:timestamp",
            "DeregisterStreamConsumer StreamARN:string=" + ARN + STREAM + " ConsumerName:string=fuzz-missing",
            "SubscribeToShard ConsumerARN!:string=" + ARN + STREAM + "/consumer/fuzz-missing:1 ShardId!:string=shardId-000000000000 "
                    + "StartingPosition!:structure={\"Type\":\"TRIM_HORIZON\"}",
            "UpdateShardCount",
            "SplitShard",
            "MergeShards");

    private final TestStack stack;
    private KinesisClient kinesis;

    KinesisFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createStream()
    {
        kinesis = stack.kinesis();
        kinesis.createStream(request -> request.streamName(STREAM).shardCount(1));
    }

    @AfterAll
    void close()
    {
        kinesis.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(KINESIS)).isEqualTo(JsonFuzz.implementedOperations(stack, KINESIS));
    }

    @Test
    void malformedInputIsAKinesisErrorInTimeAndTheStreamStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(KINESIS, SEED);
        System.out.println("Kinesis fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, KINESIS, cases)).isEmpty();

        String sequenceNumber = kinesis.putRecord(request -> request.streamName(STREAM).partitionKey("k").data(SdkBytes.fromUtf8String("after")))
                .sequenceNumber();
        StreamDescriptionSummary summary = kinesis.describeStreamSummary(request -> request.streamName(STREAM)).streamDescriptionSummary();
        assertThat(List.of(summary.streamStatus(), summary.openShardCount())).isEqualTo(List.of(StreamStatus.ACTIVE, 1));
        String iterator = kinesis.getShardIterator(request -> request.streamName(STREAM).shardId("shardId-000000000000")
                .shardIteratorType("AT_SEQUENCE_NUMBER").startingSequenceNumber(sequenceNumber)).shardIterator();
        assertThat(kinesis.getRecords(request -> request.shardIterator(iterator).limit(1)).records())
                .singleElement().satisfies(record -> assertThat(record.data().asUtf8String()).isEqualTo("after"));
    }
}
