package io.lakestack.embedded;

import io.lakestack.backends.hive.HiveMetastoreGlueCatalog;
import io.lakestack.backends.hive.ThriftMetastorePool;
import io.lakestack.backends.kafka.KafkaDeliveryStreams;
import io.lakestack.backends.kafka.KafkaEventSink;
import io.lakestack.backends.kafka.KafkaInstances;
import io.lakestack.backends.kafka.KafkaKinesisStreams;
import io.lakestack.backends.kafka.KafkaLogStore;
import io.lakestack.backends.kafka.KafkaMskClusters;
import io.lakestack.backends.kafka.KafkaQueues;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.backends.objectstore.HttpS3Upstream;
import io.lakestack.backends.objectstore.S3ObjectStore;
import io.lakestack.backends.trino.TrinoQueryEngine;
import io.lakestack.connectors.firehose.FirehoseDeliveries;
import io.lakestack.connectors.firehose.S3DestinationRules;
import io.lakestack.connectors.firehose.S3ObjectSink;
import io.lakestack.connectors.firehose.TableSchemas;
import io.lakestack.connectors.lambda.ProcessFunctionRunner;
import io.lakestack.connectors.gluejobs.PythonShellJobRunner;
import io.lakestack.connectors.lambda.ProcessFunctionRunnerConfig;
import io.lakestack.connectors.lambda.events.AsyncInvocationWorker;
import io.lakestack.connectors.lambda.events.EventSourcePollers;
import io.lakestack.connectors.lambda.events.Invoker;
import io.lakestack.connectors.lambda.events.KafkaS3Destinations;
import io.lakestack.connectors.lambda.events.LambdaApi;
import io.lakestack.connectors.lambda.events.LambdaEventsConfig;
import io.lakestack.connectors.eventbridge.RuleEngine;
import io.lakestack.connectors.eventbridge.RuleEngineConfig;
import io.lakestack.connectors.scheduler.SchedulerEngine;
import io.lakestack.connectors.scheduler.SchedulerEngineConfig;
import io.lakestack.connectors.stepfunctions.engine.ExecutionRunner;
import io.lakestack.connectors.stepfunctions.engine.SdkTaskInvoker;
import io.lakestack.connectors.sns.SdkDeliveries;
import io.lakestack.connectors.sns.SnsFanOut;
import io.lakestack.connectors.sns.SnsFanOutConfig;
import io.lakestack.connectors.targets.SdkTargets;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.connectors.targets.Targets;
import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.endpoint.EndpointServer;
import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.services.athena.AthenaService;
import io.lakestack.services.events.EventsService;
import io.lakestack.services.firehose.FirehoseService;
import io.lakestack.services.glue.GlueCatalogEvents;
import io.lakestack.services.glue.GlueCrawlers;
import io.lakestack.services.glue.GlueJobs;
import io.lakestack.services.glue.GlueSchedules;
import io.lakestack.services.glue.GlueTriggers;
import io.lakestack.services.glue.GlueWorkflows;
import io.lakestack.services.glue.GlueService;
import io.lakestack.services.glue.crawler.Crawler;
import io.lakestack.services.kinesis.KinesisService;
import io.lakestack.services.kinesis.StreamConsumer;
import io.lakestack.services.lambda.LambdaService;
import io.lakestack.services.logs.LogsService;
import io.lakestack.services.msk.MskService;
import io.lakestack.services.sns.SnsService;
import io.lakestack.services.sqs.SqsService;
import io.lakestack.services.sts.StsService;
import io.lakestack.services.s3.BucketConfiguration;
import io.lakestack.services.s3.LifecycleRunner;
import io.lakestack.services.s3.MultipartLayout;
import io.lakestack.services.s3.ObjectAcl;
import io.lakestack.services.s3.ObjectLockState;
import io.lakestack.services.s3.S3Service;
import io.lakestack.services.scheduler.SchedulerService;
import io.lakestack.services.stepfunctions.StepFunctionsService;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.ScheduledRules;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.firehose.DeliveryStream;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.spi.lambda.EventSourceMapping;
import io.lakestack.spi.lambda.EventSourceMappingStatus;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.msk.MskClusters;
import io.lakestack.spi.s3.NotificationConfiguration;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.sns.SnsTopics;
import io.lakestack.spi.sns.Subscription;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import io.lakestack.spi.targets.TargetArn;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The AWS-compatible endpoint with the local backends of its services: S3 through the object store, notification
 * configurations and events in Kafka; Glue on the Hive Metastore (crawler state in Kafka); Athena on Trino (query
 * history, work groups, named queries and prepared statements in Kafka); Kinesis, Firehose, SQS and CloudWatch Logs on Kafka;
 * Lambda with functions run as local processes ({@link ProcessFunctionRunner}, their output in CloudWatch Logs), code in
 * the object store, asynchronous invocations and event source mappings run by this instance's members of Kafka
 * consumer groups ({@link AsyncInvocationWorker}, {@link EventSourcePollers}), which call the endpoint's Lambda API.
 */
