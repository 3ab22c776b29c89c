package io.lakestack.services.glue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.services.glue.StoredTrigger.Action;
import io.lakestack.services.glue.StoredTrigger.Condition;
import io.lakestack.services.glue.StoredTrigger.EventBatching;
import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Glue triggers: {@code CreateTrigger}, {@code GetTrigger}, {@code GetTriggers}, {@code ListTriggers},
 * {@code BatchGetTriggers}, {@code UpdateTrigger}, {@code DeleteTrigger}, {@code StartTrigger}, {@code StopTrigger},
 * kept in the record store {@value #STORE}. An {@code ON_DEMAND} trigger starts its actions at {@code StartTrigger};
 * a {@code CONDITIONAL} one, once activated ({@code StartTrigger} or {@code StartOnCreation}), starts them when its
 * predicate is met: {@code ANY} when one of its conditions is, {@code AND} when all of them have been since it last
 * fired. A condition is met by a job run ending in its {@code State} or a crawl ending in its {@code CrawlState}, seen
 * by the one instance that ended it, so that each end counts once. A {@code SCHEDULED} one, while activated, fires
 * at each occurrence of its {@code cron(...)} (UTC), a schedule of {@link GlueSchedules} that the wiring hands to
 * {@link #fireScheduled}. An action starts a job run (its {@code TriggerName} the trigger's, its
 * {@code PredecessorRuns} the runs that met the predicate) or a crawl.
 *
 * <p>A trigger created with a {@code WorkflowName} belongs to that workflow ({@link GlueWorkflows}): its start trigger
 * ({@code ON_DEMAND}, {@code SCHEDULED} or {@code EVENT}, one per workflow) starts a workflow run, and its conditional
 * triggers are met within one run, by {@link GlueWorkflows} rather than here. An {@code EVENT} trigger is always a
 * workflow's: while activated, the workflow's batches of EventBridge events, as its {@code EventBatchingCondition}
 * ({@code BatchSize}, {@code BatchWindow}) says, start runs ({@link GlueWorkflows#notifyEvent}).
 *
 * <p>An action's {@code NotificationProperty} is its job runs'. Refused rather than stored and ignored: an action's
 * {@code SecurityConfiguration}.
 */
public final class GlueTriggers
{
    public static final String STORE = "glue.triggers";
    private static final Logger log = LoggerFactory.getLogger(GlueTriggers.class);
    private static final Set<String> TYPES = Set.of("SCHEDULED", "CONDITIONAL", "ON_DEMAND", "EVENT");
    private static final Set<String> JOB_STATES = Set.of("SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT");
    private static final Set<String> CRAWL_STATES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final int MAX_BATCH_SIZE = 100;
    static final String CREATED = "CREATED";
    static final String ACTIVATED = "ACTIVATED";
    static final String DEACTIVATED = "DEACTIVATED";

    private final RecordStore<StoredTrigger> store;
    private final GlueSchedules schedules;
    private final GlueJobs jobs;
    private final GlueCrawlers crawlers;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile GlueWorkflows workflows;

    public GlueTriggers(RecordStores stores, GlueJobs jobs, GlueCrawlers crawlers, GlueSchedules schedules, Clock clock)
    {
        this.store = requireNonNull(stores, "stores is null").open(STORE, StoredTrigger.class);
        this.schedules = requireNonNull(schedules, "schedules is null");
        this.jobs = requireNonNull(jobs, "jobs is null");
        this.crawlers = requireNonNull(crawlers, "crawlers is null");
        this.clock = requireNonNull(clock, "clock is null");
        jobs.onRunEnded(run -> ended(Optional.of(run), Optional.empty(), Optional.empty()));
        crawlers.onCrawlEnded(crawl -> ended(Optional.empty(), Optional.of(crawl.crawlerName()), Optional.of(crawl.status())));
    }

    /** The schedules of scheduled triggers, which also keep the batch windows of workflows' EVENT triggers. */
    GlueSchedules schedules()
    {
        return schedules;
    }

    /** The workflows whose triggers these are: they start a workflow's runs and fire its conditional triggers within a run. */
    void attach(GlueWorkflows attached)
    {
        this.workflows = requireNonNull(attached, "attached is null");
    }

    void register(GlueService service)
    {
        service.register("CreateTrigger", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            Map<String, String> tags = GlueJson.tags(input);
            synchronized (lock(name)) {
                if (store.getLatest(name).isPresent()) {
                    throw ServiceException.user("AlreadyExistsException", 400, "Trigger with name " + name + " already submitted with different configuration "
                            + "or already exists.");
                }
                StoredTrigger trigger = definition(input, name, input.requiredString("Type"), tags, caller.region(), clock.millis());
                if (trigger.workflowName().isPresent() && !trigger.type().equals("CONDITIONAL")) {
                    String workflow = trigger.workflowName().get();
                    Optional<StoredTrigger> start = startTriggerOf(workflow);
                    if (start.isPresent()) {
                        throw input.invalid("Workflow " + workflow + " already has a start trigger, " + start.get().name() + "; a workflow starts from "
                                + "one ON_DEMAND, SCHEDULED or EVENT trigger, and its other triggers are CONDITIONAL");
                    }
                }
                boolean start = input.bool("StartOnCreation").orElse(false);
                if (start && trigger.type().equals("ON_DEMAND")) {
                    throw input.invalid("StartOnCreation is not supported for triggers of type ON_DEMAND: start one with StartTrigger");
                }
                put(start ? trigger.withState(ACTIVATED) : trigger);
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("GetTrigger", (input, caller) -> {
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Trigger", describe(trigger(GlueService.name(input, "Name"))));
            return output;
        });
        service.register("GetTriggers", (input, caller) -> {
            Optional<String> job = input.string("DependentJobName", GlueService.SINGLE_LINE, GlueService.MAX_NAME_LENGTH);
            List<String> names = store.all().values().stream().filter(trigger -> job.isEmpty() || starts(trigger, job.get())).map(StoredTrigger::name).toList();
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names, input.string("NextToken"), input.integer("MaxResults", 1, 200).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("Triggers");
            page.items().forEach(name -> store.get(name).ifPresent(trigger -> list.add(describe(trigger))));
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("ListTriggers", (input, caller) -> {
            Optional<String> job = input.string("DependentJobName", GlueService.SINGLE_LINE, GlueService.MAX_NAME_LENGTH);
            Map<String, String> wanted = input.stringMap("Tags");
            List<String> names = store.all().values().stream()
                    .filter(trigger -> job.isEmpty() || starts(trigger, job.get()))
                    .filter(trigger -> wanted.entrySet().stream().allMatch(tag -> tag.getValue().equals(trigger.tags().get(tag.getKey()))))
                    .map(StoredTrigger::name)
                    .toList();
            OffsetTokens.Slice<String> page = OffsetTokens.slice(names, input.string("NextToken"), input.integer("MaxResults", 1, 200).orElse(100),
                    "InvalidInputException");
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode list = output.putArray("TriggerNames");
            page.items().forEach(list::add);
            page.nextToken().ifPresent(token -> output.put("NextToken", token));
            return output;
        });
        service.register("BatchGetTriggers", (input, caller) -> {
            if (!input.has("TriggerNames")) {
                throw input.missing("TriggerNames");
            }
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            ArrayNode found = output.putArray("Triggers");
            ArrayNode missing = output.putArray("TriggersNotFound");
            for (String name : input.strings("TriggerNames")) {
                store.getLatest(name).ifPresentOrElse(trigger -> found.add(describe(trigger)), () -> missing.add(name));
            }
            return output;
        });
        service.register("UpdateTrigger", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            if (!input.has("TriggerUpdate")) {
                throw input.missing("TriggerUpdate");
            }
            JsonInput update = input.object("TriggerUpdate");
            StoredTrigger updated;
            synchronized (lock(name)) {
                StoredTrigger existing = trigger(name);
                if (update.string("Name").filter(changed -> !changed.equals(name)).isPresent()) {
                    throw input.invalid("TriggerUpdate.Name must be the trigger's own name, " + name + ": a trigger cannot be renamed");
                }
                StoredTrigger changed = definition(update, name, existing.type(), existing.tags(), existing.region(), existing.createdMillis(), existing);
                // an update starts the count of an AND predicate again
                updated = new StoredTrigger(name, existing.type(), existing.state(), changed.description(), changed.schedule(), changed.logical(),
                        changed.conditions(), changed.actions(), existing.tags(), existing.region(), existing.createdMillis(), List.of(), List.of(),
                        existing.workflowName(), changed.eventBatching());
                put(updated);
            }
            ObjectNode output = JsonProtocolService.JSON.createObjectNode();
            output.set("Trigger", describe(updated));
            return output;
        });
        service.register("DeleteTrigger", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            synchronized (lock(name)) {
                // as Glue, deleting a trigger that is not there succeeds
                store.delete(name);
                schedules.set(GlueSchedules.TRIGGERS, name, "", Optional.empty(), "");
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("StartTrigger", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            StoredTrigger trigger = trigger(name);
            if (trigger.type().equals("ON_DEMAND") && trigger.workflowName().isPresent()) {
                // a workflow's start trigger starts a run of the workflow
                workflows.startRun(trigger.workflowName().get(), Map.of());
            }
            else if (trigger.type().equals("ON_DEMAND")) {
                fire(trigger, List.of(), true);
            }
            else {
                change(name, current -> current.state().equals(ACTIVATED) ? current : current.withState(ACTIVATED));
            }
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
        service.register("StopTrigger", (input, caller) -> {
            String name = GlueService.name(input, "Name");
            if (trigger(name).type().equals("ON_DEMAND")) {
                throw ServiceException.user("InvalidInputException", 400, "Trigger " + name + " is ON_DEMAND: it runs when started and has nothing to stop");
            }
            change(name, current -> current.state().equals(DEACTIVATED) ? current : current.withState(DEACTIVATED));
            return JsonProtocolService.JSON.createObjectNode().put("Name", name);
        });
    }

    private StoredTrigger definition(JsonInput input, String name, String type, Map<String, String> tags, String region, long createdMillis)
    {
        return definition(input, name, type, tags, region, createdMillis, null);
    }

    /** The trigger an input defines, checked; an update keeps the predicate and actions it leaves out. */
    private StoredTrigger definition(JsonInput input, String name, String type, Map<String, String> tags, String region, long createdMillis,
            StoredTrigger existing)
    {
        if (!TYPES.contains(type)) {
            throw input.invalid("Type", type, "Member must satisfy enum value set: [CONDITIONAL, EVENT, ON_DEMAND, SCHEDULED]");
        }
        Optional<String> schedule = input.string("Schedule").or(() -> existing == null ? Optional.empty() : existing.schedule());
        if (type.equals("SCHEDULED")) {
            GlueSchedules.check(input, schedule.orElseThrow(() -> input.invalid("A SCHEDULED trigger needs a Schedule, a cron expression such as "
                    + "cron(15 12 * * ? *)")));
        }
        else if (input.has("Schedule")) {
            throw input.invalid("A Schedule is for SCHEDULED triggers; an " + type + " trigger takes none");
        }
        Optional<String> workflowName = existing == null ? input.string("WorkflowName", GlueService.SINGLE_LINE, GlueService.MAX_NAME_LENGTH) : existing.workflowName();
        if (existing != null && input.has("WorkflowName")) {
            throw input.invalid("TriggerUpdate takes no WorkflowName: a trigger stays in the workflow it was created in");
        }
        Optional<EventBatching> eventBatching = existing == null ? Optional.empty() : existing.eventBatching();
        if (input.has("EventBatchingCondition")) {
            if (!type.equals("EVENT")) {
                throw input.invalid("An EventBatchingCondition is for EVENT triggers; an " + type + " trigger takes none");
            }
            eventBatching = Optional.of(eventBatching(input.object("EventBatchingCondition")));
        }
        if (type.equals("EVENT") && workflowName.isEmpty()) {
            throw input.invalid("An EVENT trigger starts a workflow: give the WorkflowName of the workflow whose start trigger it is");
        }
        workflowName.ifPresent(workflow -> workflows.workflow(workflow));
        List<Action> actions = existing == null || input.hasList("Actions") ? actions(input) : existing.actions();
        String logical = "AND";
        List<Condition> conditions = List.of();
        Optional<JsonInput> predicate = input.optionalObject("Predicate");
        if (type.equals("CONDITIONAL")) {
            if (predicate.isEmpty() && existing == null) {
                throw input.invalid("A CONDITIONAL trigger needs a Predicate with at least one condition");
            }
            logical = predicate.flatMap(value -> value.string("Logical")).orElse(existing == null ? "AND" : existing.logical());
            if (!logical.equals("AND") && !logical.equals("ANY")) {
                throw input.invalid("Predicate.Logical", logical, "Member must satisfy enum value set: [AND, ANY]");
            }
            conditions = predicate.isPresent() ? conditions(predicate.get()) : existing.conditions();
        }
        else if (predicate.isPresent()) {
            throw input.invalid("A Predicate is for CONDITIONAL triggers; an " + type + " trigger takes none");
        }
        Optional<String> description = input.string("Description").or(() -> existing == null ? Optional.empty() : existing.description());
        return new StoredTrigger(name, type, CREATED, description, type.equals("SCHEDULED") ? schedule : Optional.empty(), logical, conditions, actions,
                tags, region, createdMillis, List.of(), List.of(), workflowName, eventBatching);
    }

    /** Glue's {@code EventBatchingCondition}: {@code BatchSize} 1 to 100 events, {@code BatchWindow} 1 to 900 seconds (900 when not given). */
    private static EventBatching eventBatching(JsonInput condition)
    {
        if (!condition.has("BatchSize")) {
            throw condition.missing("BatchSize");
        }
        int size = condition.integer("BatchSize", 1, MAX_BATCH_SIZE).orElseThrow();
        return new EventBatching(size, condition.integer("BatchWindow", 1, EventBatching.DEFAULT_BATCH_WINDOW));
    }

    private List<Action> actions(JsonInput input)
    {
        List<JsonInput> given = input.objects("Actions");
        if (given.isEmpty()) {
            throw input.invalid("Actions must have at least one action: a JobName or a CrawlerName");
        }
        List<Action> actions = new ArrayList<>();
        for (JsonInput action : given) {
            if (action.has("SecurityConfiguration")) {
                throw input.invalid("Actions.SecurityConfiguration is not supported by lakestack: it has no security configurations");
            }
            Optional<String> job = action.string("JobName");
            Optional<String> crawler = action.string("CrawlerName");
            if (job.isPresent() == crawler.isPresent()) {
                throw input.invalid("An action names a JobName or a CrawlerName, one of them");
            }
            job.ifPresent(jobs::job);
            crawler.ifPresent(crawlers::crawler);
            Map<String, String> arguments = action.stringMap("Arguments");
            if (crawler.isPresent() && !arguments.isEmpty()) {
                throw input.invalid("An action that starts crawler " + crawler.get() + " takes no Arguments");
            }
            Optional<Integer> notifyDelayAfter = GlueJobs.notifyDelayAfter(action);
            if (crawler.isPresent() && notifyDelayAfter.isPresent()) {
                throw input.invalid("An action that starts crawler " + crawler.get() + " takes no NotificationProperty: it is for job runs");
            }
            actions.add(new Action(job, arguments, action.integer("Timeout", 1, GlueJobs.MAX_TIMEOUT_MINUTES), crawler, notifyDelayAfter));
        }
        return actions;
    }

    private List<Condition> conditions(JsonInput predicate)
    {
        List<JsonInput> given = predicate.objects("Conditions");
        if (given.isEmpty()) {
            throw predicate.invalid("Predicate.Conditions must have at least one condition");
        }
        List<Condition> conditions = new ArrayList<>();
        for (JsonInput condition : given) {
            String operator = condition.string("LogicalOperator").orElse("EQUALS");
            if (!operator.equals("EQUALS")) {
                throw condition.invalid("LogicalOperator", operator, "Member must satisfy enum value set: [EQUALS]");
            }
            Optional<String> job = condition.string("JobName");
            Optional<String> crawler = condition.string("CrawlerName");
            if (job.isPresent() == crawler.isPresent()) {
                throw predicate.invalid("A condition names a JobName (with a State) or a CrawlerName (with a CrawlState), one of them");
            }
            Optional<String> state = condition.string("State");
            Optional<String> crawlState = condition.string("CrawlState");
            if (job.isPresent()) {
                jobs.job(job.get());
                String value = state.orElseThrow(() -> predicate.invalid("The condition on job " + job.get() + " needs a State"));
                if (!JOB_STATES.contains(value)) {
                    throw predicate.invalid("The condition on job " + job.get() + " has State " + value + "; a condition waits for "
                            + new TreeSet<>(JOB_STATES));
                }
            }
            else {
                crawlers.crawler(crawler.get());
                String value = crawlState.orElseThrow(() -> predicate.invalid("The condition on crawler " + crawler.get() + " needs a CrawlState"));
                if (!CRAWL_STATES.contains(value)) {
                    throw predicate.invalid("The condition on crawler " + crawler.get() + " has CrawlState " + value + "; a condition waits for "
                            + new TreeSet<>(CRAWL_STATES));
                }
            }
            conditions.add(new Condition(job, job.isPresent() ? state : Optional.empty(), crawler, crawler.isPresent() ? crawlState : Optional.empty()));
        }
        return conditions;
    }

    /** A job run or a crawl ended on this instance: the activated conditional triggers it meets fire. */
    private void ended(Optional<StoredJobRun> run, Optional<String> crawler, Optional<String> crawlStatus)
    {
        for (StoredTrigger candidate : store.all().values()) {
            // a workflow's triggers are met within one of its runs, which the workflows see to
            if (!candidate.type().equals("CONDITIONAL") || !candidate.state().equals(ACTIVATED) || candidate.workflowName().isPresent()) {
                continue;
            }
            List<StoredJobRun.Predecessor> firing = null;
            StoredTrigger fired = null;
            synchronized (lock(candidate.name())) {
                Optional<StoredTrigger> latest = store.getLatest(candidate.name());
                if (latest.isEmpty() || !latest.get().state().equals(ACTIVATED)) {
                    continue;
                }
                StoredTrigger trigger = latest.get();
                List<Integer> met = new ArrayList<>(trigger.satisfied());
                List<StoredJobRun.Predecessor> by = new ArrayList<>(trigger.satisfiedBy());
                if (!trigger.meet(run, crawler, crawlStatus, met)) {
                    continue;
                }
                run.ifPresent(ended -> by.add(new StoredJobRun.Predecessor(ended.jobName(), ended.id())));
                if (trigger.logical().equals("ANY") || met.size() == trigger.conditions().size()) {
                    // ANY: the run that met a condition; AND: every run that met one since the trigger last fired
                    firing = trigger.logical().equals("AND") ? by
                            : run.map(ended -> List.of(new StoredJobRun.Predecessor(ended.jobName(), ended.id()))).orElse(List.of());
                    fired = trigger.withSatisfied(List.of(), List.of());
                    store.put(trigger.name(), fired);
                }
                else {
                    store.put(trigger.name(), trigger.withSatisfied(met, by));
                }
            }
            if (fired != null) {
                fire(fired, firing, false);
            }
        }
    }

    /** Starts the trigger's actions; those that cannot start are logged, or, when a caller waits ({@code StartTrigger}), its error. */
    private void fire(StoredTrigger trigger, List<StoredJobRun.Predecessor> predecessors, boolean caller)
    {
        log.info("Glue trigger {} fires: {} action(s)", trigger.name(), trigger.actions().size());
        for (Action action : trigger.actions()) {
            try {
                if (action.jobName().isPresent()) {
                    StoredJobRun run = jobs.startTriggered(action.jobName().get(), action.arguments(), action.timeout(), action.notifyDelayAfter(),
                            trigger.name(), predecessors);
                    log.info("Glue trigger {} started job {} run {}", trigger.name(), run.jobName(), run.id());
                }
                else {
                    crawlers.start(action.crawlerName().orElseThrow());
                }
            }
            catch (ServiceException e) {
                if (caller) {
                    throw e;
                }
                log.warn("Glue trigger {}: its action on {} could not start: {}", trigger.name(), action.jobName().or(action::crawlerName).orElse(""),
                        e.getMessage());
            }
        }
    }

    private static boolean starts(StoredTrigger trigger, String job)
    {
        return trigger.actions().stream().anyMatch(action -> action.jobName().equals(Optional.of(job)));
    }

    ObjectNode describe(StoredTrigger trigger)
    {
        ObjectNode node = JsonProtocolService.JSON.createObjectNode();
        node.put("Name", trigger.name());
        trigger.workflowName().ifPresent(workflow -> node.put("WorkflowName", workflow));
        node.put("Id", trigger.name());
        node.put("Type", trigger.type());
        node.put("State", trigger.state());
        trigger.description().ifPresent(description -> node.put("Description", description));
        trigger.schedule().ifPresent(schedule -> node.put("Schedule", schedule));
        ArrayNode actions = node.putArray("Actions");
        for (Action action : trigger.actions()) {
            ObjectNode item = actions.addObject();
            action.jobName().ifPresent(job -> item.put("JobName", job));
            if (!action.arguments().isEmpty()) {
                ObjectNode arguments = item.putObject("Arguments");
                action.arguments().forEach(arguments::put);
            }
            action.timeout().ifPresent(timeout -> item.put("Timeout", timeout));
            action.notifyDelayAfter().ifPresent(delay -> item.putObject("NotificationProperty").put("NotifyDelayAfter", delay));
            action.crawlerName().ifPresent(crawler -> item.put("CrawlerName", crawler));
        }
        trigger.eventBatching().ifPresent(batching -> {
            ObjectNode condition = node.putObject("EventBatchingCondition").put("BatchSize", batching.batchSize());
            batching.batchWindow().ifPresent(window -> condition.put("BatchWindow", window));
        });
        if (trigger.type().equals("CONDITIONAL")) {
            ObjectNode predicate = node.putObject("Predicate");
            predicate.put("Logical", trigger.logical());
            ArrayNode conditions = predicate.putArray("Conditions");
            for (Condition condition : trigger.conditions()) {
                ObjectNode item = conditions.addObject().put("LogicalOperator", "EQUALS");
                condition.jobName().ifPresent(job -> item.put("JobName", job));
                condition.state().ifPresent(state -> item.put("State", state));
                condition.crawlerName().ifPresent(crawler -> item.put("CrawlerName", crawler));
                condition.crawlState().ifPresent(state -> item.put("CrawlState", state));
            }
        }
        return node;
    }

    /** The triggers of a workflow, by name. */
    List<StoredTrigger> triggersOf(String workflow)
    {
        return store.all().values().stream().filter(trigger -> trigger.workflowName().equals(Optional.of(workflow)))
                .sorted(java.util.Comparator.comparing(StoredTrigger::name)).toList();
    }

    /** The trigger a run of the workflow starts from: its ON_DEMAND, SCHEDULED or EVENT one. */
    Optional<StoredTrigger> startTriggerOf(String workflow)
    {
        return triggersOf(workflow).stream().filter(trigger -> !trigger.type().equals("CONDITIONAL")).findFirst();
    }

    /** Deletes the triggers of a workflow that is deleted, as Glue does. */
    void deleteTriggersOf(String workflow)
    {
        for (StoredTrigger trigger : triggersOf(workflow)) {
            synchronized (lock(trigger.name())) {
                store.delete(trigger.name());
                schedules.set(GlueSchedules.TRIGGERS, trigger.name(), "", Optional.empty(), "");
            }
        }
    }

    /** A trigger as stored; {@code EntityNotFoundException} in Glue's words when there is none. */
    StoredTrigger trigger(String name)
    {
        return store.getLatest(name).orElseThrow(() -> ServiceException.user("EntityNotFoundException", 400, "Trigger with name " + name + " not found"));
    }

    /** Replaces a trigger's tags with what {@code change} makes of them. */
    void changeTags(String name, UnaryOperator<Map<String, String>> change)
    {
        change(name, trigger -> trigger.withTags(change.apply(trigger.tags())));
    }

    private void change(String name, UnaryOperator<StoredTrigger> change)
    {
        synchronized (lock(name)) {
            StoredTrigger trigger = trigger(name);
            StoredTrigger changed = change.apply(trigger);
            if (!changed.equals(trigger)) {
                put(changed);
            }
        }
    }

    /** Stores the trigger, and the schedule a scheduled one has while it is activated. */
    private void put(StoredTrigger trigger)
    {
        store.put(trigger.name(), trigger);
        boolean scheduled = trigger.type().equals("SCHEDULED") && trigger.state().equals(ACTIVATED);
        schedules.set(GlueSchedules.TRIGGERS, trigger.name(), trigger.region(), scheduled ? trigger.schedule() : Optional.empty(),
                trigger.description().orElse(""));
    }

    /** An occurrence of a scheduled trigger's schedule: its actions start, when it is still scheduled and activated. */
    public void fireScheduled(String name)
    {
        Optional<StoredTrigger> trigger = store.getLatest(name).filter(stored -> stored.type().equals("SCHEDULED") && stored.state().equals(ACTIVATED));
        if (trigger.isEmpty()) {
            log.info("Glue trigger {}: an occurrence of its schedule came after it was deleted or stopped; nothing starts", name);
            return;
        }
        if (trigger.get().workflowName().isPresent()) {
            workflows.startScheduledRun(trigger.get().workflowName().get(), name);
            return;
        }
        fire(trigger.get(), List.of(), false);
    }

    private Object lock(String name)
    {
        return locks.computeIfAbsent(name, ignored -> new Object());
    }
}
