package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.services.glue.crawler.Crawler;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.FixedInstances;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.spi.testing.RecordingEventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.lakestack.services.glue.GlueCalls.unused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Glue Crawler State Change events: their documents as AWS shows them, and that a crawl puts them when it starts and ends. */
class CrawlerStateEventsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final RecordingEventSink events = new RecordingEventSink();
    private final GlueSchedules schedules = new GlueSchedules(stores, clock, "000000000000");
    private final FixedInstances instances = new FixedInstances("instance-1");
    private final GlueCrawlers crawlers = new GlueCrawlers(stores, new Crawler(unused(GlueCatalog.class), unused(ObjectStore.class)), schedules, events,
            clock, instances, "000000000000");
    private final GlueJobs jobs = new GlueJobs(stores, new FakeRunner(), new RecordingEventSink(), clock, instances, "000000000000");
    private final GlueTriggers triggers = new GlueTriggers(stores, jobs, crawlers, schedules, clock);
    private final GlueService service = new GlueService(unused(GlueCatalog.class), crawlers, jobs, triggers,
            new GlueWorkflows(stores, jobs, crawlers, triggers, clock), stores, "000000000000");

    @AfterEach
    void close()
    {
        crawlers.close();
        jobs.close();
    }

    @Test
    void aSucceededCrawlsEventCarriesWhatItChanged()
            throws Exception
    {
        StoredCrawl crawl = new StoredCrawl("sales", "crawl-1", "SUCCEEDED", 1_790_000_000_000L, Optional.of(1_790_000_007_500L), Optional.empty(), 2, 1, 0,
                5, Optional.empty(), Optional.empty());

        ObjectNode event = new CrawlerStateEvents(events, "000000000000").ended(crawl, "eu-west-1", "e-1");

        assertThat(event).isEqualTo(JSON.readTree("""
                {"version": "0", "id": "e-1", "detail-type": "Glue Crawler State Change", "source": "aws.glue", "account": "000000000000",
                 "time": "2026-09-21T14:13:27Z", "region": "eu-west-1", "resources": [],
                 "detail": {"crawlerName": "sales", "accountId": "000000000000",
                  "cloudWatchLogLink": "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEventViewer:group=/aws-glue/crawlers;stream=sales",
                  "tablesCreated": "2", "tablesUpdated": "1", "tablesDeleted": "0", "partitionsCreated": "5", "partitionsUpdated": "0",
                  "partitionsDeleted": "0", "warningMessage": "N/A", "runningTime (sec)": "7", "completionDate": "2026-09-21T14:13:27Z",
                  "state": "Succeeded", "message": "Crawler Succeeded"}}"""));
    }

    @Test
    void aCrawlPutsStartedThenFailed()
            throws Exception
    {
        GlueCalls.call(service, "CreateCrawler", """
                {"Name": "nowhere", "Role": "arn:aws:iam::000000000000:role/glue", "Targets": {"S3Targets": [{"Path": "s3://data/sales/"}]}}""");
        GlueCalls.call(service, "StartCrawler", "{\"Name\": \"nowhere\"}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(events.published()).hasSize(2));

        assertThat(documents()).containsExactly(
                JSON.readTree("""
                        {"version": "0", "detail-type": "Glue Crawler State Change", "source": "aws.glue", "account": "000000000000",
                         "time": "2026-09-21T14:13:20Z", "region": "us-east-1", "resources": [],
                         "detail": {"accountId": "000000000000", "crawlerName": "nowhere", "startTime": "2026-09-21T14:13:20Z", "state": "Started",
                          "message": "Crawler Started"}}"""),
                JSON.readTree("""
                        {"version": "0", "detail-type": "Glue Crawler State Change", "source": "aws.glue", "account": "000000000000",
                         "time": "2026-09-21T14:13:20Z", "region": "us-east-1", "resources": [],
                         "detail": {"crawlerName": "nowhere", "accountId": "000000000000",
                          "cloudWatchLogLink": "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=/aws-glue/crawlers;stream=nowhere",
                          "errorMessage": "The crawler nowhere has no DatabaseName to write its tables to: set one with UpdateCrawler",
                          "state": "Failed", "message": "Crawler Failed"}}"""));
    }

    private List<JsonNode> documents()
            throws Exception
    {
        String prefix = "lakestack.events.default nowhere ";
        List<JsonNode> documents = new ArrayList<>();
        for (String event : events.published()) {
            assertThat(event).startsWith(prefix);
            ObjectNode document = (ObjectNode) JSON.readTree(event.substring(prefix.length()));
            assertThat(document.path("id").asText()).matches("[0-9a-f-]{36}");
            document.remove("id");
            documents.add(document);
        }
        return documents;
    }
}