final class EndpointComponent
        extends Component
{
    /** How long a query waits for a starting Trino. */
    private static final Duration TRINO_WAIT = Duration.ofMinutes(3);
    static final String NOTIFICATIONS_STORE = "s3.bucket-notifications";
    static final String BUCKET_CONFIGURATIONS_STORE = "s3.bucket-configurations";
    static final String MULTIPART_LAYOUTS_STORE = "s3.multipart-layouts";
    static final String OBJECT_LOCKS_STORE = "s3.object-locks";
    static final String OBJECT_ACLS_STORE = "s3.object-acls";
    /** How often S3 lifecycle rules are applied; S3 applies them within a day of their due time. */
    static final java.time.Duration LIFECYCLE_INTERVAL = java.time.Duration.ofMinutes(1);

    private final EndpointConfig config;
    private final String kafkaBootstrap;
    private final URI objectStore;
    private final EngineAddresses engines;
    private final Optional<URI> trino;
    private final Supplier<List<ComponentStatus>> health;
    private final Path firehoseDirectory;
    private final Path temporaryDirectory;
    private final long leaseMillis;
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The asynchronous invocation worker and the pollers, which call the endpoint: stopped before it. */
    private final List<AutoCloseable> lambdaEvents = new ArrayList<>();
    private SnsFanOut snsFanOut;
    private RuleEngine ruleEngine;
    private SchedulerEngine scheduler;
    private KafkaDeliveryStreams firehose;
    private KafkaInstances instances;
    private S3ObjectStore objects;
    private KafkaLogStore logs;
    private EndpointServer server;
    private CompletableFuture<Void> otherServicesAfter = CompletableFuture.completedFuture(null);
    private final CompletableFuture<Void> listening = new CompletableFuture<>();

    /**
     * @param engines where Kafka, the object store, the metastore and Trino (none when the stack runs without it) are
     * @param temporaryDirectory where S3 upload bodies and Athena results wait: this endpoint's own, cleared by its owner
     *         when it starts
     */
    EndpointComponent(EndpointConfig config, EngineAddresses engines, Supplier<List<ComponentStatus>> health, Path firehoseDirectory,
            Path temporaryDirectory, long leaseMillis, StackListener listener)
    {
        super("endpoint", listener);
        this.leaseMillis = leaseMillis;
        this.firehoseDirectory = firehoseDirectory;
        this.temporaryDirectory = temporaryDirectory;
        this.config = config;
        this.engines = engines;
        this.kafkaBootstrap = engines.kafkaBootstrap();
        this.objectStore = engines.objectStore();
        this.trino = engines.trino();
        this.health = health;
    }

    /**
     * Has the services other than S3, Kinesis, Firehose and STS start once {@code before} is done (the object store
     * answering): their start-up work then does not delay the first answers. Their requests wait for them meanwhile.
     */
    void startOtherServicesAfter(CompletableFuture<Void> before)
    {
        this.otherServicesAfter = before;
    }

    /** Completes once the endpoint listens and answers S3, Kinesis, Firehose and STS; fails when it cannot start. */
    CompletableFuture<Void> listening()
    {
        return listening;
    }

    String url()
    {
        String host = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        return "http://" + host + ":" + config.port();
    }

    @Override
    String plannedAddress()
    {
        return url();
    }

    @Override
    void doStart()
            throws Exception
    {
        Runnable otherServices;
        try {
            otherServices = startFirstServices();
        }
        catch (Exception | Error e) {
            listening.completeExceptionally(e);
            throw e;
        }
        listening.complete(null);
        try {
            otherServicesAfter.join();
            otherServices.run();
        }
        catch (Exception | Error e) {
            server.servicesFailed(e);
            throw e;
        }
    }

    /** Sets up what S3, Kinesis, Firehose and STS need and has the endpoint listen for them; returns the start of the rest. */
    private Runnable startFirstServices()
    {
        Clock clock = Clock.systemUTC();
        Admin admin = Admin.create(KafkaClientSettings.complete(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap)));
        resources.add(admin);
        KafkaTopics topics = new KafkaTopics(admin, Duration.ofSeconds(30));
        KafkaRecordStores stores = new KafkaRecordStores(kafkaBootstrap, topics);
        resources.add(stores);
        KafkaEventSink events = new KafkaEventSink(kafkaBootstrap, topics, 3);
        resources.add(events);
        ThriftMetastorePool metastore = new ThriftMetastorePool(engines.metastoreHost(), engines.metastorePort(), Duration.ofSeconds(60), 8);
        resources.add(metastore);
        GlueCatalog catalog = new GlueCatalogEvents(new HiveMetastoreGlueCatalog(metastore), events, config.accountId(), config.region(), clock);
        objects = new S3ObjectStore(objectStore, engines.objectStoreAccessKey(), engines.objectStoreSecretKey(), engines.objectStoreRegion());
        resources.add(objects);
        // S3, Kinesis, Firehose and STS need neither the metastore nor Trino: the endpoint answers them as soon as they
        // are set up, while the other services start (a request for one of those waits for it)
        HttpS3Upstream s3Upstream = new HttpS3Upstream(objectStore, engines.signObjectStoreRequests()
                ? Optional.of(new HttpS3Upstream.Signing(engines.objectStoreAccessKey(), engines.objectStoreSecretKey(), engines.objectStoreRegion()))
                : Optional.empty());
        RecordStore<BucketConfiguration> bucketConfigurations = stores.open(BUCKET_CONFIGURATIONS_STORE, BucketConfiguration.class);
        RecordStore<ObjectLockState> objectLocks = stores.open(OBJECT_LOCKS_STORE, ObjectLockState.class);
        KafkaKinesisStreams kinesis = new KafkaKinesisStreams(stores.open(KafkaKinesisStreams.STORE, KinesisStreams.Stream.class), topics, kafkaBootstrap,
                config.accountId(), clock);
        resources.add(kinesis);
        // deliveries write to S3 through the endpoint (so that S3's events fire for their objects) and invoke their
        // Lambda processors on the Lambda service of this process, once it has started
        // how this process invokes functions (Firehose, the mappings, asynchronous invocations): set up before the Lambda service
        LocalInvoker functions = new LocalInvoker(new CompletableFuture<>(), EndpointServer.LATER_SERVICES_WAIT);
        FirehoseDeliveries deliveries = new FirehoseDeliveries(kafkaBootstrap, new S3ObjectSink(endpointS3()), tableSchemas(catalog), functions,
                firehoseDirectory);
        firehose = new KafkaDeliveryStreams(stores.open(KafkaDeliveryStreams.STORE, DeliveryStream.class), topics, kafkaBootstrap,
                config.accountId(), clock, deliveries);
        resources.add(firehose);
        KafkaMskClusters msk = new KafkaMskClusters(admin, kafkaBootstrap, stores.open(KafkaMskClusters.STORE, MskClusters.Cluster.class), clock);
        StsService sts = new StsService(stores, config.accountId(), clock);
        List<ServiceHandler> first = List.of(
                new S3Service(s3Upstream, objects, stores.open(NOTIFICATIONS_STORE, NotificationConfiguration.class),
                        bucketConfigurations, stores.open(MULTIPART_LAYOUTS_STORE, MultipartLayout.class),
                        objectLocks, stores.open(OBJECT_ACLS_STORE, ObjectAcl.class), events,
                        config.accountId(), config.hostnames(), clock, temporaryDirectory.resolve("s3-uploads")),
                new KinesisService(kinesis, stores.open(KinesisService.CONSUMERS_STORE, StreamConsumer.class), clock),
                new FirehoseService(firehose, kinesis, msk, new S3DestinationRules(), config.accountId(), clock),
                sts);
        server = new EndpointServer(config, first, true, sts, health).start();
        return () -> startOtherServices(stores, topics, admin, events, catalog, kinesis, msk, bucketConfigurations, objectLocks, s3Upstream,
                functions, clock);
    }

    /** The services that need the metastore or Trino, or that S3, Kinesis and Firehose do not, and the engines behind them. */
    private void startOtherServices(KafkaRecordStores stores, KafkaTopics topics, Admin admin, KafkaEventSink events, GlueCatalog catalog,
            KafkaKinesisStreams kinesis, KafkaMskClusters msk, RecordStore<BucketConfiguration> bucketConfigurations, RecordStore<ObjectLockState> objectLocks,
            HttpS3Upstream s3Upstream, LocalInvoker functions, Clock clock)
    {
        instances = new KafkaInstances(stores.open(KafkaInstances.STORE, KafkaInstances.Lease.class), clock, leaseMillis).start();
        GlueSchedules glueSchedules = new GlueSchedules(stores, clock, config.accountId());
        GlueCrawlers crawlers = new GlueCrawlers(stores, new Crawler(catalog, objects), glueSchedules, events, clock, instances, config.accountId());
        resources.add(crawlers);
        AthenaService athena = new AthenaService(stores, queryEngine(), catalog, objects, config.accountId(), clock, instances, events, config.region(),
                temporaryDirectory.resolve("athena"));
        resources.add(athena);
        logs = new KafkaLogStore(stores, topics, kafkaBootstrap, clock);
        resources.add(logs);
        ProcessFunctionRunnerConfig processes = ProcessFunctionRunnerConfig.fromMap(Map.of(
                ProcessFunctionRunnerConfig.ENDPOINT_URL, url(),
                ProcessFunctionRunnerConfig.ACCESS_KEY, config.accessKey(),
                ProcessFunctionRunnerConfig.SECRET_KEY, config.secretKey(),
                ProcessFunctionRunnerConfig.WORK_DIR, temporaryDirectory.resolve("lambda").toString()));
        ProcessFunctionRunner runner = new ProcessFunctionRunner(processes, objects, logs);
        resources.add(runner);
        // Glue's Python shell jobs run as processes too, with the same Python environments, reaching the endpoint
        PythonShellJobRunner jobRunner = new PythonShellJobRunner(processes.with(Map.of(ProcessFunctionRunnerConfig.WORK_DIR,
                temporaryDirectory.resolve("glue-jobs").toString())), objects, logs);
        resources.add(jobRunner);
        GlueJobs glueJobs = new GlueJobs(stores, jobRunner, events, clock, instances, config.accountId());
        resources.add(glueJobs);
        GlueTriggers glueTriggers = new GlueTriggers(stores, glueJobs, crawlers, glueSchedules, clock);
        GlueWorkflows glueWorkflows = new GlueWorkflows(stores, glueJobs, crawlers, glueTriggers, clock);
        KafkaQueues queues = new KafkaQueues(stores, topics, kafkaBootstrap, config.accountId(), clock, instances);
        resources.add(queues);
        LambdaService lambda = new LambdaService(stores, objects, runner, events, kinesis, queues::get, msk, codeLocation(), config.region(), config.accountId(),
                clock);
        resources.add(lambda);
        functions.ready(lambda);
        resources.add(new LifecycleRunner(s3Upstream, bucketConfigurations, objectLocks, clock, LIFECYCLE_INTERVAL));
        // Step Functions' tasks call the services through the endpoint, as AWS's integrations call them
        SdkTaskInvoker stepFunctionsTasks = SdkTaskInvoker.connect(URI.create(url()), Region.of(config.region()), credentials(), stores, clock);
        resources.add(stepFunctionsTasks);
        ExecutionRunner stepFunctions = new ExecutionRunner(kafkaBootstrap, stores, stepFunctionsTasks, endpointS3(), logs, events, clock);
        resources.add(stepFunctions);
        server.addServices(List.of(
                new GlueService(catalog, crawlers, glueJobs, glueTriggers, glueWorkflows, stores, config.accountId()),
                athena,
                new MskService(msk, config.accountId()),
                new LogsService(logs, config.region(), config.accountId(), clock),
                lambda,
                new SqsService(queues, config.region(), config.accountId(), clock),
                new SnsService(stores, events, config.region(), config.accountId(), clock),
                new EventsService(stores, events, config.accountId(), clock),
                new SchedulerService(stores, config.accountId(), clock),
                new StepFunctionsService(stores, stepFunctions, Optional.of(logs), config.accountId(), clock, new Random())));
        // deliveries write through the endpoint, so that S3 events fire for their objects
        firehose.startDeliveries();
        startLambdaEvents(stores, functions, clock);
        startSnsFanOut(stores, clock);
        // EventBridge's rules and the Scheduler call their targets through one set of clients
        SdkTargets targets = SdkTargets.connect(URI.create(url()), Region.of(config.region()), credentials());
        resources.add(targets);
        startRuleEngine(stores, targets, glueWorkflows, clock);
        startScheduler(stores, events, targets, crawlers, glueTriggers, glueWorkflows, clock);
        stepFunctions.start();
    }

    /**
     * EventBridge's rules on this instance: deliveries to their targets through the endpoint's APIs, as AWS's EventBridge
     * calls them; an event for a Glue workflow goes straight to lakestack's Glue engine, as AWS's EventBridge hands it to
     * Glue with an API (NotifyEvent) that Glue does not publish.
     */
    private void startRuleEngine(KafkaRecordStores stores, Targets targets, GlueWorkflows glueWorkflows, Clock clock)
    {
        Targets withGlue = call -> {
            TargetArn arn;
            try {
                arn = TargetArn.parse(call.arn());
            }
            catch (IllegalArgumentException e) {
                targets.deliver(call);
                return;
            }
            if (arn.kind() != TargetArn.Kind.GLUE_WORKFLOW) {
                targets.deliver(call);
                return;
            }
            if (!arn.accountId().equals(config.accountId())) {
                throw new TargetException("EntityNotFoundException", "Glue workflow " + call.arn() + " is in account " + arn.accountId() + ", not in "
                        + "lakestack's account " + config.accountId(), false, null);
            }
            try {
                glueWorkflows.notifyEvent(arn.name(), call.payload());
            }
            catch (ServiceException e) {
                // as Glue's answer to EventBridge: a workflow that is not there or not taking events fails the delivery, retried only when a run could not start
                throw new TargetException(e.errorCode(), "Glue did not take the event for " + call.arn() + ": " + e.getMessage(),
                        e.errorCode().equals("ConcurrentRunsExceededException"), e);
            }
        };
        ruleEngine = new RuleEngine(stores.open(EventBuses.RULES_STORE, Rule.class), RuleEngineConfig.defaults(kafkaBootstrap), withGlue, clock).start();
    }

    /** EventBridge Scheduler's engine on this instance: fires the schedules it owns, delivers through the endpoint's APIs. */
    private void startScheduler(KafkaRecordStores stores, EventSink events, Targets targets, GlueCrawlers crawlers, GlueTriggers glueTriggers,
            GlueWorkflows glueWorkflows, Clock clock)
    {
        // EventBridge's scheduled rules run on the same engine: their scheduled events go on the default bus, where the
        // rules' workers take them (PutEvents refuses the source aws.events, so they are put on the bus's topic here)
        // and so do Glue's scheduled triggers and crawlers: at each occurrence the trigger's actions, or the crawl, start here
        RecordStore<Schedule> schedules = Schedules.union(ScheduledRules.withRules(stores.open(Schedules.SCHEDULES_STORE, Schedule.class),
                stores.open(EventBuses.RULES_STORE, Rule.class)), stores.open(GlueSchedules.STORE, Schedule.class), GlueSchedules.KEY_PREFIX);
        Targets withRules = call -> {
            Optional<GlueSchedules.Target> glue = GlueSchedules.target(call.arn());
            if (glue.isPresent()) {
                switch (glue.get().kind()) {
                    case TRIGGER -> glueTriggers.fireScheduled(glue.get().name());
                    case CRAWLER -> crawlers.startScheduled(glue.get().name());
                    case WORKFLOW -> glueWorkflows.eventBatchWindowElapsed(glue.get().name());
                }
            }
            else if (ScheduledRules.isRuleArn(call.arn())) {
                try {
                    events.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), call.arn(), call.payload().getBytes(StandardCharsets.UTF_8));
                }
                catch (RuntimeException e) {
                    // Kafka did not take it: the engine retries as for any target
                    throw new TargetException("InternalFailure", "The scheduled event of " + call.arn() + " could not be put on the default bus: " + e,
                            true, e);
                }
            }
            else {
                targets.deliver(call);
            }
        };
        scheduler = SchedulerEngine.create(schedules, SchedulerEngineConfig.defaults(kafkaBootstrap), withRules, URI.create(url()),
                Region.of(config.region()), credentials(), clock).start();
    }

    /** SNS's deliveries on this instance: to queues and functions through the endpoint's APIs, as AWS's SNS calls them. */
    private void startSnsFanOut(KafkaRecordStores stores, Clock clock)
    {
        SdkDeliveries deliveries = SdkDeliveries.connect(URI.create(url()), Region.of(config.region()), credentials());
        resources.add(deliveries);
        snsFanOut = new SnsFanOut(stores.open(SnsTopics.SUBSCRIPTIONS_STORE, Subscription.class),
                SnsFanOutConfig.defaults(kafkaBootstrap, URI.create(url())), deliveries, clock).start();
    }

    /**
     * Lambda's asynchronous invocations and event source mappings on this instance. They invoke functions through the
     * Lambda service of this process ({@link LocalInvoker}), read functions' settings through the endpoint's Lambda API,
     * as they would call AWS's, and write destination records to Kafka and S3 (through the endpoint, so that S3 events
     * fire).
     */
    private void startLambdaEvents(KafkaRecordStores stores, Invoker invoker, Clock clock)
    {
        LambdaApi api = LambdaApi.connect(URI.create(url()), Region.of(config.region()), credentials());
        resources.add(api);
        // SQS mappings receive through the endpoint's SQS API, as Lambda's pollers call SQS; a long poll takes 20 s
        SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create(url()))
                .region(Region.of(config.region()))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(40)).maxConnections(64))
                .build();
        resources.add(sqs);
        KafkaS3Destinations destinations = new KafkaS3Destinations(kafkaBootstrap, endpointS3());
        resources.add(destinations);
        LambdaEventsConfig defaults = LambdaEventsConfig.defaults(kafkaBootstrap);
        LambdaEventsConfig eventsConfig = new LambdaEventsConfig(kafkaBootstrap, config.region(), config.accountId(), defaults.asyncRetryDelays(),
                defaults.asyncConcurrency(), defaults.asyncMaximumPending(), defaults.streamRetryBackoff(), defaults.streamMaximumRetryBackoff(),
                defaults.windowCloseDelay());
        lambdaEvents.add(new AsyncInvocationWorker(eventsConfig, invoker, api, destinations, clock).start());
        lambdaEvents.add(new EventSourcePollers(stores.open(LambdaService.MAPPINGS_STORE, EventSourceMapping.class),
                stores.open(LambdaService.MAPPING_STATUS_STORE, EventSourceMappingStatus.class), eventsConfig, invoker, api, destinations, Optional.of(sqs),
                clock).start());
    }

    /** The endpoint's own credentials, for the clients of it that run in this process. */
    private StaticCredentialsProvider credentials()
    {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }

    /** GetFunction's {@code Code.Location}: a presigned URL of the endpoint, valid for 10 minutes as on AWS. */
    private BiFunction<String, String, String> codeLocation()
    {
        S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(URI.create(url()))
                .region(Region.of(config.region()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials())
                .build();
        resources.add(presigner);
        return (bucket, key) -> presigner.presignGetObject(request -> request.signatureDuration(Duration.ofMinutes(10))
                .getObjectRequest(object -> object.bucket(bucket).key(key))).url().toString();
    }

    /**
     * CloudWatch Logs' store, which the Lambda runner writes functions' output to; present once the endpoint has
     * started.
     */
    LogStore logStore()
    {
        if (logs == null) {
            throw new IllegalStateException("the endpoint has not started: its log store is not open");
        }
        return logs;
    }

    /** An S3 client of the endpoint itself. */
    private S3Client endpointS3()
    {
        S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(url()))
                .region(Region.of(config.region()))
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
                .build();
        resources.add(s3);
        return s3;
    }

    /** The columns of Firehose's format conversion, from the catalog; a missing table sends the records to the error output. */
    private static TableSchemas tableSchemas(GlueCatalog catalog)
    {
        return (database, table, versionId) -> {
            try {
                return catalog.getTable(database, table).storage().columns();
            }
            catch (ServiceException e) {
                boolean missing = e.errorCode().equals("EntityNotFoundException");
                throw new TableSchemas.SchemaUnavailableException(missing
                        ? "Table " + database + "." + table + " is not in the Glue Data Catalog: " + e.getMessage()
                        : "The Glue Data Catalog does not answer for " + database + "." + table + ": " + e.getMessage(), missing);
            }
            catch (RuntimeException e) {
                throw new TableSchemas.SchemaUnavailableException("The Glue Data Catalog does not answer for " + database + "." + table + ": "
                        + e.getMessage(), false);
            }
        };
    }

    /** Trino, refusing queries with the reason while it is not ready. */
    private QueryEngine queryEngine()
    {
        if (trino.isEmpty()) {
            return (query, sink, cancelled) -> {
                throw new QueryEngine.QueryFailure("NOT_SUPPORTED", "this lakestack runs without Trino; start it without --no-trino "
                        + "(with --trino-uri when the engines are external) to run queries", true);
            };
        }
        TrinoQueryEngine engine = new TrinoQueryEngine(trino.get(), engines.trinoUser());
        return (query, sink, cancelled) -> {
            // a query that arrives while Trino starts waits for it, as Athena queues queries
            long deadline = System.nanoTime() + TRINO_WAIT.toNanos();
            while (true) {
                Optional<ComponentStatus> status = health.get().stream().filter(component -> component.name().equals("trino")).findFirst();
                if (status.isEmpty() || status.get().state() == ComponentState.READY) {
                    break;
                }
                if (status.get().state() != ComponentState.STARTING || System.nanoTime() > deadline) {
                    throw new QueryEngine.QueryFailure("ENGINE_NOT_READY", "Trino is " + status.get().state().label()
                            + (status.get().detail().isEmpty() ? "" : " (" + status.get().detail() + ")")
                            + "; see ./lakestack status, and run the query again once Trino is ready", false);
                }
                if (cancelled.getAsBoolean()) {
                    throw new QueryEngine.QueryFailure("USER_CANCELED", "Query cancelled by user", true);
                }
                try {
                    Thread.sleep(250);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QueryEngine.QueryFailure("USER_CANCELED", "interrupted while waiting for Trino", true);
                }
            }
            return engine.execute(query, sink, cancelled);
        };
    }

    /** Creates a bucket the stack itself needs, directly in the object store, once that is ready. */
    void ensureBucket(String bucket)
    {
        try {
            objects.createBucket(bucket);
        }
        catch (java.io.IOException e) {
            throw new StackException(name(), "cannot create bucket " + bucket + " in the object store: " + e.getMessage(), e);
        }
    }

    @Override
    void doStop()
    {
        // deliveries first: they write what they buffer through the endpoint, which must still answer
        if (firehose != null) {
            resources.remove(firehose);
            firehose.close();
            firehose = null;
        }
        for (AutoCloseable worker : lambdaEvents) {
            try {
                worker.close();
            }
            catch (Exception ignored) {
                // closing what is left
            }
        }
        lambdaEvents.clear();
        if (snsFanOut != null) {
            snsFanOut.close();
            snsFanOut = null;
        }
        if (ruleEngine != null) {
            ruleEngine.close();
            ruleEngine = null;
        }
        if (scheduler != null) {
            try {
                scheduler.close();
            }
            catch (Exception ignored) {
                // closing what is left
            }
            scheduler = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        // the services end the work this instance runs, then the instance leaves: the others learn at once
        for (int i = resources.size() - 1; i >= 0; i--) {
            if (resources.get(i) instanceof KafkaRecordStores) {
                if (instances != null) {
                    instances.close();
                    instances = null;
                }
            }
            try {
                resources.get(i).close();
            }
            catch (Exception ignored) {
                // closing what is left
            }
        }
        resources.clear();
        logs = null;
    }
}
