package io.lakestack.spi.eventbridge;

import io.lakestack.spi.Arn;
import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleTarget;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.store.RecordStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * EventBridge rules with a {@code ScheduleExpression}, run by the same engine as EventBridge Scheduler's schedules so
 * that each occurrence fires once across lakestack instances. A scheduled rule is seen by that engine as a schedule
 * of the group {@value #GROUP} (a name no Scheduler group can have) whose target is the rule itself: at each occurrence
 * the engine hands the rule's {@code Scheduled Event} (its {@code id} the occurrence's execution id, its {@code time}
 * the scheduled time, its {@code resources} the rule's ARN) to the wiring, which puts it on the default bus's topic,
 * where the rule's worker matches it by {@link #pattern} and delivers it to the rule's targets like any event.
 */
public final class ScheduledRules
{
    /** The schedule group of scheduled rules: not a valid Scheduler group name, so never one of a user's. */
    public static final String GROUP = "#events-rules";

    private ScheduledRules() {}

    /** Whether a schedule's target is a scheduled rule, whose event goes on the default bus. */
    public static boolean isRuleArn(String arn)
    {
        return arn.startsWith("arn:aws:events:") && arn.contains(":rule/");
    }

    /** The pattern that matches a rule's own scheduled events, and nothing else on the bus. */
    public static String pattern(Rule rule)
    {
        return JsonText.write(Map.of("source", List.of("aws.events"), "detail-type", List.of("Scheduled Event"), "resources", List.of(rule.arn())));
    }

    /** The schedule the engine runs for a scheduled rule; empty for a rule without a {@code ScheduleExpression}. */
    public static Optional<Schedule> schedule(Rule rule)
    {
        if (rule.scheduleExpression().isEmpty()) {
            return Optional.empty();
        }
        Arn arn = Arn.parse(rule.arn()).orElseThrow(() -> new IllegalArgumentException("rule " + rule.name() + " has no ARN: " + rule.arn()));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", "<aws.scheduler.execution-id>");
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", arn.accountId());
        event.put("time", "<aws.scheduler.scheduled-time>");
        // the event is of the rule's region
        event.put("region", arn.region());
        event.put("resources", List.of(rule.arn()));
        event.put("detail", Map.of());
        ScheduleTarget target = new ScheduleTarget(rule.arn(), "", Optional.of(JsonText.write(event)), 86_400, 185, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        // a rule enabled again is another schedule, counted from its enabling, as its worker's events are
        return Optional.of(new Schedule(GROUP, rule.name(), rule.arn(), rule.description().orElse(""), rule.scheduleExpression().get(), "UTC",
                Optional.empty(), Optional.empty(), rule.enabled() ? Schedule.State.ENABLED : Schedule.State.DISABLED, Optional.empty(),
                Schedule.ActionAfterCompletion.NONE, target, Optional.empty(), rule.activeSinceMillis(), rule.activeSinceMillis()));
    }

    /**
     * The schedules the engine runs: those of {@code schedules} and one for each scheduled rule of {@code rules} (on
     * the default bus: the only one scheduled rules are on), read from the rules as they are; the engine's
     * deletions reach only the schedules' store (a scheduled rule has no last occurrence).
     */
    public static RecordStore<Schedule> withRules(RecordStore<Schedule> schedules, RecordStore<Rule> rules)
    {
        requireNonNull(schedules, "schedules is null");
        requireNonNull(rules, "rules is null");
        return new RecordStore<>()
        {
            @Override
            public Optional<Schedule> get(String key)
            {
                if (key.startsWith(GROUP + "/")) {
                    return rules.get(EventBuses.ruleKey(EventBuses.DEFAULT_BUS, key.substring(GROUP.length() + 1))).flatMap(ScheduledRules::schedule);
                }
                return schedules.get(key);
            }

            @Override
            public void put(String key, Schedule record)
            {
                if (key.startsWith(GROUP + "/")) {
                    throw new UnsupportedOperationException("the schedule of a scheduled rule follows the rule: " + key);
                }
                schedules.put(key, record);
            }

            @Override
            public void delete(String key)
            {
                if (key.startsWith(GROUP + "/")) {
                    throw new UnsupportedOperationException("the schedule of a scheduled rule follows the rule: " + key);
                }
                schedules.delete(key);
            }

            @Override
            public SortedMap<String, Schedule> all()
            {
                SortedMap<String, Schedule> all = new TreeMap<>(schedules.all());
                rules.all().forEach((key, rule) -> {
                    if (key.startsWith(EventBuses.DEFAULT_BUS + "/")) {
                        schedule(rule).ifPresent(schedule -> all.put(schedule.key(), schedule));
                    }
                });
                return all;
            }

            @Override
            public void subscribe(Listener<Schedule> listener)
            {
                schedules.subscribe(listener);
                rules.subscribe((key, rule) -> {
                    if (key.startsWith(EventBuses.DEFAULT_BUS + "/")) {
                        listener.changed(Schedules.key(GROUP, key.substring(EventBuses.DEFAULT_BUS.length() + 1)), rule.flatMap(ScheduledRules::schedule));
                    }
                });
            }
        };
    }
}
