package io.lakestack.services.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.endpoint.EndpointServer;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.InMemoryKinesisStreams;
import io.lakestack.spi.testing.ManualClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;
import software.amazon.eventstream.Message;
import software.amazon.eventstream.MessageDecoder;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SubscribeToShard through the real endpoint (HTTP/2 cleartext) with the SDK's {@link KinesisAsyncClient} on its
 * Netty client, over {@link InMemoryKinesisStreams} at a clock the test moves: the subscription's lifetime, its
 * takeover window and its idle events follow that clock, not the wall clock.
 */
class KinesisFanOutSdkTest
{
    private static final ManualClock CLOCK = new ManualClock(1_790_000_000_000L);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Every request the service got: its operation and content type. */
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static EndpointServer server;
    private static EndpointServer unsigned;
    private static KinesisAsyncClient kinesis;

    @BeforeAll
    static void start()
    {
        KinesisService service = new KinesisService(new InMemoryKinesisStreams(CLOCK), new MemoryRecordStores().open(KinesisService.CONSUMERS_STORE,
                StreamConsumer.class), CLOCK);
        server = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0")), List.of(recording(service)), List::of).start();
        unsigned = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0", EndpointConfig.VERIFY_SIGNATURES, "false")), List.of(service),
                List::of).start();
        kinesis = KinesisAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
    }

    @AfterAll
    static void stop()
    {
        kinesis.close();
        server.close();
        unsigned.close();
    }

    /** The service, noting the operation and content type of each request. */
    private static ServiceHandler recording(KinesisService service)
    {
        return new ServiceHandler()
        {
            @Override
            public String signingName()
            {
                return service.signingName();
            }

            @Override
            public AwsProtocol protocol()
            {
                return service.protocol();
            }

            @Override
            public Set<String> targetPrefixes()
            {
                return service.targetPrefixes();
            }

            @Override
            public OptionalLong maxRequestBytes()
            {
                return service.maxRequestBytes();
            }

            @Override
            public void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
                    throws Exception
            {
                REQUESTS.add(request.header("x-amz-target").orElse("") + " " + request.header("content-type").orElse(""));
                service.handle(request, caller, response);
            }
        };
    }

    /** One subscription's events and its end. */
    private record Subscription(List<SubscribeToShardEvent> events, CompletableFuture<Void> done)
    {
        List<String> data()
        {
            return events.stream().flatMap(event -> event.records().stream()).map(record -> record.data().asUtf8String()).toList();
        }
    }

    private static Subscription subscribe(String consumerArn, StartingPosition position)
    {
        List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(events::add).build())
                .build();
        CompletableFuture<Void> done = kinesis.subscribeToShard(request -> request.consumerARN(consumerArn).shardId("shardId-000000000000")
                .startingPosition(position), handler);
        return new Subscription(events, done);
    }

    private static String consumer(String stream, String name)
    {
        kinesis.createStream(request -> request.streamName(stream).shardCount(1)).join();
        return kinesis.registerStreamConsumer(request -> request.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream)
                .consumerName(name)).join().consumer().consumerARN();
    }

    private static void put(String stream, String data)
    {
        kinesis.putRecord(request -> request.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(data))).join();
    }

    @Test
    void subscriptionEndsWhenItsLifetimeHasPassedOnTheClock()
    {
        String arn = consumer("sdk-lifetime", "reader");
        put("sdk-lifetime", "one");
        Subscription subscription = subscribe(arn, StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
        Awaitility.await().atMost(WAIT).until(() -> subscription.data().equals(List.of("one")));
        // the SDK speaks CBOR to Kinesis, but JSON 1.1 for its event stream operation
        assertThat(REQUESTS).contains("Kinesis_20131202.RegisterStreamConsumer application/x-amz-cbor-1.1",
                "Kinesis_20131202.SubscribeToShard application/x-amz-json-1.1");
        assertThat(REQUESTS).noneMatch(request -> request.startsWith("Kinesis_20131202.SubscribeToShard application/x-amz-cbor"));
        put("sdk-lifetime", "two");
        Awaitility.await().atMost(WAIT).until(() -> subscription.data().equals(List.of("one", "two")));

        CLOCK.advance(KinesisService.SUBSCRIPTION_LIFETIME);

        assertThat(subscription.done()).succeedsWithin(WAIT);
        assertThat(subscription.data()).containsExactly("one", "two");
    }

    @Test
    void secondSubscriptionIsRefusedForFiveSecondsThenTakesOver()
    {
        String arn = consumer("sdk-takeover", "reader");
        StartingPosition latest = StartingPosition.builder().type(ShardIteratorType.LATEST).build();
        Subscription first = subscribe(arn, latest);
        Awaitility.await().atMost(WAIT).until(() -> !first.events().isEmpty());

        CLOCK.advance(ShardSubscriptions.TAKEOVER_DELAY.minusMillis(1));
        assertThat(subscribe(arn, latest).done()).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOf(ResourceInUseException.class)
                .withMessageStartingWith("Another active subscription exists for consumer " + arn + " and shard shardId-000000000000, started 4999 ms ago");

        CLOCK.advance(1);
        Subscription second = subscribe(arn, latest);
        Awaitility.await().atMost(WAIT).until(() -> !second.events().isEmpty());
        assertThat(first.done()).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOf(ResourceInUseException.class)
                .withMessageStartingWith("A newer subscription of consumer " + arn + " to shard shardId-000000000000 took over this one");
        put("sdk-takeover", "after takeover");
        Awaitility.await().atMost(WAIT).until(() -> second.data().equals(List.of("after takeover")));
        assertThat(first.data()).isEmpty();
    }

    @Test
    void idleSubscriptionSendsAnEmptyEventEveryFiveSecondsOfTheClockAndResumesFromItsContinuation()
    {
        String arn = consumer("sdk-idle", "reader");
        Subscription subscription = subscribe(arn, StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
        Awaitility.await().atMost(WAIT).until(() -> subscription.events().size() == 1);
        SubscribeToShardEvent empty = subscription.events().get(0);
        assertThat(empty.records()).isEmpty();
        assertThat(empty.millisBehindLatest()).isZero();
        // below the first record's sequence number (49...), so that AFTER_SEQUENCE_NUMBER resumes at it
        assertThat(empty.continuationSequenceNumber()).hasSize(56).startsWith("48");

        CLOCK.advance(KinesisService.IDLE_EVENT_MILLIS);
        Awaitility.await().atMost(WAIT).until(() -> subscription.events().size() == 2);
        assertThat(subscription.events().get(1).records()).isEmpty();

        put("sdk-idle", "first");
        CLOCK.advance(ShardSubscriptions.TAKEOVER_DELAY);
        Subscription resumed = subscribe(arn, StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                .sequenceNumber(empty.continuationSequenceNumber()).build());
        Awaitility.await().atMost(WAIT).until(() -> resumed.data().equals(List.of("first")));
        SubscribeToShardEvent withRecord = resumed.events().stream().filter(event -> !event.records().isEmpty()).findFirst().orElseThrow();
        assertThat(withRecord.continuationSequenceNumber()).isEqualTo(withRecord.records().get(0).sequenceNumber());
        assertThat(withRecord.records().get(0).approximateArrivalTimestamp()).isEqualTo(CLOCK.instant().minus(ShardSubscriptions.TAKEOVER_DELAY));
        // GetShardIterator takes the same continuation
        String iterator = kinesis.getShardIterator(request -> request.streamName("sdk-idle").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(empty.continuationSequenceNumber())).join().shardIterator();
        assertThat(kinesis.getRecords(request -> request.shardIterator(iterator)).join().records())
                .extracting(record -> record.data().asUtf8String()).containsExactly("first");
    }

    /** A client that speaks JSON 1.1 over HTTP/1.1 gets the same events, chunked, with JSON payloads (base64 data, epoch-second timestamps). */
    @Test
    void jsonClientOverHttp11GetsJsonEvents()
            throws Exception
    {
        String arn = consumer("raw-json", "reader");
        put("raw-json", "hello");
        List<Message> messages = firstTwoMessages("application/x-amz-json-1.1", JsonProtocolService.JSON.writeValueAsBytes(subscribeRequest(arn)));

        assertThat(new String(messages.get(0).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{}");
        Message event = messages.get(1);
        assertThat(event.getHeaders().get(":content-type").getString()).isEqualTo("application/x-amz-json-1.1");
        JsonNode payload = JsonProtocolService.JSON.readTree(event.getPayload());
        String sequenceNumber = payload.get("Records").get(0).get("SequenceNumber").asText();
        assertThat(payload).isEqualTo(JsonProtocolService.JSON.readTree("{\"Records\":[{\"SequenceNumber\":\"" + sequenceNumber + "\","
                + "\"ApproximateArrivalTimestamp\":" + CLOCK.millis() / 1000.0 + ",\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"k\",\"EncryptionType\":\"NONE\"}],"
                + "\"ContinuationSequenceNumber\":\"" + sequenceNumber + "\",\"MillisBehindLatest\":0,\"ChildShards\":[]}"));
    }

    /** A request in CBOR (which the SDK does not send for this operation) is answered with CBOR events: binary data, epoch-millisecond timestamps. */
    @Test
    void cborRequestGetsCborEvents()
            throws Exception
    {
        String arn = consumer("raw-cbor", "reader");
        put("raw-cbor", "hello");
        List<Message> messages = firstTwoMessages("application/x-amz-cbor-1.1", JsonProtocolService.CBOR.writeValueAsBytes(subscribeRequest(arn)));

        assertThat(JsonProtocolService.CBOR.readTree(messages.get(0).getPayload())).isEqualTo(JsonProtocolService.JSON.createObjectNode());
        Message event = messages.get(1);
        assertThat(event.getHeaders().get(":content-type").getString()).isEqualTo("application/x-amz-cbor-1.1");
        JsonNode record = JsonProtocolService.CBOR.readTree(event.getPayload()).get("Records").get(0);
        assertThat(record.get("Data").binaryValue()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(record.get("ApproximateArrivalTimestamp").longValue()).isEqualTo(CLOCK.millis());
    }

    private static ObjectNode subscribeRequest(String consumerArn)
    {
        ObjectNode request = JsonProtocolService.JSON.createObjectNode();
        request.put("ConsumerARN", consumerArn);
        request.put("ShardId", "shardId-000000000000");
        request.putObject("StartingPosition").put("Type", "TRIM_HORIZON");
        return request;
    }

    /** Sends SubscribeToShard unsigned over HTTP/1.1 and decodes its answer's first two messages: initial-response and the first event. */
    private static List<Message> firstTwoMessages(String contentType, byte[] body)
            throws Exception
    {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + unsigned.port() + "/"))
                .header("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/vnd.amazon.eventstream");
        assertThat(response.headers().firstValue("transfer-encoding")).contains("chunked");
        List<Message> messages = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(messages::add);
        try (InputStream answer = response.body()) {
            byte[] buffer = new byte[4096];
            while (messages.size() < 2) {
                int read = answer.read(buffer);
                assertThat(read).isPositive();
                decoder.feed(buffer, 0, read);
            }
        }
        assertThat(messages.get(0).getHeaders().get(":event-type").getString()).isEqualTo("initial-response");
        assertThat(messages.get(1).getHeaders().get(":message-type").getString()).isEqualTo("event");
        assertThat(messages.get(1).getHeaders().get(":event-type").getString()).isEqualTo("SubscribeToShardEvent");
        return messages;
    }
}
