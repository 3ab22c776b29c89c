package io.lakestack.testing;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import io.lakestack.backends.hive.ThriftMetastoreClient;
import io.lakestack.backends.kafka.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The embedded stack as integration tests see it: started once per set of {@link Options}, by default on a temporary
 * data directory and free ports with Trino, and clients of each engine. {@link #main} runs it for a person at a terminal.
 */
public final class TestStack
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";
    public static final String REGION = "us-east-1";
    private static final Duration TRINO_TIMEOUT = Duration.ofMinutes(4);

    /** How a stack is started: the options of {@link LakestackTest}. */
    public record Options(boolean trino, Optional<Path> dataDirectory, int port)
    {
        public static final Options DEFAULT = new Options(true, Optional.empty(), 0);

        public Options
        {
            requireNonNull(dataDirectory, "dataDirectory is null");
            if (port < 0 || port > 65530) {
                throw new IllegalArgumentException("@LakestackTest(port = " + port + "): give a port between 1 and 65530, or 0 for free ports");
            }
        }

        static Options of(LakestackTest test)
        {
            return new Options(test.trino(), test.dataDirectory().isEmpty() ? Optional.empty() : Optional.of(Path.of(test.dataDirectory())), test.port());
        }
    }

    private final Options options;
    private final Path dataDirectory;
    private final StackPorts ports;
    private EmbeddedStack stack;
    private Admin admin;

    private TestStack(Options options, Path dataDirectory, StackPorts ports)
    {
        this.options = options;
        this.dataDirectory = dataDirectory;
        this.ports = ports;
        this.stack = newStack().start();
    }

    static TestStack start()
    {
        return start(Options.DEFAULT);
    }

    static TestStack start(Options options)
    {
        try {
            Path dataDirectory = options.dataDirectory().isPresent()
                    ? Files.createDirectories(options.dataDirectory().get())
                    : Files.createTempDirectory("lakestack-test");
            return new TestStack(options, dataDirectory, options.port() == 0 ? StackPorts.free() : StackPorts.from(options.port()));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EmbeddedStack newStack()
    {
        return EmbeddedStack.builder()
                .dataDirectory(dataDirectory)
                .ports(ports)
                .withTrino(options.trino())
                .trinoHeap("1G")
                .build();
    }

    public Options options()
    {
        return options;
    }

    /** Stops every engine and starts them again on the same data directory and ports, as {@code down} + {@code up} do. */
    public synchronized void restart()
    {
        stack.close();
        stack = newStack().start();
    }

    public EmbeddedStack stack()
    {
        return stack;
    }

    public String endpoint()
    {
        return stack.endpointUrl();
    }

    public Path dataDirectory()
    {
        return dataDirectory;
    }

    public String kafkaBootstrapServers()
    {
        return stack.kafkaBootstrapServers();
    }

    public int metastorePort()
    {
        return stack.metastorePort();
    }

    /** An S3 client of the endpoint, path-style, signing with the stack's credentials. */
    public S3Client s3()
    {
        return s3(ACCESS_KEY, SECRET_KEY);
    }

    public S3Client s3(String accessKey, String secretKey)
    {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    /** A Glue client of the endpoint. */
    public GlueClient glue()
    {
        return client(GlueClient.builder());
    }

    /** An Athena client of the endpoint. */
    public AthenaClient athena()
    {
        return client(AthenaClient.builder());
    }

    /** A Kinesis client of the endpoint; it speaks CBOR, as the SDK does by default. */
    public KinesisClient kinesis()
    {
        return client(KinesisClient.builder());
    }

    /** A Firehose client of the endpoint. */
    public FirehoseClient firehose()
    {
        return client(FirehoseClient.builder());
    }

    /** A client of the endpoint, from any AWS SDK v2 client builder: {@code stack.client(SqsClient.builder())}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder)
    {
        return client(builder, endpoint());
    }

    /** A client of the endpoint signing for another region than {@link #REGION}: {@code stack.client(KinesisClient.builder(), Region.US_WEST_2)}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, Region region)
    {
        return client(builder, endpoint(), region);
    }

    /** A client of another endpoint on this stack's engines, signing with the stack's credentials. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint)
    {
        return client(builder, endpoint, Region.of(REGION));
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint, Region region)
    {
        return builder.endpointOverride(URI.create(endpoint))
                .region(region)
                .credentialsProvider(credentials())
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    private static StaticCredentialsProvider credentials()
    {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** The sum of the offsets a consumer group has committed, over all its partitions; 0 for a group that has none. */
    public long committed(String group)
            throws Exception
    {
        return kafkaAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(offset -> offset.offset()).sum();
    }

    /** A Kafka admin client of the stack's broker, shared by the tests and closed with the stack. */
    public synchronized Admin kafkaAdmin()
    {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()));
        }
        return admin;
    }

    /** Topic management as lakestack's backends do it (topics whose partitions have leaders before they are used). */
    public KafkaTopics kafkaTopics()
    {
        return new KafkaTopics(kafkaAdmin(), Duration.ofSeconds(30));
    }

    /** A consumer reading the given topics from the beginning, in a group of its own. */
    public KafkaConsumer<String, String> consumer(String... topics)
    {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topics));
        return consumer;
    }

    /**
     * Reads records until {@code count} have arrived.
     *
     * @throws AssertionError when fewer arrive within the timeout, listing what did
     */
    public static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, int count, Duration timeout)
    {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        if (records.size() < count) {
            throw new AssertionError("expected " + count + " records within " + timeout + ", got " + records.size() + ": "
                    + records.stream().map(ConsumerRecord::value).toList());
        }
        return records;
    }

    public ThriftMetastoreClient metastore()
    {
        try {
            return ThriftMetastoreClient.connect("127.0.0.1", metastorePort(), Duration.ofSeconds(30));
        }
        catch (org.apache.thrift.transport.TTransportException e) {
            throw new IllegalStateException("cannot connect to the metastore at " + stack.metastoreUri(), e);
        }
    }

    /** A Trino connection, once Trino answers. */
    public Connection trino()
            throws SQLException
    {
        if (!options.trino()) {
            throw new IllegalStateException("this stack runs without Trino: give @LakestackTest(trino = true) to query it");
        }
        stack.awaitTrino(TRINO_TIMEOUT);
        Properties properties = new Properties();
        properties.put("user", "lakestack-test");
        return DriverManager.getConnection(stack.trinoJdbcUrl(), properties);
    }

    public Map<String, String> awsCliEnvironment()
    {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_DEFAULT_REGION", REGION,
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "");
    }

    @Override
    public synchronized void close()
    {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (stack != null) {
            stack.close();
            stack = null;
            if (options.dataDirectory().isPresent()) {
                return;
            }
            try {
                EmbeddedStack.wipe(dataDirectory);
            }
            catch (RuntimeException e) {
                System.err.println("cannot delete the test data directory " + dataDirectory + ": " + e.getMessage());
            }
        }
    }

    /** Runs the test stack until interrupted, printing where everything is. */
    public static void main(String[] args)
            throws InterruptedException
    {
        TestStack test = start();
        Runtime.getRuntime().addShutdownHook(new Thread(test::close));
        System.out.println("endpoint " + test.endpoint() + ", Kafka " + test.kafkaBootstrapServers() + ", metastore "
                + test.stack().metastoreUri() + ", Trino " + test.stack().trinoJdbcUrl() + ", data " + test.dataDirectory());
        Thread.currentThread().join();
    }
}
