package io.lakestack.spi.eventbridge;

import io.lakestack.spi.json.JsonText;
import io.lakestack.spi.pattern.EventPattern;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduledRulesTest
{
    private static final String ARN = "arn:aws:events:eu-west-1:123456789012:rule/nightly";

    private static Rule rule(Optional<String> pattern, Optional<String> schedule, Rule.State state)
    {
        return new Rule("nightly", "default", ARN, pattern, schedule, state, Optional.of("load"), Optional.empty(), Map.of(), List.of(), 1_000, 5_000);
    }

    @Test
    void aScheduledRuleIsAScheduleOfItsOwnEvent()
    {
        Schedule schedule = ScheduledRules.schedule(rule(Optional.empty(), Optional.of("cron(0 2 * * ? *)"), Rule.State.ENABLED)).orElseThrow();
        assertThat(schedule.key()).isEqualTo("#events-rules/nightly");
        assertThat(schedule.expression()).isEqualTo("cron(0 2 * * ? *)");
        assertThat(schedule.timezone()).isEqualTo("UTC");
        assertThat(schedule.state()).isEqualTo(Schedule.State.ENABLED);
        assertThat(schedule.createdMillis()).isEqualTo(5_000);
        assertThat(schedule.target().arn()).isEqualTo(ARN);
        assertThat(schedule.target().input()).contains("{\"version\":\"0\",\"id\":\"<aws.scheduler.execution-id>\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":\"<aws.scheduler.scheduled-time>\",\"region\":\"eu-west-1\","
                + "\"resources\":[\"" + ARN + "\"],\"detail\":{}}");
        assertThat(ScheduledRules.schedule(rule(Optional.empty(), Optional.of("rate(1 hour)"), Rule.State.DISABLED)).orElseThrow().state())
                .isEqualTo(Schedule.State.DISABLED);
        assertThat(ScheduledRules.schedule(rule(Optional.of("{\"source\":[\"app\"]}"), Optional.empty(), Rule.State.ENABLED))).isEmpty();
        assertThat(ScheduledRules.isRuleArn(ARN)).isTrue();
        assertThat(ScheduledRules.isRuleArn("arn:aws:events:eu-west-1:123456789012:event-bus/default")).isFalse();
    }

    @Test
    void theRulesPatternTakesItsOwnScheduledEventsOnly()
    {
        Rule rule = rule(Optional.empty(), Optional.of("rate(1 hour)"), Rule.State.ENABLED);
        EventPattern pattern = EventPattern.parse(ScheduledRules.pattern(rule));
        String own = ScheduledRules.schedule(rule).orElseThrow().target().input().orElseThrow();
        assertThat(pattern.matchesDocument(JsonText.parse(own))).isTrue();
        assertThat(pattern.matchesDocument(JsonText.parse(own.replace("rule/nightly", "rule/other")))).isFalse();
        assertThat(pattern.matchesDocument(JsonText.parse(own.replace("aws.events", "app")))).isFalse();
    }

    @Test
    void theEngineSeesSchedulesAndScheduledRulesOfTheDefaultBus()
    {
        MemoryRecordStores stores = new MemoryRecordStores();
        RecordStore<Schedule> schedules = stores.open(Schedules.SCHEDULES_STORE, Schedule.class);
        RecordStore<Rule> rules = stores.open(EventBuses.RULES_STORE, Rule.class);
        RecordStore<Schedule> both = ScheduledRules.withRules(schedules, rules);
        List<String> changes = new ArrayList<>();
        both.subscribe((key, record) -> changes.add(key + "=" + record.map(Schedule::expression).orElse("deleted")));

        Rule scheduled = rule(Optional.empty(), Optional.of("rate(1 hour)"), Rule.State.ENABLED);
        rules.put(EventBuses.ruleKey("default", "nightly"), scheduled);
        rules.put(EventBuses.ruleKey("other", "nightly"), new Rule("nightly", "other", "arn:aws:events:eu-west-1:123456789012:rule/other/nightly",
                Optional.empty(), Optional.of("rate(1 hour)"), Rule.State.ENABLED, Optional.empty(), Optional.empty(), Map.of(), List.of(), 1_000, 5_000));
        rules.put(EventBuses.ruleKey("default", "patterned"), rule(Optional.of("{\"source\":[\"app\"]}"), Optional.empty(), Rule.State.ENABLED));
        rules.delete(EventBuses.ruleKey("default", "nightly"));

        assertThat(changes).containsExactly("#events-rules/nightly=rate(1 hour)", "#events-rules/patterned=deleted", "#events-rules/nightly=deleted");
        assertThat(both.all()).isEmpty();
        rules.put(EventBuses.ruleKey("default", "nightly"), scheduled);
        assertThat(both.all().keySet()).containsExactly("#events-rules/nightly");
        assertThat(both.get("#events-rules/nightly").orElseThrow().arn()).isEqualTo(ARN);
        assertThatThrownBy(() -> both.delete("#events-rules/nightly")).isInstanceOf(UnsupportedOperationException.class);
    }
}
