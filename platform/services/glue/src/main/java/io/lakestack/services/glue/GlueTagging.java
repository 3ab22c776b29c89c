package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.Arn;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Glue's tagging operations ({@code TagResource}, {@code UntagResource}, {@code GetTags}) on the taggable resources
 * lakestack has: databases ({@code arn:aws:glue:<region>:<account>:database/<name>}), crawlers
 * ({@code ...:crawler/<name>}), jobs ({@code ...:job/<name>}), triggers ({@code ...:trigger/<name>}) and workflows
 * ({@code ...:workflow/<name>}).
 *
 * <p>A resource carries the region of the request that created it, and an ARN naming another region names no
 * resource ({@code EntityNotFoundException}), as on Glue. A database's tags and region live in the record store
 * {@value #STORE} (the Hive Metastore has no place for them); a database made another way (a crawler, Athena DDL) has
 * no region of its own and answers to an ARN of any region. A crawler, job, trigger or workflow keeps its tags and region in its own
 * record.
 */
final class GlueTagging
{
    static final String STORE = "glue.database-tags";
    private static final Pattern RESOURCE = Pattern.compile("(database|crawler|job|trigger|workflow)/(.+)");

    /**
     * A database's tags, the region of the request that created it, and the creation time the metastore gave that
     * database: a database of the same name dropped and made again another way (Athena DDL) is another database, and
     * the record does not apply to it (told apart by the metastore's creation time, which has whole seconds: one
     * dropped and made again within the same second keeps the record).
     */
    record DatabaseTags(Optional<String> region, Map<String, String> tags, Optional<Long> createdEpochSecond)
    {
        DatabaseTags
        {
            region = region == null ? Optional.empty() : region;
            tags = Map.copyOf(tags);
            createdEpochSecond = createdEpochSecond == null ? Optional.empty() : createdEpochSecond;
        }
    }

    private record Resource(String region, String kind, String name)
    {
    }

    private final GlueCatalog catalog;
    private final GlueCrawlers crawlers;
    private final GlueJobs jobs;
    private final GlueTriggers triggers;
    private final GlueWorkflows workflows;
    private final RecordStore<DatabaseTags> databases;
    private final String accountId;

    GlueTagging(GlueCatalog catalog, GlueCrawlers crawlers, GlueJobs jobs, GlueTriggers triggers, GlueWorkflows workflows, RecordStores stores,
            String accountId)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.crawlers = requireNonNull(crawlers, "crawlers is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.triggers = requireNonNull(triggers, "triggers is null");
        this.workflows = requireNonNull(workflows, "workflows is null");
        this.databases = requireNonNull(stores, "stores is null").open(STORE, DatabaseTags.class);
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    /** Keeps the tags and region of a database {@code CreateDatabase} made. */
    void databaseCreated(String name, String region, Map<String, String> tags)
    {
        databases.put(key(name), new DatabaseTags(Optional.of(region), tags, createdEpochSecond(name)));
    }

    void databaseDeleted(String name)
    {
        databases.delete(key(name));
    }

    void register(GlueService service)
    {
        service.register("GetTags", (input, caller) -> {
            Resource resource = resource(input);
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ObjectNode tags = output.putObject("Tags");
            new TreeMap<>(tags(resource)).forEach(tags::put);
            return output;
        });
        service.register("TagResource", (input, caller) -> {
            Resource resource = resource(input);
            if (!input.has("TagsToAdd")) {
                throw input.missing("TagsToAdd");
            }
            Map<String, String> added = GlueJson.tags(input, "TagsToAdd");
            change(resource, tags -> {
                Map<String, String> changed = new TreeMap<>(tags);
                changed.putAll(added);
                if (changed.size() > GlueJson.MAX_TAGS) {
                    throw ServiceException.user("InvalidInputException", 400, "A resource can have at most " + GlueJson.MAX_TAGS + " tags; "
                            + resource.kind() + " " + resource.name() + " would have " + changed.size());
                }
                return changed;
            });
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("UntagResource", (input, caller) -> {
            Resource resource = resource(input);
            if (!input.has("TagsToRemove")) {
                throw input.missing("TagsToRemove");
            }
            List<String> removed = input.strings("TagsToRemove");
            if (removed.size() > GlueJson.MAX_TAGS) {
                throw input.invalid("TagsToRemove", "(" + removed.size() + " keys)", "Member must have length less than or equal to " + GlueJson.MAX_TAGS);
            }
            change(resource, tags -> {
                Map<String, String> changed = new TreeMap<>(tags);
                removed.forEach(changed::remove);
                return changed;
            });
            return JsonProtocolService.JSON.createObjectNode();
        });
    }

    /** The resource an input's {@code ResourceArn} names: one that exists, in the ARN's region. */
    private Resource resource(JsonInput input)
    {
        String arn = input.requiredString("ResourceArn");
        Optional<Arn> parsed = Arn.parse(arn, "glue").filter(glue -> glue.accountId().equals(accountId));
        Matcher matcher = RESOURCE.matcher(parsed.map(Arn::resource).orElse(""));
        if (!matcher.matches()) {
            throw ServiceException.user("InvalidInputException", 400, "ResourceArn " + arn + " is not a database, crawler, job, trigger or workflow ARN of "
                    + "account " + accountId + ": lakestack tags databases (arn:aws:glue:<region>:<account>:database/<name>), crawlers "
                    + "(...:crawler/<name>), jobs (...:job/<name>), triggers (...:trigger/<name>) and workflows (...:workflow/<name>)");
        }
        Resource resource = new Resource(parsed.get().region(), matcher.group(1), matcher.group(2));
        Optional<String> region = switch (resource.kind()) {
            case "database" -> databaseTags(resource.name()).flatMap(DatabaseTags::region);
            case "crawler" -> crawlers.crawler(resource.name()).region();
            case "job" -> Optional.of(jobs.job(resource.name()).region());
            case "workflow" -> Optional.of(workflows.workflow(resource.name()).region());
            default -> Optional.of(triggers.trigger(resource.name()).region());
        };
        if (region.isPresent() && !region.get().equals(resource.region())) {
            throw switch (resource.kind()) {
                case "database" -> ServiceException.user("EntityNotFoundException", 400, "Database " + resource.name() + " not found.");
                case "crawler" -> ServiceException.user("EntityNotFoundException", 400, "Crawler entry with name " + resource.name() + " does not exist");
                case "job" -> ServiceException.user("EntityNotFoundException", 400, "Job with name: " + resource.name() + " not found.");
                case "workflow" -> ServiceException.user("EntityNotFoundException", 400, "Workflow with name: " + resource.name() + " not found.");
                default -> ServiceException.user("EntityNotFoundException", 400, "Trigger with name " + resource.name() + " not found");
            };
        }
        return resource;
    }

    private Map<String, String> tags(Resource resource)
    {
        return switch (resource.kind()) {
            case "database" -> databaseTags(resource.name()).map(DatabaseTags::tags).orElse(Map.of());
            case "crawler" -> crawlers.crawler(resource.name()).tags();
            case "job" -> jobs.job(resource.name()).tags();
            case "workflow" -> workflows.workflow(resource.name()).tags();
            default -> triggers.trigger(resource.name()).tags();
        };
    }

    private void change(Resource resource, UnaryOperator<Map<String, String>> change)
    {
        if (resource.kind().equals("database")) {
            synchronized (this) {
                Optional<DatabaseTags> stored = databaseTags(resource.name());
                databases.put(key(resource.name()), new DatabaseTags(stored.flatMap(DatabaseTags::region),
                        change.apply(stored.map(DatabaseTags::tags).orElse(Map.of())), createdEpochSecond(resource.name())));
            }
        }
        else if (resource.kind().equals("crawler")) {
            crawlers.changeTags(resource.name(), change);
        }
        else if (resource.kind().equals("job")) {
            jobs.changeTags(resource.name(), change);
        }
        else if (resource.kind().equals("workflow")) {
            workflows.changeTags(resource.name(), change);
        }
        else {
            triggers.changeTags(resource.name(), change);
        }
    }

    /**
     * What is kept for the database of that name, if it is the database the record was made for; Glue's
     * {@code EntityNotFoundException} in its own words when there is no such database.
     */
    private Optional<DatabaseTags> databaseTags(String name)
    {
        Optional<Long> created = createdEpochSecond(name);
        return databases.get(key(name))
                .filter(stored -> stored.createdEpochSecond().isEmpty() || created.isEmpty() || stored.createdEpochSecond().equals(created));
    }

    private Optional<Long> createdEpochSecond(String database)
    {
        return catalog.getDatabase(database).createTime().map(Instant::getEpochSecond);
    }

    private static String key(String database)
    {
        return database.toLowerCase(Locale.ROOT);
    }
}
