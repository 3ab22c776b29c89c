package io.lakestack.server.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.server.json.JsonDocuments;
import io.lakestack.server.json.JsonInput;
import io.lakestack.server.json.JsonProtocolService;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.KeyValueStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Athena work groups, and what lives in them: prepared statements and named queries. Kept in a
 * {@link KeyValueStore} under {@code workgroup/<name>}, {@code prepared/<work group>/<name>} and
 * {@code named/<id>}.
 *
 * <p>{@code primary} always exists. Unlike a new AWS account, lakestack's {@code primary} has a result location,
 * {@value #DEFAULT_OUTPUT} in the warehouse bucket, so queries run without one; remove it with
 * {@code UpdateWorkGroup} ({@code RemoveOutputLocation}) to get AWS's "No output location provided" behaviour.
 */
final class WorkGroups
{
    static final String PRIMARY = "primary";
    static final String DEFAULT_OUTPUT = "s3://lakestack-warehouse/athena-results/";
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,128}");
    static final Pattern STATEMENT_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_@:]{0,255}");
    /** The smallest per-query scan limit AWS accepts, 10 MB. */
    static final long MIN_CUTOFF = 10_000_000L;

    private static final String WORKGROUP = "workgroup/";
    private static final String PREPARED = "prepared/";
    static final String NAMED = "named/";

    private final KeyValueStore store;
    private final Clock clock;

    WorkGroups(KeyValueStore store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (store.get(WORKGROUP + PRIMARY).isEmpty()) {
            ObjectNode primary = JsonProtocolService.JSON.createObjectNode();
            primary.put("Name", PRIMARY);
            primary.put("State", "ENABLED");
            ObjectNode configuration = primary.putObject("Configuration");
            configuration.putObject("ResultConfiguration").put("OutputLocation", DEFAULT_OUTPUT);
            configuration.put("EnforceWorkGroupConfiguration", false);
            configuration.put("PublishCloudWatchMetricsEnabled", false);
            configuration.put("RequesterPaysEnabled", false);
            engineVersion(configuration);
            primary.put("Description", "");
            primary.put("CreationTime", JsonProtocolService.epochSeconds(clock.instant()));
            store.put(WORKGROUP + PRIMARY, JsonDocuments.write(primary));
        }
    }

    // work groups

    synchronized void create(JsonInput input)
    {
        String name = input.requiredString("Name", NAME, 128);
        if (store.get(WORKGROUP + name).isPresent()) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is already created");
        }
        ObjectNode workGroup = JsonProtocolService.JSON.createObjectNode();
        workGroup.put("Name", name);
        workGroup.put("State", "ENABLED");
        ObjectNode configuration = workGroup.putObject("Configuration");
        configuration.put("EnforceWorkGroupConfiguration", true);
        configuration.put("PublishCloudWatchMetricsEnabled", true);
        configuration.put("RequesterPaysEnabled", false);
        Optional<JsonInput> requested = input.optionalObject("Configuration");
        if (requested.isPresent()) {
            JsonInput settings = requested.get();
            settings.optionalObject("ResultConfiguration").flatMap(result -> outputLocation(result, "OutputLocation"))
                    .ifPresent(location -> configuration.putObject("ResultConfiguration").put("OutputLocation", location));
            settings.bool("EnforceWorkGroupConfiguration").ifPresent(value -> configuration.put("EnforceWorkGroupConfiguration", value));
            settings.bool("PublishCloudWatchMetricsEnabled").ifPresent(value -> configuration.put("PublishCloudWatchMetricsEnabled", value));
            settings.bool("RequesterPaysEnabled").ifPresent(value -> configuration.put("RequesterPaysEnabled", value));
            cutoff(settings).ifPresent(value -> configuration.put("BytesScannedCutoffPerQuery", value));
            settings.optionalObject("EngineVersion").ifPresent(WorkGroups::checkEngineVersion);
        }
        engineVersion(configuration);
        workGroup.put("Description", input.string("Description", Pattern.compile("(?s).*"), 1024).orElse(""));
        workGroup.put("CreationTime", JsonProtocolService.epochSeconds(clock.instant()));
        if (input.hasList("Tags")) {
            ObjectNode tags = workGroup.putObject("lakestackTags");
            for (JsonInput tag : input.objects("Tags")) {
                tags.put(tag.requiredString("Key"), tag.string("Value", ""));
            }
        }
        store.put(WORKGROUP + name, JsonDocuments.write(workGroup));
    }

    ObjectNode get(String name)
    {
        ObjectNode workGroup = store.get(WORKGROUP + name).map(bytes -> JsonDocuments.read(bytes, "work group"))
                .orElseThrow(() -> ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is not found."));
        return workGroup;
    }

    /** The work group as {@code GetWorkGroup} shows it. */
    ObjectNode describe(String name)
    {
        ObjectNode workGroup = get(name);
        workGroup.remove("lakestackTags");
        return workGroup;
    }

    List<String> names()
    {
        return keys(WORKGROUP).stream().map(key -> key.substring(WORKGROUP.length())).toList();
    }

    synchronized void update(JsonInput input)
    {
        String name = input.requiredString("WorkGroup", NAME, 128);
        ObjectNode workGroup = get(name);
        input.string("Description", Pattern.compile("(?s).*"), 1024).ifPresent(description -> workGroup.put("Description", description));
        input.string("State").ifPresent(state -> {
            if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
                throw input.invalid("State", state, "Member must satisfy enum value set: [ENABLED, DISABLED]");
            }
            workGroup.put("State", state);
        });
        Optional<JsonInput> updates = input.optionalObject("ConfigurationUpdates");
        if (updates.isPresent()) {
            JsonInput settings = updates.get();
            ObjectNode configuration = workGroup.with("Configuration");
            settings.bool("EnforceWorkGroupConfiguration").ifPresent(value -> configuration.put("EnforceWorkGroupConfiguration", value));
            settings.bool("PublishCloudWatchMetricsEnabled").ifPresent(value -> configuration.put("PublishCloudWatchMetricsEnabled", value));
            settings.bool("RequesterPaysEnabled").ifPresent(value -> configuration.put("RequesterPaysEnabled", value));
            cutoff(settings).ifPresent(value -> configuration.put("BytesScannedCutoffPerQuery", value));
            if (settings.bool("RemoveBytesScannedCutoffPerQuery").orElse(false)) {
                configuration.remove("BytesScannedCutoffPerQuery");
            }
            settings.optionalObject("EngineVersion").ifPresent(WorkGroups::checkEngineVersion);
            Optional<JsonInput> result = settings.optionalObject("ResultConfigurationUpdates");
            if (result.isPresent()) {
                if (result.get().bool("RemoveOutputLocation").orElse(false)) {
                    configuration.with("ResultConfiguration").remove("OutputLocation");
                }
                outputLocation(result.get(), "OutputLocation").ifPresent(location -> configuration.with("ResultConfiguration").put("OutputLocation", location));
            }
        }
        store.put(WORKGROUP + name, JsonDocuments.write(workGroup));
    }

    synchronized void delete(String name, boolean recursive)
    {
        get(name);
        if (name.equals(PRIMARY)) {
            throw ServiceException.user("InvalidRequestException", "The primary workgroup cannot be deleted.");
        }
        List<String> contents = new ArrayList<>(keys(PREPARED + name + "/"));
        contents.addAll(namedQueryKeys(name));
        if (!contents.isEmpty() && !recursive) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is not empty: it has " + contents.size()
                    + " named queries or prepared statements; delete them first or set RecursiveDeleteOption");
        }
        contents.forEach(key -> store.put(key, null));
        store.put(WORKGROUP + name, null);
    }

    /** The work group a query runs in, refusing a disabled one. */
    ObjectNode requireEnabled(String name)
    {
        ObjectNode workGroup = get(name);
        if (!workGroup.path("State").asText().equals("ENABLED")) {
            throw ServiceException.user("InvalidRequestException", "WorkGroup " + name + " is disabled.");
        }
        return workGroup;
    }

    /**
     * Where a query's results go: the work group's location when it enforces its configuration, else the request's,
     * else the work group's; Athena's error when there is none.
     */
    static String effectiveOutput(JsonNode workGroup, Optional<String> requested)
    {
        JsonNode configuration = workGroup.path("Configuration");
        Optional<String> configured = Optional.ofNullable(configuration.path("ResultConfiguration").path("OutputLocation").textValue());
        Optional<String> output = configuration.path("EnforceWorkGroupConfiguration").asBoolean(false) && configured.isPresent()
                ? configured
                : requested.or(() -> configured);
        return output.orElseThrow(() -> ServiceException.user("InvalidRequestException", "No output location provided. An output location is required "
                + "either through the Workgroup result configuration setting or as an API input."));
    }

    static Optional<Long> bytesScannedCutoff(JsonNode workGroup)
    {
        JsonNode cutoff = workGroup.path("Configuration").path("BytesScannedCutoffPerQuery");
        return cutoff.isNumber() ? Optional.of(cutoff.asLong()) : Optional.empty();
    }

    // prepared statements

    synchronized void putStatement(String workGroup, String name, String query, Optional<String> description, boolean create)
    {
        get(workGroup);
        String key = PREPARED + workGroup + "/" + name;
        boolean exists = store.get(key).isPresent();
        if (create && exists) {
            throw ServiceException.user("InvalidRequestException", "Prepared statement " + name + " already exists in WorkGroup " + workGroup);
        }
        if (!create && !exists) {
            throw ServiceException.user("ResourceNotFoundException", "Prepared statement " + name + " was not found in WorkGroup " + workGroup);
        }
        ObjectNode statement = JsonProtocolService.JSON.createObjectNode();
        statement.put("StatementName", name);
        statement.put("QueryStatement", query);
        statement.put("WorkGroupName", workGroup);
        description.ifPresent(text -> statement.put("Description", text));
        statement.put("LastModifiedTime", JsonProtocolService.epochSeconds(clock.instant()));
        store.put(key, JsonDocuments.write(statement));
    }

    Optional<ObjectNode> statement(String workGroup, String name)
    {
        return store.get(PREPARED + workGroup + "/" + name).map(bytes -> JsonDocuments.read(bytes, "prepared statement"));
    }

    ObjectNode requireStatement(String workGroup, String name)
    {
        get(workGroup);
        return statement(workGroup, name).orElseThrow(() -> ServiceException.user("ResourceNotFoundException",
                "Prepared statement " + name + " was not found in WorkGroup " + workGroup));
    }

    List<ObjectNode> statements(String workGroup)
    {
        get(workGroup);
        String prefix = PREPARED + workGroup + "/";
        return keys(prefix).stream().map(key -> statement(workGroup, key.substring(prefix.length())))
                .flatMap(Optional::stream).toList();
    }

    synchronized void deleteStatement(String workGroup, String name)
    {
        requireStatement(workGroup, name);
        store.put(PREPARED + workGroup + "/" + name, null);
    }

    // named queries

    void putNamedQuery(String id, ObjectNode query)
    {
        store.put(NAMED + id, JsonDocuments.write(query));
    }

    Optional<ObjectNode> namedQuery(String id)
    {
        return store.get(NAMED + id).map(bytes -> JsonDocuments.read(bytes, "named query"));
    }

    void deleteNamedQuery(String id)
    {
        store.put(NAMED + id, null);
    }

    /** Ids of the named queries of a work group, in creation order. */
    List<String> namedQueryIds(String workGroup)
    {
        get(workGroup);
        List<ObjectNode> queries = new ArrayList<>();
        for (String key : namedQueryKeys(workGroup)) {
            namedQuery(key.substring(NAMED.length())).ifPresent(queries::add);
        }
        queries.sort(java.util.Comparator.comparingDouble((ObjectNode query) -> query.path("lakestackCreated").asDouble())
                .thenComparing(query -> query.path("NamedQueryId").asText()));
        return queries.stream().map(query -> query.path("NamedQueryId").asText()).toList();
    }

    private List<String> namedQueryKeys(String workGroup)
    {
        List<String> keys = new ArrayList<>();
        store.snapshot().forEach((key, bytes) -> {
            if (key.startsWith(NAMED) && JsonDocuments.read(bytes, "named query").path("WorkGroup").asText().equals(workGroup)) {
                keys.add(key);
            }
        });
        return keys;
    }

    private List<String> keys(String prefix)
    {
        Map<String, byte[]> sorted = new TreeMap<>(store.snapshot());
        return sorted.keySet().stream().filter(key -> key.startsWith(prefix)).toList();
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
        if (selected.isPresent() && !selected.get().equals("AUTO") && !selected.get().equals("Athena engine version 3")) {
            throw ServiceException.user("InvalidRequestException", "Engine version " + selected.get()
                    + " is not available in lakestack: it runs Athena engine version 3 (Trino)");
        }
    }

    private static void engineVersion(ObjectNode configuration)
    {
        configuration.putObject("EngineVersion").put("SelectedEngineVersion", "AUTO").put("EffectiveEngineVersion", "Athena engine version 3");
    }
}
