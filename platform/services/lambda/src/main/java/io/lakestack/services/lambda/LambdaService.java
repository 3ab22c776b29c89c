package io.lakestack.services.lambda;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.Utf8;
import io.lakestack.endpoint.rest.RestJsonService;
import io.lakestack.services.lambda.StoredFunction.Alias;
import io.lakestack.services.lambda.StoredFunction.Configuration;
import io.lakestack.services.lambda.StoredFunction.InvokeConfig;
import io.lakestack.services.lambda.StoredFunction.State;
import io.lakestack.spi.Arn;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.lambda.FunctionRunner;
import io.lakestack.spi.lambda.FunctionVersion;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * AWS Lambda's REST-JSON API: functions, versions, aliases, concurrency, event invoke configurations and tags, kept in
 * the record store {@value #STORE}; deployment packages in the object store ({@link FunctionCode}); invocations run by
 * a {@link FunctionRunner}; asynchronous invocations queued durably on the topic of the function
 * ({@link #asyncTopic}), where the same queue takes S3's event notifications to the function.
 *
 * <p>Local emulation: functions run as processes on this machine (see {@link FunctionRunner}); a setting lakestack
 * cannot apply (layers, VPC, container images, file systems, active tracing, SnapStart, a KMS key for the
 * environment, a log format or group of one's own, an architecture other than the machine's) is refused with a message
 * saying so; the account's concurrency is {@value #ACCOUNT_CONCURRENCY}.
 */
public final class LambdaService
        extends RestJsonService
        implements AutoCloseable
{
    public static final String STORE = "lambda.functions";
    /** The event source mapping definitions, which the pollers follow. */
    public static final String MAPPINGS_STORE = EventSourceMappings.STORE;
    /** Where the pollers report each mapping's state and last processing result. */
    public static final String MAPPING_STATUS_STORE = EventSourceMappings.STATUS_STORE;
    /** The account's concurrent executions, as GetAccountSettings reports them. */
    static final int ACCOUNT_CONCURRENCY = 100;
    /** What must stay unreserved, as Lambda requires (100 on AWS accounts of 1000). */
    static final int MINIMUM_UNRESERVED = 10;
    static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
    static final int MAX_ASYNC_PAYLOAD = 256 * 1024;
    /** The request id lakestack's asynchronous invocation worker runs an invocation under (see {@code Invoke}). */
    public static final String REQUEST_ID_HEADER = "X-Lakestack-Request-Id";
    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** The largest request Lambda's front end reads: a CreateFunction with a 50 MB ZipFile, base64 in JSON. */
    static final long MAX_REQUEST_BYTES = 70_167_211;
    private static final Logger log = LoggerFactory.getLogger(LambdaService.class);
    private static final String V1 = "/2015-03-31";
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern HANDLER = Pattern.compile("[^\\s]{1,128}");
    private static final Pattern ALIAS = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]{1,128})");
    private static final Pattern VERSION = Pattern.compile("(\\$LATEST|[0-9]+)");
    private static final Pattern ANY = Pattern.compile("(?s).*");
    private static final Set<String> KNOWN_RUNTIMES = Set.of("nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.9", "python3.10", "python3.11", "python3.12",
            "python3.13", "java8.al2", "java11", "java17", "java21", "dotnet8", "ruby3.2", "ruby3.3", "provided.al2", "provided.al2023");
    private static final List<String> REFUSED_SETTINGS = List.of("Layers", "VpcConfig", "FileSystemConfigs", "ImageConfig", "KMSKeyArn", "CodeSigningConfigArn");

    private final RecordStore<StoredFunction> functions;
    private final FunctionCode code;
    private final FunctionRunner runner;
    private final EventSink events;
    private final BiFunction<String, String, String> codeLocation;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final String architecture;
    private final ExecutorService activations;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param codeLocation a URL a client can download a deployment package from ({@code Code.Location} of
     *         GetFunction), given its bucket and key
     */
    /**
     * @param queues the SQS queues of this account by name, which event source mappings may read
     * @param mskClusters the MSK cluster event source mappings may read
     * @param region the stack's configured region: that of functions stored before functions kept the region of the
     *         request that created them
     * @param codeLocation a URL a client can download a deployment package from ({@code Code.Location} of
     *         GetFunction), given its bucket and key
     */
    public LambdaService(RecordStores stores, io.lakestack.spi.s3.ObjectStore objects, FunctionRunner runner, EventSink events,
            io.lakestack.spi.kinesis.KinesisStreams kinesis, Function<String, Optional<io.lakestack.spi.sqs.Queue>> queues,
            io.lakestack.spi.msk.MskClusters mskClusters, BiFunction<String, String, String> codeLocation, String region, String accountId, Clock clock)
    {
        super("lambda", "ValidationException");
        this.functions = requireNonNull(stores, "stores is null").open(STORE, StoredFunction.class);
        this.code = new FunctionCode(objects);
        this.runner = requireNonNull(runner, "runner is null");
        this.events = requireNonNull(events, "events is null");
        this.codeLocation = requireNonNull(codeLocation, "codeLocation is null");
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.architecture = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x86_64";
        this.activations = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lakestack-lambda-activation");
            thread.setDaemon(true);
            return thread;
        });
        functionRoutes();
        versionRoutes();
        aliasRoutes();
        concurrencyRoutes();
        invokeConfigRoutes();
        tagRoutes();
        policyRoutes();
        new EventSourceMappings(stores, kinesis, mskClusters, queues::apply, this::mappedFunction, region, accountId, clock).register(this);
        route("GET", "/2016-08-19/account-settings", (request, caller) -> {
            ObjectNode result = JSON.createObjectNode();
            ObjectNode limit = result.putObject("AccountLimit");
            limit.put("TotalCodeSize", 80_530_636_800L);
            limit.put("CodeSizeUnzipped", FunctionCode.MAX_UNZIPPED_BYTES);
            limit.put("CodeSizeZipped", FunctionCode.MAX_DIRECT_UPLOAD_BYTES);
            limit.put("ConcurrentExecutions", ACCOUNT_CONCURRENCY);
            limit.put("UnreservedConcurrentExecutions", ACCOUNT_CONCURRENCY - reserved(Optional.empty()));
            ObjectNode usage = result.putObject("AccountUsage");
            usage.put("TotalCodeSize", functions.all().values().stream().mapToLong(function -> function.latest().codeSize()).sum());
            usage.put("FunctionCount", functions.all().size());
            return RestResult.json(200, result);
        });
    }

    /** Lets the event source mappings add their operations to this service. */
    void register(String method, String template, Operation operation)
    {
        route(method, template, operation);
    }

    /** The ARN of the function (and qualifier) a mapping names; the function must exist. */
    private String mappedFunction(String reference)
    {
        FunctionReference parsed = FunctionReference.parse(reference, Optional.empty(), accountId);
        StoredFunction function = require(parsed);
        parsed.qualifier().ifPresent(qualifier -> resolve(function, Optional.of(qualifier)));
        return parsed.qualifier().map(qualifier -> qualifiedArn(function.name(), qualifier)).orElse(functionArn(function.name()));
    }

    /** The topic an asynchronous invocation of a function (and qualifier) is queued on. */
    public static String asyncTopic(String function, Optional<String> qualifier)
    {
        return "lakestack.lambda." + function + qualifier.filter(value -> !value.equals(FunctionVersion.LATEST)).map(value -> "." + value).orElse("");
    }

    // functions

    private void functionRoutes()
    {
        route("POST", V1 + "/functions", (request, caller) -> {
            JsonInput input = request.json();
            String name = input.requiredString("FunctionName", FunctionReference.NAME, 64);
            refuseUnsupported(input);
            String runtime = runtime(input.requiredString("Runtime"));
            Map<String, String> tags = input.has("Tags") ? input.stringMap("Tags") : Map.of();
            checkTags(tags);
            JsonInput source = input.object("Code");
            FunctionCode.Stored stored = storeCode(name, source);
            long now = clock.millis();
            Configuration latest = new Configuration(FunctionVersion.LATEST, runtime, input.requiredString("Handler", HANDLER, 128),
                    input.requiredString("Role", ROLE, 2048), input.integer("MemorySize", 128, 10_240).orElse(128),
                    input.integer("Timeout", 1, 900).orElse(3), ephemeralStorage(input).orElse(512), environment(input).orElse(Map.of()),
                    input.string("Description", ANY, 256).orElse(""), architectures(input).orElse(List.of(architecture)), deadLetterTarget(input),
                    stored.sha256(), stored.size(), stored.bucket(), stored.key(), revision(), now, State.Pending, Optional.of("The function is being created."),
                    Optional.of("Creating"));
            StoredFunction function;
            synchronized (lock(name)) {
                if (functions.get(name).isPresent()) {
                    throw ServiceException.user("ResourceConflictException", 409, "Function already exist: " + name);
                }
                function = new StoredFunction(name, Optional.of(caller.region()), latest, Map.of(), 1, Map.of(), Optional.empty(), Map.of(), tags, Map.of());
                if (input.bool("Publish").orElse(false)) {
                    function = function.withVersion(latest.publishedAs("1", revision()));
                }
                functions.put(name, function);
            }
            activate(name);
            return RestResult.json(201, configuration(function, input.bool("Publish").orElse(false) ? function.versions().get("1") : latest));
        });
        route("GET", V1 + "/functions", (request, caller) -> {
            boolean all = request.query("FunctionVersion").map(value -> {
                if (!value.equals("ALL")) {
                    throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + value
                            + "' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]");
                }
                return true;
            }).orElse(false);
            List<ObjectNode> configurations = new ArrayList<>();
            for (StoredFunction function : functions.all().values()) {
                configurations.add(configuration(function, function.latest()));
                if (all) {
                    function.versions().values().forEach(version -> configurations.add(configuration(function, version)));
                }
            }
            OffsetTokens.Slice<ObjectNode> page = OffsetTokens.slice(configurations, request.query("Marker"), maxItems(request), "InvalidParameterValueException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("Functions");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(marker -> result.put("NextMarker", marker));
            return RestResult.json(200, result);
        });
        route("GET", V1 + "/functions/{FunctionName}", (request, caller) -> {
            FunctionReference reference = reference(request);
            StoredFunction function = require(reference);
            Configuration configuration = resolve(function, reference.qualifier());
            ObjectNode result = JSON.createObjectNode();
            result.set("Configuration", configuration(function, configuration));
            ObjectNode location = result.putObject("Code");
            location.put("RepositoryType", "S3");
            location.put("Location", codeLocation.apply(configuration.codeBucket(), configuration.codeKey()));
            if (!function.tags().isEmpty()) {
                ObjectNode tags = result.putObject("Tags");
                new TreeMap<>(function.tags()).forEach(tags::put);
            }
            function.reservedConcurrency().ifPresent(concurrency -> result.putObject("Concurrency").put("ReservedConcurrentExecutions", concurrency));
            return RestResult.json(200, result);
        });
        route("GET", V1 + "/functions/{FunctionName}/configuration", (request, caller) -> {
            FunctionReference reference = reference(request);
            StoredFunction function = require(reference);
            return RestResult.json(200, configuration(function, resolve(function, reference.qualifier())));
        });
        route("DELETE", V1 + "/functions/{FunctionName}", (request, caller) -> {
            FunctionReference reference = reference(request);
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                if (reference.qualifier().isEmpty()) {
                    functions.delete(reference.name());
                }
                else {
                    String qualifier = reference.qualifier().get();
                    if (qualifier.equals(FunctionVersion.LATEST) || function.aliases().containsKey(qualifier)) {
                        throw ServiceException.user("InvalidParameterValueException", "Deletion of aliases or $LATEST through DeleteFunction is not "
                                + "allowed; delete the function without a qualifier, or the alias with DeleteAlias");
                    }
                    if (!function.versions().containsKey(qualifier)) {
                        throw notFound(function.name() + ":" + qualifier);
                    }
                    List<String> aliases = function.aliases().values().stream().filter(alias -> alias.functionVersion().equals(qualifier)
                            || alias.additionalVersionWeights().containsKey(qualifier)).map(Alias::name).toList();
                    if (!aliases.isEmpty()) {
                        throw ServiceException.user("ResourceConflictException", 409, "Unable to delete version because the following aliases "
                                + "reference it: " + aliases);
                    }
                    functions.put(reference.name(), function.withoutVersion(qualifier));
                }
            }
            runner.retire(reference.name());
            return RestResult.empty(204);
        });
        route("PUT", V1 + "/functions/{FunctionName}/code", (request, caller) -> {
            FunctionReference reference = reference(request);
            JsonInput input = request.json();
            refuseQualifier(reference);
            if (input.has("ImageUri")) {
                throw ServiceException.user("InvalidParameterValueException", "Container images are not supported by lakestack: use a .zip file archive");
            }
            FunctionCode.Stored stored = storeCode(reference.name(), input);
            Configuration updated;
            StoredFunction function;
            synchronized (lock(reference.name())) {
                function = require(reference);
                checkRevision(input, function.latest().revisionId());
                Configuration latest = function.latest();
                updated = new Configuration(FunctionVersion.LATEST, latest.runtime(), latest.handler(), latest.role(), latest.memoryMb(),
                        latest.timeoutSeconds(), latest.ephemeralStorageMb(), latest.environment(), latest.description(),
                        architectures(input).orElse(latest.architectures()), latest.deadLetterTargetArn(), stored.sha256(), stored.size(), stored.bucket(),
                        stored.key(), revision(), clock.millis(), latest.state(), latest.stateReason(), latest.stateReasonCode());
                function = function.withLatest(updated);
                if (input.bool("Publish").orElse(false)) {
                    function = function.withVersion(updated.publishedAs(String.valueOf(function.nextVersion()), revision()));
                    updated = function.versions().get(String.valueOf(function.nextVersion() - 1));
                }
                functions.put(reference.name(), function);
            }
            runner.retire(reference.name());
            return RestResult.json(200, configuration(function, updated));
        });
        route("PUT", V1 + "/functions/{FunctionName}/configuration", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            JsonInput input = request.json();
            refuseUnsupported(input);
            Configuration updated;
            StoredFunction function;
            synchronized (lock(reference.name())) {
                function = require(reference);
                checkRevision(input, function.latest().revisionId());
                Configuration latest = function.latest();
                String runtime = input.string("Runtime").map(LambdaService.this::runtime).orElse(latest.runtime());
                updated = new Configuration(FunctionVersion.LATEST, runtime, input.string("Handler", HANDLER, 128).orElse(latest.handler()),
                        input.string("Role", ROLE, 2048).orElse(latest.role()), input.integer("MemorySize", 128, 10_240).orElse(latest.memoryMb()),
                        input.integer("Timeout", 1, 900).orElse(latest.timeoutSeconds()), ephemeralStorage(input).orElse(latest.ephemeralStorageMb()),
                        environment(input).orElse(latest.environment()), input.string("Description", ANY, 256).orElse(latest.description()),
                        latest.architectures(), input.has("DeadLetterConfig") ? deadLetterTarget(input) : latest.deadLetterTargetArn(), latest.codeSha256(),
                        latest.codeSize(), latest.codeBucket(), latest.codeKey(), revision(), clock.millis(), latest.state(), latest.stateReason(),
                        latest.stateReasonCode());
                function = function.withLatest(updated);
                functions.put(reference.name(), function);
            }
            runner.retire(reference.name());
            return RestResult.json(200, configuration(function, updated));
        });
        route("POST", V1 + "/functions/{FunctionName}/invocations", this::invoke);
    }

    // versions

    private void versionRoutes()
    {
        route("POST", V1 + "/functions/{FunctionName}/versions", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            JsonInput input = request.json();
            Optional<String> description = input.string("Description", ANY, 256);
            StoredFunction function;
            Configuration published;
            synchronized (lock(reference.name())) {
                function = require(reference);
                Configuration latest = function.latest();
                checkRevision(input, latest.revisionId());
                Optional<String> sha = input.string("CodeSha256");
                if (sha.isPresent() && !sha.get().equals(latest.codeSha256())) {
                    throw ServiceException.user("InvalidParameterValueException", "CodeSHA256 (" + sha.get() + ") is different from current CodeSHA256 "
                            + "in $LATEST (" + latest.codeSha256() + "). Please try again with the CodeSHA256 in $LATEST.");
                }
                if (latest.state() != State.Active) {
                    throw conflict(latest);
                }
                Optional<Configuration> same = function.versions().values().stream().filter(version -> sameContent(version, latest)).findFirst();
                if (same.isPresent()) {
                    published = same.get();
                }
                else {
                    Configuration candidate = latest.publishedAs(String.valueOf(function.nextVersion()), revision());
                    published = description.map(text -> new Configuration(candidate.version(), candidate.runtime(),
                            candidate.handler(), candidate.role(), candidate.memoryMb(), candidate.timeoutSeconds(), candidate.ephemeralStorageMb(),
                            candidate.environment(), text, candidate.architectures(), candidate.deadLetterTargetArn(), candidate.codeSha256(),
                            candidate.codeSize(), candidate.codeBucket(), candidate.codeKey(), candidate.revisionId(), candidate.lastModifiedMillis(),
                            candidate.state(), candidate.stateReason(), candidate.stateReasonCode())).orElse(candidate);
                    function = function.withVersion(published);
                    functions.put(reference.name(), function);
                }
            }
            return RestResult.json(201, configuration(function, published));
        });
        route("GET", V1 + "/functions/{FunctionName}/versions", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            StoredFunction function = require(reference);
            List<ObjectNode> versions = new ArrayList<>();
            versions.add(configuration(function, function.latest()));
            function.versions().values().stream().sorted((a, b) -> Long.compare(Long.parseLong(a.version()), Long.parseLong(b.version())))
                    .forEach(version -> versions.add(configuration(function, version)));
            OffsetTokens.Slice<ObjectNode> page = OffsetTokens.slice(versions, request.query("Marker"), maxItems(request), "InvalidParameterValueException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("Versions");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(marker -> result.put("NextMarker", marker));
            return RestResult.json(200, result);
        });
    }

    private static boolean sameContent(Configuration a, Configuration b)
    {
        return a.codeSha256().equals(b.codeSha256()) && a.runtime().equals(b.runtime()) && a.handler().equals(b.handler()) && a.role().equals(b.role())
                && a.memoryMb() == b.memoryMb() && a.timeoutSeconds() == b.timeoutSeconds() && a.ephemeralStorageMb() == b.ephemeralStorageMb()
                && a.environment().equals(b.environment()) && a.architectures().equals(b.architectures())
                && a.deadLetterTargetArn().equals(b.deadLetterTargetArn());
    }

    // aliases

    private void aliasRoutes()
    {
        route("POST", V1 + "/functions/{FunctionName}/aliases", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            JsonInput input = request.json();
            String name = input.requiredString("Name", ALIAS, 128);
            Alias alias;
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                if (function.aliases().containsKey(name)) {
                    throw ServiceException.user("ResourceConflictException", 409, "Alias already exists: " + aliasArn(function.name(), name));
                }
                alias = new Alias(name, aliasVersion(function, input.requiredString("FunctionVersion")), input.string("Description", ANY, 256).orElse(""),
                        weights(function, input), revision());
                functions.put(reference.name(), function.withAlias(name, Optional.of(alias)));
            }
            return RestResult.json(201, alias(reference.name(), alias));
        });
        route("GET", V1 + "/functions/{FunctionName}/aliases", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            StoredFunction function = require(reference);
            Optional<String> version = request.query("FunctionVersion");
            version.filter(value -> value.length() > 1024 || !VERSION.matcher(value).matches()).ifPresent(value -> {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + value + "' at 'functionVersion' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: " + VERSION.pattern());
            });
            List<ObjectNode> aliases = function.aliases().values().stream()
                    .filter(alias -> version.isEmpty() || alias.functionVersion().equals(version.get()))
                    .map(alias -> alias(function.name(), alias)).toList();
            OffsetTokens.Slice<ObjectNode> page = OffsetTokens.slice(aliases, request.query("Marker"), maxItems(request), "InvalidParameterValueException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("Aliases");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(marker -> result.put("NextMarker", marker));
            return RestResult.json(200, result);
        });
        route("GET", V1 + "/functions/{FunctionName}/aliases/{Name}", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            StoredFunction function = require(reference);
            return RestResult.json(200, alias(function.name(), requireAlias(function, request.path("Name"))));
        });
        route("PUT", V1 + "/functions/{FunctionName}/aliases/{Name}", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            JsonInput input = request.json();
            Alias updated;
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                Alias alias = requireAlias(function, request.path("Name"));
                checkRevision(input, alias.revisionId());
                updated = new Alias(alias.name(), input.string("FunctionVersion").map(version -> aliasVersion(function, version)).orElse(alias.functionVersion()),
                        input.string("Description", ANY, 256).orElse(alias.description()),
                        input.has("RoutingConfig") ? weights(function, input) : alias.additionalVersionWeights(), revision());
                functions.put(reference.name(), function.withAlias(alias.name(), Optional.of(updated)));
            }
            return RestResult.json(200, alias(reference.name(), updated));
        });
        route("DELETE", V1 + "/functions/{FunctionName}/aliases/{Name}", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                Alias alias = requireAlias(function, request.path("Name"));
                functions.put(reference.name(), function.withAlias(alias.name(), Optional.empty()));
            }
            return RestResult.empty(204);
        });
    }

    private String aliasVersion(StoredFunction function, String version)
    {
        if (!version.equals(FunctionVersion.LATEST) && !function.versions().containsKey(version)) {
            throw notFound(function.name() + ":" + version);
        }
        return version;
    }

    private Map<String, Double> weights(StoredFunction function, JsonInput input)
    {
        Map<String, Double> weights = new TreeMap<>();
        Optional<JsonInput> routing = input.optionalObject("RoutingConfig");
        if (routing.isEmpty()) {
            return weights;
        }
        Optional<JsonInput> additional = routing.get().optionalObject("AdditionalVersionWeights");
        if (additional.isEmpty()) {
            return weights;
        }
        additional.get().raw().fields().forEachRemaining(entry -> {
            if (!entry.getValue().isNumber() || entry.getValue().asDouble() < 0 || entry.getValue().asDouble() > 1) {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + entry.getValue()
                        + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: "
                        + "[Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]");
            }
            if (!function.versions().containsKey(entry.getKey())) {
                throw ServiceException.user("InvalidParameterValueException", "Version " + entry.getKey() + " of function " + function.name()
                        + " does not exist; an alias routes only to published versions");
            }
            weights.put(entry.getKey(), entry.getValue().asDouble());
        });
        if (weights.size() > 1) {
            throw ServiceException.user("InvalidParameterValueException", "An alias can route to at most one additional version");
        }
        return weights;
    }

    private Alias requireAlias(StoredFunction function, String name)
    {
        Alias alias = function.aliases().get(name);
        if (alias == null) {
            throw ServiceException.user("ResourceNotFoundException", 404, "Alias not found: " + aliasArn(function.name(), name));
        }
        return alias;
    }

    private ObjectNode alias(String function, Alias alias)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("AliasArn", aliasArn(function, alias.name()));
        node.put("Name", alias.name());
        node.put("FunctionVersion", alias.functionVersion());
        node.put("Description", alias.description());
        if (!alias.additionalVersionWeights().isEmpty()) {
            ObjectNode weights = node.putObject("RoutingConfig").putObject("AdditionalVersionWeights");
            alias.additionalVersionWeights().forEach(weights::put);
        }
        node.put("RevisionId", alias.revisionId());
        return node;
    }

    // concurrency

    private void concurrencyRoutes()
    {
        route("PUT", "/2017-10-31/functions/{FunctionName}/concurrency", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            int concurrency = request.json().integer("ReservedConcurrentExecutions", 0, ACCOUNT_CONCURRENCY)
                    .orElseThrow(() -> request.json().missing("ReservedConcurrentExecutions"));
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                int unreserved = ACCOUNT_CONCURRENCY - reserved(Optional.of(function.name())) - concurrency;
                if (unreserved < MINIMUM_UNRESERVED) {
                    throw ServiceException.user("InvalidParameterValueException", "Specified ReservedConcurrentExecutions for function decreases "
                            + "account's UnreservedConcurrentExecution below its minimum value of [" + MINIMUM_UNRESERVED + "].");
                }
                functions.put(function.name(), function.withReservedConcurrency(Optional.of(concurrency)));
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("ReservedConcurrentExecutions", concurrency);
            return RestResult.json(200, result);
        });
        route("GET", "/2019-09-30/functions/{FunctionName}/concurrency", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            ObjectNode result = JSON.createObjectNode();
            require(reference).reservedConcurrency().ifPresent(concurrency -> result.put("ReservedConcurrentExecutions", concurrency));
            return RestResult.json(200, result);
        });
        route("DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                functions.put(function.name(), function.withReservedConcurrency(Optional.empty()));
            }
            return RestResult.empty(204);
        });
    }

    /** The concurrency reserved by every function but the one named. */
    private int reserved(Optional<String> except)
    {
        return functions.all().values().stream().filter(function -> except.isEmpty() || !function.name().equals(except.get()))
                .mapToInt(function -> function.reservedConcurrency().orElse(0)).sum();
    }

    // event invoke configuration

    private void invokeConfigRoutes()
    {
        String path = "/2019-09-25/functions/{FunctionName}/event-invoke-config";
        route("PUT", path, (request, caller) -> putInvokeConfig(request, false));
        route("POST", path, (request, caller) -> putInvokeConfig(request, true));
        route("GET", path, (request, caller) -> {
            FunctionReference reference = reference(request);
            StoredFunction function = require(reference);
            String qualifier = invokeConfigQualifier(function, reference);
            InvokeConfig config = Optional.ofNullable(function.invokeConfigs().get(qualifier)).orElseThrow(() -> ServiceException.user(
                    "ResourceNotFoundException", 404, "The function " + qualifiedArn(function.name(), qualifier) + " doesn't have an EventInvokeConfig"));
            return RestResult.json(200, invokeConfig(function.name(), qualifier, config));
        });
        route("DELETE", path, (request, caller) -> {
            FunctionReference reference = reference(request);
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                String qualifier = invokeConfigQualifier(function, reference);
                if (!function.invokeConfigs().containsKey(qualifier)) {
                    throw ServiceException.user("ResourceNotFoundException", 404, "The function " + qualifiedArn(function.name(), qualifier)
                            + " doesn't have an EventInvokeConfig");
                }
                functions.put(function.name(), function.withInvokeConfig(qualifier, Optional.empty()));
            }
            return RestResult.empty(204);
        });
        route("GET", "/2019-09-25/functions/{FunctionName}/event-invoke-config/list", (request, caller) -> {
            FunctionReference reference = reference(request);
            refuseQualifier(reference);
            StoredFunction function = require(reference);
            List<ObjectNode> configs = function.invokeConfigs().entrySet().stream()
                    .map(entry -> invokeConfig(function.name(), entry.getKey(), entry.getValue())).toList();
            OffsetTokens.Slice<ObjectNode> page = OffsetTokens.slice(configs, request.query("Marker"), maxItems(request), "InvalidParameterValueException");
            ObjectNode result = JSON.createObjectNode();
            ArrayNode list = result.putArray("FunctionEventInvokeConfigs");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(marker -> result.put("NextMarker", marker));
            return RestResult.json(200, result);
        });
    }

    private RestResult putInvokeConfig(RestRequest request, boolean merge)
    {
        FunctionReference reference = reference(request);
        JsonInput input = request.json();
        InvokeConfig config;
        String qualifier;
        synchronized (lock(reference.name())) {
            StoredFunction function = require(reference);
            qualifier = invokeConfigQualifier(function, reference);
            Optional<InvokeConfig> existing = Optional.ofNullable(function.invokeConfigs().get(qualifier));
            if (merge && existing.isEmpty()) {
                throw ServiceException.user("ResourceNotFoundException", 404, "The function " + qualifiedArn(function.name(), qualifier)
                        + " doesn't have an EventInvokeConfig");
            }
            InvokeConfig base = merge ? existing.get() : new InvokeConfig(2, 21_600, Optional.empty(), Optional.empty(), 0);
            Optional<JsonInput> destinations = input.optionalObject("DestinationConfig");
            Optional<String> onSuccess = destinations.flatMap(value -> value.optionalObject("OnSuccess")).flatMap(value -> value.string("Destination"));
            Optional<String> onFailure = destinations.flatMap(value -> value.optionalObject("OnFailure")).flatMap(value -> value.string("Destination"));
            onSuccess.ifPresent(this::checkDestination);
            onFailure.ifPresent(this::checkDestination);
            config = new InvokeConfig(input.integer("MaximumRetryAttempts", 0, 2).orElse(base.maximumRetryAttempts()),
                    input.integer("MaximumEventAgeInSeconds", 60, 21_600).orElse(base.maximumEventAgeSeconds()),
                    merge && destinations.flatMap(value -> value.optionalObject("OnSuccess")).isEmpty() ? base.onSuccess() : onSuccess,
                    merge && destinations.flatMap(value -> value.optionalObject("OnFailure")).isEmpty() ? base.onFailure() : onFailure, clock.millis());
            functions.put(function.name(), function.withInvokeConfig(qualifier, Optional.of(config)));
        }
        return RestResult.json(200, invokeConfig(reference.name(), qualifier, config));
    }

    private void checkDestination(String arn)
    {
        if (!arn.matches("arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events|s3):[a-z0-9-]*:\\d{0,12}:.+")) {
            throw ServiceException.user("InvalidParameterValueException", "The destination ARN " + arn + " is invalid: a destination is an SQS queue, "
                    + "an SNS topic, a Lambda function, an EventBridge event bus or an S3 bucket ARN");
        }
    }

    private String invokeConfigQualifier(StoredFunction function, FunctionReference reference)
    {
        String qualifier = reference.qualifier().orElse(FunctionVersion.LATEST);
        if (!qualifier.equals(FunctionVersion.LATEST) && !function.versions().containsKey(qualifier) && !function.aliases().containsKey(qualifier)) {
            throw notFound(function.name() + ":" + qualifier);
        }
        return qualifier;
    }

    private ObjectNode invokeConfig(String function, String qualifier, InvokeConfig config)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("LastModified", config.lastModifiedMillis() / 1000.0);
        node.put("FunctionArn", qualifiedArn(function, qualifier));
        node.put("MaximumRetryAttempts", config.maximumRetryAttempts());
        node.put("MaximumEventAgeInSeconds", config.maximumEventAgeSeconds());
        ObjectNode destinations = node.putObject("DestinationConfig");
        ObjectNode success = destinations.putObject("OnSuccess");
        config.onSuccess().ifPresent(arn -> success.put("Destination", arn));
        ObjectNode failure = destinations.putObject("OnFailure");
        config.onFailure().ifPresent(arn -> failure.put("Destination", arn));
        return node;
    }

    // tags

    private void tagRoutes()
    {
        route("POST", "/2017-03-31/tags/{ARN}", (request, caller) -> {
            String name = taggedFunction(request.path("ARN"));
            Map<String, String> added = request.json().stringMap("Tags");
            if (!request.json().has("Tags")) {
                throw request.json().missing("Tags");
            }
            synchronized (lock(name)) {
                StoredFunction function = require(name);
                Map<String, String> tags = new TreeMap<>(function.tags());
                tags.putAll(added);
                checkTags(tags);
                functions.put(name, function.withTags(tags));
            }
            return RestResult.empty(204);
        });
        route("GET", "/2017-03-31/tags/{ARN}", (request, caller) -> {
            StoredFunction function = require(taggedFunction(request.path("ARN")));
            ObjectNode result = JSON.createObjectNode();
            ObjectNode tags = result.putObject("Tags");
            new TreeMap<>(function.tags()).forEach(tags::put);
            return RestResult.json(200, result);
        });
        route("DELETE", "/2017-03-31/tags/{ARN}", (request, caller) -> {
            String name = taggedFunction(request.path("ARN"));
            List<String> keys = request.raw().queryParameters().stream().filter(entry -> entry.getKey().equals("tagKeys")).map(Map.Entry::getValue).toList();
            if (keys.isEmpty()) {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
                        + "Member must not be null");
            }
            synchronized (lock(name)) {
                StoredFunction function = require(name);
                Map<String, String> tags = new TreeMap<>(function.tags());
                keys.forEach(tags::remove);
                functions.put(name, function.withTags(tags));
            }
            return RestResult.empty(204);
        });
    }

    // resource-based policy

    private static final java.util.regex.Pattern STATEMENT_ID = java.util.regex.Pattern.compile("[a-zA-Z0-9-_.]+");
    private static final java.util.regex.Pattern POLICY_ACTION = java.util.regex.Pattern.compile("(lambda:[*]|lambda:[a-zA-Z]+|[*])");
    private static final java.util.regex.Pattern POLICY_PRINCIPAL = java.util.regex.Pattern.compile("[^\\s]+");

    /**
     * AddPermission, GetPolicy, RemovePermission: the statements are kept per qualifier and answered in AWS's policy
     * document shape. lakestack has no IAM, so no caller is refused by them (as roles are kept and not assumed).
     */
    private void policyRoutes()
    {
        route("POST", V1 + "/functions/{FunctionName}/policy", (request, caller) -> {
            FunctionReference reference = reference(request);
            JsonInput input = request.json();
            String sid = input.string("StatementId", STATEMENT_ID, 100).orElseThrow(() -> input.missing("StatementId"));
            String action = input.string("Action", POLICY_ACTION, 256).orElseThrow(() -> input.missing("Action"));
            String principal = input.string("Principal", POLICY_PRINCIPAL, 256).orElseThrow(() -> input.missing("Principal"));
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                String qualifier = reference.qualifier().orElse(FunctionVersion.LATEST);
                // the revision GetPolicy answers, as AWS tells a caller whose RevisionId does not match
                checkRevision(input.string("RevisionId"), resolve(function, reference.qualifier()).revisionId());
                String key = qualifier + ":" + sid;
                if (function.policyStatements().containsKey(key)) {
                    throw ServiceException.user("ResourceConflictException", 409, "The statement id (" + sid + ") provided already exists. Please "
                            + "provide a new statement id, or remove the existing statement.");
                }
                ObjectNode statement = JSON.createObjectNode();
                statement.put("Sid", sid);
                statement.put("Effect", "Allow");
                if (principal.equals("*")) {
                    statement.put("Principal", "*");
                }
                else if (principal.endsWith(".amazonaws.com")) {
                    statement.putObject("Principal").put("Service", principal);
                }
                else {
                    statement.putObject("Principal").put("AWS", principal.matches("\\d{12}") ? "arn:aws:iam::" + principal + ":root" : principal);
                }
                statement.put("Action", action);
                statement.put("Resource", reference.qualifier().map(value -> qualifiedArn(function.name(), value)).orElse(functionArn(function.name())));
                ObjectNode condition = JSON.createObjectNode();
                input.string("SourceAccount").ifPresent(account -> condition.withObject("StringEquals").put("AWS:SourceAccount", account));
                input.string("PrincipalOrgID").ifPresent(org -> condition.withObject("StringEquals").put("aws:PrincipalOrgID", org));
                input.string("EventSourceToken").ifPresent(token -> condition.withObject("StringEquals").put("lambda:EventSourceToken", token));
                input.string("FunctionUrlAuthType").ifPresent(type -> condition.withObject("StringEquals").put("lambda:FunctionUrlAuthType", type));
                input.string("SourceArn").ifPresent(arn -> condition.withObject("ArnLike").put("AWS:SourceArn", arn));
                if (!condition.isEmpty()) {
                    statement.set("Condition", condition);
                }
                Map<String, String> statements = new java.util.LinkedHashMap<>(function.policyStatements());
                statements.put(key, statement.toString());
                functions.put(function.name(), function.withPolicyStatements(statements));
                ObjectNode result = JSON.createObjectNode();
                result.put("Statement", statement.toString());
                return RestResult.json(201, result);
            }
        });
        route("GET", V1 + "/functions/{FunctionName}/policy", (request, caller) -> {
            FunctionReference reference = reference(request);
            StoredFunction function = require(reference);
            String prefix = reference.qualifier().orElse(FunctionVersion.LATEST) + ":";
            List<String> statements = function.policyStatements().entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                    .map(Map.Entry::getValue).toList();
            if (statements.isEmpty()) {
                throw ServiceException.user("ResourceNotFoundException", 404, "The resource you requested does not exist.");
            }
            ObjectNode policy = JSON.createObjectNode();
            policy.put("Version", "2012-10-17");
            policy.put("Id", "default");
            ArrayNode list = policy.putArray("Statement");
            for (String statement : statements) {
                try {
                    list.add(JSON.readTree(statement));
                }
                catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("Policy", policy.toString());
            result.put("RevisionId", resolve(function, reference.qualifier()).revisionId());
            return RestResult.json(200, result);
        });
        route("DELETE", V1 + "/functions/{FunctionName}/policy/{StatementId}", (request, caller) -> {
            FunctionReference reference = reference(request);
            synchronized (lock(reference.name())) {
                StoredFunction function = require(reference);
                String key = reference.qualifier().orElse(FunctionVersion.LATEST) + ":" + request.path("StatementId");
                if (!function.policyStatements().containsKey(key)) {
                    throw ServiceException.user("ResourceNotFoundException", 404, "The resource you requested does not exist.");
                }
                checkRevision(request.query("RevisionId"), resolve(function, reference.qualifier()).revisionId());
                Map<String, String> statements = new java.util.LinkedHashMap<>(function.policyStatements());
                statements.remove(key);
                functions.put(function.name(), function.withPolicyStatements(statements));
            }
            return RestResult.empty(204);
        });
    }

    /** The function a tag operation's ARN names: one of this account, in the function's region. */
    private String taggedFunction(String arn)
    {
        Optional<Arn> parsed = Arn.parse(arn, "lambda")
                .filter(value -> value.accountId().equals(accountId) && value.resource().matches("function:" + FunctionReference.NAME.pattern()));
        if (parsed.isEmpty()) {
            throw ServiceException.user("InvalidParameterValueException", "The resource " + arn + " is not a function ARN of this account "
                    + "(arn:aws:lambda:<region>:" + accountId + ":function:<name>)");
        }
        String name = parsed.get().resource().substring("function:".length());
        return require(new FunctionReference(name, Optional.empty(), Optional.of(parsed.get().region()))).name();
    }

    private static void checkTags(Map<String, String> tags)
    {
        if (tags.size() > 50) {
            throw ServiceException.user("InvalidParameterValueException", "Number of tags exceeds resource tag limit: a function can have at most 50 "
                    + "tags, " + tags.size() + " given");
        }
        tags.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 128 || value.length() > 256 || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw ServiceException.user("InvalidParameterValueException", "Invalid tag " + key + ": keys are 1-128 characters not starting with "
                        + "'aws:', values at most 256");
            }
        });
    }

    // invocations

    private RestResult invoke(RestRequest request, io.lakestack.endpoint.auth.Authenticator.Caller caller)
    {
        FunctionReference reference = reference(request);
        String type = request.header("x-amz-invocation-type").orElse("RequestResponse");
        String logType = request.header("x-amz-log-type").orElse("None");
        if (!Set.of("RequestResponse", "Event", "DryRun").contains(type)) {
            throw ServiceException.user("InvalidParameterValueException", "Unsupported invocation type " + type
                    + ": use RequestResponse, Event or DryRun");
        }
        if (!logType.equals("None") && !logType.equals("Tail")) {
            throw ServiceException.user("InvalidParameterValueException", "Unsupported log type " + logType + ": use None or Tail");
        }
        StoredFunction function = require(reference);
        Configuration configuration = invocable(function, reference);
        byte[] payload = request.bytes();
        checkSize(payload, type);
        checkJson(payload);
        String invokedArn = invokedArn(function, reference);
        String requestId = type.equals("RequestResponse") ? givenRequestId(request).orElseGet(() -> UUID.randomUUID().toString())
                : UUID.randomUUID().toString();
        switch (type) {
            case "DryRun" -> {
                return RestResult.empty(204).withHeader("x-amzn-RequestId", requestId);
            }
            case "Event" -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("lakestack.request-id", requestId);
                headers.put("lakestack.invoked-arn", invokedArn);
                events.publish(asyncTopic(function.name(), reference.qualifier()), requestId, payload, headers);
                return RestResult.empty(202).withHeader("x-amzn-RequestId", requestId);
            }
            default -> {
                Optional<String> clientContext = request.header("x-amz-client-context");
                clientContext.ifPresent(LambdaService::checkClientContext);
                FunctionRunner.Result result = run(function, configuration, requestId, invokedArn, payload, clientContext, logType.equals("Tail"));
                RestResult response = new RestResult(200, Map.of("X-Amz-Executed-Version", configuration.version(), "x-amzn-RequestId", requestId),
                        result.payload(), "application/json");
                if (result.functionError().isPresent()) {
                    response = response.withHeader("X-Amz-Function-Error", result.functionError().get());
                }
                if (result.logTail().isPresent()) {
                    response = response.withHeader("X-Amz-Log-Result", result.logTail().get());
                }
                return response;
            }
        }
    }

    /** What a synchronous invocation answered: the invocation's id, the version that ran, and the function's result. */
    public record Invoked(String requestId, String executedVersion, FunctionRunner.Result result)
    {
        public Invoked
        {
            requireNonNull(requestId, "requestId is null");
            requireNonNull(executedVersion, "executedVersion is null");
            requireNonNull(result, "result is null");
        }
    }

    /**
     * {@code Invoke} with {@code InvocationType} {@code RequestResponse}, for Lambda's own callers in this process: the
     * pollers of event source mappings and the asynchronous invocation worker. The function is resolved, routed, checked
     * and run as for the API, with the same errors ({@code ResourceNotFoundException}, {@code ResourceConflictException},
     * {@code RequestTooLargeException}, {@code TooManyRequestsException}...), without the HTTP request, its signature and
     * Invoke's check that the payload is JSON: these callers write each event themselves (the pollers), or hand on one
     * that {@code Invoke} checked when it queued it (the worker), as Lambda's own services call functions.
     *
     * @param function a function's name or ARN, with its qualifier if it has one
     * @param requestId the id the invocation runs under (a UUID); empty for a new one
     */
    public Invoked invokeSynchronously(String function, byte[] payload, Optional<String> requestId)
    {
        requireNonNull(payload, "payload is null");
        FunctionReference reference = FunctionReference.parse(function, Optional.empty(), accountId);
        requestId.ifPresent(LambdaService::checkRequestId);
        StoredFunction stored = require(reference);
        Configuration configuration = invocable(stored, reference);
        checkSize(payload, "RequestResponse");
        String id = requestId.orElseGet(() -> UUID.randomUUID().toString());
        FunctionRunner.Result result = run(stored, configuration, id, invokedArn(stored, reference), payload, Optional.empty(), false);
        return new Invoked(id, configuration.version(), result);
    }

    /** The configuration an invocation of the reference runs: an alias routed by its weights; refused unless {@code Active}. */
    private Configuration invocable(StoredFunction function, FunctionReference reference)
    {
        Configuration configuration = resolve(function, reference.qualifier());
        if (reference.qualifier().filter(function.aliases()::containsKey).isPresent()) {
            configuration = route(function, function.aliases().get(reference.qualifier().get()));
        }
        if (configuration.state() != State.Active) {
            throw conflict(configuration);
        }
        return configuration;
    }

    private static void checkSize(byte[] payload, String invocationType)
    {
        int limit = invocationType.equals("Event") ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
        if (payload.length > limit) {
            throw ServiceException.user("RequestTooLargeException", 413, "Request must be smaller than " + limit + " bytes for the " + invocationType
                    + " invocation type");
        }
    }

    private String invokedArn(StoredFunction function, FunctionReference reference)
    {
        return reference.qualifier().map(qualifier -> qualifiedArn(function.name(), qualifier)).orElse(functionArn(function.name()));
    }

    private FunctionRunner.Result run(StoredFunction function, Configuration configuration, String requestId, String invokedArn, byte[] payload,
            Optional<String> clientContext, boolean tailLog)
    {
        return runner.invoke(version(function.name(), configuration), new FunctionRunner.Request(requestId, invokedArn, payload, clientContext, tailLog,
                function.reservedConcurrency().orElse(ACCOUNT_CONCURRENCY - reserved(Optional.of(function.name())))));
    }

    /**
     * The request id an asynchronous invocation keeps when lakestack's own worker runs it ({@value #REQUEST_ID_HEADER}, a
     * UUID, as the id {@code Invoke} answered the {@code Event} invocation with), so that the function's logs, its
     * context and its destinations' records name the id the caller was given. AWS has no such header.
     */
    private static Optional<String> givenRequestId(RestRequest request)
    {
        Optional<String> given = request.header(REQUEST_ID_HEADER);
        given.ifPresent(LambdaService::checkRequestId);
        return given;
    }

    private static void checkRequestId(String requestId)
    {
        if (!UUID_SHAPE.matcher(requestId).matches()) {
            throw ServiceException.user("InvalidParameterValueException", REQUEST_ID_HEADER + " must be a UUID, as Invoke's request ids are: " + requestId);
        }
    }

    /** Invoke's client context: at most 3,583 bytes of base64 of a JSON object, as Lambda takes it. */
    private static void checkClientContext(String context)
    {
        if (context.length() > 3583) {
            throw ServiceException.user("InvalidParameterValueException", "Client context must be at most 3583 bytes base64");
        }
        com.fasterxml.jackson.databind.JsonNode parsed;
        try {
            byte[] decoded = Base64.getDecoder().decode(context);
            parsed = JSON.readTree(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(decoded)).toString());
        }
        catch (IllegalArgumentException | java.io.IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            throw ServiceException.user("InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.");
        }
    }

    /** The version an alias sends an invocation to: its own, or the additional one with its weight's probability. */
    private static Configuration route(StoredFunction function, Alias alias)
    {
        String version = alias.functionVersion();
        for (Map.Entry<String, Double> weight : alias.additionalVersionWeights().entrySet()) {
            if (ThreadLocalRandom.current().nextDouble() < weight.getValue()) {
                version = weight.getKey();
            }
        }
        String chosen = version;
        return function.version(chosen).orElseThrow(() -> ServiceException.user("ResourceNotFoundException", 404, "Function not found: "
                + function.name() + ":" + chosen));
    }

    /**
     * An Invoke payload must be a JSON document in UTF-8, every byte of it: read through a decoder that refuses what is
     * not UTF-8 (overlong forms, encoded surrogates included), which the JSON parser alone lets through in strings.
     */
    private static void checkJson(byte[] payload)
    {
        if (payload.length == 0) {
            return;
        }
        // checked over the bytes first, then parsed from them: events of megabytes come from event source mappings
        if (!Utf8.isValid(payload)) {
            throw ServiceException.user("InvalidRequestContentException", "Could not parse request body into json: Could not parse payload into json: "
                    + "the payload is not UTF-8");
        }
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(payload)) {
            while (parser.nextToken() != null) {
                // reads the whole document
            }
        }
        catch (java.io.IOException e) {
            throw ServiceException.user("InvalidRequestContentException", "Could not parse request body into json: Could not parse payload into json: "
                    + e.getMessage().split("\n")[0]);
        }
    }

    /** What the runner needs of a version. */
    FunctionVersion version(String name, Configuration configuration)
    {
        return new FunctionVersion(name, configuration.version(), qualifiedArn(name, configuration.version()), configuration.runtime(),
                configuration.handler(), configuration.memoryMb(), configuration.timeoutSeconds(), configuration.environment(),
                configuration.codeSha256(), configuration.codeSize(), configuration.codeBucket(), configuration.codeKey(), configuration.revisionId());
    }

    // state

    /** A new function becomes Active once its runtime is known to run here; else Failed with the reason. */
    private void activate(String name)
    {
        activations.execute(() -> {
            synchronized (lock(name)) {
                Optional<StoredFunction> stored = functions.get(name);
                if (stored.isEmpty() || stored.get().latest().state() != State.Pending) {
                    return;
                }
                StoredFunction function = stored.get();
                Optional<String> unavailable = runner.unavailable(function.latest().runtime());
                if (unavailable.isEmpty()) {
                    // the code, fetched and unpacked while the function is Pending, as Lambda prepares it
                    runner.stage(version(name, function.latest()));
                }
                Configuration latest = unavailable.isPresent()
                        ? function.latest().withState(State.Failed, unavailable, Optional.of("InvalidRuntime"), revision())
                        : function.latest().withState(State.Active, Optional.empty(), Optional.empty(), revision());
                StoredFunction activated = function.withLatest(latest);
                for (Configuration version : function.versions().values()) {
                    if (version.state() == State.Pending) {
                        activated = activated.withVersion(version.withState(latest.state(), latest.stateReason(), latest.stateReasonCode(), revision()));
                    }
                }
                functions.put(name, new StoredFunction(activated.name(), activated.region(), activated.latest(), activated.versions(), function.nextVersion(),
                        activated.aliases(), activated.reservedConcurrency(), activated.invokeConfigs(), activated.tags(), activated.policyStatements()));
            }
        });
    }

    private static ServiceException conflict(Configuration configuration)
    {
        if (configuration.state() == State.Failed) {
            return ServiceException.user("ResourceConflictException", 409, "The operation cannot be performed at this time. The function is currently in "
                    + "the following state: Failed. " + configuration.stateReason().orElse(""));
        }
        return ServiceException.user("ResourceConflictException", 409, "The operation cannot be performed at this time. The function is currently in "
                + "the following state: " + configuration.state());
    }

    // input

    private FunctionReference reference(RestRequest request)
    {
        return FunctionReference.parse(request.path("FunctionName"), request.query("Qualifier"), accountId);
    }

    private static void refuseQualifier(FunctionReference reference)
    {
        if (reference.qualifier().isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "This operation takes an unqualified function name; remove the qualifier "
                    + reference.qualifier().get());
        }
    }

    private StoredFunction require(String name)
    {
        return functions.getLatest(name).orElseThrow(() -> notFound(name));
    }

    /** The function a reference names: by its ARN only in the function's region, as a function of another region is not there. */
    private StoredFunction require(FunctionReference reference)
    {
        StoredFunction function = require(reference.name());
        if (reference.region().isPresent() && !reference.region().get().equals(region(function))) {
            throw ServiceException.user("ResourceNotFoundException", 404, "Function not found: " + Arn.of("lambda", reference.region().get(), accountId,
                    "function:" + reference.name() + reference.qualifier().map(qualifier -> ":" + qualifier).orElse("")));
        }
        return function;
    }

    private ServiceException notFound(String nameWithQualifier)
    {
        int colon = nameWithQualifier.indexOf(':');
        String name = colon < 0 ? nameWithQualifier : nameWithQualifier.substring(0, colon);
        return ServiceException.user("ResourceNotFoundException", 404, "Function not found: " + functionArn(name) + nameWithQualifier.substring(name.length()));
    }

    private Configuration resolve(StoredFunction function, Optional<String> qualifier)
    {
        if (qualifier.isEmpty()) {
            return function.latest();
        }
        Alias alias = function.aliases().get(qualifier.get());
        String version = alias != null ? alias.functionVersion() : qualifier.get();
        return function.version(version).orElseThrow(() -> notFound(function.name() + ":" + qualifier.get()));
    }

    private String runtime(String runtime)
    {
        if (!KNOWN_RUNTIMES.contains(runtime)) {
            throw ServiceException.user("InvalidParameterValueException", "Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must "
                    + "satisfy enum value set: " + new java.util.TreeSet<>(KNOWN_RUNTIMES));
        }
        if (!runner.runtimes().contains(runtime)) {
            throw ServiceException.user("InvalidParameterValueException", "The runtime " + runtime + " is not supported by lakestack; it runs "
                    + new java.util.TreeSet<>(runner.runtimes()));
        }
        Optional<String> unavailable = runner.unavailable(runtime);
        if (unavailable.isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "The runtime " + runtime + " cannot run on this machine: " + unavailable.get());
        }
        return runtime;
    }

    private void refuseUnsupported(JsonInput input)
    {
        for (String setting : REFUSED_SETTINGS) {
            if (input.has(setting) && !isEmpty(input, setting)) {
                throw ServiceException.user("InvalidParameterValueException", setting + " cannot be applied by lakestack: functions run as processes on "
                        + "this machine" + (setting.equals("Layers") ? ", without layers; put the layer's files into the deployment package" : ""));
            }
        }
        if (input.string("PackageType").filter(type -> !type.equals("Zip")).isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "Container images are not supported by lakestack: use PackageType Zip");
        }
        input.optionalObject("TracingConfig").flatMap(tracing -> tracing.string("Mode")).filter(mode -> !mode.equals("PassThrough")).ifPresent(mode -> {
            throw ServiceException.user("InvalidParameterValueException", "TracingConfig Mode " + mode + " cannot be applied by lakestack: there is no "
                    + "X-Ray; use PassThrough");
        });
        input.optionalObject("SnapStart").flatMap(snap -> snap.string("ApplyOn")).filter(apply -> !apply.equals("None")).ifPresent(apply -> {
            throw ServiceException.user("InvalidParameterValueException", "SnapStart cannot be applied by lakestack; use ApplyOn None");
        });
        input.optionalObject("LoggingConfig").ifPresent(logging -> {
            if (logging.string("LogFormat").filter(format -> !format.equals("Text")).isPresent() || logging.has("LogGroup")
                    || logging.has("ApplicationLogLevel") || logging.has("SystemLogLevel")) {
                throw ServiceException.user("InvalidParameterValueException", "LoggingConfig other than LogFormat Text cannot be applied by lakestack yet: "
                        + "functions log as text to /aws/lambda/<name>");
            }
        });
    }

    private static boolean isEmpty(JsonInput input, String field)
    {
        com.fasterxml.jackson.databind.JsonNode value = input.raw().get(field);
        if (value == null || value.isNull()) {
            return true;
        }
        if (value.isArray() || value.isTextual()) {
            return value.isEmpty() || value.asText().isEmpty() && value.isTextual();
        }
        if (value.isObject()) {
            for (var entries = value.fields(); entries.hasNext(); ) {
                com.fasterxml.jackson.databind.JsonNode child = entries.next().getValue();
                if (!(child.isArray() && child.isEmpty()) && !child.isNull()) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private FunctionCode.Stored storeCode(String name, JsonInput source)
    {
        Optional<byte[]> zip = source.blob("ZipFile");
        Optional<String> bucket = source.string("S3Bucket");
        if (zip.isPresent() == bucket.isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "Please provide a source for function code: ZipFile, or S3Bucket and S3Key");
        }
        if (source.has("S3ObjectVersion")) {
            throw ServiceException.user("InvalidParameterValueException", "S3ObjectVersion cannot be applied by lakestack: its object store keeps one "
                    + "version of an object");
        }
        if (zip.isPresent()) {
            if (zip.get().length > FunctionCode.MAX_DIRECT_UPLOAD_BYTES) {
                throw ServiceException.user("RequestEntityTooLargeException", 413, "Request must be smaller than 69905067 bytes for the "
                        + "CreateFunction operation");
            }
            return code.store(name, zip.get());
        }
        return code.store(name, code.fromS3(bucket.get(), source.requiredString("S3Key")));
    }

    private static Optional<Integer> ephemeralStorage(JsonInput input)
    {
        Optional<Integer> size = input.optionalObject("EphemeralStorage").map(storage -> storage.integer("Size", 512, 10_240)
                .orElseThrow(() -> storage.missing("Size")));
        if (size.filter(value -> value != 512).isPresent()) {
            throw ServiceException.user("InvalidParameterValueException", "EphemeralStorage Size " + size.get() + " cannot be applied by lakestack: "
                    + "functions write to this machine's temporary directory, which lakestack does not bound; leave Size at 512");
        }
        return size;
    }

    private static Optional<Map<String, String>> environment(JsonInput input)
    {
        return input.optionalObject("Environment").map(environment -> {
            Map<String, String> variables = environment.stringMap("Variables");
            int size = 0;
            for (Map.Entry<String, String> variable : variables.entrySet()) {
                if (!variable.getKey().matches("[a-zA-Z]([a-zA-Z0-9_])*")) {
                    throw ServiceException.user("ValidationException", "1 validation error detected: Value at 'environment.variables' failed to satisfy "
                            + "constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
                }
                if (Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_RUNTIME_API",
                        "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "AWS_EXECUTION_ENV").contains(variable.getKey())) {
                    throw ServiceException.user("InvalidParameterValueException", "Lambda was unable to configure your environment variables because the "
                            + "environment variables you have provided contains reserved keys that are currently not supported for modification. "
                            + "Reserved keys used in this request: " + variable.getKey());
                }
                size += variable.getKey().getBytes(StandardCharsets.UTF_8).length + variable.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
            if (size > 4096) {
                throw ServiceException.user("InvalidParameterValueException", "Lambda was unable to configure your environment variables because the "
                        + "environment variables you have provided exceeded the 4KB limit. String measured: " + size);
            }
            return variables;
        });
    }

    private Optional<List<String>> architectures(JsonInput input)
    {
        List<String> architectures = input.strings("Architectures");
        if (!input.has("Architectures")) {
            return Optional.empty();
        }
        if (architectures.size() != 1 || !Set.of("x86_64", "arm64").contains(architectures.get(0))) {
            throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + architectures
                    + "' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1 and Member must satisfy "
                    + "enum value set: [x86_64, arm64]");
        }
        if (!architectures.get(0).equals(architecture)) {
            throw ServiceException.user("InvalidParameterValueException", "Architecture " + architectures.get(0) + " cannot be applied by lakestack: "
                    + "functions run on this machine, which is " + architecture);
        }
        return Optional.of(architectures);
    }

    private static Optional<String> deadLetterTarget(JsonInput input)
    {
        return input.optionalObject("DeadLetterConfig").flatMap(config -> config.string("TargetArn")).filter(arn -> !arn.isEmpty()).map(arn -> {
            if (!arn.matches("arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\\d{12}:[a-zA-Z0-9_.-]+")) {
                throw ServiceException.user("InvalidParameterValueException", "The DeadLetterConfig TargetArn " + arn + " is not an SQS queue or SNS "
                        + "topic ARN");
            }
            return arn;
        });
    }

    private static void checkRevision(JsonInput input, String current)
    {
        checkRevision(input.string("RevisionId"), current);
    }

    private static void checkRevision(Optional<String> expected, String current)
    {
        if (expected.isPresent() && !expected.get().equals(current)) {
            throw ServiceException.user("PreconditionFailedException", 412, "The Revision Id provided does not match the latest Revision Id. Call the "
                    + "GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
    }

    private static int maxItems(RestRequest request)
    {
        return maxItems(request, 50);
    }

    /** The {@code MaxItems} query parameter, 1 to 10,000, as Lambda takes it; a value of another form is a ValidationException. */
    static int maxItems(RestRequest request, int defaultValue)
    {
        String text = request.query("MaxItems").orElse(String.valueOf(defaultValue));
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= 10_000) {
                return value;
            }
        }
        catch (NumberFormatException ignored) {
            // the error below
        }
        throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + text + "' at 'maxItems' failed to satisfy "
                + "constraint: Member must have value between 1 and 10000");
    }

    private static String revision()
    {
        return UUID.randomUUID().toString();
    }

    // output

    /** The region of a function: that of the request that created it. */
    private String region(StoredFunction function)
    {
        return function.region().orElse(region);
    }

    /** The ARN of the function of that name, which names its region; for a function that is not there, the configured region. */
    String functionArn(String name)
    {
        return Arn.of("lambda", functions.get(name).map(this::region).orElse(region), accountId, "function:" + name).toString();
    }

    private String qualifiedArn(String name, String qualifier)
    {
        return functionArn(name) + ":" + qualifier;
    }

    private String aliasArn(String name, String alias)
    {
        return qualifiedArn(name, alias);
    }

    private ObjectNode configuration(StoredFunction function, Configuration configuration)
    {
        ObjectNode node = JSON.createObjectNode();
        node.put("FunctionName", function.name());
        node.put("FunctionArn", configuration.version().equals(FunctionVersion.LATEST) ? functionArn(function.name())
                : qualifiedArn(function.name(), configuration.version()));
        node.put("Runtime", configuration.runtime());
        node.put("Role", configuration.role());
        node.put("Handler", configuration.handler());
        node.put("CodeSize", configuration.codeSize());
        node.put("Description", configuration.description());
        node.put("Timeout", configuration.timeoutSeconds());
        node.put("MemorySize", configuration.memoryMb());
        node.put("LastModified", LAST_MODIFIED.format(Instant.ofEpochMilli(configuration.lastModifiedMillis())));
        node.put("CodeSha256", configuration.codeSha256());
        node.put("Version", configuration.version());
        if (!configuration.environment().isEmpty()) {
            ObjectNode variables = node.putObject("Environment").putObject("Variables");
            new TreeMap<>(configuration.environment()).forEach(variables::put);
        }
        configuration.deadLetterTargetArn().ifPresent(arn -> node.putObject("DeadLetterConfig").put("TargetArn", arn));
        node.putObject("TracingConfig").put("Mode", "PassThrough");
        node.put("RevisionId", configuration.revisionId());
        node.put("State", configuration.state().name());
        configuration.stateReason().ifPresent(reason -> node.put("StateReason", reason));
        configuration.stateReasonCode().ifPresent(code -> node.put("StateReasonCode", code));
        node.put("LastUpdateStatus", configuration.state() == State.Failed ? "Failed" : configuration.state() == State.Pending ? "InProgress" : "Successful");
        node.put("PackageType", "Zip");
        ArrayNode architectures = node.putArray("Architectures");
        configuration.architectures().forEach(architectures::add);
        node.putObject("EphemeralStorage").put("Size", configuration.ephemeralStorageMb());
        node.putObject("SnapStart").put("ApplyOn", "None").put("OptimizationStatus", "Off");
        node.putObject("RuntimeVersionConfig").put("RuntimeVersionArn", "arn:aws:lambda:" + region(function) + "::runtime:lakestack-" + configuration.runtime());
        node.putObject("LoggingConfig").put("LogFormat", "Text").put("LogGroup", "/aws/lambda/" + function.name());
        return node;
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }

    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    /** Lambda's own words for a body over the limit, as for an Invoke payload over its limit. */
    @Override
    public ServiceException requestTooLarge(String operation, long maxBytes, OptionalLong declaredLength)
    {
        return ServiceException.user("RequestEntityTooLargeException", 413, "Request must be smaller than " + maxBytes + " bytes"
                + (operation.isEmpty() ? "" : " for the " + operation + " operation"));
    }

    @Override
    public void close()
    {
        activations.shutdownNow();
    }
}
