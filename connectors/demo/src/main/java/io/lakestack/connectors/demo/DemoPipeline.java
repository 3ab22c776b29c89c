package io.lakestack.connectors.demo;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.BucketObjects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The demo, end to end, through the AWS APIs only (so the same run works on lakestack and on AWS):
 * <ol>
 *   <li>the bucket, and the external table {@code demo.orders} (JSON lines, partitioned by {@code dt}) in the Glue Data
 *       Catalog;</li>
 *   <li>the SQS queue {@value #QUEUE}, which S3 may send to, with the dead-letter queue {@value #DEAD_LETTER_QUEUE}
 *       (its redrive policy moves a message there after {@value #MAX_RECEIVE_COUNT} receives);</li>
 *   <li>the bucket's notification configuration: {@code ObjectCreated} events of {@code orders/*.jsonl} to the
 *       queue;</li>
 *   <li>the partition registrar ({@link QueuePartitionRegistrar}) receiving from the queue;</li>
 *   <li>the sample orders uploaded, one object per day;</li>
 *   <li>once the registrar has registered both days, the query of revenue per day through Athena.</li>
 * </ol>
 * Running it again on the same stack or account gives the same result: uploads overwrite, registration is idempotent,
 * the queues and the table are made only when missing.
 */
public final class DemoPipeline
{
    public static final String DEFAULT_BUCKET = "lakestack-demo";
    public static final String QUEUE = "demo-order-uploads";
    public static final String DEAD_LETTER_QUEUE = "demo-order-uploads-dead-letter";
    public static final int MAX_RECEIVE_COUNT = 5;
    public static final String DATABASE = "demo";
    public static final String TABLE = "orders";
    public static final String RESULTS_PREFIX = "athena-results/";
    public static final List<String> FIXTURES = List.of("orders/dt=2026-11-20/part-0000.jsonl", "orders/dt=2026-11-21/part-0000.jsonl");
    public static final String QUERY = "SELECT dt, count(*) AS orders, sum(quantity) AS items, sum(quantity * price) AS revenue "
            + "FROM orders GROUP BY dt ORDER BY dt";

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

    private final AwsTarget target;
    private final String bucket;
    private final PrintStream out;
    private long begin;

    public DemoPipeline(AwsTarget target, String bucket, PrintStream out)
    {
        this.target = requireNonNull(target, "target is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.out = requireNonNull(out, "out is null");
    }

    public Result run(Duration timeout)
            throws Exception
    {
        begin = System.nanoTime();
        try (S3Client s3 = target.client(S3Client.builder().forcePathStyle(target.lakestack()));
                GlueClient glue = target.client(GlueClient.builder());
                SqsClient sqs = target.client(SqsClient.builder());
                AthenaClient athena = target.client(AthenaClient.builder())) {
            if (new BucketObjects(s3, bucket).ensureBucket()) {
                step("created bucket s3://%s", bucket);
            }
            createTable(glue);
            step("table %s.%s: JSON lines partitioned by dt, at s3://%s/orders/", DATABASE, TABLE, bucket);

            String deadLetterQueueUrl = sqs.createQueue(request -> request.queueName(DEAD_LETTER_QUEUE)).queueUrl();
            String deadLetterQueueArn = queueArn(sqs, deadLetterQueueUrl);
            String queueArn = deadLetterQueueArn.substring(0, deadLetterQueueArn.lastIndexOf(':') + 1) + QUEUE;
            String queueUrl = sqs.createQueue(request -> request.queueName(QUEUE).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "30",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterQueueArn + "\",\"maxReceiveCount\":\""
                            + MAX_RECEIVE_COUNT + "\"}",
                    QueueAttributeName.POLICY, s3MaySend(queueArn)))).queueUrl();
            step("queue %s (dead letters to %s after %d receives)", QUEUE, DEAD_LETTER_QUEUE, MAX_RECEIVE_COUNT);

            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue
                            .id("order-uploads")
                            .queueArn(queueArn)
                            .events(Event.S3_OBJECT_CREATED)
                            .filter(filter -> filter.key(key -> key.filterRules(
                                    rule -> rule.name(FilterRuleName.PREFIX).value("orders/"),
                                    rule -> rule.name(FilterRuleName.SUFFIX).value(".jsonl")))))));
            step("s3://%s notifies queue %s of new orders/*.jsonl", bucket, QUEUE);

            PartitionRegistrar registrar = new PartitionRegistrar(new PartitionRegistrar.Settings(DATABASE, TABLE, bucket, "orders/", List.of("dt")),
                    new GluePartitionCatalog(glue));
            Set<String> registered = new TreeSet<>();
            try (QueuePartitionRegistrar receiver = new QueuePartitionRegistrar(sqs, queueUrl, deadLetterQueueUrl, registrar, registration -> {
                String name = "dt=" + registration.partition().values().get(0);
                synchronized (registered) {
                    registered.add(name);
                }
                step("registered partition %s from the S3 event of %s%s", name, registration.object(), registration.added() ? "" : " (already in the catalog)");
            }, Duration.ofSeconds(1))) {
                receiver.start();
                step("partition registrar receiving from %s", QUEUE);

                for (String key : FIXTURES) {
                    byte[] content = fixture(key);
                    s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
                    step("uploaded s3://%s/%s (%d bytes)", bucket, key, content.length);
                }
                awaitPartitions(glue, Set.of("dt=2026-11-20", "dt=2026-11-21"), registered, receiver, timeout);
            }

            step("%s", QUERY);
            AthenaSql.Rows rows = new AthenaSql(athena, DATABASE, "s3://" + bucket + "/" + RESULTS_PREFIX, Duration.ofMillis(100)).query(QUERY);
            step("query answered");
            return new Result(rows.columns(), rows.rows());
        }
    }

    private void step(String format, Object... arguments)
    {
        synchronized (out) {
            out.printf(Locale.ROOT, "  [%5.1f s] %s%n", (System.nanoTime() - begin) / 1e9, String.format(Locale.ROOT, format, arguments));
        }
    }

    private static String queueArn(SqsClient sqs, String queueUrl)
    {
        return sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    /** The queue policy S3 needs to send the bucket's events to the queue (on AWS; lakestack keeps it, having no IAM). */
    private String s3MaySend(String queueArn)
    {
        String account = queueArn.split(":")[4];
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"s3-order-uploads\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn + "\","
                + "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::" + bucket + "\"},"
                + "\"StringEquals\":{\"aws:SourceAccount\":\"" + account + "\"}}}]}";
    }

    /** The database and the table, through the Glue API, as one would define them on AWS. */
    private void createTable(GlueClient glue)
    {
        try {
            glue.createDatabase(request -> request.databaseInput(database -> database.name(DATABASE).description("lakestack demo")
                    .locationUri("s3://" + bucket + "/")));
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
                            .location("s3://" + bucket + "/orders/")
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

    private void awaitPartitions(GlueClient glue, Set<String> expected, Set<String> registered, QueuePartitionRegistrar receiver, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (registered) {
                if (registered.containsAll(expected)) {
                    break;
                }
            }
            if (receiver.failure() != null) {
                throw new IllegalStateException("the partition registrar stopped: " + receiver.failure().getMessage(), receiver.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions " + expected + " not registered after " + timeout.toSeconds() + " s (registered: "
                        + registered + ")");
            }
            Thread.sleep(100);
        }
        // what the registrar registered is in the catalog
        Set<String> inCatalog = new TreeSet<>();
        for (Partition partition : glue.getPartitionsPaginator(request -> request.databaseName(DATABASE).tableName(TABLE)).stream()
                .flatMap(page -> page.partitions().stream()).toList()) {
            inCatalog.add("dt=" + partition.values().get(0));
        }
        if (!inCatalog.containsAll(expected)) {
            throw new IllegalStateException("the catalog has partitions " + inCatalog + ", not all of " + expected);
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
