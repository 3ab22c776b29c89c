package io.lakestack.it;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.EngineAddresses;
import io.lakestack.embedded.StackPorts;
import io.lakestack.embedded.UnreachableEnginesException;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import io.lakestack.endpoint.EndpointConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * {@code --engines external}: the engines of the test stack (its Kafka, S3 server, metastore and Trino) stand for
 * engines lakestack does not run, and two more stacks run an endpoint each on them, starting no engine. Kinesis,
 * Firehose, S3, Glue and Athena calls through any of the three endpoints see the same resources.
 */
@LakestackTest
@Order(91)
class ExternalEnginesIntegrationTest
{
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final TestStack stack;

    ExternalEnginesIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    /** The test stack's engines, as a user would give them with the flags of {@code --engines external}. */
    private EngineAddresses engines(String kafka, URI metastore)
    {
        return EngineAddresses.external(kafka, Map.of(), URI.create(stack.stack().objectStoreUrl()), TestStack.ACCESS_KEY, TestStack.SECRET_KEY,
                TestStack.REGION, metastore, Optional.of(stack.stack().trinoUri()), EngineAddresses.DEFAULT_TRINO_USER);
    }

    private static EmbeddedStack external(Path dataDirectory, EngineAddresses engines)
    {
        return EmbeddedStack.builder().dataDirectory(dataDirectory).ports(StackPorts.free()).externalEngines(engines).build();
    }

    @Test
    void endpointsOnTheSameEnginesSeeTheSameResources(@TempDir Path second, @TempDir Path third)
            throws Exception
    {
        // Trino answers before an external stack is checked against it
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        EngineAddresses engines = engines(stack.kafkaBootstrapServers(), URI.create(stack.stack().metastoreUri()));
        try (EmbeddedStack b = external(second, engines).start(); EmbeddedStack c = external(third, engines).start()) {
            assertThat(b.externalEngines()).isTrue();
            assertThat(b.status()).extracting(ComponentStatus::name, ComponentStatus::state, ComponentStatus::address).containsExactly(
                    tuple("kafka", ComponentState.READY, stack.kafkaBootstrapServers()),
                    tuple("object-store", ComponentState.READY, stack.stack().objectStoreUrl()),
                    tuple("metastore", ComponentState.READY, stack.stack().metastoreUri()),
                    tuple("trino", ComponentState.READY, stack.stack().trinoUri().toString()),
                    tuple("endpoint", ComponentState.READY, b.endpointUrl()));
            assertThat(b.status().subList(0, 4)).extracting(ComponentStatus::detail).allSatisfy(detail -> assertThat(detail)
                    .matches("external, answered in \\d+\\.\\d s"));
            assertThat(List.of(stack.endpoint(), b.endpointUrl(), c.endpointUrl())).doesNotHaveDuplicates();
            assertThat(b.childProcessIds()).isEmpty();

            kinesis(stack.endpoint(), b.endpointUrl(), c.endpointUrl());
            lake(stack.endpoint(), b.endpointUrl(), c.endpointUrl());
        }
    }

