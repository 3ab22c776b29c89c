package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Glue's {@code Glue Crawler State Change} events on EventBridge's default bus: {@code Started} when a crawl starts,
 * {@code Succeeded} (with what it changed in the catalog) or {@code Failed} (with its error) when it ends, each put after
 * the crawl's state is stored, at least once; a put that fails is logged and never fails the crawl. A crawl that
 * {@code StopCrawler} stopped ends {@code CANCELLED} without an event, as AWS documents none for it.
 *
 * <p>Values are strings, as AWS sends them; {@code partitionsUpdated} and {@code partitionsDeleted} are {@code 0}, as
 * lakestack's crawlers only add partitions; {@code cloudWatchLogLink} names the crawler's log stream in
 * {@code /aws-glue/crawlers} as AWS's console link does.
 */
final class CrawlerStateEvents
{
    static final String DETAIL_TYPE = "Glue Crawler State Change";
    private static final Logger log = LoggerFactory.getLogger(CrawlerStateEvents.class);

    private final EventSink sink;
    private final String accountId;

    CrawlerStateEvents(EventSink sink, String accountId)
    {
        this.sink = requireNonNull(sink, "sink is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    /** The crawl started; {@code region} is its crawler's. */
    void started(StoredCrawl crawl, String region)
    {
        publish(crawl, region, started(crawl, region, UUID.randomUUID().toString()));
    }

    /** The crawl ended ({@code SUCCEEDED} or {@code FAILED}; nothing is put for {@code CANCELLED}). */
    void ended(StoredCrawl crawl, String region)
    {
        if (crawl.status().equals("SUCCEEDED") || crawl.status().equals("FAILED")) {
            publish(crawl, region, ended(crawl, region, UUID.randomUUID().toString()));
        }
    }

    ObjectNode started(StoredCrawl crawl, String region, String id)
    {
        ObjectNode event = envelope(crawl.startMillis(), region, id);
        ObjectNode detail = event.putObject("detail");
        detail.put("accountId", accountId);
        detail.put("crawlerName", crawl.crawlerName());
        detail.put("startTime", time(crawl.startMillis()));
        detail.put("state", "Started");
        detail.put("message", "Crawler Started");
        return event;
    }

    ObjectNode ended(StoredCrawl crawl, String region, String id)
    {
        long end = crawl.endMillis().orElse(crawl.startMillis());
        ObjectNode event = envelope(end, region, id);
        ObjectNode detail = event.putObject("detail");
        detail.put("crawlerName", crawl.crawlerName());
        detail.put("accountId", accountId);
        detail.put("cloudWatchLogLink", "https://console.aws.amazon.com/cloudwatch/home?region=" + region
                + "#logEventViewer:group=/aws-glue/crawlers;stream=" + crawl.crawlerName());
        if (crawl.status().equals("FAILED")) {
            detail.put("errorMessage", crawl.errorMessage().orElse("Internal Service Exception"));
            detail.put("state", "Failed");
            detail.put("message", "Crawler Failed");
            return event;
        }
        detail.put("tablesCreated", String.valueOf(crawl.tablesCreated()));
        detail.put("tablesUpdated", String.valueOf(crawl.tablesUpdated()));
        detail.put("tablesDeleted", String.valueOf(crawl.tablesDeleted()));
        detail.put("partitionsCreated", String.valueOf(crawl.partitionsCreated()));
        detail.put("partitionsUpdated", "0");
        detail.put("partitionsDeleted", "0");
        detail.put("warningMessage", crawl.errorMessage().orElse("N/A"));
        detail.put("runningTime (sec)", String.valueOf(Math.max(0, end - crawl.startMillis()) / 1000));
        detail.put("completionDate", time(end));
        detail.put("state", "Succeeded");
        detail.put("message", "Crawler Succeeded");
        return event;
    }

    private ObjectNode envelope(long millis, String region, String id)
    {
        ObjectNode event = JsonProtocolService.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", DETAIL_TYPE);
        event.put("source", "aws.glue");
        event.put("account", accountId);
        event.put("time", time(millis));
        event.put("region", region);
        event.putArray("resources");
        return event;
    }

    private static String time(long millis)
    {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private void publish(StoredCrawl crawl, String region, ObjectNode event)
    {
        try {
            sink.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), crawl.crawlerName(), event.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            log.error("crawler {} crawl {}: its {} event could not be put on the default bus ({}): {}", crawl.crawlerName(), crawl.id(), DETAIL_TYPE, region,
                    event, e);
        }
    }
}
