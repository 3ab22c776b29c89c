package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.S3Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * AWS service events on EventBridge's default bus, routed by a rule to an SQS queue: a Glue crawl's
 * {@code Glue Crawler State Change} events (Started, Succeeded), the {@code Glue Data Catalog Database State Change}
 * of the table it created, and an Athena query's {@code Athena Query State Change} events (QUEUED, RUNNING,
 * SUCCEEDED).
 *
 * <p>Names end with a suffix of this run, so that the test can run again on the same stack.
 */
@LakestackTest
@Order(40)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceEventsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    private final TestStack stack;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final String bucket = "service-events-" + run;
    private EventBridgeClient events;
    private SqsClient sqs;
    private S3Client s3;

    ServiceEventsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        events = stack.client(EventBridgeClient.builder());
        sqs = stack.client(SqsClient.builder());
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(bucket));
    }

    @AfterAll
    void close()
    {
        events.close();
        sqs.close();
        s3.close();
    }

    @Test
    void aCrawlsStartSuccessAndTheTableItCreatedReachQueues()
    {
        String crawler = "events-crawler-" + run;
        String database = "service_events_" + run;
        s3.putObject(request -> request.bucket(bucket).key("data/orders/part-0.json"), RequestBody.fromString("{\"id\":1,\"amount\":10}\n"));
        String queue = route("crawler", "{\"source\":[\"aws.glue\"],\"detail-type\":[\"Glue Crawler State Change\"],\"detail\":{\"crawlerName\":[\""
                + crawler + "\"]}}");
        try (GlueClient glue = stack.glue()) {
            glue.createDatabase(request -> request.databaseInput(input -> input.name(database)));
            String catalogQueue = route("catalog", "{\"source\":[\"aws.glue\"],\"detail-type\":[\"Glue Data Catalog Database State Change\"],"
                    + "\"detail\":{\"databaseName\":[\"" + database + "\"]}}");
            glue.createCrawler(request -> request.name(crawler).role("arn:aws:iam::000000000000:role/crawler").databaseName(database)
                    .targets(targets -> targets.s3Targets(S3Target.builder().path("s3://" + bucket + "/data/").build())));
            glue.startCrawler(request -> request.name(crawler));

            List<JsonNode> received = receiveExactly(queue, 2);
            received.sort(Comparator.comparing(event -> event.path("detail").path("state").asText().equals("Started") ? 0 : 1));
            JsonNode started = received.get(0);
            JsonNode succeeded = received.get(1);
            assertThat(started).isEqualTo(json("""
                    {"version":"0","id":"%s","detail-type":"Glue Crawler State Change","source":"aws.glue","account":"%s","time":"%s","region":"%s",
                     "resources":[],
                     "detail":{"accountId":"%s","crawlerName":"%s","startTime":"%s","state":"Started","message":"Crawler Started"}}"""
                    .formatted(id(started), ACCOUNT, time(started), TestStack.REGION, ACCOUNT, crawler, time(started))));
            assertThat(succeeded.path("detail").path("runningTime (sec)").asText()).matches("\\d+");
            assertThat(succeeded).isEqualTo(json("""
                    {"version":"0","id":"%s","detail-type":"Glue Crawler State Change","source":"aws.glue","account":"%s","time":"%s","region":"%s",
                     "resources":[],
                     "detail":{"crawlerName":"%s","accountId":"%s",
                      "cloudWatchLogLink":"https://console.aws.amazon.com/cloudwatch/home?region=%s#logEventViewer:group=/aws-glue/crawlers;stream=%s",
                      "tablesCreated":"1","tablesUpdated":"0","tablesDeleted":"0","partitionsCreated":"0","partitionsUpdated":"0","partitionsDeleted":"0",
                      "warningMessage":"N/A","runningTime (sec)":"%s","completionDate":"%s","state":"Succeeded","message":"Crawler Succeeded"}}"""
                    .formatted(id(succeeded), ACCOUNT, time(succeeded), TestStack.REGION, crawler, ACCOUNT, TestStack.REGION, crawler,
                            succeeded.path("detail").path("runningTime (sec)").asText(), time(succeeded))));
            assertThat(glue.getTable(request -> request.databaseName(database).name("orders")).table().name()).isEqualTo("orders");
            JsonNode created = receiveExactly(catalogQueue, 1).get(0);
            assertThat(created).isEqualTo(json("""
                    {"version":"0","id":"%s","detail-type":"Glue Data Catalog Database State Change","source":"aws.glue","account":"%s","time":"%s",
                     "region":"%s","resources":["arn:aws:glue:%s:%s:table/%s/orders"],
                     "detail":{"databaseName":"%s","typeOfChange":"CreateTable","changedTables":["orders"]}}"""
                    .formatted(id(created), ACCOUNT, time(created), TestStack.REGION, TestStack.REGION, ACCOUNT, database, database)));
        }
    }

    @Test
    void aQuerysStatesReachAQueueInOrder()
    {
        String workGroup = "events-wg-" + run;
        String queue = route("athena", "{\"source\":[\"aws.athena\"],\"detail-type\":[\"Athena Query State Change\"],\"detail\":{\"workgroupName\":[\""
                + workGroup + "\"]}}");
        try (AthenaClient athena = stack.athena()) {
            athena.createWorkGroup(request -> request.name(workGroup)
                    .configuration(configuration -> configuration.resultConfiguration(result -> result.outputLocation("s3://" + bucket + "/athena/"))));
            String id = athena.startQueryExecution(request -> request.workGroup(workGroup).queryString("SELECT 1")).queryExecutionId();
            assertThat(new AthenaQueries(athena, "default").await(id).status().state()).isEqualTo(QueryExecutionState.SUCCEEDED);

            List<JsonNode> received = receiveExactly(queue, 3);
            received.sort(Comparator.comparing(event -> event.path("detail").path("sequenceNumber").asText()));
            assertThat(received).containsExactly(
                    event(received.get(0), """
                            {"versionId":"0","currentState":"QUEUED","statementType":"DML","queryExecutionId":"%s","workgroupName":"%s",
                             "sequenceNumber":"1"}""".formatted(id, workGroup)),
                    event(received.get(1), """
                            {"versionId":"0","currentState":"RUNNING","previousState":"QUEUED","statementType":"DML","queryExecutionId":"%s",
                             "workgroupName":"%s","sequenceNumber":"2"}""".formatted(id, workGroup)),
                    event(received.get(2), """
                            {"versionId":"0","currentState":"SUCCEEDED","previousState":"RUNNING","statementType":"DML","queryExecutionId":"%s",
                             "workgroupName":"%s","sequenceNumber":"3"}""".formatted(id, workGroup)));
        }
    }

    private static JsonNode event(JsonNode received, String detail)
    {
        return json("""
                {"version":"0","id":"%s","detail-type":"Athena Query State Change","source":"aws.athena","account":"%s","time":"%s","region":"%s",
                 "resources":[],"detail":%s}""".formatted(id(received), ACCOUNT, time(received), TestStack.REGION, detail));
    }

    /** A queue, and a rule of the default bus that sends it the events of the pattern; the queue's URL. */
    private String route(String base, String pattern)
    {
        String name = "service-events-" + base + "-" + run;
        String url = sqs.createQueue(request -> request.queueName(name)).queueUrl();
        String arn = "arn:aws:sqs:" + TestStack.REGION + ":" + ACCOUNT + ":" + name;
        events.putRule(request -> request.name(name).eventPattern(pattern));
        assertThat(events.putTargets(request -> request.rule(name).targets(Target.builder().id("queue").arn(arn).build())).failedEntryCount()).isZero();
        return url;
    }

    /** Receives until {@code count} messages arrived, then checks that no further one comes within a short poll. */
    private List<JsonNode> receiveExactly(String queue, int count)
    {
        List<Message> received = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            received.addAll(sqs.receiveMessage(request -> request.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
            return received.size() >= count;
        });
        received.addAll(sqs.receiveMessage(request -> request.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(2)).messages());
        assertThat(received).hasSize(count);
        List<JsonNode> documents = new ArrayList<>();
        for (Message message : received) {
            JsonNode document = json(message.body());
            assertThat(id(document)).matches(UUID);
            assertThat(time(document)).matches(TIME);
            documents.add(document);
        }
        return documents;
    }

    private static String id(JsonNode event)
    {
        return event.path("id").asText();
    }

    private static String time(JsonNode event)
    {
        return event.path("time").asText();
    }

    private static JsonNode json(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
