package io.lakestack.services.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.spi.Arn;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Athena work groups, and what lives in them: prepared statements and named queries, each kind in a record store
 * of its own ({@value #WORK_GROUPS}, {@value #PREPARED_STATEMENTS} keyed {@code <work group>/<name>}, and
 * {@value #NAMED_QUERIES} keyed by id).
 *
 * <p>{@code primary} always exists. Unlike a new AWS account, lakestack's {@code primary} has a result location,
 * {@value #DEFAULT_OUTPUT} in the warehouse bucket, so queries run without one; remove it with
 * {@code UpdateWorkGroup} ({@code RemoveOutputLocation}) to get AWS's "No output location provided" behaviour.
 */
final class WorkGroups
{
    static final String WORK_GROUPS = "athena.work-groups";
    static final String PREPARED_STATEMENTS = "athena.prepared-statements";
    static final String NAMED_QUERIES = "athena.named-queries";
    static final String PRIMARY = "primary";
    static final String DEFAULT_OUTPUT = "s3://lakestack-warehouse/athena-results/";
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,128}");
    static final Pattern STATEMENT_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_@:]{0,255}");
    /** The smallest per-query scan limit AWS accepts, 10 MB. */
    static final long MIN_CUTOFF = 10_000_000L;
    private static final Pattern DESCRIPTION = Pattern.compile("(?s).*");
    /** Athena's limit on the tags of a resource; keys are 1 to 128 characters, values at most 256. */
    private static final int MAX_TAGS = 50;
    private static final Pattern TAG_KEY = Pattern.compile("(?s).*");
    private static final String ENGINE_VERSION = "Athena engine version 3";
    private static final Pattern WORK_GROUP_RESOURCE = Pattern.compile("workgroup/([a-zA-Z0-9._-]{1,128})");

    /** A work group's {@code Configuration}. */
    record Configuration(Optional<String> outputLocation, boolean enforce, boolean publishMetrics, boolean requesterPays,
            Optional<Long> bytesScannedCutoff)
    {
        Configuration
        {
            requireNonNull(outputLocation, "outputLocation is null");
            requireNonNull(bytesScannedCutoff, "bytesScannedCutoff is null");
        }
    }

    /**
     * @param region the region of the request that created the work group, which its ARN names; empty for the primary
     *         work group (which every region has) and for work groups stored before work groups kept their region
     */
    record WorkGroup(String name, boolean enabled, String description, long creationMillis, Configuration configuration, Map<String, String> tags,
            Optional<String> region)
    {
        WorkGroup
        {
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
            requireNonNull(configuration, "configuration is null");
            tags = Map.copyOf(tags);
            region = region == null ? Optional.empty() : region;
        }

        WorkGroup withTags(Map<String, String> newTags)
        {
            return new WorkGroup(name, enabled, description, creationMillis, configuration, newTags, region);
        }
    }

    record PreparedStatement(String workGroup, String name, String statement, Optional<String> description, long lastModifiedMillis)
    {
        PreparedStatement
        {
            requireNonNull(workGroup, "workGroup is null");
            requireNonNull(name, "name is null");
            requireNonNull(statement, "statement is null");
            requireNonNull(description, "description is null");
        }
    }

    record NamedQuery(String id, String name, Optional<String> description, String database, String query, String workGroup, long createdMillis)
    {
        NamedQuery
        {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
            requireNonNull(database, "database is null");
            requireNonNull(query, "query is null");
            requireNonNull(workGroup, "workGroup is null");
        }

        /** The same query apart from when it was created: a retried CreateNamedQuery with one client token. */
        boolean sameAs(NamedQuery other)
        {
            return id.equals(other.id) && name.equals(other.name) && description.equals(other.description) && database.equals(other.database)
                    && query.equals(other.query) && workGroup.equals(other.workGroup);
        }
    }

    private final RecordStore<WorkGroup> workGroups;
    private final RecordStore<PreparedStatement> statements;
    private final RecordStore<NamedQuery> namedQueries;
    private final Clock clock;

    WorkGroups(RecordStores stores, Clock clock)
    {
        this.workGroups = stores.open(WORK_GROUPS, WorkGroup.class);
        this.statements = stores.open(PREPARED_STATEMENTS, PreparedStatement.class);
        this.namedQueries = stores.open(NAMED_QUERIES, NamedQuery.class);
        this.clock = requireNonNull(clock, "clock is null");
        if (workGroups.get(PRIMARY).isEmpty()) {
            workGroups.put(PRIMARY, new WorkGroup(PRIMARY, true, "", clock.millis(),
                    new Configuration(Optional.of(DEFAULT_OUTPUT), false, false, false, Optional.empty()), Map.of(), Optional.empty()));
        }
    }

    // work groups

    synchronized void create(JsonInput input, String region)
    {
        String name = input.requiredString("Name", NAME, 128);
        if (workGroups.get(name).isPresent()) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is already created");
        }
        Configuration configuration = new Configuration(Optional.empty(), true, false, false, Optional.empty());
        Optional<JsonInput> requested = input.optionalObject("Configuration");
        if (requested.isPresent()) {
            JsonInput settings = requested.get();
            settings.optionalObject("EngineVersion").ifPresent(WorkGroups::checkEngineVersion);
            configuration = new Configuration(
                    settings.optionalObject("ResultConfiguration").flatMap(result -> outputLocation(result, "OutputLocation")),
                    settings.bool("EnforceWorkGroupConfiguration").orElse(configuration.enforce()),
                    publishMetrics(settings, configuration.publishMetrics()),
                    settings.bool("RequesterPaysEnabled").orElse(configuration.requesterPays()),
                    cutoff(settings));
        }
        Map<String, String> tags = tags(input);
        workGroups.put(name, new WorkGroup(name, true, input.string("Description", DESCRIPTION, 1024).orElse(""), clock.millis(), configuration, tags,
                Optional.of(region)));
    }

    /** An input's {@code Tags} ({@code [{Key, Value}]}) as Athena checks them. */
    private static Map<String, String> tags(JsonInput input)
    {
        List<JsonInput> given = input.objects("Tags");
        if (given.size() > MAX_TAGS) {
            throw input.invalid("Tags", "(" + given.size() + " tags)", "Member must have length less than or equal to " + MAX_TAGS);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonInput tag : given) {
            String key = tag.requiredString("Key", TAG_KEY, 128);
            String value = tag.string("Value", "");
            if (value.length() > 256) {
                throw tag.invalid("Value", value, "Member must have length less than or equal to 256");
            }
            tags.put(key, value);
        }
        return tags;
    }

    // tags

    /**
     * The work group a {@code ResourceARN} names ({@code arn:aws:athena:<region>:<account>:workgroup/<name>}): one
     * that exists, in the ARN's region (the primary work group is in every region).
     */
    WorkGroup tagged(JsonInput input, String accountId)
    {
        String arn = input.requiredString("ResourceARN", DESCRIPTION, 1011);
        Optional<Arn> parsed = Arn.parse(arn, "athena").filter(athena -> athena.accountId().equals(accountId));
        Matcher matcher = WORK_GROUP_RESOURCE.matcher(parsed.map(Arn::resource).orElse(""));
        if (!matcher.matches()) {
            throw ServiceException.user("InvalidRequestException", "ResourceARN " + arn + " is not a work group ARN of account " + accountId
                    + ": lakestack tags work groups (arn:aws:athena:<region>:<account>:workgroup/<name>)");
        }
        String name = matcher.group(1);
        return workGroups.getLatest(name)
                .filter(workGroup -> workGroup.region().map(region -> region.equals(parsed.get().region())).orElse(true))
                .orElseThrow(() -> ServiceException.user("ResourceNotFoundException", "WorkGroup " + name + " is not found."));
    }

    /** Adds an input's {@code Tags} to the work group its {@code ResourceARN} names. */
    synchronized void tag(JsonInput input, String accountId)
    {
        WorkGroup workGroup = tagged(input, accountId);
        if (!input.has("Tags")) {
            throw input.missing("Tags");
        }
        Map<String, String> tags = new LinkedHashMap<>(workGroup.tags());
        tags.putAll(tags(input));
        if (tags.size() > MAX_TAGS) {
            throw ServiceException.user("InvalidRequestException", "A work group can have at most " + MAX_TAGS + " tags; " + workGroup.name()
                    + " would have " + tags.size());
        }
        workGroups.put(workGroup.name(), workGroup.withTags(tags));
    }

    /** Removes an input's {@code TagKeys} from the work group its {@code ResourceARN} names. */
    synchronized void untag(JsonInput input, String accountId)
    {
        WorkGroup workGroup = tagged(input, accountId);
        if (!input.has("TagKeys")) {
            throw input.missing("TagKeys");
        }
        Map<String, String> tags = new LinkedHashMap<>(workGroup.tags());
        input.strings("TagKeys").forEach(tags::remove);
        workGroups.put(workGroup.name(), workGroup.withTags(tags));
    }

    /** {@code PublishCloudWatchMetricsEnabled}: lakestack has no CloudWatch metrics to publish to, so true is refused rather than ignored. */
    private static boolean publishMetrics(JsonInput settings, boolean current)
    {
        boolean publish = settings.bool("PublishCloudWatchMetricsEnabled").orElse(current);
        if (publish && !current) {
            throw ServiceException.user("InvalidRequestException", "PublishCloudWatchMetricsEnabled cannot be applied by lakestack: it has no CloudWatch "
                    + "metrics to publish query metrics to. Leave it false (the API's default; Terraform's aws_athena_workgroup sends true unless "
                    + "publish_cloudwatch_metrics_enabled = false).");
        }
        return publish;
    }

    WorkGroup get(String name)
    {
        return workGroups.getLatest(name).orElseThrow(() -> ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is not found."));
    }

    /** The work group as {@code GetWorkGroup} shows it. */
    ObjectNode describe(String name)
    {
        WorkGroup workGroup = get(name);
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", workGroup.name());
        node.put("State", state(workGroup));
        ObjectNode configuration = node.putObject("Configuration");
        ObjectNode result = configuration.putObject("ResultConfiguration");
        workGroup.configuration().outputLocation().ifPresent(location -> result.put("OutputLocation", location));
        configuration.put("EnforceWorkGroupConfiguration", workGroup.configuration().enforce());
        configuration.put("PublishCloudWatchMetricsEnabled", workGroup.configuration().publishMetrics());
        workGroup.configuration().bytesScannedCutoff().ifPresent(cutoff -> configuration.put("BytesScannedCutoffPerQuery", cutoff));
        configuration.put("RequesterPaysEnabled", workGroup.configuration().requesterPays());
        configuration.put("EnableMinimumEncryptionConfiguration", false);
        configuration.set("EngineVersion", engineVersion());
        node.put("Description", workGroup.description());
        node.put("CreationTime", epochSeconds(workGroup.creationMillis()));
        return node;
    }

    /** The work group as {@code ListWorkGroups} shows it. */
    ObjectNode summary(String name)
    {
        WorkGroup workGroup = get(name);
        ObjectNode summary = JsonProtocolService.JSON.createObjectNode();
        summary.put("Name", workGroup.name());
        summary.put("State", state(workGroup));
        summary.put("Description", workGroup.description());
        summary.put("CreationTime", epochSeconds(workGroup.creationMillis()));
        summary.set("EngineVersion", engineVersion());
        return summary;
    }

    List<String> names()
    {
        return new ArrayList<>(workGroups.all().keySet());
    }

    synchronized void update(JsonInput input)
    {
        String name = input.requiredString("WorkGroup", NAME, 128);
        WorkGroup workGroup = get(name);
        String description = input.string("Description", DESCRIPTION, 1024).orElse(workGroup.description());
        boolean enabled = input.string("State").map(state -> {
            if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
                throw input.invalid("State", state, "Member must satisfy enum value set: [ENABLED, DISABLED]");
            }
            return state.equals("ENABLED");
        }).orElse(workGroup.enabled());
        Configuration configuration = workGroup.configuration();
        Optional<JsonInput> updates = input.optionalObject("ConfigurationUpdates");
        if (updates.isPresent()) {
            JsonInput settings = updates.get();
            settings.optionalObject("EngineVersion").ifPresent(WorkGroups::checkEngineVersion);
            Optional<Long> cutoff = settings.bool("RemoveBytesScannedCutoffPerQuery").orElse(false)
                    ? Optional.empty()
                    : cutoff(settings).or(configuration::bytesScannedCutoff);
            Optional<String> output = configuration.outputLocation();
            Optional<JsonInput> result = settings.optionalObject("ResultConfigurationUpdates");
            if (result.isPresent()) {
                if (result.get().bool("RemoveOutputLocation").orElse(false)) {
                    output = Optional.empty();
                }
                Optional<String> kept = output;
                output = outputLocation(result.get(), "OutputLocation").or(() -> kept);
            }
            configuration = new Configuration(output,
                    settings.bool("EnforceWorkGroupConfiguration").orElse(configuration.enforce()),
                    publishMetrics(settings, configuration.publishMetrics()),
                    settings.bool("RequesterPaysEnabled").orElse(configuration.requesterPays()),
                    cutoff);
        }
        workGroups.put(name, new WorkGroup(name, enabled, description, workGroup.creationMillis(), configuration, workGroup.tags(), workGroup.region()));
    }

    synchronized void delete(String name, boolean recursive)
    {
        get(name);
        if (name.equals(PRIMARY)) {
            throw ServiceException.user("InvalidRequestException", "The primary workgroup cannot be deleted.");
        }
        List<String> preparedKeys = new ArrayList<>(statements.all().subMap(name + "/", name + "0").keySet());
        List<String> namedIds = namedQueries.all().values().stream().filter(query -> query.workGroup().equals(name)).map(NamedQuery::id).toList();
        int contents = preparedKeys.size() + namedIds.size();
        if (contents > 0 && !recursive) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is not empty: it has " + contents
                    + " named queries or prepared statements; delete them first or set RecursiveDeleteOption");
        }
        preparedKeys.forEach(statements::delete);
        namedIds.forEach(namedQueries::delete);
        workGroups.delete(name);
    }

    /** The work group a query runs in, refusing a disabled one. */
    WorkGroup requireEnabled(String name)
    {
        WorkGroup workGroup = get(name);
        if (!workGroup.enabled()) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is disabled.");
        }
        return workGroup;
    }

    /**
     * Where a query's results go: the work group's location when it enforces its configuration, else the request's,
     * else the work group's; Athena's error when there is none.
     */
    static String effectiveOutput(WorkGroup workGroup, Optional<String> requested)
    {
        Optional<String> configured = workGroup.configuration().outputLocation();
        Optional<String> output = workGroup.configuration().enforce() && configured.isPresent() ? configured : requested.or(() -> configured);
        return output.orElseThrow(() -> ServiceException.user("InvalidRequestException", "No output location provided. An output location is required "
                + "either through the Workgroup result configuration setting or as an API input."));
    }

    // prepared statements

    synchronized void putStatement(String workGroup, String name, String query, Optional<String> description, boolean create)
    {
        get(workGroup);
        boolean exists = statement(workGroup, name).isPresent();
        if (create && exists) {
            throw ServiceException.user("InvalidRequestException", "Prepared statement " + name + " already exists in WorkGroup " + workGroup);
        }
        if (!create && !exists) {
            throw ServiceException.user("ResourceNotFoundException", "Prepared statement " + name + " was not found in WorkGroup " + workGroup);
        }
        statements.put(workGroup + "/" + name, new PreparedStatement(workGroup, name, query, description, clock.millis()));
    }

    Optional<PreparedStatement> statement(String workGroup, String name)
    {
        return statements.get(workGroup + "/" + name);
    }

    PreparedStatement requireStatement(String workGroup, String name)
    {
        get(workGroup);
        return statement(workGroup, name).orElseThrow(() -> ServiceException.user("ResourceNotFoundException",
                "Prepared statement " + name + " was not found in WorkGroup " + workGroup));
    }

    /** A prepared statement as {@code GetPreparedStatement} shows it. */
    static ObjectNode describe(PreparedStatement statement)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("StatementName", statement.name());
        node.put("QueryStatement", statement.statement());
        node.put("WorkGroupName", statement.workGroup());
        statement.description().ifPresent(description -> node.put("Description", description));
        node.put("LastModifiedTime", epochSeconds(statement.lastModifiedMillis()));
        return node;
    }

    /** The work group's prepared statements, by name. */
    List<PreparedStatement> statements(String workGroup)
    {
        get(workGroup);
        return new ArrayList<>(statements.all().subMap(workGroup + "/", workGroup + "0").values());
    }

    synchronized void deleteStatement(String workGroup, String name)
    {
        requireStatement(workGroup, name);
        statements.delete(workGroup + "/" + name);
    }

    // named queries

    void putNamedQuery(NamedQuery query)
    {
        namedQueries.put(query.id(), query);
    }

    Optional<NamedQuery> namedQuery(String id)
    {
        return namedQueries.get(id);
    }

    void deleteNamedQuery(String id)
    {
        namedQueries.delete(id);
    }

    /** A named query as {@code GetNamedQuery} shows it. */
    static ObjectNode describe(NamedQuery query)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", query.name());
        query.description().ifPresent(description -> node.put("Description", description));
        node.put("Database", query.database());
        node.put("QueryString", query.query());
        node.put("NamedQueryId", query.id());
        node.put("WorkGroup", query.workGroup());
        return node;
    }

    /** Ids of the named queries of a work group, in creation order. */
    List<String> namedQueryIds(String workGroup)
    {
        get(workGroup);
        return namedQueries.all().values().stream()
                .filter(query -> query.workGroup().equals(workGroup))
                .sorted(Comparator.comparingLong(NamedQuery::createdMillis).thenComparing(NamedQuery::id))
                .map(NamedQuery::id)
                .toList();
    }

    private static String state(WorkGroup workGroup)
    {
        return workGroup.enabled() ? "ENABLED" : "DISABLED";
    }

    private static double epochSeconds(long millis)
    {
        return JsonProtocolService.epochSeconds(Instant.ofEpochMilli(millis));
    }

    private static Optional<String> outputLocation(JsonInput input, String field)
    {
        Optional<String> location = input.string(field);
        location.ifPresent(value -> {
            if (!value.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
                throw input.invalid(field, value, "Member must be an S3 location: s3://<bucket>/<prefix>/");
            }
        });
        return location.map(value -> value.endsWith("/") || value.indexOf('/', 5) < 0 ? value : value + "/");
    }

    private static Optional<Long> cutoff(JsonInput settings)
    {
        Optional<Long> cutoff = settings.longValue("BytesScannedCutoffPerQuery");
        cutoff.ifPresent(value -> {
            if (value < MIN_CUTOFF) {
                throw settings.invalid("BytesScannedCutoffPerQuery", String.valueOf(value), "Member must have value greater than or equal to " + MIN_CUTOFF);
            }
        });
        return cutoff;
    }

    private static void checkEngineVersion(JsonInput engine)
    {
        Optional<String> selected = engine.string("SelectedEngineVersion");
        if (selected.isPresent() && !selected.get().equals("AUTO") && !selected.get().equals(ENGINE_VERSION)) {
            throw ServiceException.user("InvalidRequestException", "Engine version " + selected.get()
                    + " is not available in lakestack: it runs Athena engine version 3 (Trino)");
        }
    }

    static ObjectNode engineVersion()
    {
        return JsonProtocolService.JSON.createObjectNode().put("SelectedEngineVersion", "AUTO").put("EffectiveEngineVersion", ENGINE_VERSION);
    }
}
