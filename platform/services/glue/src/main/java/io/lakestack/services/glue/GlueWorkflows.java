package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.services.glue.StoredTrigger.Action;
import io.lakestack.services.glue.StoredTrigger.Condition;
import io.lakestack.services.glue.StoredWorkflowRun.Status;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Glue workflows and their runs: {@code CreateWorkflow}, {@code GetWorkflow}, {@code UpdateWorkflow},
 * {@code DeleteWorkflow} (with its triggers), {@code ListWorkflows}, {@code BatchGetWorkflows},
 * {@code StartWorkflowRun}, {@code GetWorkflowRun(s)}, {@code Get/PutWorkflowRunProperties}, {@code StopWorkflowRun}
 * and {@code ResumeWorkflowRun}. Workflows live in the record store {@value #STORE}, runs in {@value #RUNS_STORE}.
 *
 * <p>A run starts from the workflow's start trigger (its {@code ON_DEMAND} one at {@code StartWorkflowRun} or
 * {@code StartTrigger}, its {@code SCHEDULED} one at each occurrence of its schedule while activated, its {@code EVENT}
 * one when a batch of events is complete; {@code StartWorkflowRun} starts a run from any of them). A job run it
 * starts gets {@code --WORKFLOW_NAME} and {@code --WORKFLOW_RUN_ID} among its arguments, as on Glue, and a crawl it
 * starts is recorded with the run's id. The workflow's activated {@code CONDITIONAL} triggers are met only by the job
 * runs and crawls of the same run, seen by the instance where each ends; the run is {@code COMPLETED} once none of its
 * actions runs, so that none of its triggers can fire any more ({@code STOPPED} after {@code StopWorkflowRun}, which
 * stops its running job runs and crawls).
 *
 * <p>A workflow whose start trigger is an {@code EVENT} one starts from EventBridge events ({@link #notifyEvent}),
 * batched as the trigger's {@code EventBatchingCondition} says; a run a batch started has its
 * {@code StartingEventBatchCondition}, and the events' ids in its {@code aws:eventIds} property.
 *
 * <p>Not there: blueprints.
 */
public final class GlueWorkflows
{
    public static final String STORE = "glue.workflows";
    public static final String RUNS_STORE = "glue.workflow-runs";
    public static final String EVENT_BATCHES_STORE = "glue.event-batches";
    /** The run property with the ids of the events that started a run. */
    static final String EVENT_IDS = "aws:eventIds";
    private static final DateTimeFormatter AT_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    static final String WORKFLOW_NAME = "--WORKFLOW_NAME";
    static final String WORKFLOW_RUN_ID = "--WORKFLOW_RUN_ID";
    private static final Logger log = LoggerFactory.getLogger(GlueWorkflows.class);
    private static final char KEY_SEPARATOR = '\n';

    private final RecordStore<StoredWorkflow> workflows;
    private final RecordStore<StoredWorkflowRun> runs;
    private final RecordStore<StoredEventBatch> batches;
    private final GlueJobs jobs;
    private final GlueCrawlers crawlers;
    private final GlueTriggers triggers;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** A node of a workflow's graph: a trigger, a job or a crawler. */
    private record Node(String type, String name)
    {
    }

    /** A trigger of a run that is to fire, and the job runs that met its predicate. */
    private record Firing(StoredTrigger trigger, List<StoredJobRun.Predecessor> predecessors)
    {
    }

    public GlueWorkflows(RecordStores stores, GlueJobs jobs, GlueCrawlers crawlers, GlueTriggers triggers, Clock clock)
    {
        requireNonNull(stores, "stores is null");
        this.workflows = stores.open(STORE, StoredWorkflow.class);
        this.runs = stores.open(RUNS_STORE, StoredWorkflowRun.class);
        this.batches = stores.open(EVENT_BATCHES_STORE, StoredEventBatch.class);
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.crawlers = requireNonNull(crawlers, "crawlers is null");
        this.triggers = requireNonNull(triggers, "triggers is null");
        this.clock = requireNonNull(clock, "clock is null");
        triggers.attach(this);
        jobs.onRunEnded(run -> {
            String workflow = run.arguments().get(WORKFLOW_NAME);
            String runId = run.arguments().get(WORKFLOW_RUN_ID);
            if (workflow != null && runId != null) {
                ended(workflow, runId, Optional.of(run), Optional.empty());
            }
        });
        crawlers.onCrawlEnded(crawl -> {
            if (crawl.workflowName().isPresent() && crawl.workflowRunId().isPresent()) {
                ended(crawl.workflowName().get(), crawl.workflowRunId().get(), Optional.empty(), Optional.of(crawl));
            }
        });
    }

    void register(GlueService service)
    {
        service.register("CreateWorkflow", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            Map<String, String> tags = GlueJson.tags(input);
            synchronized (lock(name)) {
                if (workflows.getLatest(name).isPresent()) {
                    throw ServiceException.user("AlreadyExistsException", 400, "Workflow with name " + name + " already exists.");
                }
                long now = clock.millis();
                workflows.put(name, new StoredWorkflow(name, description(input), properties(input, "DefaultRunProperties"), maxConcurrentRuns(input), tags,
                        caller.region(), now, now));
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("UpdateWorkflow", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            synchronized (lock(name)) {
                StoredWorkflow existing = workflow(name);
                workflows.put(name, new StoredWorkflow(name, input.has("Description") ? description(input) : existing.description(),
                        input.has("DefaultRunProperties") ? properties(input, "DefaultRunProperties") : existing.defaultRunProperties(),
                        input.has("MaxConcurrentRuns") ? maxConcurrentRuns(input) : existing.maxConcurrentRuns(), existing.tags(), existing.region(),
                        existing.createdMillis(), clock.millis()));
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("GetWorkflow", (input, caller) -> {
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Workflow", describe(workflow(GlueService.name(input, "Name")), input.bool("IncludeGraph").orElse(false)));
            return output;
        });
        service.register("DeleteWorkflow", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            synchronized (lock(name)) {
                // as Glue, deleting a workflow that is not there succeeds; its triggers and runs go with it
                triggers.deleteTriggersOf(name);
                dropBatch(name);
                runsOf(name).forEach(run -> runs.delete(key(name, run.id())));
                workflows.delete(name);
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("ListWorkflows", (input, caller) -> {
            OffsetTokens.Slice<String> page = OffsetTokens.slice(new ArrayList<>(workflows.all().keySet()), input.string("NextToken"),
                    input.integer("MaxResults", 1, 25).orElse(25), "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Workflows");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("BatchGetWorkflows", (input, caller) -> {
            if (!input.has("Names")) {
                throw input.missing("Names");
            }
            List<String> names = input.strings("Names");
            if (names.isEmpty() || names.size() > 25) {
                throw input.invalid("Names", "(" + names.size() + " names)", "Member must have length between 1 and 25");
            }
            boolean graph = input.bool("IncludeGraph").orElse(false);
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode found = output.putArray("Workflows");
            ArrayNode missing = output.putArray("MissingWorkflows");
            for (String name : names) {
                workflows.getLatest(name).ifPresentOrElse(workflow -> found.add(describe(workflow, graph)), () -> missing.add(name));
            }
            return output;
        });
        service.register("StartWorkflowRun", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            StoredWorkflowRun run = startRun(name, properties(input, "RunProperties"));
            return JsonProtocolService.JSON.createObjectNode().put("RunId", run.id());
        });
        service.register("GetWorkflowRun", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            workflow(name);
            StoredWorkflowRun run = run(name, GlueService.name(input, "RunId"));
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Run", describe(run, input.bool("IncludeGraph").orElse(false)));
            return output;
        });
        service.register("GetWorkflowRuns", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            workflow(name);
            boolean graph = input.bool("IncludeGraph").orElse(false);
            List<StoredWorkflowRun> all = new ArrayList<>(runsOf(name));
            all.sort(Comparator.comparingLong(StoredWorkflowRun::startedMillis).thenComparing(StoredWorkflowRun::id).reversed());
            OffsetTokens.Slice<StoredWorkflowRun> page = OffsetTokens.slice(all, input.string("NextToken"), input.integer("MaxResults", 1, 1000).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Runs");
            page.items().forEach(run -> list.add(describe(run, graph)));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("GetWorkflowRunProperties", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            workflow(name);
            StoredWorkflowRun run = run(name, GlueService.name(input, "RunId"));
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ObjectNode properties = output.putObject("RunProperties");
            run.properties().forEach(properties::put);
            return output;
        });
        service.register("PutWorkflowRunProperties", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            String id = GlueService.name(input, "RunId");
            if (!input.has("RunProperties")) {
                throw input.missing("RunProperties");
            }
            Map<String, String> added = properties(input, "RunProperties");
            workflow(name);
            change(name, id, run -> {
                // as Glue: a property given replaces the one of that name, the others stay
                Map<String, String> properties = new LinkedHashMap<>(run.properties());
                properties.putAll(added);
                return run.withProperties(properties);
            });
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("StopWorkflowRun", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            String id = GlueService.name(input, "RunId");
            workflow(name);
            stopRun(name, id);
            return JsonProtocolService.JSON.createObjectNode();
        });
        service.register("ResumeWorkflowRun", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            String id = GlueService.name(input, "RunId");
            if (!input.has("NodeIds")) {
                throw input.missing("NodeIds");
            }
            List<String> nodeIds = input.strings("NodeIds");
            if (nodeIds.isEmpty()) {
                throw input.invalid("NodeIds must name at least one node to restart");
            }
            StoredWorkflowRun resumed = resume(input, name, id, nodeIds);
            ObjectNode output = JsonProtocolService.JSON.createObjectNode().put("RunId", resumed.id());
            ArrayNode restarted = output.putArray("NodeIds");
            nodeIds.stream().distinct().forEach(restarted::add);
            return output;
        });
    }

    // definitions

    private static Optional<String> description(JsonInput input)
    {
        Optional<String> description = input.string("Description");
        if (description.isPresent() && description.get().length() > 2048) {
            throw input.invalid("Description", description.get(), "Member must have length less than or equal to 2048");
        }
        return description;
    }

    private static Optional<Integer> maxConcurrentRuns(JsonInput input)
    {
        return input.integer("MaxConcurrentRuns", 1, Integer.MAX_VALUE);
    }

    /** Run properties: names of 1 to 255 characters on one line, as Glue's {@code IdString}. */
    private static Map<String, String> properties(JsonInput input, String field)
    {
        Map<String, String> properties = input.stringMap(field);
        for (String key : properties.keySet()) {
            if (key.isEmpty() || key.length() > GlueService.MAX_NAME_LENGTH || !GlueService.SINGLE_LINE.matcher(key).matches()) {
                throw input.invalid(field, key, "Member must have length between 1 and 255 and be on one line");
            }
        }
        return properties;
    }

    // runs

    /** Starts a run of the workflow from its start trigger: {@code ConcurrentRunsExceededException} beyond its {@code MaxConcurrentRuns}. */
    StoredWorkflowRun startRun(String name, Map<String, String> runProperties)
    {
        StoredWorkflowRun run = newRun(name, runProperties, Optional.empty());
        launch(run);
        return run;
    }

    /** Stores a new run of the workflow, not started yet ({@link #launch}): {@code ConcurrentRunsExceededException} beyond its {@code MaxConcurrentRuns}. */
    private StoredWorkflowRun newRun(String name, Map<String, String> runProperties, Optional<StoredWorkflowRun.StartingBatch> batch)
    {
        synchronized (lock(name)) {
            StoredWorkflow workflow = workflow(name);
            startTrigger(name);
            checkConcurrency(workflow);
            Map<String, String> properties = new LinkedHashMap<>(workflow.defaultRunProperties());
            properties.putAll(runProperties);
            StoredWorkflowRun run = new StoredWorkflowRun(name, newRunId(), Optional.empty(), properties, Status.RUNNING, Optional.empty(), clock.millis(),
                    Optional.empty(), List.of(), List.of(), List.of(), Map.of(), Map.of(), batch);
            runs.put(key(name, run.id()), run);
            return run;
        }
    }

    /** Starts the actions of the workflow's start trigger within a new run. */
    private void launch(StoredWorkflowRun run)
    {
        StoredTrigger start = startTrigger(run.workflowName());
        log.info("Glue workflow {} run {} starts from trigger {}", run.workflowName(), run.id(), start.name());
        fire(run, start, List.of());
        completeIfDone(run.workflowName(), run.id());
    }

    private StoredTrigger startTrigger(String name)
    {
        return triggers.startTriggerOf(name).orElseThrow(() -> ServiceException.user("IllegalWorkflowStateException", 400, "Workflow " + name
                + " has no start trigger: create an ON_DEMAND, SCHEDULED or EVENT trigger with WorkflowName " + name));
    }

    // EventBridge events

    /**
     * An EventBridge event for the workflow, from a rule whose target is the workflow's ARN: it joins the workflow's
     * pending batch, kept in {@value #EVENT_BATCHES_STORE}, and a run starts with the batch once it has the
     * {@code BatchSize} of the workflow's {@code EVENT} trigger, or at the first event after the batch window (counted
     * from the batch's first event) has passed. The first event of a batch sets a schedule at the end of the window
     * ({@link GlueSchedules}), whose occurrence the wiring hands to {@link #eventBatchWindowElapsed}. The run's
     * properties have the batch's event ids as {@code aws:eventIds}.
     *
     * @param event the event as EventBridge delivers it: its {@code id} is the event id (a new one when a rule's input
     *         transformation left none)
     * @throws ServiceException {@code EntityNotFoundException} when there is no such workflow,
     *         {@code IllegalWorkflowStateException} when its start trigger is not an activated {@code EVENT} trigger,
     *         {@code ConcurrentRunsExceededException} when the batch is complete and a run cannot start: the event is
     *         then not taken
     */
    public void notifyEvent(String name, String event)
    {
        String eventId = eventId(event);
        StoredWorkflowRun started;
        synchronized (lock(name)) {
            workflow(name);
            StoredTrigger trigger = triggers.startTriggerOf(name).filter(start -> start.type().equals("EVENT")).orElseThrow(() -> ServiceException.user(
                    "IllegalWorkflowStateException", 400, "Workflow " + name + " does not start from EventBridge events: it has no EVENT trigger; create one "
                            + "with WorkflowName " + name));
            if (!trigger.state().equals(GlueTriggers.ACTIVATED)) {
                throw ServiceException.user("IllegalWorkflowStateException", 400, "Event trigger " + trigger.name() + " of workflow " + name + " is "
                        + trigger.state() + ": the event " + eventId + " is not taken; start the trigger (StartTrigger) to take events");
            }
            long now = clock.millis();
            Optional<StoredEventBatch> pending = batches.getLatest(name).filter(batch -> batch.triggerName().equals(trigger.name()));
            List<String> ids = new ArrayList<>(pending.map(StoredEventBatch::eventIds).orElse(List.of()));
            ids.add(eventId);
            long first = pending.map(StoredEventBatch::firstMillis).orElse(now);
            StoredTrigger.EventBatching batching = trigger.batching();
            if (ids.size() >= batching.batchSize()) {
                started = startBatch(name, ids, new StoredWorkflowRun.StartingBatch(ids.size(), 0));
            }
            else if (now >= windowEnd(first, batching)) {
                started = startBatch(name, ids, new StoredWorkflowRun.StartingBatch(0, batching.window()));
            }
            else {
                batches.put(name, new StoredEventBatch(name, trigger.name(), ids, first));
                if (pending.isEmpty()) {
                    triggers.schedules().set(GlueSchedules.EVENT_BATCHES, name, trigger.region(), Optional.of(at(windowEnd(first, batching))),
                            "the batch window of workflow " + name);
                }
                log.info("Glue workflow {}: event {} is event {} of {} of the batch of trigger {}", name, eventId, ids.size(), batching.batchSize(),
                        trigger.name());
                return;
            }
        }
        launch(started);
    }

    /**
     * The batch window of the workflow's pending batch of events has passed (an occurrence of its schedule): a run
     * starts with the batch, unless there is none any more or its trigger is gone or not activated (logged; the next
     * event then starts the run).
     */
    public void eventBatchWindowElapsed(String name)
    {
        StoredWorkflowRun started;
        synchronized (lock(name)) {
            Optional<StoredEventBatch> pending = batches.getLatest(name);
            if (pending.isEmpty()) {
                log.info("Glue workflow {}: its batch window passed, with no batch of events pending (a run started with it already)", name);
                dropBatch(name);
                return;
            }
            StoredEventBatch batch = pending.get();
            Optional<StoredTrigger> trigger = triggers.startTriggerOf(name).filter(start -> start.name().equals(batch.triggerName()));
            if (trigger.isEmpty() || !trigger.get().type().equals("EVENT")) {
                log.warn("Glue workflow {}: trigger {} of its batch of events {} is gone; the batch is dropped", name, batch.triggerName(), batch.eventIds());
                dropBatch(name);
                return;
            }
            StoredTrigger.EventBatching batching = trigger.get().batching();
            if (clock.millis() < windowEnd(batch.firstMillis(), batching)) {
                // the schedule of a window that ended early: a smaller BatchWindow's, or one before the trigger was updated
                triggers.schedules().set(GlueSchedules.EVENT_BATCHES, name, trigger.get().region(), Optional.of(at(windowEnd(batch.firstMillis(), batching))),
                        "the batch window of workflow " + name);
                return;
            }
            if (!trigger.get().state().equals(GlueTriggers.ACTIVATED)) {
                log.warn("Glue workflow {}: the batch window of trigger {} passed while it is {}; its batch of events {} waits for the next event", name,
                        batch.triggerName(), trigger.get().state(), batch.eventIds());
                return;
            }
            try {
                started = startBatch(name, batch.eventIds(), new StoredWorkflowRun.StartingBatch(0, batching.window()));
            }
            catch (ServiceException e) {
                log.warn("Glue workflow {}: the run of its batch of events {} did not start ({}); the batch waits for the next event", name, batch.eventIds(),
                        e.getMessage());
                return;
            }
        }
        launch(started);
    }

    /** Stores a run of the batch, which then is no longer pending. */
    private StoredWorkflowRun startBatch(String name, List<String> eventIds, StoredWorkflowRun.StartingBatch condition)
    {
        // as Glue: the batch's event ids, a list in one run property
        StoredWorkflowRun run = newRun(name, Map.of(EVENT_IDS, "[" + String.join(", ", eventIds) + "]"), Optional.of(condition));
        dropBatch(name);
        log.info("Glue workflow {} run {} starts with a batch of {} event(s) ({})", name, run.id(), eventIds.size(),
                condition.batchSize() > 0 ? "batch size reached" : "batch window passed");
        return run;
    }

    private void dropBatch(String name)
    {
        batches.delete(name);
        triggers.schedules().set(GlueSchedules.EVENT_BATCHES, name, "", Optional.empty(), "");
    }

    private static long windowEnd(long firstMillis, StoredTrigger.EventBatching batching)
    {
        return firstMillis + batching.window() * 1000L;
    }

    /** The one-time schedule expression of an instant, at the next whole second (in UTC, as Glue's schedules). */
    private static String at(long millis)
    {
        long seconds = Math.floorDiv(millis + 999, 1000);
        return "at(" + LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC).format(AT_FORMAT) + ")";
    }

    private static String eventId(String event)
    {
        try {
            JsonNode id = JsonProtocolService.JSON.readTree(event).path("id");
            if (id.isTextual() && !id.asText().isEmpty()) {
                return id.asText();
            }
        }
        catch (IOException | RuntimeException e) {
            // not an event: a rule's input made it something else
        }
        return UUID.randomUUID().toString();
    }

    /** An occurrence of the schedule of the workflow's start trigger: a run starts, or the reason it cannot is logged. */
    void startScheduledRun(String name, String trigger)
    {
        try {
            startRun(name, Map.of());
        }
        catch (ServiceException e) {
            log.warn("Glue workflow {}: the run of this occurrence of trigger {}'s schedule did not start: {}", name, trigger, e.getMessage());
        }
    }

    private void checkConcurrency(StoredWorkflow workflow)
    {
        if (workflow.maxConcurrentRuns().isEmpty()) {
            return;
        }
        long active = runsOf(workflow.name()).stream().filter(existing -> existing.status().active()).count();
        if (active >= workflow.maxConcurrentRuns().get()) {
            throw ServiceException.user("ConcurrentRunsExceededException", 400, "Concurrent runs exceeded for workflow: " + workflow.name() + ": " + active
                    + " run(s) of it are running and its MaxConcurrentRuns is " + workflow.maxConcurrentRuns().get());
        }
    }

    /** Starts the trigger's actions within the run; an action that cannot start is counted among the run's errored actions. */
    private void fire(StoredWorkflowRun run, StoredTrigger trigger, List<StoredJobRun.Predecessor> predecessors)
    {
        for (Action action : trigger.actions()) {
            // recorded before it starts, so that its end, however soon, is counted with the run
            change(run.workflowName(), run.id(), current -> current.starting(action.jobName(), action.crawlerName()));
            try {
                startAction(run, trigger.name(), action.jobName(), action.arguments(), action.timeout(), action.notifyDelayAfter(), action.crawlerName(),
                        predecessors);
            }
            catch (ServiceException e) {
                String target = action.jobName().map(job -> "job " + job).orElse("crawler " + action.crawlerName().orElse(""));
                log.warn("Glue workflow {} run {}: trigger {} could not start {}: {}", run.workflowName(), run.id(), trigger.name(), target, e.getMessage());
                change(run.workflowName(), run.id(), current -> current.withError("Trigger " + trigger.name() + " could not start " + target + ": "
                        + e.getMessage()));
            }
        }
    }

    private void startAction(StoredWorkflowRun run, String trigger, Optional<String> job, Map<String, String> arguments, Optional<Integer> timeout,
            Optional<Integer> notifyDelayAfter, Optional<String> crawler, List<StoredJobRun.Predecessor> predecessors)
    {
        if (job.isPresent()) {
            Map<String, String> withRun = new LinkedHashMap<>(arguments);
            withRun.put(WORKFLOW_NAME, run.workflowName());
            withRun.put(WORKFLOW_RUN_ID, run.id());
            StoredJobRun started = jobs.startTriggered(job.get(), withRun, timeout, notifyDelayAfter, trigger, predecessors);
            log.info("Glue workflow {} run {}: trigger {} started job {} run {}", run.workflowName(), run.id(), trigger, job.get(), started.id());
        }
        else {
            crawlers.start(crawler.orElseThrow(), Optional.of(run.workflowName()), Optional.of(run.id()));
        }
    }

    /** A job run or crawl of a workflow run ended on this instance: the run's activated conditional triggers it meets fire, and the run may be done. */
    private void ended(String name, String id, Optional<StoredJobRun> jobRun, Optional<StoredCrawl> crawl)
    {
        List<Firing> firings = new ArrayList<>();
        StoredWorkflowRun run;
        synchronized (lock(name)) {
            Optional<StoredWorkflowRun> current = runs.getLatest(key(name, id));
            if (current.isEmpty() || current.get().status() != Status.RUNNING) {
                run = null;
            }
            else {
                run = current.get();
                for (StoredTrigger trigger : triggers.triggersOf(name)) {
                    if (!trigger.type().equals("CONDITIONAL") || !trigger.state().equals(GlueTriggers.ACTIVATED)) {
                        continue;
                    }
                    List<Integer> met = new ArrayList<>(run.satisfied().getOrDefault(trigger.name(), List.of()));
                    List<StoredJobRun.Predecessor> by = new ArrayList<>(run.satisfiedBy().getOrDefault(trigger.name(), List.of()));
                    if (!trigger.meet(jobRun, crawl.map(StoredCrawl::crawlerName), crawl.map(StoredCrawl::status), met)) {
                        continue;
                    }
                    jobRun.ifPresent(ended -> by.add(new StoredJobRun.Predecessor(ended.jobName(), ended.id())));
                    if (trigger.logical().equals("ANY") || met.size() == trigger.conditions().size()) {
                        firings.add(new Firing(trigger, trigger.logical().equals("AND") ? by
                                : jobRun.map(ended -> List.of(new StoredJobRun.Predecessor(ended.jobName(), ended.id()))).orElse(List.of())));
                        run = run.withSatisfied(trigger.name(), List.of(), List.of());
                    }
                    else {
                        run = run.withSatisfied(trigger.name(), met, by);
                    }
                }
                if (!run.equals(current.get())) {
                    runs.put(key(name, id), run);
                }
            }
        }
        if (run != null) {
            for (Firing firing : firings) {
                log.info("Glue workflow {} run {}: trigger {} fires", name, id, firing.trigger().name());
                fire(run, firing.trigger(), firing.predecessors());
            }
        }
        completeIfDone(name, id);
    }

    /** Ends the run ({@code COMPLETED}, or {@code STOPPED} once stopping) when none of its actions runs any more. */
    private void completeIfDone(String name, String id)
    {
        synchronized (lock(name)) {
            Optional<StoredWorkflowRun> current = runs.getLatest(key(name, id));
            if (current.isEmpty() || !current.get().status().active()) {
                return;
            }
            StoredWorkflowRun run = current.get();
            boolean running = jobRuns(run).stream().anyMatch(jobRun -> jobRun.state().active()) || crawls(run).stream().anyMatch(StoredCrawl::running);
            if (running) {
                return;
            }
            Status end = run.status() == Status.STOPPING ? Status.STOPPED : Status.COMPLETED;
            runs.put(key(name, id), run.withStatus(end, Optional.of(clock.millis())));
            log.info("Glue workflow {} run {} ended {}", name, id, end);
        }
    }

    /** {@code StopWorkflowRun}: the run is {@code STOPPING}, its running job runs and crawls are stopped, and it is {@code STOPPED} once they have ended. */
    private void stopRun(String name, String id)
    {
        StoredWorkflowRun run;
        synchronized (lock(name)) {
            run = run(name, id);
            if (run.status() != Status.RUNNING) {
                throw ServiceException.user("IllegalWorkflowStateException", 400, "Workflow run " + id + " of workflow " + name + " is " + run.status()
                        + "; only a RUNNING run can be stopped");
            }
            run = run.withStatus(Status.STOPPING, Optional.empty());
            runs.put(key(name, id), run);
        }
        for (StoredJobRun jobRun : jobRuns(run)) {
            if (jobRun.state().active() && jobRun.state() != StoredJobRun.State.STOPPING) {
                try {
                    jobs.stop(jobRun.jobName(), jobRun.id());
                }
                catch (ServiceException e) {
                    // it ended meanwhile
                    log.debug("Glue workflow {} run {}: job {} run {} was not stopped: {}", name, id, jobRun.jobName(), jobRun.id(), e.getMessage());
                }
            }
        }
        for (StoredCrawl crawl : crawls(run)) {
            if (crawl.running()) {
                try {
                    crawlers.stop(crawl.crawlerName());
                }
                catch (ServiceException e) {
                    log.debug("Glue workflow {} run {}: crawler {} was not stopped: {}", name, id, crawl.crawlerName(), e.getMessage());
                }
            }
        }
        completeIfDone(name, id);
    }

    /**
     * {@code ResumeWorkflowRun}: a new run, with the properties and the conditions met of the ended run it resumes,
     * restarts the given job and crawler nodes (each must have run in that run); the triggers downstream of them fire
     * as in any run.
     */
    private StoredWorkflowRun resume(JsonInput input, String name, String id, List<String> nodeIds)
    {
        StoredWorkflowRun resumed;
        List<Node> restart = new ArrayList<>();
        Map<String, StoredJobRun> lastRuns = new LinkedHashMap<>();
        synchronized (lock(name)) {
            StoredWorkflow workflow = workflow(name);
            StoredWorkflowRun original = run(name, id);
            if (original.status().active()) {
                throw ServiceException.user("IllegalWorkflowStateException", 400, "Workflow run " + id + " of workflow " + name + " is " + original.status()
                        + "; a run can be resumed once it has ended");
            }
            Map<String, Node> nodes = new LinkedHashMap<>();
            graphNodes(name, Optional.of(original)).forEach(node -> nodes.put(uniqueId(name, node), node));
            List<StoredJobRun> jobRuns = jobRuns(original);
            List<StoredCrawl> crawls = crawls(original);
            for (String nodeId : nodeIds.stream().distinct().toList()) {
                Node node = nodes.get(nodeId);
                if (node == null) {
                    throw input.invalid("NodeIds " + nodeId + " is not a node of workflow " + name);
                }
                if (node.type().equals("TRIGGER")) {
                    throw input.invalid("NodeIds " + nodeId + " is trigger " + node.name() + "; lakestack restarts job and crawler nodes");
                }
                boolean ran = node.type().equals("JOB")
                        ? jobRuns.stream().anyMatch(jobRun -> jobRun.jobName().equals(node.name()))
                        : crawls.stream().anyMatch(crawl -> crawl.crawlerName().equals(node.name()));
                if (!ran) {
                    throw input.invalid("NodeIds " + nodeId + " (" + node.type().toLowerCase(java.util.Locale.ROOT) + " " + node.name()
                            + ") has no run attempt in workflow run " + id + ": only nodes that ran can be restarted");
                }
                if (node.type().equals("JOB")) {
                    jobRuns.stream().filter(jobRun -> jobRun.jobName().equals(node.name())).max(Comparator.comparingLong(StoredJobRun::startedMillis))
                            .ifPresent(last -> lastRuns.put(node.name(), last));
                }
                restart.add(node);
            }
            checkConcurrency(workflow);
            resumed = new StoredWorkflowRun(name, newRunId(), Optional.of(id), original.properties(), Status.RUNNING, Optional.empty(), clock.millis(),
                    Optional.empty(), List.of(), List.of(), List.of(), original.satisfied(), original.satisfiedBy(), original.startingBatch());
            runs.put(key(name, resumed.id()), resumed);
        }
        log.info("Glue workflow {} run {} resumes run {} at {}", name, resumed.id(), id, restart);
        for (Node node : restart) {
            boolean job = node.type().equals("JOB");
            Optional<String> jobName = job ? Optional.of(node.name()) : Optional.empty();
            Optional<String> crawlerName = job ? Optional.empty() : Optional.of(node.name());
            change(name, resumed.id(), current -> current.starting(jobName, crawlerName));
            try {
                StoredJobRun last = lastRuns.get(node.name());
                Map<String, String> arguments = new LinkedHashMap<>(last == null ? Map.of() : last.arguments());
                arguments.remove(WORKFLOW_NAME);
                arguments.remove(WORKFLOW_RUN_ID);
                startAction(resumed, last == null ? "" : last.triggerName().orElse(""), jobName, arguments,
                        last == null ? Optional.empty() : Optional.of(last.timeoutMinutes()), last == null ? Optional.empty() : last.notifyDelayAfter(),
                        crawlerName, List.of());
            }
            catch (ServiceException e) {
                change(name, resumed.id(), current -> current.withError("Resuming " + node.type().toLowerCase(java.util.Locale.ROOT) + " " + node.name()
                        + " failed: " + e.getMessage()));
            }
        }
        completeIfDone(name, resumed.id());
        return resumed;
    }

    /** The job runs the workflow run started: the runs of its jobs whose arguments carry its id. */
    private List<StoredJobRun> jobRuns(StoredWorkflowRun run)
    {
        List<StoredJobRun> found = new ArrayList<>();
        for (String job : run.jobNames()) {
            jobs.runsOf(job).stream().filter(jobRun -> run.id().equals(jobRun.arguments().get(WORKFLOW_RUN_ID))).forEach(found::add);
        }
        found.sort(Comparator.comparingLong(StoredJobRun::startedMillis).thenComparing(StoredJobRun::id));
        return found;
    }

    private List<StoredCrawl> crawls(StoredWorkflowRun run)
    {
        List<StoredCrawl> found = new ArrayList<>();
        for (String crawler : run.crawlerNames()) {
            crawlers.crawlsOf(crawler).stream().filter(crawl -> crawl.workflowRunId().equals(Optional.of(run.id()))).forEach(found::add);
        }
        found.sort(Comparator.comparingLong(StoredCrawl::startMillis).thenComparing(StoredCrawl::id));
        return found;
    }

    // shapes

    private ObjectNode describe(StoredWorkflow workflow, boolean includeGraph)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", workflow.name());
        workflow.description().ifPresent(description -> node.put("Description", description));
        ObjectNode defaults = node.putObject("DefaultRunProperties");
        workflow.defaultRunProperties().forEach(defaults::put);
        node.put("CreatedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(workflow.createdMillis())));
        node.put("LastModifiedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(workflow.lastModifiedMillis())));
        runsOf(workflow.name()).stream().max(Comparator.comparingLong(StoredWorkflowRun::startedMillis).thenComparing(StoredWorkflowRun::id))
                .ifPresent(last -> node.set("LastRun", describe(last, includeGraph)));
        if (includeGraph) {
            node.set("Graph", graph(workflow.name(), Optional.empty()));
        }
        workflow.maxConcurrentRuns().ifPresent(max -> node.put("MaxConcurrentRuns", max));
        return node;
    }

    private ObjectNode describe(StoredWorkflowRun run, boolean includeGraph)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", run.workflowName());
        node.put("WorkflowRunId", run.id());
        run.previousRunId().ifPresent(previous -> node.put("PreviousRunId", previous));
        ObjectNode properties = node.putObject("WorkflowRunProperties");
        run.properties().forEach(properties::put);
        node.put("StartedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(run.startedMillis())));
        run.completedMillis().ifPresent(completed -> node.put("CompletedOn", JsonProtocolService.epochSeconds(Instant.ofEpochMilli(completed))));
        node.put("Status", run.status().name());
        run.errorMessage().ifPresent(message -> node.put("ErrorMessage", message));
        node.set("Statistics", statistics(run));
        run.startingBatch().ifPresent(batch -> {
            ObjectNode condition = node.putObject("StartingEventBatchCondition");
            if (batch.batchSize() > 0) {
                condition.put("BatchSize", batch.batchSize());
            }
            if (batch.batchWindow() > 0) {
                condition.put("BatchWindow", batch.batchWindow());
            }
        });
        if (includeGraph) {
            node.set("Graph", graph(run.workflowName(), Optional.of(run)));
        }
        return node;
    }

    /**
     * Glue's {@code WorkflowRunStatistics}: each job run (attempts included), crawl and action that could not start is
     * one action; a job run waiting in its job's queue (job run queuing) is a waiting one.
     */
    private ObjectNode statistics(StoredWorkflowRun run)
    {
        int succeeded = 0;
        int failed = 0;
        int timedOut = 0;
        int stopped = 0;
        int running = 0;
        int waiting = 0;
        int errored = run.errors().size();
        List<StoredJobRun> jobRuns = jobRuns(run);
        for (StoredJobRun jobRun : jobRuns) {
            switch (jobRun.state()) {
                case SUCCEEDED -> succeeded++;
                case FAILED -> failed++;
                case TIMEOUT -> timedOut++;
                case STOPPED -> stopped++;
                case ERROR -> errored++;
                case WAITING -> waiting++;
                default -> running++;
            }
        }
        List<StoredCrawl> crawls = crawls(run);
        for (StoredCrawl crawl : crawls) {
            switch (crawl.status()) {
                case "SUCCEEDED" -> succeeded++;
                case "FAILED" -> failed++;
                case "CANCELLED" -> stopped++;
                default -> running++;
            }
        }
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("TotalActions", jobRuns.size() + crawls.size() + run.errors().size());
        node.put("TimeoutActions", timedOut);
        node.put("FailedActions", failed);
        node.put("StoppedActions", stopped);
        node.put("SucceededActions", succeeded);
        node.put("RunningActions", running);
        node.put("ErroredActions", errored);
        node.put("WaitingActions", waiting);
        return node;
    }

    /** The workflow's nodes: its triggers by name, then the jobs and crawlers they watch or start, in the order first named (and those a run started). */
    private List<Node> graphNodes(String name, Optional<StoredWorkflowRun> run)
    {
        List<Node> nodes = new ArrayList<>();
        List<StoredTrigger> workflowTriggers = triggers.triggersOf(name);
        workflowTriggers.forEach(trigger -> nodes.add(new Node("TRIGGER", trigger.name())));
        for (StoredTrigger trigger : workflowTriggers) {
            for (Condition condition : trigger.conditions()) {
                addNode(nodes, condition.jobName(), condition.crawlerName());
            }
            for (Action action : trigger.actions()) {
                addNode(nodes, action.jobName(), action.crawlerName());
            }
        }
        run.ifPresent(started -> {
            started.jobNames().forEach(job -> addNode(nodes, Optional.of(job), Optional.empty()));
            started.crawlerNames().forEach(crawler -> addNode(nodes, Optional.empty(), Optional.of(crawler)));
        });
        return nodes;
    }

    private static void addNode(List<Node> nodes, Optional<String> job, Optional<String> crawler)
    {
        Node node = job.map(name -> new Node("JOB", name)).orElseGet(() -> new Node("CRAWLER", crawler.orElseThrow()));
        if (!nodes.contains(node)) {
            nodes.add(node);
        }
    }

    /**
     * Glue's {@code WorkflowGraph}: a node per trigger, job and crawler, an edge from each job or crawler a trigger
     * watches to the trigger and from each trigger to each job or crawler it starts; within a run, each job node with
     * the run's job runs and each crawler node with its crawls.
     */
    private ObjectNode graph(String name, Optional<StoredWorkflowRun> run)
    {
        ObjectNode graph = JsonProtocolService.JSON.createObjectNode();
        ArrayNode nodes = graph.putArray("Nodes");
        List<StoredJobRun> jobRuns = run.map(this::jobRuns).orElse(List.of());
        List<StoredCrawl> crawls = run.map(this::crawls).orElse(List.of());
        Map<String, StoredTrigger> byName = new LinkedHashMap<>();
        triggers.triggersOf(name).forEach(trigger -> byName.put(trigger.name(), trigger));
        for (Node node : graphNodes(name, run)) {
            ObjectNode item = nodes.addObject();
            item.put("Type", node.type());
            item.put("Name", node.name());
            item.put("UniqueId", uniqueId(name, node));
            switch (node.type()) {
                case "TRIGGER" -> item.putObject("TriggerDetails").set("Trigger", triggers.describe(byName.get(node.name())));
                case "JOB" -> {
                    ObjectNode details = item.putObject("JobDetails");
                    if (run.isPresent()) {
                        ArrayNode list = details.putArray("JobRuns");
                        jobRuns.stream().filter(jobRun -> jobRun.jobName().equals(node.name())).forEach(jobRun -> list.add(jobs.describe(jobRun)));
                    }
                }
                default -> {
                    ObjectNode details = item.putObject("CrawlerDetails");
                    if (run.isPresent()) {
                        ArrayNode list = details.putArray("Crawls");
                        crawls.stream().filter(crawl -> crawl.crawlerName().equals(node.name())).forEach(crawl -> list.add(GlueCrawlers.describeForWorkflow(crawl)));
                    }
                }
            }
        }
        ArrayNode edges = graph.putArray("Edges");
        List<String> seen = new ArrayList<>();
        for (StoredTrigger trigger : byName.values()) {
            String triggerId = uniqueId(name, new Node("TRIGGER", trigger.name()));
            for (Condition condition : trigger.conditions()) {
                edge(edges, seen, uniqueId(name, condition.jobName().map(job -> new Node("JOB", job))
                        .orElseGet(() -> new Node("CRAWLER", condition.crawlerName().orElseThrow()))), triggerId);
            }
            for (Action action : trigger.actions()) {
                edge(edges, seen, triggerId, uniqueId(name, action.jobName().map(job -> new Node("JOB", job))
                        .orElseGet(() -> new Node("CRAWLER", action.crawlerName().orElseThrow()))));
            }
        }
        return graph;
    }

    private static void edge(ArrayNode edges, List<String> seen, String source, String destination)
    {
        String key = source + ">" + destination;
        if (!seen.contains(key)) {
            seen.add(key);
            edges.addObject().put("SourceId", source).put("DestinationId", destination);
        }
    }

    /** A node's id, the same in every graph of the workflow: {@code wnode_} and 64 hexadecimal digits. */
    private static String uniqueId(String workflow, Node node)
    {
        return "wnode_" + GlueJobs.sha256(workflow + "/" + node.type() + "/" + node.name());
    }

    // lookups

    /** A workflow as stored; {@code EntityNotFoundException} in Glue's words when there is none. */
    StoredWorkflow workflow(String name)
    {
        return workflows.getLatest(name).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Workflow with name: " + name
                + " not found."));
    }

    private StoredWorkflowRun run(String name, String id)
    {
        return runs.getLatest(key(name, id)).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Workflow run with id: " + id
                + " not found for workflow: " + name + "."));
    }

    /** Replaces a workflow's tags with what {@code change} makes of them. */
    void changeTags(String name, UnaryOperator<Map<String, String>> change)
    {
        synchronized (lock(name)) {
            StoredWorkflow workflow = workflow(name);
            workflows.put(name, workflow.withTags(change.apply(workflow.tags())));
        }
    }

    private void change(String name, String id, UnaryOperator<StoredWorkflowRun> change)
    {
        synchronized (lock(name)) {
            StoredWorkflowRun run = run(name, id);
            StoredWorkflowRun changed = change.apply(run);
            if (!changed.equals(run)) {
                runs.put(key(name, id), changed);
            }
        }
    }

    private List<StoredWorkflowRun> runsOf(String name)
    {
        runs.catchUp();
        return new ArrayList<>(runs.range(name + KEY_SEPARATOR, name + (char) (KEY_SEPARATOR + 1)).values());
    }

    private static String key(String workflow, String runId)
    {
        return workflow + KEY_SEPARATOR + runId;
    }

    /** A run id as Glue's: {@code wr_} and 64 hexadecimal digits. */
    private static String newRunId()
    {
        return "wr_" + GlueJobs.sha256(UUID.randomUUID().toString());
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }
}
