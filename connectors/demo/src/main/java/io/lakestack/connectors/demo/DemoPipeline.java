package io.lakestack.connectors.demo;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The demo, end to end on a running stack:
 * <ol>
 *   <li>bucket {@value #BUCKET} with a notification configuration that sends {@code ObjectCreated} events for
 *       {@code orders/*.jsonl} to the queue {@value #QUEUE} (Kafka topic {@code lakestack.sqs.demo-order-uploads});</li>
 *   <li>the external table {@code demo.orders} (JSON lines, partitioned by {@code dt}) in the catalog;</li>
 *   <li>the partition registrar ({@link PartitionRegistrarTopology}) on Kafka Streams;</li>
 *   <li>the sample orders uploaded through the S3 endpoint, one object per day;</li>
 *   <li>once the registrar has registered both days, a Trino query of revenue per day.</li>
 * </ol>
 * Running it again on the same stack gives the same result: uploads overwrite, registration is idempotent.
 */
public final class DemoPipeline
{
    public static final String BUCKET = "lakestack-demo";
    public static final String QUEUE = "demo-order-uploads";
    public static final String EVENTS_TOPIC = "lakestack.sqs." + QUEUE;
    public static final String REGISTERED_TOPIC = "demo.partitions-registered";
    public static final String DEAD_LETTER_TOPIC = "demo.s3-events.dead-letter";
    public static final String DATABASE = "demo";
    public static final String TABLE = "orders";
    public static final List<String> FIXTURES = List.of("orders/dt=2026-11-20/part-0000.jsonl", "orders/dt=2026-11-21/part-0000.jsonl");
    public static final String QUERY = "SELECT dt, count(*) AS orders, sum(quantity) AS items, sum(quantity * price) AS revenue "
            + "FROM awsdatacatalog.demo.orders GROUP BY dt ORDER BY dt";

    /** Where the stack is: the AWS endpoint and credentials, Kafka and Trino. */
    public record Environment(String endpoint, String region, String accessKey, String secretKey, String kafkaBootstrapServers, String trinoJdbcUrl)
    {
        public Environment
        {
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(region, "region is null");
            requireNonNull(accessKey, "accessKey is null");
            requireNonNull(secretKey, "secretKey is null");
            requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers is null");
            requireNonNull(trinoJdbcUrl, "trinoJdbcUrl is null");
        }
    }

    /** The query result: column names and rows of values as text. */
    public record Result(List<String> columns, List<List<String>> rows)
    {
        public Result
        {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
        }

        /** The result as an aligned text table. */
        public String format()
        {
            int[] widths = new int[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                widths[i] = columns.get(i).length();
                for (List<String> row : rows) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            StringBuilder text = new StringBuilder();
            appendRow(text, columns, widths);
            for (int i = 0; i < columns.size(); i++) {
                text.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
            }
            text.append('\n');
            rows.forEach(row -> appendRow(text, row, widths));
            return text.toString();
        }

        private static void appendRow(StringBuilder text, List<String> values, int[] widths)
        {
            for (int i = 0; i < values.size(); i++) {
                text.append(i == 0 ? "" : " | ").append(String.format("%" + (i == 0 ? "-" : "") + widths[i] + "s", values.get(i)));
            }
            text.append('\n');
        }
    }

    private final Environment environment;
    private final PrintStream out;
    private long begin;

    public DemoPipeline(Environment environment, PrintStream out)
    {
        this.environment = requireNonNull(environment, "environment is null");
        this.out = requireNonNull(out, "out is null");
    }

    public Result run(Duration timeout)
            throws Exception
    {
        begin = System.nanoTime();
        try (S3Client s3 = s3Client(); GlueClient glue = glueClient()) {
            createBucket(s3);
            createTable(glue);
            step("table %s.%s: JSON lines partitioned by dt, at s3://%s/orders/", DATABASE, TABLE, BUCKET);

            PartitionRegistrarTopology.Settings settings = new PartitionRegistrarTopology.Settings(EVENTS_TOPIC, REGISTERED_TOPIC,
                    DEAD_LETTER_TOPIC, DATABASE, TABLE, BUCKET, "orders/", List.of("dt"));
            s3.putBucketNotificationConfiguration(request -> request.bucket(BUCKET).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue
                            .id("order-uploads")
                            .queueArn("arn:aws:sqs:" + environment.region() + ":000000000000:" + QUEUE)
                            .events(Event.S3_OBJECT_CREATED)
                            .filter(filter -> filter.key(key -> key.filterRules(
                                    rule -> rule.name(FilterRuleName.PREFIX).value("orders/"),
                                    rule -> rule.name(FilterRuleName.SUFFIX).value(".jsonl")))))));
            step("s3://%s notifies queue %s (Kafka topic %s) of new orders/*.jsonl", BUCKET, QUEUE, EVENTS_TOPIC);

            Path stateDirectory = Files.createTempDirectory("lakestack-demo-streams");
            StreamsBuilder builder = new StreamsBuilder();
            PartitionRegistrarTopology.build(builder, settings, new GluePartitionCatalog(glue));
            try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(stateDirectory))) {
                streams.start();
                awaitRunning(streams, timeout);
                step("partition registrar (Kafka Streams) running");

                for (String key : FIXTURES) {
                    byte[] content = fixture(key);
                    s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
                    step("uploaded s3://%s/%s (%d bytes)", BUCKET, key, content.length);
                }
                awaitPartitions(glue, Set.of("dt=2026-11-20", "dt=2026-11-21"), streams, timeout);
                // leave the group, so that the next run's registrar is assigned the partitions at once
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(10)));
                streams.cleanUp();
            }
            finally {
                Files.deleteIfExists(stateDirectory);
            }
        }
        step("%s", QUERY);
        Result result = query(QUERY);
        step("query answered");
        return result;
    }

    private void step(String format, Object... arguments)
    {
        out.printf(java.util.Locale.ROOT, "  [%5.1f s] %s%n", (System.nanoTime() - begin) / 1e9, String.format(format, arguments));
    }

    private S3Client s3Client()
    {
        return S3Client.builder()
                .endpointOverride(URI.create(environment.endpoint()))
                .region(Region.of(environment.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(environment.accessKey(), environment.secretKey())))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private GlueClient glueClient()
    {
        return GlueClient.builder()
                .endpointOverride(URI.create(environment.endpoint()))
                .region(Region.of(environment.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(environment.accessKey(), environment.secretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private void createBucket(S3Client s3)
    {
        try {
            s3.headBucket(request -> request.bucket(BUCKET));
        }
        catch (NoSuchBucketException e) {
            s3.createBucket(request -> request.bucket(BUCKET));
        }
    }

    /** The database and the table, through the Glue API, as one would define them on AWS. */
    private void createTable(GlueClient glue)
    {
        try {
            glue.createDatabase(request -> request.databaseInput(database -> database.name(DATABASE).description("lakestack demo")
                    .locationUri("s3://" + BUCKET + "/")));
        }
        catch (AlreadyExistsException ignored) {
            // a previous run created it
        }
        try {
            glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table
                    .name(TABLE)
                    .tableType("EXTERNAL_TABLE")
                    .owner("lakestack")
                    .parameters(Map.of("EXTERNAL", "TRUE", "classification", "json"))
                    .partitionKeys(Column.builder().name("dt").type("string").build())
                    .storageDescriptor(storage -> storage
                            .columns(column("order_id", "string"), column("customer", "string"), column("product", "string"),
                                    column("quantity", "int"), column("price", "decimal(10,2)"), column("ordered_at", "string"))
                            .location("s3://" + BUCKET + "/orders/")
                            .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                            .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                            .serdeInfo(serde -> serde.serializationLibrary("org.apache.hive.hcatalog.data.JsonSerDe")))));
        }
        catch (AlreadyExistsException ignored) {
            // a previous run created it
        }
    }

    private static Column column(String name, String type)
    {
        return Column.builder().name(name).type(type).build();
    }

    private Properties streamsConfig(Path stateDirectory)
    {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "lakestack-demo-partition-registrar");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, environment.kafkaBootstrapServers());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // a registrar that died without leaving its group delays the next one by at most this long
        properties.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        properties.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        return properties;
    }

    private static void awaitRunning(KafkaStreams streams, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the partition registrar stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partition registrar is not running after " + timeout.toSeconds() + " s: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private void awaitPartitions(GlueClient glue, Set<String> expected, KafkaStreams streams, Duration timeout)
            throws Exception
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> seen = new TreeSet<>();
        while (true) {
            for (Partition partition : glue.getPartitionsPaginator(request -> request.databaseName(DATABASE).tableName(TABLE)).stream()
                    .flatMap(page -> page.partitions().stream()).toList()) {
                String name = "dt=" + partition.values().get(0);
                if (seen.add(name)) {
                    step("registered partition %s from its S3 event", name);
                }
            }
            if (seen.containsAll(expected)) {
                return;
            }
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the partition registrar failed; see the log");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions " + expected + " not registered after " + timeout.toSeconds() + " s (registered: " + seen + ")");
            }
            Thread.sleep(100);
        }
    }

    private Result query(String sql)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.put("user", "lakestack");
        try (Connection connection = DriverManager.getConnection(environment.trinoJdbcUrl(), properties);
                Statement statement = connection.createStatement();
                ResultSet results = statement.executeQuery(sql)) {
            ResultSetMetaData metadata = results.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                columns.add(metadata.getColumnLabel(i));
            }
            List<List<String>> rows = new ArrayList<>();
            while (results.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(String.valueOf(results.getObject(i)));
                }
                rows.add(row);
            }
            return new Result(columns, rows);
        }
    }

    static byte[] fixture(String key)
    {
        try (InputStream in = DemoPipeline.class.getClassLoader().getResourceAsStream("fixtures/demo/" + key)) {
            if (in == null) {
                throw new IllegalStateException("fixture fixtures/demo/" + key + " is not on the classpath");
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