    /** A stream created through one endpoint is described, written and read through the others. */
    private static void kinesis(String a, String b, String c)
    {
        try (KinesisClient throughA = TestStack.client(KinesisClient.builder(), a); KinesisClient throughB = TestStack.client(KinesisClient.builder(), b);
                KinesisClient throughC = TestStack.client(KinesisClient.builder(), c)) {
            throughB.createStream(request -> request.streamName("external-clicks").shardCount(2));
            await().atMost(TIMEOUT).until(() -> throughC.describeStreamSummary(request -> request.streamName("external-clicks"))
                    .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            List<StreamDescriptionSummary> summaries = new ArrayList<>();
            for (KinesisClient kinesis : List.of(throughA, throughB, throughC)) {
                summaries.add(kinesis.describeStreamSummary(request -> request.streamName("external-clicks")).streamDescriptionSummary());
            }
            assertThat(summaries).extracting(StreamDescriptionSummary::streamARN, StreamDescriptionSummary::openShardCount, StreamDescriptionSummary::streamStatus)
                    .containsOnly(tuple("arn:aws:kinesis:us-east-1:000000000000:stream/external-clicks", 2, StreamStatus.ACTIVE));

            List<PutRecordResponse> puts = new ArrayList<>();
            for (String click : List.of("click-1", "click-2", "click-3")) {
                puts.add(throughC.putRecord(request -> request.streamName("external-clicks").partitionKey("user-7").data(SdkBytes.fromUtf8String(click))));
            }
            String shard = puts.get(0).shardId();
            assertThat(puts).extracting(PutRecordResponse::shardId).containsOnly(shard);
            String iterator = throughA.getShardIterator(request -> request.streamName("external-clicks").shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            assertThat(throughA.getRecords(request -> request.shardIterator(iterator)).records())
                    .extracting(record -> record.data().asUtf8String(), record -> record.sequenceNumber())
                    .containsExactly(tuple("click-1", puts.get(0).sequenceNumber()), tuple("click-2", puts.get(1).sequenceNumber()),
                            tuple("click-3", puts.get(2).sequenceNumber()));
            assertThat(throughB.listStreams(request -> {}).streamNames()).contains("external-clicks");
        }
    }

    /**
     * S3, Firehose, Glue and Athena: a bucket made through B, a delivery stream through C that writes to it, records put
     * through A, a database through B and a table through C's Athena, queried through B's Athena and read back through A.
     */
    private void lake(String a, String b, String c)
    {
        try (S3Client s3A = TestStack.client(software.amazon.awssdk.services.s3.S3Client.builder().forcePathStyle(true), a);
                S3Client s3B = TestStack.client(software.amazon.awssdk.services.s3.S3Client.builder().forcePathStyle(true), b);
                FirehoseClient firehoseA = TestStack.client(FirehoseClient.builder(), a);
                FirehoseClient firehoseB = TestStack.client(FirehoseClient.builder(), b);
                FirehoseClient firehoseC = TestStack.client(FirehoseClient.builder(), c);
                GlueClient glueA = TestStack.client(GlueClient.builder(), a);
                GlueClient glueB = TestStack.client(GlueClient.builder(), b);
                AthenaClient athenaA = TestStack.client(AthenaClient.builder(), a);
                AthenaClient athenaB = TestStack.client(AthenaClient.builder(), b);
                AthenaClient athenaC = TestStack.client(AthenaClient.builder(), c)) {
            s3B.createBucket(request -> request.bucket("external-lake"));
            s3A.putObject(request -> request.bucket("external-lake").key("events/seed/part-0.json"), RequestBody.fromString("{\"n\":0,\"word\":\"seed\"}\n"));

            firehoseC.createDeliveryStream(request -> request.deliveryStreamName("external-events").deliveryStreamType("DirectPut")
                    .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::external-lake").prefix("events/")
                            .roleARN("arn:aws:iam::000000000000:role/firehose").bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))));
            await().atMost(TIMEOUT).until(() -> firehoseB.describeDeliveryStream(request -> request.deliveryStreamName("external-events"))
                    .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
            DeliveryStreamDescription described = firehoseA.describeDeliveryStream(request -> request.deliveryStreamName("external-events"))
                    .deliveryStreamDescription();
            assertThat(described.deliveryStreamARN()).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/external-events");
            assertThat(described.destinations()).singleElement().satisfies(destination -> {
                assertThat(destination.extendedS3DestinationDescription().bucketARN()).isEqualTo("arn:aws:s3:::external-lake");
                assertThat(destination.extendedS3DestinationDescription().prefix()).isEqualTo("events/");
            });
            List<Record> records = List.of(Record.builder().data(SdkBytes.fromUtf8String("{\"n\":1,\"word\":\"one\"}\n")).build(),
                    Record.builder().data(SdkBytes.fromUtf8String("{\"n\":2,\"word\":\"two\"}\n")).build());
            assertThat(firehoseA.putRecordBatch(request -> request.deliveryStreamName("external-events").records(records)).failedPutCount()).isZero();
            FirehoseObjects.awaitDelivered(stack.kafkaAdmin(), "external-events", 2, TIMEOUT);
            // Firehose's objects under its time path, read through B
            List<String> delivered = new ArrayList<>();
            for (S3Object object : s3B.listObjectsV2(request -> request.bucket("external-lake").prefix("events/")).contents()) {
                if (!object.key().startsWith("events/seed/")) {
                    delivered.addAll(FirehoseObjects.split(s3B.getObjectAsBytes(request -> request.bucket("external-lake").key(object.key()))
                            .asString(StandardCharsets.UTF_8), "\n"));
                }
            }
            assertThat(delivered).containsExactly("{\"n\":1,\"word\":\"one\"}\n", "{\"n\":2,\"word\":\"two\"}\n");

            glueB.createDatabase(request -> request.databaseInput(database -> database.name("external_lake").locationUri("s3://external-lake/")));
            AthenaQueries throughC = new AthenaQueries(athenaC, "external_lake");
            throughC.succeed("CREATE EXTERNAL TABLE events (n int, word string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
                    + "LOCATION 's3://external-lake/events/'");
            Table table = glueA.getTable(request -> request.databaseName("external_lake").name("events")).table();
            assertThat(table.storageDescriptor().location()).isEqualTo("s3://external-lake/events");
            assertThat(table.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(tuple("n", "int"), tuple("word", "string"));

            AthenaQueries throughB = new AthenaQueries(athenaB, "external_lake");
            QueryExecution query = throughB.succeed("SELECT n, word FROM events ORDER BY n");
            assertThat(throughB.rows(query.queryExecutionId())).containsExactly(List.of("n", "word"), List.of("0", "seed"), List.of("1", "one"),
                    List.of("2", "two"));
            // the query's history is in Kafka: every endpoint reads it
            QueryExecution throughA = new AthenaQueries(athenaA, "external_lake").await(query.queryExecutionId());
            assertThat(throughA.query()).isEqualTo("SELECT n, word FROM events ORDER BY n");
            assertThat(throughA.status().state()).isEqualTo(QueryExecutionState.SUCCEEDED);
            assertThat(new AthenaQueries(athenaA, "external_lake").rows(query.queryExecutionId())).containsExactly(List.of("n", "word"), List.of("0", "seed"),
                    List.of("1", "one"), List.of("2", "two"));
        }
    }

    /**
     * An object store that checks signatures gets each request signed for it with its own credentials, whatever the
     * caller signed with: here the object store is the test stack's endpoint (which checks them, with test/test), and
     * the external stack's endpoint takes another key.
     */
    @Test
    void anObjectStoreThatChecksSignaturesGetsRequestsSignedWithItsCredentials(@TempDir Path directory)
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        EngineAddresses engines = EngineAddresses.external(stack.kafkaBootstrapServers(), Map.of(), URI.create(stack.endpoint()), TestStack.ACCESS_KEY,
                TestStack.SECRET_KEY, TestStack.REGION, URI.create(stack.stack().metastoreUri()), Optional.of(stack.stack().trinoUri()),
                EngineAddresses.DEFAULT_TRINO_USER);
        StaticCredentialsProvider own = StaticCredentialsProvider.create(AwsBasicCredentials.create("external-key", "external-secret"));
        try (EmbeddedStack d = EmbeddedStack.builder().dataDirectory(directory).ports(StackPorts.free()).externalEngines(engines)
                .endpointSettings(Map.of(EndpointConfig.ACCESS_KEY, "external-key", EndpointConfig.SECRET_KEY, "external-secret")).build().start();
                S3Client throughD = S3Client.builder().endpointOverride(URI.create(d.endpointUrl())).region(Region.US_EAST_1).forcePathStyle(true)
                        .credentialsProvider(own).build();
                S3Presigner presigner = S3Presigner.builder().endpointOverride(URI.create(d.endpointUrl())).region(Region.US_EAST_1)
                        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).credentialsProvider(own).build();
                S3Client throughA = stack.s3()) {
            throughD.createBucket(request -> request.bucket("signed-lake"));
            throughD.putObject(request -> request.bucket("signed-lake").key("dir/a b+c=d.txt").contentType("text/plain"), RequestBody.fromString("signed"));
            assertThat(throughD.getObjectAsBytes(request -> request.bucket("signed-lake").key("dir/a b+c=d.txt")).asUtf8String()).isEqualTo("signed");
            assertThat(throughA.getObjectAsBytes(request -> request.bucket("signed-lake").key("dir/a b+c=d.txt")).asUtf8String()).isEqualTo("signed");

            // a multipart upload: its query parameters (uploads, uploadId, partNumber) are signed too
            String upload = throughD.createMultipartUpload(request -> request.bucket("signed-lake").key("dir/parts.bin")).uploadId();
            byte[] first = new byte[5 * 1024 * 1024];
            java.util.Arrays.fill(first, (byte) 'x');
            String firstTag = throughD.uploadPart(request -> request.bucket("signed-lake").key("dir/parts.bin").uploadId(upload).partNumber(1),
                    RequestBody.fromBytes(first)).eTag();
            String secondTag = throughD.uploadPart(request -> request.bucket("signed-lake").key("dir/parts.bin").uploadId(upload).partNumber(2),
                    RequestBody.fromString("end")).eTag();
            throughD.completeMultipartUpload(request -> request.bucket("signed-lake").key("dir/parts.bin").uploadId(upload)
                    .multipartUpload(parts -> parts.parts(part -> part.partNumber(1).eTag(firstTag), part -> part.partNumber(2).eTag(secondTag))));
            assertThat(throughD.listObjectsV2(request -> request.bucket("signed-lake").prefix("dir/")).contents())
                    .extracting(S3Object::key, S3Object::size)
                    .containsExactly(tuple("dir/a b+c=d.txt", 6L), tuple("dir/parts.bin", 5L * 1024 * 1024 + 3));

            // a presigned URL of D: its signature is D's, left out; the request goes on signed for the object store
            URI presigned = presigner.presignGetObject(request -> request.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(object -> object.bucket("signed-lake").key("dir/a b+c=d.txt"))).url().toURI();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(presigned).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("signed");
        }
    }

    @Test
    void anUnreachableEngineIsOneLineAndTheEndpointDoesNotStart(@TempDir Path directory)
            throws IOException
    {
        int closedKafka = closedPort();
        int closedMetastore = closedPort();
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        EmbeddedStack external = external(directory, engines("127.0.0.1:" + closedKafka, URI.create("thrift://127.0.0.1:" + closedMetastore)));
        assertThatThrownBy(external::start).isInstanceOfSatisfying(UnreachableEnginesException.class, e -> {
            assertThat(e.lines()).containsExactly(
                    "Kafka at 127.0.0.1:" + closedKafka + " is unreachable: Connection refused",
                    "The Hive Metastore at thrift://127.0.0.1:" + closedMetastore + " is unreachable: Connection refused");
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.lines()));
        });
        assertThat(external.status()).extracting(ComponentStatus::name, ComponentStatus::state, ComponentStatus::detail).containsExactly(
                tuple("kafka", ComponentState.FAILED, "Kafka at 127.0.0.1:" + closedKafka + " is unreachable: Connection refused"),
                tuple("object-store", ComponentState.STOPPED, ""),
                tuple("metastore", ComponentState.FAILED, "The Hive Metastore at thrift://127.0.0.1:" + closedMetastore + " is unreachable: Connection refused"),
                tuple("trino", ComponentState.STOPPED, ""),
                tuple("endpoint", ComponentState.STOPPED, ""));
        // nothing listens where the endpoint would have
        int endpointPort = URI.create(external.endpointUrl()).getPort();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpointPort), 5_000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    /** A loopback port nothing listens on: one that was bound a moment ago and is closed. */
    private static int closedPort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
