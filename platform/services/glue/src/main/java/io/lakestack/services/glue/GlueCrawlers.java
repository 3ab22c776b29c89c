package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.services.glue.StoredCrawler.LastCrawl;
import io.lakestack.services.glue.StoredCrawler.Metrics;
import io.lakestack.services.glue.StoredCrawler.RunningCrawl;
import io.lakestack.services.glue.StoredCrawler.S3Target;
import io.lakestack.services.glue.StoredCrawler.State;
import io.lakestack.services.glue.crawler.Crawler;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Glue crawlers: definitions, state ({@code READY} / {@code RUNNING} / {@code STOPPING}), the last crawl and metrics,
 * kept in the record store {@value #STORE}; a crawl runs on a thread pool of the instance that started it, which is
 * recorded as the crawl's owner.
 *
 * <p>Local emulation: {@code S3Targets} only (other targets are refused), no custom classifiers. A {@code Schedule}
 * ({@code cron(...)}, UTC) runs while the crawler is {@code SCHEDULED} ({@code StartCrawlerSchedule},
 * {@code StopCrawlerSchedule}, {@code UpdateCrawlerSchedule}) as a schedule of {@link GlueSchedules}, which the wiring
 * hands to {@link #startScheduled} at each occurrence.
 * A crawl whose instance stops ends {@code FAILED}: at once when it stops cleanly, and once its lease runs out when it
 * stops without a word; a crawl running on another instance is never touched.
 */
public final class GlueCrawlers
        implements AutoCloseable
{
    public static final String STORE = "glue.crawlers";
    /** Each crawl, keyed by its crawler's name and its id: what {@code ListCrawls} lists. */
    public static final String CRAWLS_STORE = "glue.crawls";
    private static final Logger log = LoggerFactory.getLogger(GlueCrawlers.class);
    private static final Pattern NAME = Pattern.compile("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\t]{1,255}");
    private static final Set<String> UPDATE_BEHAVIORS = Set.of("LOG", "UPDATE_IN_DATABASE");
    private static final Set<String> DELETE_BEHAVIORS = Set.of("LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE");
    private static final Set<String> RECRAWL_BEHAVIORS = Set.of("CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE");
    private static final List<String> OTHER_TARGETS = List.of("JdbcTargets", "MongoDBTargets", "DynamoDBTargets", "CatalogTargets", "DeltaTargets",
            "IcebergTargets", "HudiTargets");
    private static final int KEPT_RUNTIMES = 20;
    private static final char KEY_SEPARATOR = '\n';
    /** What a crawl reports as its {@code DPUHour}: lakestack's crawls run on its own threads and are not billed. */
    private static final double DPU_HOURS = 0.0;
    private static final Set<String> CRAWL_FIELDS = Set.of("CRAWL_ID", "STATE", "START_TIME", "END_TIME", "DPU_HOUR");
    private static final Set<String> FILTER_OPERATORS = Set.of("GT", "GE", "LT", "LE", "EQ", "NE");

    private final RecordStore<StoredCrawler> store;
    private final RecordStore<StoredCrawl> crawls;
    private final Crawler crawler;
    private final Clock clock;
    private final Instances instances;
    private final GlueSchedules schedules;
    private final CrawlerStateEvents events;
    private final ExecutorService executor;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> cancellations = new ConcurrentHashMap<>();
    private final List<Consumer<StoredCrawl>> endListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    /**
     * @param events where crawls' starts and ends are published as EventBridge's {@code Glue Crawler State Change}
     *         events, on the default bus
     */
    public GlueCrawlers(RecordStores stores, Crawler crawler, GlueSchedules schedules, EventSink events, Clock clock, Instances instances, String accountId)
    {
        this.schedules = requireNonNull(schedules, "schedules is null");
        this.events = new CrawlerStateEvents(events, accountId);
        this.store = requireNonNull(stores, "stores is null").open(STORE, StoredCrawler.class);
        this.crawls = stores.open(CRAWLS_STORE, StoredCrawl.class);
        this.crawler = requireNonNull(crawler, "crawler is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "lakestack-glue-crawler");
            thread.setDaemon(true);
            return thread;
        });
        // a StopCrawler through another instance reaches the crawl here
        store.subscribe((name, changed) -> changed.filter(stored -> stored.state() == State.STOPPING && ownedHere(stored))
                .ifPresent(stored -> cancellations.computeIfAbsent(name, ignored -> new AtomicBoolean()).set(true)));
        instances.onDeparture(owner -> failCrawlsOf(owner::equals, "the lakestack instance that ran it (" + owner + ") stopped while it ran"));
        failCrawlsOf(owner -> !instances.holdsLease(owner), "the lakestack instance that ran it stopped while it ran");
    }

    private boolean ownedHere(StoredCrawler stored)
    {
        return stored.running().map(RunningCrawl::owner).filter(instances.self()::equals).isPresent();
    }

    /** Ends, as FAILED, the crawls whose owner is gone. */
    private void failCrawlsOf(java.util.function.Predicate<String> gone, String why)
    {
        store.all().forEach((name, stored) -> {
            if (stored.isCrawling() && stored.running().map(RunningCrawl::owner).filter(gone).isPresent()) {
                synchronized (lock(name)) {
                    store.get(name).filter(current -> current.isCrawling() && current.running().map(RunningCrawl::owner).filter(gone).isPresent())
                            .ifPresent(current -> {
                                long start = current.running().map(RunningCrawl::startMillis).orElse(clock.millis());
                                String crawlId = current.running().map(RunningCrawl::crawlId).orElse("");
                                Optional<String> message = Optional.of("The crawl did not finish: " + why + "; start the crawler again");
                                store.put(name, current.finished(new LastCrawl("FAILED", message, crawlId, start), current.metrics(), current.crawledFolders()));
                                Optional<StoredCrawl> ended = endCrawl(name, crawlId, "FAILED", message, 0, 0, 0, 0);
                                ended.ifPresent(crawl -> events.ended(crawl, region(current)));
                                ended.filter(ignored -> !closing).ifPresent(this::notifyEnded);
                                log.warn("crawler {}: the crawl started at {} ended FAILED: {}", name, java.time.Instant.ofEpochMilli(start), why);
                            });
                }
            }
        });
    }

    /** Records how the crawl ended; the crawl as ended, empty when it is not stored (started before crawls were kept). */
    private Optional<StoredCrawl> endCrawl(String crawler, String crawlId, String status, Optional<String> message, int created, int updated, int deleted,
            int partitions)
    {
        Optional<StoredCrawl> crawl = crawls.getLatest(key(crawler, crawlId)).filter(StoredCrawl::running);
        if (crawl.isEmpty()) {
            return Optional.empty();
        }
        StoredCrawl ended = crawl.get().ended(status, message, clock.millis(), created, updated, deleted, partitions);
        crawls.put(key(crawler, crawlId), ended);
        return Optional.of(ended);
    }

    private void notifyEnded(StoredCrawl crawl)
    {
        for (Consumer<StoredCrawl> listener : endListeners) {
            try {
                listener.accept(crawl);
            }
            catch (RuntimeException e) {
                log.warn("crawler {}: what follows its crawl failed", crawl.crawlerName(), e);
            }
        }
    }

    private static String key(String crawler, String crawlId)
    {
        return crawler + KEY_SEPARATOR + crawlId;
    }

    /** The crawls of a crawler that the record store keeps. */
    List<StoredCrawl> crawlsOf(String crawler)
    {
        crawls.catchUp();
        return new ArrayList<>(crawls.range(crawler + KEY_SEPARATOR, crawler + (char) (KEY_SEPARATOR + 1)).values());
    }

    void register(GlueService service)
    {
        service.register("CreateCrawler", (input, caller) -> {
            String name = input.requiredString("Name", NAME, 255);
            synchronized (lock(name)) {
                if (store.get(name).isPresent()) {
                    throw ServiceException.user("AlreadyExistsException", 400, "Crawler with name " + name + " has already been created");
                }
                put(definition(Optional.empty(), name, input, caller.region()));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("GetCrawler", (input, caller) -> {
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Crawler", describe(get(input.requiredString("Name"))));
            return output;
        });
        service.register("GetCrawlers", (input, caller) -> {
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names(), input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Crawlers");
            page.items().forEach(name -> store.get(name).ifPresent(stored -> list.add(describe(stored))));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("ListCrawlers", (input, caller) -> {
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names(), input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("CrawlerNames");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("UpdateCrawler", (input, caller) -> {
            String name = input.requiredString("Name");
            synchronized (lock(name)) {
                StoredCrawler stored = get(name);
                if (stored.isCrawling()) {
                    throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " is running; update it when it is READY");
                }
                put(definition(Optional.of(stored), name, input, caller.region()));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("DeleteCrawler", (input, caller) -> {
            String name = input.requiredString("Name");
            synchronized (lock(name)) {
                if (get(name).isCrawling()) {
                    throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " is running; stop it before deleting it");
                }
                store.delete(name);
                crawlsOf(name).forEach(crawl -> crawls.delete(key(name, crawl.id())));
                schedules.set(GlueSchedules.CRAWLERS, name, "", Optional.empty(), "");
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StartCrawlerSchedule", (input, caller) -> {
            String name = input.requiredString("CrawlerName");
            synchronized (lock(name)) {
                StoredCrawler stored = get(name);
                if (stored.schedule().isEmpty()) {
                    throw ServiceException.user("NoScheduleException", 400, "Crawler " + name + " has no schedule: give it one with "
                            + "UpdateCrawlerSchedule");
                }
                if (stored.scheduled()) {
                    throw ServiceException.user("SchedulerRunningException", 400, "The schedule of crawler " + name + " is already running");
                }
                put(stored.withSchedule(stored.schedule(), true));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StopCrawlerSchedule", (input, caller) -> {
            String name = input.requiredString("CrawlerName");
            synchronized (lock(name)) {
                StoredCrawler stored = get(name);
                if (!stored.scheduled()) {
                    throw ServiceException.user("SchedulerNotRunningException", 400, "The schedule of crawler " + name + " is not running");
                }
                put(stored.withSchedule(stored.schedule(), false));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("UpdateCrawlerSchedule", (input, caller) -> {
            String name = input.requiredString("CrawlerName");
            Optional<String> schedule = input.string("Schedule").filter(expression -> !expression.isBlank())
                    .map(expression -> GlueSchedules.check(input, expression));
            synchronized (lock(name)) {
                StoredCrawler stored = get(name);
                // a crawler given its first schedule runs it, as one created with a schedule does
                put(stored.withSchedule(schedule, stored.schedule().isEmpty() || stored.scheduled()));
            }
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StartCrawler", (input, caller) -> {
            start(input.requiredString("Name"));
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StopCrawler", (input, caller) -> {
            stop(input.requiredString("Name"));
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("ListCrawls", (input, caller) -> {
            String name = input.requiredString("CrawlerName", NAME, 255);
            get(name);
            int maxResults = input.integer("MaxResults", 1, 1000).orElse(20);
            List<java.util.function.Predicate<StoredCrawl>> filters = new ArrayList<>();
            for (JsonInput filter : input.objects("Filters")) {
                filters.add(crawlFilter(filter));
            }
            List<StoredCrawl> matching = new ArrayList<>(crawlsOf(name).stream().filter(crawl -> filters.stream().allMatch(filter -> filter.test(crawl))).toList());
            matching.sort(Comparator.comparingLong(StoredCrawl::startMillis).thenComparing(StoredCrawl::id).reversed());
            OffsetTokens.Slice<StoredCrawl> page = OffsetTokens.slice(matching, input.string("NextToken"), maxResults, "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Crawls");
            page.items().forEach(crawl -> list.add(describe(crawl)));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("GetCrawlerMetrics", (input, caller) -> {
            List<String> names = input.has("CrawlerNameList") ? input.strings("CrawlerNameList") : names();
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names, input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("CrawlerMetricsList");
            for (String name : page.items()) {
                store.get(name).ifPresent(stored -> {
                    Metrics metrics = stored.metrics();
                    ObjectNode node = list.addObject();
                    node.put("CrawlerName", name);
                    node.put("TimeLeftSeconds", 0.0);
                    node.put("StillEstimating", false);
                    node.put("LastRuntimeSeconds", metrics.lastRuntimeSeconds());
                    node.put("MedianRuntimeSeconds", metrics.medianRuntimeSeconds());
                    node.put("TablesCreated", metrics.tablesCreated());
                    node.put("TablesUpdated", metrics.tablesUpdated());
                    node.put("TablesDeleted", metrics.tablesDeleted());
                });
            }
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
    }

    /**
     * Calls the listener with each crawl that ends on this instance (its status {@code SUCCEEDED}, {@code FAILED} or
     * {@code CANCELLED}), or that this instance ends for an owner that left: each end is seen by one instance.
     */
    void onCrawlEnded(Consumer<StoredCrawl> listener)
    {
        endListeners.add(listener);
    }

    /** {@code StopCrawler}: {@code CrawlerNotRunningException} or {@code CrawlerStoppingException} when there is no crawl to stop. */
    void stop(String name)
    {
        synchronized (lock(name)) {
            StoredCrawler stored = get(name);
            if (stored.state() == State.READY) {
                throw ServiceException.user("CrawlerNotRunningException", 400, "Crawler with name " + name + " is not running");
            }
            if (stored.state() == State.STOPPING) {
                throw ServiceException.user("CrawlerStoppingException", 400, "Crawler with name " + name + " is already stopping");
            }
            store.put(name, stored.withState(State.STOPPING, stored.running()));
            cancellations.computeIfAbsent(name, ignored -> new AtomicBoolean()).set(true);
        }
    }

    /** {@code StartCrawler}: {@code CrawlerRunningException} when it runs. */
    void start(String name)
    {
        start(name, Optional.empty(), Optional.empty());
    }

    /** Starts a crawl, for a workflow's run when one is given: {@code CrawlerRunningException} when one runs. */
    StoredCrawl start(String name, Optional<String> workflowName, Optional<String> workflowRunId)
    {
        StoredCrawler running;
        StoredCrawl crawl;
        synchronized (lock(name)) {
            StoredCrawler stored = get(name);
            if (stored.isCrawling()) {
                throw ServiceException.user("CrawlerRunningException", 400, "Crawler with name " + name + " has already started");
            }
            long now = clock.millis();
            crawl = new StoredCrawl(name, UUID.randomUUID().toString(), StoredCrawl.RUNNING, now, Optional.empty(), Optional.empty(), 0, 0, 0, 0, workflowName,
                    workflowRunId);
            crawls.put(key(name, crawl.id()), crawl);
            running = stored.withState(State.RUNNING, Optional.of(new RunningCrawl(instances.self(), now, crawl.id())));
            cancellations.put(name, new AtomicBoolean());
            store.put(name, running);
        }
        events.started(crawl, region(running));
        executor.submit(() -> crawl(running));
        return crawl;
    }

    private void crawl(StoredCrawler definition)
    {
        String name = definition.name();
        long started = definition.running().map(RunningCrawl::startMillis).orElse(clock.millis());
        String messagePrefix = definition.running().map(RunningCrawl::crawlId).filter(id -> !id.isEmpty()).orElseGet(() -> UUID.randomUUID().toString());
        Crawler.Outcome outcome;
        try {
            outcome = crawler.crawl(settings(definition), new HashSet<>(definition.crawledFolders()),
                    () -> cancellations.getOrDefault(name, new AtomicBoolean()).get(), messagePrefix);
        }
        catch (RuntimeException e) {
            log.error("[{}] crawler {} failed", messagePrefix, name, e);
            outcome = Crawler.Outcome.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        if (closing) {
            outcome = Crawler.Outcome.failed("The crawl did not finish: lakestack stopped while it ran; start the crawler again");
        }
        Crawler.Outcome result = outcome;
        double runtime = (clock.millis() - started) / 1000.0;
        Optional<StoredCrawl> ended;
        synchronized (lock(name)) {
            Optional<StoredCrawler> stored = store.get(name);
            // deleted meanwhile, or ended by another instance that took this one for gone
            if (stored.isEmpty() || !ownedHere(stored.get())) {
                cancellations.remove(name);
                return;
            }
            StoredCrawler current = stored.get();
            List<Double> runtimes = new ArrayList<>(current.metrics().runtimes());
            runtimes.add(runtime);
            while (runtimes.size() > KEPT_RUNTIMES) {
                runtimes.remove(0);
            }
            Metrics metrics = new Metrics(runtime, runtimes, outcome.tablesCreated(), outcome.tablesUpdated(), outcome.tablesDeleted());
            List<String> folders = outcome.status().equals("SUCCEEDED") ? new ArrayList<>(new TreeSet<>(outcome.crawledFolders())) : current.crawledFolders();
            store.put(name, current.finished(new LastCrawl(outcome.status(), outcome.errorMessage(), messagePrefix, started), metrics, folders));
            ended = endCrawl(name, messagePrefix, outcome.status(), outcome.errorMessage(), outcome.tablesCreated(), outcome.tablesUpdated(),
                    outcome.tablesDeleted(), outcome.partitionsCreated());
            cancellations.remove(name);
        }
        log.info("[{}] crawler {}: {} in {} s, {} table(s) created, {} updated, {} deleted, {} partition(s) added", messagePrefix, name, outcome.status(),
                runtime, outcome.tablesCreated(), outcome.tablesUpdated(), outcome.tablesDeleted(), outcome.partitionsCreated());
        // a crawl started before crawls were kept is seen as one with no workflow
        StoredCrawl endedCrawl = ended.orElseGet(() -> new StoredCrawl(name, messagePrefix, result.status(), started, Optional.of(clock.millis()),
                result.errorMessage(), 0, 0, 0, 0, Optional.empty(), Optional.empty()));
        events.ended(endedCrawl, region(definition));
        if (!closing) {
            notifyEnded(endedCrawl);
        }
    }

    private static String region(StoredCrawler crawler)
    {
        return crawler.region().orElse("us-east-1");
    }

    private static Crawler.Settings settings(StoredCrawler stored)
    {
        List<Crawler.Target> targets = stored.targets().stream().map(target -> new Crawler.Target(target.path(), target.exclusions(), target.sampleSize())).toList();
        return new Crawler.Settings(stored.name(), stored.databaseName().toLowerCase(Locale.ROOT), stored.tablePrefix().orElse("").toLowerCase(Locale.ROOT),
                targets, stored.updateBehavior(), stored.deleteBehavior(), stored.recrawlBehavior().equals("CRAWL_NEW_FOLDERS_ONLY"));
    }

    /** The crawler a Create/UpdateCrawler input defines, checked; an update keeps what the input leaves out. */
    private StoredCrawler definition(Optional<StoredCrawler> existing, String name, JsonInput input, String region)
    {
        boolean create = existing.isEmpty();
        String role = create ? input.requiredString("Role") : input.string("Role").orElse(existing.get().role());
        // a crawler given a schedule runs it (SCHEDULED), as on Glue; an empty Schedule removes it
        Optional<String> schedule = input.has("Schedule")
                ? input.string("Schedule").filter(expression -> !expression.isBlank()).map(expression -> GlueSchedules.check(input, expression))
                : existing.flatMap(StoredCrawler::schedule);
        boolean scheduled = schedule.isPresent() && (existing.isEmpty() || existing.get().schedule().isEmpty() || existing.get().scheduled());
        if (!input.strings("Classifiers").isEmpty()) {
            throw input.invalid("Custom classifiers are not supported by lakestack; the built-in ones read JSON, CSV/TSV, Parquet and ORC");
        }
        Optional<JsonInput> targetsInput = input.optionalObject("Targets");
        if (create && targetsInput.isEmpty()) {
            throw input.missing("Targets");
        }
        List<S3Target> targets = existing.map(StoredCrawler::targets).orElse(List.of());
        if (targetsInput.isPresent()) {
            for (String other : OTHER_TARGETS) {
                if (!targetsInput.get().objects(other).isEmpty()) {
                    throw input.invalid(other + " are not supported by lakestack; crawlers crawl S3Targets");
                }
            }
            List<JsonInput> s3 = targetsInput.get().objects("S3Targets");
            if (s3.isEmpty()) {
                throw input.invalid("Targets must have at least one S3Target");
            }
            List<S3Target> given = new ArrayList<>();
            for (JsonInput target : s3) {
                String path = target.requiredString("Path");
                if (!path.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
                    throw input.invalid("S3 target path '" + path + "' must be s3://<bucket>[/<prefix>]");
                }
                given.add(new S3Target(path, target.strings("Exclusions"), target.integer("SampleSize", 1, 249)));
            }
            targets = given;
        }
        // optional, as in Glue's API: a crawler without a database is kept, and its crawls fail saying where they cannot write ("" stands for none)
        String database = input.string("DatabaseName").orElse(existing.map(StoredCrawler::databaseName).orElse(""));
        Optional<String> description = input.string("Description").or(() -> existing.flatMap(StoredCrawler::description));
        Optional<String> tablePrefix = input.string("TablePrefix").or(() -> existing.flatMap(StoredCrawler::tablePrefix));
        Optional<String> configuration = input.string("Configuration").or(() -> existing.flatMap(StoredCrawler::configuration));
        String updateBehavior = existing.map(StoredCrawler::updateBehavior).orElse("UPDATE_IN_DATABASE");
        String deleteBehavior = existing.map(StoredCrawler::deleteBehavior).orElse("DEPRECATE_IN_DATABASE");
        Optional<JsonInput> schemaPolicy = input.optionalObject("SchemaChangePolicy");
        if (schemaPolicy.isPresent()) {
            updateBehavior = schemaPolicy.get().string("UpdateBehavior").map(value -> oneOf(input, "SchemaChangePolicy.UpdateBehavior", value, UPDATE_BEHAVIORS))
                    .orElse(updateBehavior);
            deleteBehavior = schemaPolicy.get().string("DeleteBehavior").map(value -> oneOf(input, "SchemaChangePolicy.DeleteBehavior", value, DELETE_BEHAVIORS))
                    .orElse(deleteBehavior);
        }
        String recrawlBehavior = input.optionalObject("RecrawlPolicy").flatMap(policy -> policy.string("RecrawlBehavior"))
                .map(value -> oneOf(input, "RecrawlPolicy.RecrawlBehavior", value, RECRAWL_BEHAVIORS))
                .orElse(existing.map(StoredCrawler::recrawlBehavior).orElse("CRAWL_EVERYTHING"));
        if (recrawlBehavior.equals("CRAWL_EVENT_MODE")) {
            throw input.invalid("RecrawlBehavior CRAWL_EVENT_MODE needs S3 event queues, which lakestack's crawlers do not read; use CRAWL_EVERYTHING or "
                    + "CRAWL_NEW_FOLDERS_ONLY");
        }
        if (recrawlBehavior.equals("CRAWL_NEW_FOLDERS_ONLY") && (!updateBehavior.equals("LOG") || !deleteBehavior.equals("LOG"))) {
            throw input.invalid("The SchemaChangePolicy for Crawl New Folders Only Amazon S3 target can have only LOG DeleteBehavior value and LOG "
                    + "UpdateBehavior value.");
        }
        String lineage = input.optionalObject("LineageConfiguration").flatMap(value -> value.string("CrawlerLineageSettings"))
                .orElse(existing.map(StoredCrawler::lineageSettings).orElse("DISABLE"));
        Map<String, String> tags = input.has("Tags") ? GlueJson.tags(input) : existing.map(StoredCrawler::tags).orElse(Map.of());
        long now = clock.millis();
        return new StoredCrawler(name, role, database, description, targets, tablePrefix, configuration, updateBehavior, deleteBehavior, recrawlBehavior,
                lineage, tags, State.READY, existing.map(StoredCrawler::creationMillis).orElse(now), now,
                existing.map(stored -> stored.version() + 1).orElse(1L), Optional.empty(), existing.flatMap(StoredCrawler::lastCrawl),
                existing.map(StoredCrawler::metrics).orElse(Metrics.NONE), existing.map(StoredCrawler::crawledFolders).orElse(List.of()),
                existing.isPresent() ? existing.get().region() : Optional.of(region), schedule, scheduled);
    }

    private static String oneOf(JsonInput input, String field, String value, Set<String> allowed)
    {
        if (!allowed.contains(value)) {
            throw input.invalid(field, value, "Member must satisfy enum value set: " + new TreeSet<>(allowed));
        }
        return value;
    }

    /**
     * A {@code CrawlsFilter}: {@code CRAWL_ID} and {@code STATE} compare as text, {@code START_TIME} and
     * {@code END_TIME} as instants (ISO-8601, or epoch milliseconds), {@code DPU_HOUR} as a number; a crawl without the
     * field (a running crawl's end) does not match.
     */
    private static java.util.function.Predicate<StoredCrawl> crawlFilter(JsonInput filter)
    {
        String field = filter.requiredString("FieldName");
        if (!CRAWL_FIELDS.contains(field)) {
            throw filter.invalid("FieldName", field, "Member must satisfy enum value set: " + new TreeSet<>(CRAWL_FIELDS));
        }
        String operator = filter.requiredString("FilterOperator");
        if (!FILTER_OPERATORS.contains(operator)) {
            throw filter.invalid("FilterOperator", operator, "Member must satisfy enum value set: " + new TreeSet<>(FILTER_OPERATORS));
        }
        String value = filter.requiredString("FieldValue");
        return switch (field) {
            case "CRAWL_ID" -> crawl -> compares(operator, crawl.id().compareTo(value));
            case "STATE" -> crawl -> compares(operator, crawl.historyState().compareTo(value));
            case "DPU_HOUR" -> {
                double wanted;
                try {
                    wanted = Double.parseDouble(value);
                }
                catch (NumberFormatException e) {
                    throw filter.invalid("FieldValue " + value + " of DPU_HOUR is not a number");
                }
                yield crawl -> compares(operator, Double.compare(DPU_HOURS, wanted));
            }
            default -> {
                long wanted = instantMillis(filter, value);
                yield crawl -> {
                    Optional<Long> time = field.equals("START_TIME") ? Optional.of(crawl.startMillis()) : crawl.endMillis();
                    return time.isPresent() && compares(operator, Long.compare(time.get(), wanted));
                };
            }
        };
    }

    private static long instantMillis(JsonInput filter, String value)
    {
        try {
            return value.matches("\\d+") ? Long.parseLong(value) : java.time.Instant.parse(value).toEpochMilli();
        }
        catch (RuntimeException e) {
            throw filter.invalid("FieldValue " + value + " is not a time: give an ISO-8601 instant (2026-11-30T10:00:00Z) or epoch milliseconds");
        }
    }

    private static boolean compares(String operator, int comparison)
    {
        return switch (operator) {
            case "GT" -> comparison > 0;
            case "GE" -> comparison >= 0;
            case "LT" -> comparison < 0;
            case "LE" -> comparison <= 0;
            case "EQ" -> comparison == 0;
            default -> comparison != 0;
        };
    }

    /** A crawl in Glue's {@code CrawlerHistory} shape. */
    private ObjectNode describe(StoredCrawl crawl)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("CrawlId", crawl.id());
        node.put("State", crawl.historyState());
        node.put("StartTime", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(crawl.startMillis())));
        crawl.endMillis().ifPresent(end -> node.put("EndTime", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(end))));
        if (!crawl.running()) {
            ObjectNode summary = JsonProtocolService.JSON.createObjectNode();
            summary.putObject("TABLE").put("ADD", crawl.tablesCreated()).put("UPDATE", crawl.tablesUpdated()).put("DELETE", crawl.tablesDeleted());
            summary.putObject("PARTITION").put("ADD", crawl.partitionsCreated());
            node.put("Summary", summary.toString());
        }
        crawl.errorMessage().ifPresent(message -> node.put("ErrorMessage", message));
        node.put("LogGroup", "/aws-glue/crawlers");
        node.put("LogStream", crawl.crawlerName());
        node.put("MessagePrefix", crawl.id());
        node.put("DPUHour", DPU_HOURS);
        return node;
    }

    /** The crawl in a workflow run's graph: Glue's {@code Crawl} shape. */
    static ObjectNode describeForWorkflow(StoredCrawl crawl)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("State", crawl.status());
        node.put("StartedOn", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(crawl.startMillis())));
        crawl.endMillis().ifPresent(end -> node.put("CompletedOn", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(end))));
        crawl.errorMessage().ifPresent(message -> node.put("ErrorMessage", message));
        node.put("LogGroup", "/aws-glue/crawlers");
        node.put("LogStream", crawl.crawlerName());
        return node;
    }

    /** The crawler in Glue's {@code Crawler} shape. */
    private ObjectNode describe(StoredCrawler stored)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", stored.name());
        node.put("Role", stored.role());
        ObjectNode targets = node.putObject("Targets");
        ArrayNode s3 = targets.putArray("S3Targets");
        for (S3Target target : stored.targets()) {
            ObjectNode item = s3.addObject();
            item.put("Path", target.path());
            ArrayNode exclusions = item.putArray("Exclusions");
            target.exclusions().forEach(exclusions::add);
            target.sampleSize().ifPresent(size -> item.put("SampleSize", size));
        }
        OTHER_TARGETS.forEach(targets::putArray);
        if (!stored.databaseName().isEmpty()) {
            node.put("DatabaseName", stored.databaseName());
        }
        stored.description().ifPresent(description -> node.put("Description", description));
        node.putArray("Classifiers");
        node.putObject("RecrawlPolicy").put("RecrawlBehavior", stored.recrawlBehavior());
        node.putObject("SchemaChangePolicy").put("UpdateBehavior", stored.updateBehavior()).put("DeleteBehavior", stored.deleteBehavior());
        node.putObject("LineageConfiguration").put("CrawlerLineageSettings", stored.lineageSettings());
        node.put("State", stored.state().name());
        stored.tablePrefix().ifPresent(prefix -> node.put("TablePrefix", prefix));
        node.put("CrawlElapsedTime", stored.running().map(running -> Math.max(0, clock.millis() - running.startMillis())).orElse(0L));
        node.put("CreationTime", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(stored.creationMillis())));
        node.put("LastUpdated", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(stored.lastUpdatedMillis())));
        stored.lastCrawl().ifPresent(last -> {
            ObjectNode crawl = node.putObject("LastCrawl");
            crawl.put("Status", last.status());
            last.errorMessage().ifPresent(message -> crawl.put("ErrorMessage", message));
            crawl.put("LogGroup", "/aws-glue/crawlers");
            crawl.put("LogStream", stored.name());
            crawl.put("MessagePrefix", last.messagePrefix());
            crawl.put("StartTime", JsonProtocolService.epochSeconds(java.time.Instant.ofEpochMilli(last.startMillis())));
        });
        node.put("Version", stored.version());
        stored.schedule().ifPresent(schedule -> node.putObject("Schedule").put("ScheduleExpression", schedule)
                .put("State", stored.scheduled() ? "SCHEDULED" : "NOT_SCHEDULED"));
        stored.configuration().ifPresent(configuration -> node.put("Configuration", configuration));
        return node;
    }

    /** Stores the crawler, and the schedule the engine runs while its schedule is {@code SCHEDULED}. */
    private void put(StoredCrawler crawler)
    {
        store.put(crawler.name(), crawler);
        schedules.set(GlueSchedules.CRAWLERS, crawler.name(), crawler.region().orElse("us-east-1"), crawler.scheduled() ? crawler.schedule() : Optional.empty(),
                crawler.description().orElse(""));
    }

    /** An occurrence of a crawler's schedule: a crawl starts, unless one is running (then this occurrence is passed over, as on Glue). */
    public void startScheduled(String name)
    {
        Optional<StoredCrawler> crawler = store.getLatest(name).filter(StoredCrawler::scheduled);
        if (crawler.isEmpty()) {
            log.info("crawler {}: an occurrence of its schedule came after the crawler or its schedule was removed or stopped; nothing starts", name);
            return;
        }
        try {
            start(name);
        }
        catch (ServiceException e) {
            log.warn("crawler {}: the crawl of this occurrence of its schedule did not start: {}", name, e.getMessage());
        }
    }

    /** A crawler as stored; {@code EntityNotFoundException} in Glue's words when there is none. */
    StoredCrawler crawler(String name)
    {
        return get(name);
    }

    /** Replaces a crawler's tags with what {@code change} makes of them. */
    void changeTags(String name, UnaryOperator<Map<String, String>> change)
    {
        synchronized (lock(name)) {
            StoredCrawler stored = get(name);
            store.put(name, stored.withTags(change.apply(stored.tags())));
        }
    }

    private StoredCrawler get(String name)
    {
        return store.getLatest(name).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Crawler entry with name " + name + " does not exist"));
    }

    private List<String> names()
    {
        return new ArrayList<>(store.all().keySet());
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }

    /** Stops the crawls of this instance; they end FAILED, saying lakestack stopped while they ran. */
    @Override
    public void close()
    {
        closing = true;
        cancellations.values().forEach(cancelled -> cancelled.set(true));
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failCrawlsOf(instances.self()::equals, "lakestack stopped");
    }
}
