package io.lakestack.server.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.server.glue.crawler.Crawler;
import io.lakestack.server.json.JsonDocuments;
import io.lakestack.server.json.JsonInput;
import io.lakestack.server.json.JsonProtocolService;
import io.lakestack.server.json.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Glue crawlers: definitions, state ({@code READY} / {@code RUNNING} / {@code STOPPING}), the last crawl and metrics,
 * kept in a {@link KeyValueStore}; crawls run on a thread pool of this endpoint.
 *
 * <p>Local emulation: {@code S3Targets} only (other targets are refused), no custom classifiers, no schedules (they
 * come with the scheduling work; a crawler with a {@code Schedule} is refused rather than silently never run).
 * A crawl that was running when lakestack stopped is recorded as {@code FAILED} on the next start.
 */
public final class GlueCrawlers
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(GlueCrawlers.class);
    private static final Pattern NAME = Pattern.compile("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\t]{1,255}");
    private static final Set<String> UPDATE_BEHAVIORS = Set.of("LOG", "UPDATE_IN_DATABASE");
    private static final Set<String> DELETE_BEHAVIORS = Set.of("LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE");
    private static final Set<String> RECRAWL_BEHAVIORS = Set.of("CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE");
    private static final Set<String> OTHER_TARGETS = Set.of("JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "CatalogTargets", "DeltaTargets",
            "IcebergTargets", "HudiTargets");

    private final KeyValueStore store;
    private final Crawler crawler;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> cancellations = new ConcurrentHashMap<>();

    public GlueCrawlers(KeyValueStore store, Crawler crawler, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.crawler = requireNonNull(crawler, "crawler is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "lakestack-glue-crawler");
            thread.setDaemon(true);
            return thread;
        });
        recoverInterruptedCrawls();
    }

    private void recoverInterruptedCrawls()
    {
        store.snapshot().forEach((name, bytes) -> {
            ObjectNode crawlerState = JsonDocuments.read(bytes, "crawler state");
            String state = crawlerState.path("State").asText();
            if (state.equals("RUNNING") || state.equals("STOPPING")) {
                crawlerState.put("State", "READY");
                ObjectNode last = crawlerState.putObject("LastCrawl");
                last.put("Status", "FAILED");
                last.put("ErrorMessage", "lakestack stopped while this crawl ran; start the crawler again");
                last.put("StartTime", crawlerState.path("CrawlStart").asDouble());
                crawlerState.remove("CrawlStart");
                store.put(name, JsonDocuments.write(crawlerState));
            }
        });
    }

    void register(GlueService service)
    {
        service.register("CreateCrawler", (input, caller) -> {
            String name = input.requiredString("Name", NAME, 255);
            synchronized (lock(name)) {
                if (store.get(name).isPresent()) {
                    throw ServiceException.user("AlreadyExistsException", 400, "Crawler with name " + name + " has already been created");
                }
                ObjectNode definition = JsonProtocolService.JSON.createObjectNode();
                definition.put("Name", name);
                apply(definition, input, true);
                double now = JsonProtocolService.epochSeconds(clock.instant());
                definition.put("State", "READY");
                definition.put("CreationTime", now);
                definition.put("LastUpdated", now);
                definition.put("Version", 1);
                definition.put("CrawlElapsedTime", 0);
                store.put(name, JsonDocuments.write(definition));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("GetCrawler", (input, caller) -> {
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Crawler", describe(get(input.requiredString("Name"))));
            return output;
        });
        service.register("GetCrawlers", (input, caller) -> {
            List<String> names = names();
            int max = input.integer("MaxResults", 1, 1000).orElse(100);
            int offset = OffsetTokens.offset(input.string("NextToken"), "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Crawlers");
            names.subList(Math.min(offset, names.size()), Math.min(offset + max, names.size())).forEach(name -> list.add(describe(get(name))));
            OffsetTokens.next(offset + max, names.size()).ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("ListCrawlers", (input, caller) -> {
            List<String> names = names();
            int max = input.integer("MaxResults", 1, 1000).orElse(100);
            int offset = OffsetTokens.offset(input.string("NextToken"), "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("CrawlerNames");
            names.subList(Math.min(offset, names.size()), Math.min(offset + max, names.size())).forEach(list::add);
            OffsetTokens.next(offset + max, names.size()).ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("UpdateCrawler", (input, caller) -> {
            String name = input.requiredString("Name");
            synchronized (lock(name)) {
                ObjectNode definition = get(name);
                if (!definition.path("State").asText().equals("READY")) {
                    throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " is running; update it when it is READY");
                }
                apply(definition, input, false);
                definition.put("LastUpdated", JsonProtocolService.epochSeconds(clock.instant()));
                definition.put("Version", definition.path("Version").asInt() + 1);
                store.put(name, JsonDocuments.write(definition));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("DeleteCrawler", (input, caller) -> {
            String name = input.requiredString("Name");
            synchronized (lock(name)) {
                ObjectNode definition = get(name);
                if (!definition.path("State").asText().equals("READY")) {
                    throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " is running; stop it before deleting it");
                }
                store.put(name, null);
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StartCrawler", (input, caller) -> {
            start(input.requiredString("Name"));
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StopCrawler", (input, caller) -> {
            String name = input.requiredString("Name");
            synchronized (lock(name)) {
                ObjectNode definition = get(name);
                String state = definition.path("State").asText();
                if (state.equals("READY")) {
                    throw ServiceException.user("CrawlerNotRunningException", 400, "Crawler with name " + name + " is not running");
                }
                if (state.equals("STOPPING")) {
                    throw ServiceException.user("CrawlerStoppingException", 400, "Crawler with name " + name + " is already stopping");
                }
                definition.put("State", "STOPPING");
                store.put(name, JsonDocuments.write(definition));
                cancellations.computeIfAbsent(name, ignored -> new AtomicBoolean()).set(true);
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("GetCrawlerMetrics", (input, caller) -> {
            List<String> names = input.hasList("CrawlerNameList") ? input.strings("CrawlerNameList") : names();
            int max = input.integer("MaxResults", 1, 1000).orElse(100);
            int offset = OffsetTokens.offset(input.string("NextToken"), "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("CrawlerMetricsList");
            for (String name : names.subList(Math.min(offset, names.size()), Math.min(offset + max, names.size()))) {
                Optional<byte[]> stored = store.get(name);
                if (stored.isEmpty()) {
                    continue;
                }
                ObjectNode definition = JsonDocuments.read(stored.get(), "crawler state");
                JsonNode metrics = definition.path("Metrics");
                ObjectNode node = list.addObject();
                node.put("CrawlerName", name);
                node.put("TimeLeftSeconds", 0.0);
                node.put("StillEstimating", false);
                node.put("LastRuntimeSeconds", metrics.path("LastRuntimeSeconds").asDouble(0));
                node.put("MedianRuntimeSeconds", median(metrics.path("Runtimes")));
                node.put("TablesCreated", metrics.path("TablesCreated").asInt(0));
                node.put("TablesUpdated", metrics.path("TablesUpdated").asInt(0));
                node.put("TablesDeleted", metrics.path("TablesDeleted").asInt(0));
            }
            OffsetTokens.next(offset + max, names.size()).ifPresent(token -> output.put("NextToken", token));
            return output;
        });
    }

    private void start(String name)
    {
        ObjectNode definition;
        synchronized (lock(name)) {
            definition = get(name);
            if (!definition.path("State").asText().equals("READY")) {
                throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " has already started");
            }
            definition.put("State", "RUNNING");
            definition.put("CrawlStart", JsonProtocolService.epochSeconds(clock.instant()));
            store.put(name, JsonDocuments.write(definition));
            cancellations.put(name, new AtomicBoolean());
        }
        ObjectNode snapshot = definition.deepCopy();
        executor.submit(() -> crawl(name, snapshot));
    }

    private void crawl(String name, ObjectNode definition)
    {
        Instant started = clock.instant();
        String messagePrefix = java.util.UUID.randomUUID().toString();
        ObjectNode last = JsonProtocolService.JSON.createObjectNode();
        Crawler.Outcome outcome;
        try {
            outcome = crawler.crawl(definition, previousFolders(definition), () -> cancellations.getOrDefault(name, new AtomicBoolean()).get(), messagePrefix);
        }
        catch (RuntimeException e) {
            log.error("[{}] crawler {} failed", messagePrefix, name, e);
            outcome = Crawler.Outcome.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        double runtime = (clock.millis() - started.toEpochMilli()) / 1000.0;
        synchronized (lock(name)) {
            Optional<byte[]> stored = store.get(name);
            if (stored.isEmpty()) {
                return;
            }
            ObjectNode current = JsonDocuments.read(stored.get(), "crawler state");
            last.put("Status", outcome.status());
            outcome.errorMessage().ifPresent(message -> last.put("ErrorMessage", message));
            last.put("LogGroup", "/aws-glue/crawlers");
            last.put("LogStream", name);
            last.put("MessagePrefix", messagePrefix);
            last.put("StartTime", JsonProtocolService.epochSeconds(started));
            current.set("LastCrawl", last);
            current.put("State", "READY");
            current.remove("CrawlStart");
            current.put("CrawlElapsedTime", 0);
            ObjectNode metrics = current.with("Metrics");
            metrics.put("LastRuntimeSeconds", runtime);
            ArrayNode runtimes = metrics.withArray("Runtimes");
            runtimes.add(runtime);
            while (runtimes.size() > 20) {
                runtimes.remove(0);
            }
            metrics.put("TablesCreated", outcome.tablesCreated());
            metrics.put("TablesUpdated", outcome.tablesUpdated());
            metrics.put("TablesDeleted", outcome.tablesDeleted());
            if (outcome.status().equals("SUCCEEDED")) {
                ArrayNode folders = current.putArray("CrawledFolders");
                outcome.crawledFolders().forEach(folders::add);
            }
            store.put(name, JsonDocuments.write(current));
            cancellations.remove(name);
        }
        log.info("[{}] crawler {}: {} in {} s, {} table(s) created, {} updated, {} deleted, {} partition(s) added", messagePrefix, name, outcome.status(),
                runtime, outcome.tablesCreated(), outcome.tablesUpdated(), outcome.tablesDeleted(), outcome.partitionsCreated());
    }

    private static Set<String> previousFolders(ObjectNode definition)
    {
        Set<String> folders = new java.util.HashSet<>();
        definition.path("CrawledFolders").forEach(folder -> folders.add(folder.asText()));
        return folders;
    }

    /** Copies the definition's fields from a Create/UpdateCrawler input, checking them. */
    private static void apply(ObjectNode definition, JsonInput input, boolean create)
    {
        if (create) {
            definition.put("Role", input.requiredString("Role"));
        }
        else {
            input.string("Role").ifPresent(role -> definition.put("Role", role));
        }
        if (input.has("Schedule") && !input.string("Schedule").orElse("").isBlank()) {
            throw input.invalid("Crawler schedules are not supported by lakestack yet (they come with scheduled pipelines); start the crawler "
                    + "with StartCrawler instead");
        }
        if (!input.strings("Classifiers").isEmpty()) {
            throw input.invalid("Custom classifiers are not supported by lakestack; the built-in ones read JSON, CSV/TSV, Parquet and ORC");
        }
        Optional<JsonInput> targets = input.optionalObject("Targets");
        if (create && targets.isEmpty()) {
            throw input.missing("Targets");
        }
        if (targets.isPresent()) {
            for (String other : OTHER_TARGETS) {
                if (!targets.get().objects(other).isEmpty()) {
                    throw input.invalid(other + " are not supported by lakestack; crawlers crawl S3Targets");
                }
            }
            List<JsonInput> s3 = targets.get().objects("S3Targets");
            if (s3.isEmpty()) {
                throw input.invalid("Targets must have at least one S3Target");
            }
            ObjectNode stored = JsonProtocolService.JSON.createObjectNode();
            ArrayNode s3Targets = stored.putArray("S3Targets");
            for (JsonInput target : s3) {
                String path = target.requiredString("Path");
                if (!path.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
                    throw input.invalid("S3 target path '" + path + "' must be s3://<bucket>[/<prefix>]");
                }
                ObjectNode node = s3Targets.addObject();
                node.put("Path", path);
                ArrayNode exclusions = node.putArray("Exclusions");
                target.strings("Exclusions").forEach(exclusions::add);
                target.integer("SampleSize", 1, 249).ifPresent(sample -> node.put("SampleSize", sample));
            }
            for (String other : OTHER_TARGETS) {
                stored.putArray(other);
            }
            definition.set("Targets", stored);
        }
        if (create) {
            definition.put("DatabaseName", input.requiredString("DatabaseName"));
        }
        else {
            input.string("DatabaseName").ifPresent(database -> definition.put("DatabaseName", database));
        }
        input.string("Description").ifPresent(description -> definition.put("Description", description));
        input.string("TablePrefix").ifPresent(prefix -> definition.put("TablePrefix", prefix));
        input.string("Configuration").ifPresent(configuration -> definition.put("Configuration", configuration));
        ObjectNode schema = definition.with("SchemaChangePolicy");
        if (!schema.has("UpdateBehavior")) {
            schema.put("UpdateBehavior", "UPDATE_IN_DATABASE");
            schema.put("DeleteBehavior", "DEPRECATE_IN_DATABASE");
        }
        input.optionalObject("SchemaChangePolicy").ifPresent(policy -> {
            policy.string("UpdateBehavior").ifPresent(value -> schema.put("UpdateBehavior", oneOf(input, "SchemaChangePolicy.UpdateBehavior", value, UPDATE_BEHAVIORS)));
            policy.string("DeleteBehavior").ifPresent(value -> schema.put("DeleteBehavior", oneOf(input, "SchemaChangePolicy.DeleteBehavior", value, DELETE_BEHAVIORS)));
        });
        ObjectNode recrawl = definition.with("RecrawlPolicy");
        if (!recrawl.has("RecrawlBehavior")) {
            recrawl.put("RecrawlBehavior", "CRAWL_EVERYTHING");
        }
        input.optionalObject("RecrawlPolicy").ifPresent(policy -> policy.string("RecrawlBehavior")
                .ifPresent(value -> recrawl.put("RecrawlBehavior", oneOf(input, "RecrawlPolicy.RecrawlBehavior", value, RECRAWL_BEHAVIORS))));
        if (recrawl.path("RecrawlBehavior").asText().equals("CRAWL_EVENT_MODE")) {
            throw input.invalid("RecrawlBehavior CRAWL_EVENT_MODE needs S3 event queues, which lakestack's crawlers do not read; use CRAWL_EVERYTHING or "
                    + "CRAWL_NEW_FOLDERS_ONLY");
        }
        if (recrawl.path("RecrawlBehavior").asText().equals("CRAWL_NEW_FOLDERS_ONLY")
                && (!schema.path("UpdateBehavior").asText().equals("LOG") || !schema.path("DeleteBehavior").asText().equals("LOG"))) {
            throw input.invalid("The SchemaChangePolicy for Crawl New Folders Only Amazon S3 target can have only LOG DeleteBehavior value and LOG "
                    + "UpdateBehavior value.");
        }
        ObjectNode lineage = definition.with("LineageConfiguration");
        if (!lineage.has("CrawlerLineageSettings")) {
            lineage.put("CrawlerLineageSettings", "DISABLE");
        }
        if (input.has("Tags")) {
            definition.set("Tags", GlueJson.map(input.stringMap("Tags")));
        }
    }

    private static String oneOf(JsonInput input, String field, String value, Set<String> allowed)
    {
        if (!allowed.contains(value)) {
            throw input.invalid(field, value, "Member must satisfy enum value set: " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    private static ObjectNode describe(ObjectNode definition)
    {
        ObjectNode crawler = definition.deepCopy();
        crawler.remove("Metrics");
        crawler.remove("CrawledFolders");
        crawler.remove("Tags");
        if (crawler.has("CrawlStart")) {
            crawler.put("CrawlElapsedTime", Math.round((System.currentTimeMillis() / 1000.0 - crawler.path("CrawlStart").asDouble()) * 1000));
            crawler.remove("CrawlStart");
        }
        crawler.putArray("Classifiers");
        return crawler;
    }

    private ObjectNode get(String name)
    {
        return store.get(name).map(bytes -> JsonDocuments.read(bytes, "crawler state"))
                .orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Crawler entry with name " + name + " does not exist"));
    }

    private List<String> names()
    {
        return new ArrayList<>(new TreeMap<>(store.snapshot()).keySet());
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }

    private static double median(JsonNode runtimes)
    {
        List<Double> values = new ArrayList<>();
        runtimes.forEach(value -> values.add(value.asDouble()));
        if (values.isEmpty()) {
            return 0;
        }
        values.sort(Double::compare);
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }

    @Override
    public void close()
    {
        cancellations.values().forEach(cancelled -> cancelled.set(true));
        executor.shutdownNow();
    }
}
