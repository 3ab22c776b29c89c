package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.lakestack.connectors.consumers.Topics;
import io.lakestack.connectors.stepfunctions.ExecutionRequest;
import io.lakestack.connectors.stepfunctions.ExecutionResult;
import io.lakestack.connectors.stepfunctions.HistoryEvent;
import io.lakestack.connectors.stepfunctions.StateMachineDefinition;
import io.lakestack.connectors.stepfunctions.StateMachineInterpreter;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.connectors.stepfunctions.Waiter;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.stepfunctions.Activity;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.DefinitionProblem;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StateTest;
import io.lakestack.spi.stepfunctions.StateTestResult;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.stepfunctions.StepFunctionsEngine;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Step Functions' executions on this instance, durable on Kafka.
 *
 * <p>Ownership: starting an execution writes a start command, keyed by the execution's ARN, to one of the partitions of
 * the topic {@value #TOPIC}; the member of the consumer group {@value #GROUP} that is assigned the partition owns the
 * execution and runs it on its pool, as Lambda's asynchronous invocations are owned. The command's offset is committed
 * only once the execution has ended, so the instance that takes a partition over (after a restart, a crash or a
 * rebalance) reads the commands of every execution still running, reads the histories written so far (after catching
 * up with the store) and resumes them with {@link StateMachineInterpreter#resume}: a Wait cut short waits what is left
 * of it, a task that had reported its result is not run again. Stopping an execution writes a stop command to the same
 * partition, so its owner stops it, wherever the request arrived.
 *
 * <p>History: each event is put in the record store {@value StepFunctions#HISTORY_STORE} (Kafka acknowledged it)
 * before the step it records takes effect; the execution's record in {@value StepFunctions#EXECUTIONS_STORE} is
 * written when it ends.
 *
 * <p>A distributed Map's children are executions of their own, started and owned as any ({@link MapRuns}).
 *
 * <p>Parallel branches and inline Map iterations run at once (up to the Map's {@code MaxConcurrency}, at most 40), each
 * on a thread of the interpreter's shared pool: their events interleave in the history as their steps happen, and a
 * resumed or redriven execution matches each branch's events by the event each follows. A stop or a hand-over stops
 * every branch ({@link StoppableWaiter}).
 *
 * <p>Where lakestack differs from AWS: an owner that loses its partition without stopping (a pause longer than the
 * group's session) is not fenced: until it notices, it and the new owner may both write the execution's next event.
 * Executions each hold a thread of an unbounded pool while they run (a Wait sleeps on it), and their running branches one
 * thread each.
 */
public final class ExecutionRunner
        implements StepFunctionsEngine, AutoCloseable
{
    public static final String TOPIC = "lakestack.stepfunctions.executions";
    public static final String GROUP = "lakestack.stepfunctions";
    public static final int PARTITIONS = 8;
    private static final Logger log = LoggerFactory.getLogger(ExecutionRunner.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final int DEFINITIONS_KEPT = 256;
    private static final ObjectMapper COMMANDS = new ObjectMapper().registerModule(new Jdk8Module())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final String group;
    private final RecordStore<StateMachineExecution> executions;
    private final RecordStore<HistoryPage> history;
    private final RecordStore<Activity> activities;
    private final TaskInvoker tasks;
    private final TaskCallbacks callbacks;
    private final MapRuns mapRuns;
    private final ExecutionLogs logs;
    private final ExecutionEvents statusEvents;
    private final Clock clock;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService pool;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<TopicPartition, ConcurrentSkipListSet<Long>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<StateMachineExecution>>> endWaiters = new ConcurrentHashMap<>();
    /** Definitions parsed, by their text: the executions of one machine share its parsed (immutable) definition. */
    private final Map<String, StateMachineDefinition> definitions = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StateMachineDefinition> eldest)
        {
            return size() > DEFINITIONS_KEPT;
        }
    });
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;
    private volatile boolean open = true;

    /** What the commands topic carries: {@code start}, {@code redrive} or {@code stop} of an execution (a stop with its error and cause). */
    record Command(String action, String executionArn, Optional<String> error, Optional<String> cause) {}

    /** An execution running on this instance. */
    private static final class Running
    {
        final String arn;
        final TopicPartition partition;
        final long offset;
        final StoppableWaiter waiter;
        final DurableHistory sink;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Optional<Command> stop = Optional.empty();

        Running(String arn, TopicPartition partition, long offset, StoppableWaiter waiter, DurableHistory sink)
        {
            this.arn = arn;
            this.partition = partition;
            this.offset = offset;
            this.waiter = waiter;
            this.sink = sink;
        }
    }

    /** The runner of the topic {@value #TOPIC} and the group {@value #GROUP}. */
    public ExecutionRunner(String bootstrapServers, RecordStores stores, TaskInvoker tasks, Clock clock)
    {
        this(bootstrapServers, TOPIC, GROUP, stores, tasks, Optional.empty(), ExecutionLogs.none(), ExecutionEvents.none(), clock);
    }

    public ExecutionRunner(String bootstrapServers, String topic, String group, RecordStores stores, TaskInvoker tasks, Clock clock)
    {
        this(bootstrapServers, topic, group, stores, tasks, Optional.empty(), ExecutionLogs.none(), ExecutionEvents.none(), clock);
    }

    /**
     * The runner of the topic {@value #TOPIC} and the group {@value #GROUP}, whose distributed Maps read their items from
     * and write their results to S3 with this client, logging executions to CloudWatch Logs' store and putting their
     * status changes on EventBridge's default bus ({@link ExecutionEvents}).
     */
    public ExecutionRunner(String bootstrapServers, RecordStores stores, TaskInvoker tasks, S3Client s3, LogStore logs, EventSink events, Clock clock)
    {
        this(bootstrapServers, TOPIC, GROUP, stores, tasks, Optional.of(s3), new ExecutionLogs(Optional.of(logs)), new ExecutionEvents(Optional.of(events)),
                clock);
    }

    public ExecutionRunner(String bootstrapServers, String topic, String group, RecordStores stores, TaskInvoker tasks, Optional<S3Client> s3,
            ExecutionLogs logs, Clock clock)
    {
        this(bootstrapServers, topic, group, stores, tasks, s3, logs, ExecutionEvents.none(), clock);
    }

    /**
     * @param topic the commands topic, created with {@value #PARTITIONS} partitions when missing
     * @param group the consumer group whose members own the topic's partitions and their executions
     * @param s3 where distributed Maps read their items and write their results; without it they fail with
     *         {@code States.ItemReaderFailed} when they read, and cannot write results
     * @param logs where the history events of executions with a {@code loggingConfiguration} are logged
     * @param statusEvents where the status changes of the executions this instance owns are put, once each is stored
     */
    public ExecutionRunner(String bootstrapServers, String topic, String group, RecordStores stores, TaskInvoker tasks, Optional<S3Client> s3,
            ExecutionLogs logs, ExecutionEvents statusEvents, Clock clock)
    {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.group = requireNonNull(group, "group is null");
        requireNonNull(stores, "stores is null");
        this.executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        this.history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
        this.activities = stores.open(StepFunctions.ACTIVITIES_STORE, Activity.class);
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.logs = requireNonNull(logs, "logs is null");
        this.statusEvents = requireNonNull(statusEvents, "statusEvents is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.callbacks = new TaskCallbacks(stores, tasks, this::handedOver, clock);
        this.mapRuns = new MapRuns(stores, s3, this::start, this::stop, this::redriveChild, clock);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // a start waits for its command: send at once (Kafka 4 lingers 5 ms by default)
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestack-stepfunctions");
        this.producer = new KafkaProducer<>(KafkaClientSettings.complete(config), new StringSerializer(), new ByteArraySerializer());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(runnable -> {
            Thread worker = new Thread(runnable, "stepfunctions-execution-" + threads.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        });
        executions.subscribe((key, record) -> record.filter(execution -> !execution.running()).ifPresent(this::notifyEnded));
    }

    /** Creates the commands topic when it is missing and joins the group: from now on this instance runs the executions it owns. */
    public ExecutionRunner start()
    {
        createTopic();
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestack-stepfunctions");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        // a member joining or leaving moves only the partitions that change owner: the others' executions run on
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        consumer = new KafkaConsumer<>(KafkaClientSettings.complete(properties), new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "stepfunctions-executions");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    // StepFunctionsEngine

    @Override
    public List<DefinitionProblem> validate(String definition, String type)
    {
        return TaskResources.validate(definition, type.equals(StepFunctions.EXPRESS), arn -> activities.getLatest(arn).isPresent());
    }

    @Override
    public StateTestResult testState(StateTest test)
    {
        return new StateTests(tasks, arn -> activities.getLatest(arn).isPresent(), clock).test(test);
    }

    @Override
    public Optional<ActivityTask> getActivityTask(String activityArn, String workerName, Duration wait)
            throws InterruptedException
    {
        return callbacks.activityTasks().poll(activityArn, workerName, wait);
    }

    @Override
    public void sendTaskSuccess(String taskToken, String output)
    {
        callbacks.succeed(taskToken, output);
    }

    @Override
    public void sendTaskFailure(String taskToken, Optional<String> error, Optional<String> cause)
    {
        callbacks.fail(taskToken, error, cause);
    }

    @Override
    public void sendTaskHeartbeat(String taskToken)
    {
        callbacks.heartbeat(taskToken);
    }

    @Override
    public Optional<String> redriveRefusal(StateMachineExecution execution)
    {
        List<HistoryEvent> past = DurableHistory.events(history, execution.executionArn()).stream().map(DurableHistory::event).toList();
        return StateMachineInterpreter.redriveRefusal(past).or(() -> mapRuns.redriveRefusal(execution.executionArn()));
    }

    /** A child execution of a Map Run redriven with its Map Run: as {@code RedriveExecution} redrives an execution. */
    private void redriveChild(String executionArn)
    {
        StateMachineExecution child = executions.getLatest(executionArn)
                .orElseThrow(() -> new IllegalStateException("the child execution " + executionArn + " is not stored"));
        redrive(child, Optional.empty());
    }

    @Override
    public StateMachineExecution redrive(StateMachineExecution execution, Optional<String> clientToken)
    {
        history.catchUp();
        Optional<String> refusal = redriveRefusal(execution);
        if (refusal.isPresent()) {
            throw ServiceException.user("ExecutionNotRedrivable", "Execution '" + execution.executionArn() + "' cannot be redriven: " + refusal.get());
        }
        List<HistoryRecord> events = DurableHistory.events(history, execution.executionArn());
        Optional<HistoryRecord> cutShort = events.isEmpty() ? Optional.empty()
                : Optional.of(events.get(events.size() - 1)).filter(last -> last.type().equals("ExecutionRedriven"));
        // the event first: a redrive cut short after it leaves the execution ended, and the next redrive takes that event as its own
        StateMachineExecution redriven = execution.redriven(cutShort.map(HistoryRecord::timestampMillis).orElse(clock.millis()), clientToken);
        if (cutShort.isEmpty()) {
            durableHistory(redriven).appendLast("ExecutionRedriven", JSON.createObjectNode().put("redriveCount", redriven.redriveCount()),
                    Instant.ofEpochMilli(redriven.redriveMillis()));
        }
        executions.put(redriven.executionArn(), redriven);
        send(new Command("redrive", redriven.executionArn(), Optional.empty(), Optional.empty()));
        return redriven;
    }

    /** Whether the execution stops on this instance only to resume on another (or after a restart): its tasks stay open. */
    private boolean handedOver(String executionArn)
    {
        Running execution = running.get(executionArn);
        return !open || execution != null && execution.sink.closed() && execution.stop.isEmpty();
    }

    @Override
    public void start(StateMachineExecution execution)
    {
        send(new Command("start", execution.executionArn(), Optional.empty(), Optional.empty()));
    }

    @Override
    public StateMachineExecution runSync(StateMachineExecution execution)
    {
        StateMachineInterpreter interpreter = StateMachineInterpreter.builder().taskInvoker(tasks).clock(clock).waiter(Waiter.system(clock))
                .historySink(event -> logs.log(execution, DurableHistory.record(event))).build();
        ExecutionResult result = interpreter.execute(definition(execution.definition()), request(execution));
        return ended(execution, result, clock.millis());
    }

    @Override
    public Instant stop(String executionArn, Optional<String> error, Optional<String> cause)
    {
        CompletableFuture<StateMachineExecution> end = new CompletableFuture<>();
        endWaiters.computeIfAbsent(executionArn, arn -> new CopyOnWriteArrayList<>()).add(end);
        executions.get(executionArn).filter(execution -> !execution.running()).ifPresent(this::notifyEnded);
        send(new Command("stop", executionArn, error, cause));
        try {
            return Instant.ofEpochMilli(end.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS).stopMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + executionArn, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("execution " + executionArn + " did not stop within " + STOP_WAIT.toSeconds()
                    + " s: no lakestack instance runs it now; it stops when one takes it over", e);
        }
        finally {
            endWaiters.computeIfPresent(executionArn, (arn, waiters) -> {
                waiters.remove(end);
                return waiters.isEmpty() ? null : waiters;
            });
        }
    }

    private void notifyEnded(StateMachineExecution execution)
    {
        List<CompletableFuture<StateMachineExecution>> waiters = endWaiters.get(execution.executionArn());
        if (waiters != null) {
            waiters.forEach(waiter -> waiter.complete(execution));
        }
    }

    private void send(Command command)
    {
        byte[] value;
        try {
            value = COMMANDS.writeValueAsBytes(command);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            producer.send(new ProducerRecord<>(topic, command.executionArn(), value)).get(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the " + command.action() + " of " + command.executionArn(), e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the " + command.action() + " of " + command.executionArn() + " to Kafka topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    // the owner's side

    private void run()
    {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener()
            {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked)
                {
                    commitQuietly();
                    handOver(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost)
                {
                    // owned by another member already: nothing can be committed, the executions stop where they are
                    handOver(lost);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned)
                {
                    if (!assigned.isEmpty()) {
                        // what the previous owners wrote is read before their executions resume
                        executions.catchUp();
                        history.catchUp();
                    }
                }
            });
            while (open) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        accept(record);
                    }
                    catch (RuntimeException e) {
                        // a start whose execution did not launch stays uncommitted: it is read again after a restart
                        log.error("Step Functions command at offset {} of partition {} failed", record.offset(), record.partition(), e);
                    }
                }
                commitQuietly();
            }
        }
        catch (WakeupException e) {
            // closing
        }
        catch (RuntimeException e) {
            log.error("the Step Functions execution runner stopped; executions it owned resume on another instance or after a restart", e);
        }
        finally {
            try {
                // a wakeup not yet delivered surfaces here, so the commit has a try of its own: the consumer is closed in any case
                commit();
            }
            catch (RuntimeException e) {
                log.debug("last commit of the Step Functions execution runner", e);
            }
            try {
                consumer.close(Duration.ofSeconds(5));
            }
            catch (RuntimeException e) {
                log.debug("closing the Step Functions execution runner's consumer", e);
            }
            finally {
                stopped.countDown();
            }
        }
    }

    /** Executions of partitions this instance no longer owns stop where their histories say, for the next owner to resume. */
    private void handOver(Collection<TopicPartition> partitions)
    {
        for (TopicPartition partition : partitions) {
            running.values().stream().filter(execution -> execution.partition.equals(partition)).forEach(ExecutionRunner::handOver);
            inFlight.remove(partition);
        }
    }

    /** Commits what is done; a commit refused by a rebalance under way is made again after it. */
    private void commitQuietly()
    {
        try {
            commit();
        }
        catch (org.apache.kafka.common.errors.RebalanceInProgressException | org.apache.kafka.clients.consumer.CommitFailedException e) {
            log.debug("commit of the Step Functions execution runner refused: {}", e.toString());
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record)
    {
        Command command;
        try {
            command = COMMANDS.readValue(record.value(), Command.class);
        }
        catch (IOException | RuntimeException e) {
            log.warn("record at offset {} of partition {} of {} is not a Step Functions command ({}); skipped", record.offset(), record.partition(),
                    record.topic(), e.toString());
            return;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        switch (command.action()) {
            case "start" -> launch(command.executionArn(), partition, record.offset());
            case "redrive" -> {
                // its last run ended (its record says so) but may still be leaving this instance
                Running previous = running.get(command.executionArn());
                if (previous == null || left(previous, "did not leave this instance within 30 s of its end; its redrive runs when its partition is taken over "
                        + "again")) {
                    launch(command.executionArn(), partition, record.offset());
                }
            }
            case "stop" -> {
                Running execution = running.get(command.executionArn());
                if (execution != null) {
                    execution.stop = Optional.of(command);
                    execution.sink.close();
                    execution.waiter.stop();
                }
                else {
                    // not running here: it ended, or it was never started (its start is before the stop on this partition)
                    executions.get(command.executionArn()).filter(StateMachineExecution::running)
                            .ifPresent(stored -> abort(stored, durableHistory(stored), command));
                }
            }
            default -> log.warn("unknown Step Functions command {} at offset {} of partition {}; skipped", command.action(), record.offset(),
                    record.partition());
        }
    }

    /**
     * Waits up to 30 s for a run of an execution to leave this instance.
     *
     * @return whether it left; if not, {@code warning} is logged after the execution's ARN
     */
    private static boolean left(Running previous, String warning)
    {
        try {
            previous.done.get(30, TimeUnit.SECONDS);
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException | TimeoutException e) {
            log.warn("execution {} " + warning, previous.arn);
            return false;
        }
    }

    private void launch(String arn, TopicPartition partition, long offset)
    {
        Running previous = running.get(arn);
        if (previous != null) {
            if (!previous.partition.equals(partition) || previous.offset != offset || !previous.sink.closed()) {
                return;
            }
            // handed over and given back by a rebalance: its last step ends before it resumes
            if (!left(previous, "did not stop within 30 s after it was handed over; it resumes when its partition is taken over again")) {
                return;
            }
        }
        inFlight.computeIfAbsent(partition, ignored -> new ConcurrentSkipListSet<>()).add(offset);
        Optional<StateMachineExecution> stored = executions.get(arn);
        if (stored.isEmpty()) {
            // stored by the instance that took the request before it wrote the command: read up to it
            executions.catchUp();
            stored = executions.get(arn);
        }
        if (stored.isEmpty()) {
            log.warn("execution {} started at offset {} of partition {} is not in the store; it is not run", arn, offset, partition.partition());
        }
        if (stored.isEmpty() || !stored.get().running()) {
            inFlight.get(partition).remove(offset);
            return;
        }
        StateMachineExecution execution = stored.get();
        Running local = new Running(arn, partition, offset, new StoppableWaiter(clock), durableHistory(execution));
        running.put(arn, local);
        pool.execute(() -> {
            boolean ended = false;
            try {
                ended = execute(execution, local);
            }
            finally {
                running.remove(arn, local);
                // an execution handed over keeps its start uncommitted, for the next owner to read
                ConcurrentSkipListSet<Long> offsets = inFlight.get(partition);
                if (ended && offsets != null) {
                    offsets.remove(offset);
                }
                Thread.interrupted();
                local.done.complete(null);
            }
        });
    }

    /** The execution's history, its events logged as its {@code loggingConfiguration} says. */
    private DurableHistory durableHistory(StateMachineExecution execution)
    {
        return new DurableHistory(history, execution.executionArn(), record -> logs.log(execution, record));
    }

    /** @return whether the execution ended (rather than being handed over or left for a later resume) */
    private boolean execute(StateMachineExecution execution, Running local)
    {
        ExecutionResult result;
        try {
            List<HistoryEvent> past = DurableHistory.events(history, execution.executionArn()).stream().map(DurableHistory::event).toList();
            if (past.isEmpty() || past.get(past.size() - 1).type().equals("ExecutionRedriven")) {
                // started or redriven, and not a step recorded since: put again if it resumes before one is
                statusEvents.statusChanged(execution);
            }
            StateMachineInterpreter interpreter = StateMachineInterpreter.builder().taskInvoker(callbacks).clock(clock).waiter(local.waiter)
                    .historySink(local.sink).mapRunner(mapRuns).build();
            result = interpreter.resume(definition(execution.definition()), request(execution), past);
        }
        catch (RuntimeException e) {
            Thread.interrupted();
            if (local.stop.isPresent()) {
                abort(execution, local.sink, local.stop.get());
                return true;
            }
            if (open && !local.sink.closed()) {
                log.error("execution {} stopped where its history says; it resumes when an instance takes it over", execution.executionArn(), e);
            }
            return false;
        }
        local.sink.close();
        long endMillis = local.sink.lastTimestampMillis().orElseGet(() -> {
            // resumed with nothing left to write: the history's last event ended it
            List<HistoryRecord> events = DurableHistory.events(history, execution.executionArn());
            return events.isEmpty() ? clock.millis() : events.get(events.size() - 1).timestampMillis();
        });
        StateMachineExecution ended = ended(execution, result, endMillis);
        executions.put(execution.executionArn(), ended);
        statusEvents.statusChanged(ended);
        return true;
    }

    private StateMachineDefinition definition(String json)
    {
        StateMachineDefinition parsed = definitions.get(json);
        if (parsed == null) {
            parsed = StateMachineDefinition.parse(json);
            definitions.put(json, parsed);
        }
        return parsed;
    }

    /** Ends a stopped execution: {@code ExecutionAborted} after its last event, and its record {@code ABORTED}. */
    private void abort(StateMachineExecution execution, DurableHistory sink, Command stop)
    {
        sink.close();
        Instant now = clock.instant();
        ObjectNode details = JSON.createObjectNode();
        stop.error().ifPresent(error -> details.put("error", error));
        stop.cause().ifPresent(cause -> details.put("cause", cause));
        sink.appendLast("ExecutionAborted", details, now);
        StateMachineExecution aborted = execution.ended(StateMachineExecution.ABORTED, now.toEpochMilli(), Optional.empty(), stop.error(), stop.cause());
        executions.put(execution.executionArn(), aborted);
        statusEvents.statusChanged(aborted);
        // as on AWS, the Map Runs of a stopped execution are aborted with their running children
        mapRuns.abortOf(execution.executionArn(), child -> send(new Command("stop", child, Optional.empty(),
                Optional.of("The execution " + execution.executionArn() + " of its Map Run was stopped"))));
    }

    private static void handOver(Running execution)
    {
        execution.sink.close();
        execution.waiter.stop();
    }

    private void commit()
    {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            ConcurrentSkipListSet<Long> pending = inFlight.get(partition);
            long position = pending == null || pending.isEmpty() ? consumer.position(partition) : pending.first();
            offsets.put(partition, new OffsetAndMetadata(position));
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private static ExecutionRequest request(StateMachineExecution execution)
    {
        JsonNode input;
        try {
            input = JSON.readTree(execution.input());
        }
        catch (IOException e) {
            throw new UncheckedIOException("the input of " + execution.executionArn() + " is not JSON", e);
        }
        return new ExecutionRequest(execution.executionArn(), execution.stateMachineArn(), execution.roleArn(), input,
                Instant.ofEpochMilli(execution.startMillis()));
    }

    private static StateMachineExecution ended(StateMachineExecution execution, ExecutionResult result, long stopMillis)
    {
        if (result instanceof ExecutionResult.Succeeded succeeded) {
            return execution.ended(StateMachineExecution.SUCCEEDED, stopMillis, Optional.of(succeeded.output().toString()), Optional.empty(),
                    Optional.empty());
        }
        if (result instanceof ExecutionResult.Failed failed) {
            return execution.ended(StateMachineExecution.FAILED, stopMillis, Optional.empty(), Optional.of(failed.error()).filter(text -> !text.isEmpty()),
                    Optional.of(failed.cause()).filter(text -> !text.isEmpty()));
        }
        return execution.ended(StateMachineExecution.TIMED_OUT, stopMillis, Optional.empty(), Optional.of("States.Timeout"), Optional.empty());
    }

    private void createTopic()
    {
        Topics.ensure(bootstrapServers, List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
    }

    /**
     * Leaves the group and stops running: executions under way stop where their histories say (a step under way ends
     * first) and are resumed by the instance that takes them over.
     */
    @Override
    public void close()
    {
        open = false;
        running.values().forEach(ExecutionRunner::handOver);
        if (consumer != null) {
            consumer.wakeup();
            try {
                if (!stopped.await(30, TimeUnit.SECONDS)) {
                    log.warn("the Step Functions execution runner did not stop within 30 s");
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        mapRuns.close();
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
