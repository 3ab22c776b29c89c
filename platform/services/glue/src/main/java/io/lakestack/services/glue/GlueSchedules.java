package io.lakestack.services.glue;

import io.lakestack.endpoint.json.JsonInput;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleExpression;
import io.lakestack.spi.scheduler.ScheduleTarget;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The schedules of Glue's scheduled triggers and crawlers, and the batch windows of workflows' {@code EVENT} triggers,
 * run by EventBridge Scheduler's engine with its own schedules so that each occurrence fires once across lakestack
 * instances: kept in the record store {@value #STORE} under the groups {@value #TRIGGERS}, {@value #CRAWLERS} and
 * {@value #EVENT_BATCHES} (names no Scheduler group can have, so the Scheduler API never lists them), each with the
 * trigger's, crawler's or workflow's ARN as its target, which the wiring hands back to Glue at each occurrence. A batch
 * window is a one-time {@code at(...)} schedule, at the end of the window of the workflow's pending batch of events.
 */
public final class GlueSchedules
{
    public static final String STORE = "glue.schedules";
    /** What the keys of {@value #STORE} start with. */
    public static final String KEY_PREFIX = "#glue-";
    static final String TRIGGERS = "#glue-triggers";
    static final String CRAWLERS = "#glue-crawlers";
    static final String EVENT_BATCHES = "#glue-event-batches";
    private static final Pattern TARGET = Pattern.compile("arn:aws:glue:[a-z0-9-]+:\\d{12}:(trigger|crawler|workflow)/(.+)");

    /** What an occurrence starts: the trigger's actions, the crawler's crawl, or the run of the workflow's batch of events. */
    public record Target(Kind kind, String name)
    {
        public enum Kind
        {
            TRIGGER, CRAWLER, WORKFLOW
        }

        public Target
        {
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
        }
    }

    private final RecordStore<Schedule> store;
    private final Clock clock;
    private final String accountId;

    public GlueSchedules(RecordStores stores, Clock clock, String accountId)
    {
        this.store = requireNonNull(stores, "stores is null").open(STORE, Schedule.class);
        this.clock = requireNonNull(clock, "clock is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    /** The trigger or crawler a schedule's target ARN names, empty when it names neither. */
    public static Optional<Target> target(String arn)
    {
        Matcher matcher = TARGET.matcher(arn);
        return matcher.matches() ? Optional.of(new Target(Target.Kind.valueOf(matcher.group(1).toUpperCase(Locale.ROOT)), matcher.group(2))) : Optional.empty();
    }

    /** Checks a Glue {@code Schedule}: a {@code cron(...)} expression (Glue takes no {@code rate} or {@code at}). */
    static String check(JsonInput input, String expression)
    {
        try {
            if (ScheduleExpression.parse(expression).kind() != ScheduleExpression.Kind.CRON) {
                throw input.invalid("Schedule " + expression + " is not a cron expression: Glue schedules are cron(<minutes> <hours> <day-of-month> "
                        + "<month> <day-of-week> <year>)");
            }
        }
        catch (IllegalArgumentException e) {
            throw input.invalid(e.getMessage());
        }
        return expression;
    }

    /**
     * Makes the trigger's or crawler's schedule the engine runs {@code expression} (in UTC, counted from now), or
     * removes it when empty; one that is already there with that expression stays as it is.
     */
    void set(String group, String name, String region, Optional<String> expression, String description)
    {
        String key = Schedules.key(group, name);
        if (expression.isEmpty()) {
            store.delete(key);
            return;
        }
        Optional<Schedule> current = store.getLatest(key);
        if (current.isPresent() && current.get().expression().equals(expression.get())) {
            return;
        }
        String resource = switch (group) {
            case TRIGGERS -> "trigger/";
            case CRAWLERS -> "crawler/";
            default -> "workflow/";
        };
        String arn = "arn:aws:glue:" + region + ":" + accountId + ":" + resource + name;
        // an occurrence that cannot start is Glue's to report; the scheduler does not retry it
        ScheduleTarget target = new ScheduleTarget(arn, "", Optional.empty(), ScheduleTarget.DEFAULT_MAXIMUM_EVENT_AGE_SECONDS, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        long now = clock.millis();
        store.put(key, new Schedule(group, name, arn, description, expression.get(), "UTC", Optional.empty(), Optional.empty(), Schedule.State.ENABLED,
                Optional.empty(), Schedule.ActionAfterCompletion.NONE, target, Optional.empty(), now, now));
    }
}
