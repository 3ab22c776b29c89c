package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.S3Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Objects, notification configurations, topics, tables, crawlers, Athena work groups, prepared statements, query
 * history, Firehose streams (with what their buffers held) and CloudWatch Logs' groups, streams and events survive
 * stopping and starting the stack. Runs last.
 */
@LakestackTest
@Order(100)
class RestartIntegrationTest
{
    private static final String BUCKET = "restart-it";
    private static final String QUEUE_TOPIC = "lakestack.sqs.restart-uploads";

    private final TestStack stack;

    RestartIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void everythingIsStillThereAfterDownAndUp()
            throws Exception
    {
        GetBucketNotificationConfigurationResponse before;
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(BUCKET));
            s3.putBucketNotificationConfiguration(request -> request.bucket(BUCKET).notificationConfiguration(configuration -> configuration
                    .queueConfigurations(queue -> queue.id("uploads").queueArn("arn:aws:sqs:us-east-1:000000000000:restart-uploads")
                            .eventsWithStrings("s3:ObjectCreated:*"))));
            s3.putObject(request -> request.bucket(BUCKET).key("items/before.json"), RequestBody.fromString("{\"item\":\"before\",\"n\":1}\n"));
            before = s3.getBucketNotificationConfiguration(request -> request.bucket(BUCKET));
        }
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            statement.execute("CREATE SCHEMA awsdatacatalog.restart_it WITH (location = 's3://" + BUCKET + "/')");
            statement.execute("CREATE TABLE awsdatacatalog.restart_it.items (item varchar, n integer) "
                    + "WITH (format = 'JSON', external_location = 's3://" + BUCKET + "/items/')");
            assertThat(rows(statement)).containsExactly("before|1");
        }
        long eventTime = (System.currentTimeMillis() / 1000) * 1000 - 60_000;
        long beforePut;
        long afterPut;
        try (CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder())) {
            logs.createLogGroup(request -> request.logGroupName("/restart/app"));
            logs.putRetentionPolicy(request -> request.logGroupName("/restart/app").retentionInDays(30));
            logs.createLogStream(request -> request.logGroupName("/restart/app").logStreamName("s"));
            beforePut = System.currentTimeMillis();
            logs.putLogEvents(request -> request.logGroupName("/restart/app").logStreamName("s").logEvents(
                    InputLogEvent.builder().timestamp(eventTime).message("kept 1").build(),
                    InputLogEvent.builder().timestamp(eventTime + 1).message("kept 2").build()));
            afterPut = System.currentTimeMillis();
        }

        stack.restart();

        try (S3Client s3 = stack.s3()) {
            assertThat(s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("items/before.json")).asUtf8String())
                    .isEqualTo("{\"item\":\"before\",\"n\":1}\n");
            GetBucketNotificationConfigurationResponse after = s3.getBucketNotificationConfiguration(request -> request.bucket(BUCKET));
            assertThat(after.queueConfigurations()).isEqualTo(before.queueConfigurations());
            assertThat(after.queueConfigurations()).hasSize(1);
            s3.putObject(request -> request.bucket(BUCKET).key("items/after.json"), RequestBody.fromString("{\"item\":\"after\",\"n\":2}\n"));
        }
        try (KafkaConsumer<String, String> consumer = stack.consumer(QUEUE_TOPIC)) {
            List<String> keys = new ArrayList<>();
            for (ConsumerRecord<String, String> record : TestStack.poll(consumer, 3, Duration.ofSeconds(30))) {
                keys.add(record.key() + (record.value().contains("s3:TestEvent") ? " test event" : " " + record.value().replaceAll(".*\"eventName\":\"([^\"]+)\".*", "$1")));
            }
            assertThat(keys).containsExactlyInAnyOrder(
                    BUCKET + " test event",
                    BUCKET + "/items/before.json ObjectCreated:Put",
                    BUCKET + "/items/after.json ObjectCreated:Put");
        }
        try (Connection trino = stack.trino(); Statement statement = trino.createStatement()) {
            assertThat(rows(statement)).containsExactly("after|2", "before|1");
        }
        try (CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder())) {
            assertThat(logs.describeLogGroups(request -> request.logGroupNamePrefix("/restart/")).logGroups())
                    .extracting(LogGroup::logGroupName, LogGroup::retentionInDays, LogGroup::storedBytes)
                    .containsExactly(tuple("/restart/app", 30, 12L));
            LogStream stream = logs.describeLogStreams(request -> request.logGroupName("/restart/app")).logStreams().get(0);
            assertThat(stream.firstEventTimestamp()).isEqualTo(eventTime);
            assertThat(stream.lastEventTimestamp()).isEqualTo(eventTime + 1);
            assertThat(stream.lastIngestionTime()).isBetween(beforePut, afterPut);
            List<OutputLogEvent> events = logs.getLogEvents(request -> request.logGroupName("/restart/app").logStreamName("s").startFromHead(true)).events();
            assertThat(events).extracting(OutputLogEvent::timestamp, OutputLogEvent::message)
                    .containsExactly(tuple(eventTime, "kept 1"), tuple(eventTime + 1, "kept 2"));
            assertThat(events).allSatisfy(event -> assertThat(event.ingestionTime()).isBetween(beforePut, afterPut));
        }
    }

    @Test
    void crawlersQueryHistoryAndWorkGroupsAreStillThereAfterDownAndUp()
    {
        String queryId;
        try (S3Client s3 = stack.s3(); GlueClient glue = stack.glue(); AthenaClient athena = stack.athena()) {
            s3.createBucket(request -> request.bucket("restart-athena"));
            s3.putObject(request -> request.bucket("restart-athena").key("crawl/notes/n.json"), RequestBody.fromString("{\"note\":\"kept\"}\n"));
            glue.createCrawler(request -> request.name("restart-crawler").role("arn:aws:iam::000000000000:role/c").databaseName("restart_athena")
                    .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://restart-athena/crawl/").build())));
            athena.createWorkGroup(request -> request.name("restart-group").configuration(configuration -> configuration
                    .resultConfiguration(result -> result.outputLocation("s3://restart-athena/results/"))));
            athena.createPreparedStatement(request -> request.workGroup("restart-group").statementName("kept").queryStatement("SELECT ? AS kept"));
            AthenaQueries queries = new AthenaQueries(athena, "default");
            queryId = queries.run("SELECT 'still here' AS message", request -> request.workGroup("restart-group")).queryExecutionId();
            assertThat(queries.rows(queryId)).containsExactly(List.of("message"), List.of("still here"));
        }
        try (FirehoseClient firehose = stack.firehose()) {
            // a 15-minute buffer: what it holds is written when the stack stops, not lost
            firehose.createDeliveryStream(request -> request.deliveryStreamName("restart-fh").extendedS3DestinationConfiguration(destination -> destination
                    .bucketARN("arn:aws:s3:::restart-athena").roleARN("arn:aws:iam::000000000000:role/f").prefix("fh/")
                    .bufferingHints(hints -> hints.sizeInMBs(5).intervalInSeconds(900))));
            firehose.putRecordBatch(request -> request.deliveryStreamName("restart-fh").records(
                    Record.builder().data(SdkBytes.fromUtf8String("kept-1;")).build(), Record.builder().data(SdkBytes.fromUtf8String("kept-2;")).build()));
        }
        // the delivery has joined its group and holds the stream's partition: stopping delivers what the partition holds
        Eventually.read(Duration.ofSeconds(60), () -> stack.kafkaAdmin().describeConsumerGroups(List.of("lakestack.firehose.restart-fh")).all().get()
                .get("lakestack.firehose.restart-fh").members().stream().mapToInt(member -> member.assignment().topicPartitions().size()).sum(),
                assigned -> assertThat(assigned).isEqualTo(1));

        stack.restart();

        try (GlueClient glue = stack.glue(); AthenaClient athena = stack.athena()) {
            var crawler = glue.getCrawler(request -> request.name("restart-crawler")).crawler();
            assertThat(crawler.stateAsString()).isEqualTo("READY");
            assertThat(crawler.targets().s3Targets()).extracting(S3Target::path).containsExactly("s3://restart-athena/crawl/");
            assertThat(athena.getWorkGroup(request -> request.workGroup("restart-group")).workGroup().configuration().resultConfiguration().outputLocation())
                    .isEqualTo("s3://restart-athena/results/");
            assertThat(athena.getPreparedStatement(request -> request.workGroup("restart-group").statementName("kept")).preparedStatement().queryStatement())
                    .isEqualTo("SELECT ? AS kept");
            QueryExecution execution = athena.getQueryExecution(request -> request.queryExecutionId(queryId)).queryExecution();
            assertThat(execution.status().state()).isEqualTo(QueryExecutionState.SUCCEEDED);
            assertThat(athena.listQueryExecutions(request -> request.workGroup("restart-group")).queryExecutionIds()).containsExactly(queryId);
            // the result is read back from S3 now that the local copy is gone
            assertThat(new AthenaQueries(athena, "default").rows(queryId)).containsExactly(List.of("message"), List.of("still here"));
        }
        try (FirehoseClient firehose = stack.firehose(); S3Client s3 = stack.s3()) {
            assertThat(firehose.describeDeliveryStream(request -> request.deliveryStreamName("restart-fh")).deliveryStreamDescription()
                    .destinations().get(0).extendedS3DestinationDescription().bufferingHints().intervalInSeconds()).isEqualTo(900);
            List<String> keys = FirehoseObjects.keys(s3, "restart-athena", "fh/");
            assertThat(keys).hasSize(1);
            assertThat(FirehoseObjects.text(s3, "restart-athena", keys.get(0))).isEqualTo("kept-1;kept-2;");
        }
    }

    private static List<String> rows(Statement statement)
            throws Exception
    {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery("SELECT item, n FROM awsdatacatalog.restart_it.items ORDER BY item")) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getInt(2));
            }
        }
        return rows;
    }
}
