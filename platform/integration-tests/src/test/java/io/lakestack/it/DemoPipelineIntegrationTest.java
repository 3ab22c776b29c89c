package io.lakestack.it;

import io.lakestack.connectors.demo.DemoPipeline;
import io.lakestack.connectors.demo.PartitionRegistrar;
import io.lakestack.connectors.demo.QueuePartitionRegistrar;
import io.lakestack.connectors.demo.TablePartition;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo pipeline, as {@code ./lakestack demo} runs it: S3 upload -> S3 event -> SQS -> partition registrar -> Glue
 * Data Catalog (the metastore) -> Athena (Trino); and its registrar keeping what it cannot register in the dead-letter
 * queue.
 */
@LakestackTest
@Order(4)
class DemoPipelineIntegrationTest
{
    private static final List<List<String>> EXPECTED = List.of(
            List.of("2026-11-20", "5", "9", "865.20"),
            List.of("2026-11-21", "4", "8", "1496.30"));

    private final TestStack stack;

    DemoPipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    private AwsTarget target()
    {
        return AwsTarget.lakestack(URI.create(stack.endpoint()), TestStack.REGION, TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
    }

    @Test
    void demoAnswersRevenuePerDayAndAgainWhenRunTwice()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        DemoPipeline.Result first = new DemoPipeline(target(), DemoPipeline.DEFAULT_BUCKET, new PrintStream(output, true, StandardCharsets.UTF_8))
                .run(Duration.ofMinutes(2));
        assertThat(first.columns()).containsExactly("dt", "orders", "items", "revenue");
        assertThat(first.rows()).isEqualTo(EXPECTED);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("registered partition dt=2026-11-20 from the S3 event of s3://lakestack-demo/orders/dt=2026-11-20/part-0000.jsonl\n")
                .contains("registered partition dt=2026-11-21 from the S3 event of s3://lakestack-demo/orders/dt=2026-11-21/part-0000.jsonl\n");
        assertThat(first.format()).isEqualTo("""
                dt         | orders | items | revenue
                -----------+--------+-------+--------
                2026-11-20 |      5 |     9 |  865.20
                2026-11-21 |      4 |     8 | 1496.30
                """);

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        DemoPipeline.Result second = new DemoPipeline(target(), DemoPipeline.DEFAULT_BUCKET, new PrintStream(again, true, StandardCharsets.UTF_8))
                .run(Duration.ofMinutes(2));
        assertThat(second.rows()).isEqualTo(EXPECTED);
        assertThat(again.toString(StandardCharsets.UTF_8))
                .contains("registered partition dt=2026-11-20 from the S3 event of s3://lakestack-demo/orders/dt=2026-11-20/part-0000.jsonl "
                        + "(already in the catalog)\n");
    }

    @Test
    void anUploadOutsideThePartitionLayoutGoesToTheDeadLetterQueueWithWhy()
            throws Exception
    {
        String bucket = "demo-dead-letters";
        try (S3Client s3 = stack.s3(); SqsClient sqs = stack.client(SqsClient.builder())) {
            String deadLetterUrl = sqs.createQueue(request -> request.queueName("demo-dead-letters-dlq")).queueUrl();
            String queueUrl = sqs.createQueue(request -> request.queueName("demo-dead-letters")).queueUrl();
            String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue.queueArn(queueArn).eventsWithStrings("s3:ObjectCreated:*"))));
            List<TablePartition> added = new ArrayList<>();
            PartitionRegistrar registrar = new PartitionRegistrar(new PartitionRegistrar.Settings("demo", "orders", bucket, "orders/", List.of("dt")),
                    partition -> added.add(partition));
            List<PartitionRegistrar.Registration> registered = new ArrayList<>();
            QueuePartitionRegistrar receiver = new QueuePartitionRegistrar(sqs, queueUrl, deadLetterUrl, registrar, registered::add, Duration.ofSeconds(1));

            s3.putObject(request -> request.bucket(bucket).key("orders/readme.jsonl"), RequestBody.fromString("{}"));
            s3.putObject(request -> request.bucket(bucket).key("orders/dt=2026-11-22/part-0000.jsonl"), RequestBody.fromString("{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                receiver.receiveOnce();
                return registered.size() == 1 && queueCounts(sqs, queueUrl).equals(List.of("0", "0"));
            });

            assertThat(added).containsExactly(new TablePartition("demo", "orders", List.of("2026-11-22"), "s3://" + bucket + "/orders/dt=2026-11-22/"));
            List<Message> letters = sqs.receiveMessage(request -> request.queueUrl(deadLetterUrl).maxNumberOfMessages(10).waitTimeSeconds(5)
                    .messageAttributeNames("All")).messages();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).body()).contains("\"key\":\"orders/readme.jsonl\"");
            assertThat(letters.get(0).messageAttributes().get(QueuePartitionRegistrar.ERROR_ATTRIBUTE).stringValue())
                    .isEqualTo("object key orders/readme.jsonl is not under dt=<value>/ folders");
            assertThat(letters.get(0).messageAttributes().get(QueuePartitionRegistrar.SOURCE_ATTRIBUTE).stringValue()).startsWith(queueUrl + " ");
        }
    }

    @Test
    void aMessageWhoseCatalogCallFailsIsReceivedAgainThenRedrivenToTheDeadLetterQueue()
            throws Exception
    {
        String bucket = "demo-catalog-down";
        try (S3Client s3 = stack.s3(); SqsClient sqs = stack.client(SqsClient.builder())) {
            String deadLetterUrl = sqs.createQueue(request -> request.queueName("demo-catalog-down-dlq")).queueUrl();
            String deadLetterArn = sqs.getQueueAttributes(request -> request.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String queueUrl = sqs.createQueue(request -> request.queueName("demo-catalog-down").attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "0",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"2\"}"))).queueUrl();
            String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketNotificationConfiguration(request -> request.bucket(bucket).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue.queueArn(queueArn).eventsWithStrings("s3:ObjectCreated:*"))));
            List<TablePartition> tried = new ArrayList<>();
            PartitionRegistrar registrar = new PartitionRegistrar(new PartitionRegistrar.Settings("demo", "orders", bucket, "orders/", List.of("dt")),
                    partition -> {
                        tried.add(partition);
                        throw new IllegalStateException("the catalog is down");
                    });
            QueuePartitionRegistrar receiver = new QueuePartitionRegistrar(sqs, queueUrl, deadLetterUrl, registrar,
                    registration -> { throw new AssertionError("nothing registers: " + registration); }, Duration.ofSeconds(1));

            s3.putObject(request -> request.bucket(bucket).key("orders/dt=2026-11-23/part-0000.jsonl"), RequestBody.fromString("{}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                receiver.receiveOnce();
                return tried.size() == 2 && queueCounts(sqs, queueUrl).equals(List.of("0", "0"));
            });
            // the third receive found the message past its maxReceiveCount and moved it
            List<Message> letters = sqs.receiveMessage(request -> request.queueUrl(deadLetterUrl).maxNumberOfMessages(10).waitTimeSeconds(5)).messages();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).body()).contains("\"key\":\"orders/dt%3D2026-11-23/part-0000.jsonl\"");
            assertThat(tried).hasSize(2);
        }
    }

    /** Visible and in flight. */
    private static List<String> queueCounts(SqsClient sqs, String queueUrl)
    {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return List.of(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
