package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Enhanced fan-out on the real stack with the SDK's {@link KinesisAsyncClient} on its Netty client, HTTP/2 by default
 * for Kinesis, against the endpoint's {@code http://} address, exactly as an application (or the Kinesis Client
 * Library) configures it for AWS.
 */
@LakestackTest
@Order(22)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisFanOutIntegrationTest
{
    private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Prints the first event with records of a TRIM_HORIZON subscription, then leaves. */
    private static final String BOTO3_SUBSCRIBER = """
            import json
            import sys

            import boto3

            kinesis = boto3.client("kinesis", endpoint_url=sys.argv[1])
            answer = kinesis.subscribe_to_shard(ConsumerARN=sys.argv[2], ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"})
            for event in answer["EventStream"]:
                records = event["SubscribeToShardEvent"]["Records"]
                if records:
                    print(json.dumps({"data": [record["Data"].decode() for record in records], "keys": [record["PartitionKey"] for record in records],
                                      "continuation": event["SubscribeToShardEvent"]["ContinuationSequenceNumber"]}))
                    break
            """;

    private final TestStack stack;
    private KinesisAsyncClient kinesis;

    KinesisFanOutIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void client()
    {
        kinesis = KinesisAsyncClient.builder()
                .endpointOverride(URI.create(stack.endpoint()))
                .region(Region.of(TestStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestStack.ACCESS_KEY, TestStack.SECRET_KEY)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
    }

    @AfterAll
    void close()
    {
        kinesis.close();
    }

    @Test
    void registerDescribeListAndDeregisterConsumers()
    {
        createStream("it-efo-consumers", 1);
        Consumer registered = kinesis.registerStreamConsumer(request -> request.streamARN(ARN + "it-efo-consumers").consumerName("app-1")).join().consumer();
        assertThat(registered.consumerName()).isEqualTo("app-1");
        assertThat(registered.consumerStatus()).isEqualTo(ConsumerStatus.CREATING);
        assertThat(registered.consumerARN()).isEqualTo(ARN + "it-efo-consumers/consumer/app-1:" + registered.consumerCreationTimestamp().getEpochSecond());

        ConsumerDescription description = Eventually.read(WAIT,
                () -> kinesis.describeStreamConsumer(request -> request.consumerARN(registered.consumerARN())).join().consumerDescription(),
                found -> assertThat(found.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE));
        assertThat(List.of(description.consumerName(), description.consumerARN(), description.streamARN()))
                .containsExactly("app-1", registered.consumerARN(), ARN + "it-efo-consumers");
        assertThat(description.consumerCreationTimestamp()).isEqualTo(registered.consumerCreationTimestamp());
        assertThat(kinesis.describeStreamConsumer(request -> request.streamARN(ARN + "it-efo-consumers").consumerName("app-1")).join().consumerDescription())
                .isEqualTo(description);

        Consumer second = kinesis.registerStreamConsumer(request -> request.streamARN(ARN + "it-efo-consumers").consumerName("app-2")).join().consumer();
        ListStreamConsumersResponse firstPage = kinesis.listStreamConsumers(request -> request.streamARN(ARN + "it-efo-consumers").maxResults(1)).join();
        assertThat(firstPage.consumers()).extracting(Consumer::consumerName, Consumer::consumerARN, Consumer::consumerStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("app-1", registered.consumerARN(), ConsumerStatus.ACTIVE));
        ListStreamConsumersResponse secondPage = kinesis.listStreamConsumers(request -> request.streamARN(ARN + "it-efo-consumers").maxResults(1)
                .nextToken(firstPage.nextToken())).join();
        assertThat(secondPage.consumers()).extracting(Consumer::consumerARN).containsExactly(second.consumerARN());
        assertThat(secondPage.nextToken()).isNull();
        assertThat(kinesis.describeStreamSummary(request -> request.streamName("it-efo-consumers")).join().streamDescriptionSummary().consumerCount())
                .isEqualTo(2);

        assertThatThrownBy(() -> kinesis.registerStreamConsumer(request -> request.streamARN(ARN + "it-efo-consumers").consumerName("app-1")).join())
                .hasCauseInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Consumer app-1 of stream " + ARN + "it-efo-consumers already exists");
        assertThatThrownBy(() -> kinesis.listStreamConsumers(request -> request.streamARN(ARN + "it-efo-consumers").nextToken("forged")).join())
                .hasCauseInstanceOf(InvalidArgumentException.class);

        kinesis.deregisterStreamConsumer(request -> request.consumerARN(registered.consumerARN())).join();
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(request -> request.consumerARN(registered.consumerARN())).join())
                .hasCauseInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Consumer " + registered.consumerARN() + " under account 000000000000 not found.");
        assertThat(kinesis.listStreamConsumers(request -> request.streamARN(ARN + "it-efo-consumers")).join().consumers())
                .extracting(Consumer::consumerName).containsExactly("app-2");
    }

    @Test
    void aStreamTakesTwentyConsumersAndItsDeletionRemovesThem()
    {
        createStream("it-efo-limit", 1);
        for (int i = 1; i <= 20; i++) {
            String name = "c" + i;
            kinesis.registerStreamConsumer(request -> request.streamARN(ARN + "it-efo-limit").consumerName(name)).join();
        }
        assertThatThrownBy(() -> kinesis.registerStreamConsumer(request -> request.streamARN(ARN + "it-efo-limit").consumerName("c21")).join())
                .hasCauseInstanceOf(LimitExceededException.class)
                .hasMessageContaining("Stream " + ARN + "it-efo-limit already has 20 consumers, the most a stream can have");
        String first = kinesis.describeStreamConsumer(request -> request.streamARN(ARN + "it-efo-limit").consumerName("c1")).join()
                .consumerDescription().consumerARN();

        kinesis.deleteStream(request -> request.streamName("it-efo-limit")).join();
        assertThatThrownBy(() -> kinesis.describeStreamConsumer(request -> request.consumerARN(first)).join())
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptionsMatching(e -> e.getCause() instanceof ResourceInUseException)
                .until(() -> kinesis.createStream(request -> request.streamName("it-efo-limit").shardCount(1)).join() != null);
        assertThat(kinesis.listStreamConsumers(request -> request.streamARN(ARN + "it-efo-limit")).join().consumers()).isEmpty();
    }

    @Test
    void subscriptionFromTrimHorizonReceivesExactlyTheRecordsPutAndItsContinuationResumesAfterTheLast()
    {
        createStream("it-efo-read", 1);
        String consumer = register("it-efo-read", "reader");
        List<PutRecordsResultEntry> put = putRecords("it-efo-read", "r", 0, 5);

        Subscription first = subscribe(consumer, "shardId-000000000000", StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
        Awaitility.await().atMost(WAIT).until(() -> first.records().size() >= 5);
        assertThat(first.records()).extracting(record -> record.data().asUtf8String()).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(first.records()).extracting(Record::partitionKey).containsExactly("key-r0", "key-r1", "key-r2", "key-r3", "key-r4");
        assertThat(first.records()).extracting(Record::sequenceNumber).containsExactlyElementsOf(put.stream().map(PutRecordsResultEntry::sequenceNumber).toList());
        assertThat(first.records()).extracting(Record::encryptionTypeAsString).containsOnly("NONE");
        SubscribeToShardEvent last = first.events().stream().filter(event -> event.records().contains(first.records().get(4))).findFirst().orElseThrow();
        assertThat(last.continuationSequenceNumber()).isEqualTo(put.get(4).sequenceNumber());
        assertThat(last.millisBehindLatest()).isZero();
        assertThat(last.childShards()).isEmpty();

        List<PutRecordsResultEntry> more = putRecords("it-efo-read", "r", 5, 2);
        Awaitility.await().atMost(WAIT).until(() -> first.records().size() >= 7);
        assertThat(first.records()).extracting(record -> record.data().asUtf8String()).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6");

        // a subscription of the same consumer and shard takes over 5 s after the first began (refused before that) and
        // resumes exactly after the last record the first one saw
        Subscription resumed = subscribeOnceFree(consumer, "shardId-000000000000", StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                .sequenceNumber(put.get(4).sequenceNumber()).build());
        Awaitility.await().atMost(WAIT).until(() -> resumed.records().size() >= 2);
        assertThat(resumed.records()).extracting(Record::sequenceNumber).containsExactlyElementsOf(more.stream().map(PutRecordsResultEntry::sequenceNumber).toList());
        assertThat(first.done()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause()
                .isInstanceOf(ResourceInUseException.class)
                .withMessageStartingWith("A newer subscription of consumer " + consumer + " to shard shardId-000000000000 took over this one");
    }

    @Test
    void latestSeesOnlyNewRecords()
    {
        createStream("it-efo-latest", 1);
        String consumer = register("it-efo-latest", "reader");
        putRecords("it-efo-latest", "old", 0, 3);
        Subscription subscription = subscribe(consumer, "shardId-000000000000", StartingPosition.builder().type(ShardIteratorType.LATEST).build());
        Awaitility.await().atMost(WAIT).until(() -> !subscription.events().isEmpty());

        putRecords("it-efo-latest", "new", 0, 2);

        Awaitility.await().atMost(WAIT).until(() -> subscription.records().size() >= 2);
        assertThat(subscription.records()).extracting(record -> record.data().asUtf8String()).containsExactly("new0", "new1");
    }

    @Test
    void twoConsumersEachReceiveEveryRecordOfEveryShard()
    {
        createStream("it-efo-fan", 2);
        List<Subscription> subscriptions = new ArrayList<>();
        for (String name : List.of("left", "right")) {
            String consumer = register("it-efo-fan", name);
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                subscriptions.add(subscribe(consumer, shard, StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build()));
            }
        }
        // MD5("a") falls in the first half of the hash key space, MD5("b") in the second
        kinesis.putRecords(request -> request.streamName("it-efo-fan").records(
                entry("a", "a0"), entry("b", "b0"), entry("a", "a1"), entry("b", "b1"), entry("a", "a2"))).join();

        for (int consumer = 0; consumer < 2; consumer++) {
            Subscription shard0 = subscriptions.get(consumer * 2);
            Subscription shard1 = subscriptions.get(consumer * 2 + 1);
            Awaitility.await().atMost(WAIT).until(() -> shard0.records().size() >= 3 && shard1.records().size() >= 2);
            assertThat(shard0.records()).extracting(record -> record.data().asUtf8String()).containsExactly("a0", "a1", "a2");
            assertThat(shard1.records()).extracting(record -> record.data().asUtf8String()).containsExactly("b0", "b1");
        }
    }

    @Test
    void subscriptionErrorsAreKinesisErrors()
    {
        createStream("it-efo-errors", 1);
        String consumer = register("it-efo-errors", "reader");
        StartingPosition horizon = StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build();

        assertThat(subscribe(ARN + "it-efo-errors/consumer/nobody:1700000000", "shardId-000000000000", horizon).done())
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause().isInstanceOf(ResourceNotFoundException.class)
                .withMessageStartingWith("Consumer " + ARN + "it-efo-errors/consumer/nobody:1700000000 under account 000000000000 not found.");
        assertThat(subscribe("arn:aws:kinesis:us-east-1:000000000000:stream/it-efo-errors", "shardId-000000000000", horizon).done())
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause().isInstanceOf(InvalidArgumentException.class)
                .withMessageStartingWith("ConsumerARN arn:aws:kinesis:us-east-1:000000000000:stream/it-efo-errors is not a consumer ARN");
        assertThat(subscribe(consumer, "shardId-000000000007", horizon).done())
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause().isInstanceOf(ResourceNotFoundException.class)
                .withMessageStartingWith("Shard shardId-000000000007 in stream it-efo-errors under account 000000000000 does not exist");
        assertThat(subscribe(consumer, "shardId-000000000000", StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).build()).done())
                .failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause().isInstanceOf(InvalidArgumentException.class)
                .withMessageStartingWith("StartingPosition.SequenceNumber is required for StartingPosition.Type AFTER_SEQUENCE_NUMBER");

        // a deregistered consumer's subscription ends with ResourceNotFoundException
        Subscription subscription = subscribe(consumer, "shardId-000000000000", horizon);
        Awaitility.await().atMost(WAIT).until(() -> !subscription.events().isEmpty());
        kinesis.deregisterStreamConsumer(request -> request.consumerARN(consumer)).join();
        putRecords("it-efo-errors", "wake", 0, 1);
        assertThat(subscription.done()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingRootCause()
                .isInstanceOf(ResourceNotFoundException.class);
    }

    /** boto3 subscribes over HTTP/1.1 (botocore reads the chunked event stream itself); skipped where python3 has no boto3. */
    @Test
    void boto3ReadsTheEventStreamOverHttp11()
            throws Exception
    {
        Assumptions.assumeTrue(python("import boto3").waitFor() == 0, "python3 with boto3 is not installed");
        createStream("it-efo-boto3", 1);
        String consumer = register("it-efo-boto3", "reader");
        List<PutRecordsResultEntry> put = putRecords("it-efo-boto3", "b", 0, 2);

        Process process = python(BOTO3_SUBSCRIBER, stack.endpoint(), consumer);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("boto3 answered within 60 s").isTrue();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as(stdout).isZero();
        assertThat(stdout).isEqualTo("{\"data\": [\"b0\", \"b1\"], \"keys\": [\"key-b0\", \"key-b1\"], \"continuation\": \""
                + put.get(1).sequenceNumber() + "\"}");
    }

    private Process python(String script, String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(stack.awsCliEnvironment());
        return builder.start();
    }

    /** Put-to-subscriber latency of single records, printed for the README, not asserted: it depends on the machine. */
    @Test
    void recordsReachASubscriberAsTheyArrive()
    {
        createStream("it-efo-latency", 1);
        String consumer = register("it-efo-latency", "reader");
        Subscription subscription = subscribe(consumer, "shardId-000000000000", StartingPosition.builder().type(ShardIteratorType.LATEST).build());
        Awaitility.await().atMost(WAIT).until(() -> !subscription.events().isEmpty());
        long[] micros = new long[50];
        for (int i = 0; i < micros.length; i++) {
            int expected = i + 1;
            long start = System.nanoTime();
            kinesis.putRecord(request -> request.streamName("it-efo-latency").partitionKey("k").data(SdkBytes.fromUtf8String("x"))).join();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> subscription.records().size() >= expected);
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("Kinesis fan-out: PutRecord to subscriber, %d records: median %.1f ms, p90 %.1f ms, max %.1f ms%n", micros.length,
                micros[micros.length / 2] / 1000.0, micros[micros.length * 9 / 10] / 1000.0, micros[micros.length - 1] / 1000.0);
        assertThat(subscription.records()).hasSize(micros.length);
    }

    /** One subscription's events, its records in order, and its end. */
    private record Subscription(List<SubscribeToShardEvent> events, CompletableFuture<Void> done)
    {
        List<Record> records()
        {
            return events.stream().flatMap(event -> event.records().stream()).toList();
        }
    }

    private Subscription subscribe(String consumerArn, String shardId, StartingPosition position)
    {
        List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(events::add).build())
                .build();
        return new Subscription(events, kinesis.subscribeToShard(request -> request.consumerARN(consumerArn).shardId(shardId).startingPosition(position), handler));
    }

    /** Subscribes again until the endpoint no longer refuses it as in use: Kinesis lets a new subscription take over 5 s after the last one began. */
    private Subscription subscribeOnceFree(String consumerArn, String shardId, StartingPosition position)
    {
        List<Subscription> taken = new ArrayList<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            Subscription attempt = subscribe(consumerArn, shardId, position);
            Awaitility.await().atMost(WAIT).until(() -> !attempt.events().isEmpty() || attempt.done().isDone());
            if (attempt.done().isCompletedExceptionally()) {
                Throwable error = attempt.done().handle((ignored, failure) -> failure).join();
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                assertThat(cause).isInstanceOf(ResourceInUseException.class);
                return false;
            }
            taken.add(attempt);
            return true;
        });
        return taken.get(0);
    }

    private void createStream(String name, int shards)
    {
        kinesis.createStream(request -> request.streamName(name).shardCount(shards)).join();
    }

    private String register(String stream, String name)
    {
        return kinesis.registerStreamConsumer(request -> request.streamARN(ARN + stream).consumerName(name)).join().consumer().consumerARN();
    }

    private List<PutRecordsResultEntry> putRecords(String stream, String prefix, int from, int count)
    {
        List<PutRecordsRequestEntry> entries = IntStream.range(from, from + count).mapToObj(i -> entry("key-" + prefix + i, prefix + i)).toList();
        List<PutRecordsResultEntry> results = kinesis.putRecords(request -> request.streamName(stream).records(entries)).join().records();
        assertThat(results).extracting(PutRecordsResultEntry::errorCode).containsOnlyNulls();
        return results;
    }

    private static PutRecordsRequestEntry entry(String partitionKey, String data)
    {
        return PutRecordsRequestEntry.builder().partitionKey(partitionKey).data(SdkBytes.fromUtf8String(data)).build();
    }
}
