package io.lakestack.spi.eventbridge;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A rule as the EventBridge service keeps it in {@value EventBuses#RULES_STORE}, keyed by
 * {@link EventBuses#ruleKey}, with its targets. The rule engine delivers events matching {@link #eventPattern()}
 * (already validated by the service) to every target while the rule is {@link State#ENABLED}, from
 * {@link #activeSinceMillis()} on.
 *
 * @param scheduleExpression kept for scheduled rules; the service refuses them while lakestack does not run them
 * @param activeSinceMillis when the rule was last created or enabled: events sent from then on are delivered
 */
public record Rule(String name, String busName, String arn, Optional<String> eventPattern, Optional<String> scheduleExpression, State state,
        Optional<String> description, Optional<String> roleArn, Map<String, String> tags, List<Target> targets, long createdMillis,
        long activeSinceMillis)
{
    public enum State
    {
        ENABLED, DISABLED
    }

    public Rule
    {
        requireNonNull(name, "name is null");
        requireNonNull(busName, "busName is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(eventPattern, "eventPattern is null");
        requireNonNull(scheduleExpression, "scheduleExpression is null");
        requireNonNull(state, "state is null");
        requireNonNull(description, "description is null");
        requireNonNull(roleArn, "roleArn is null");
        tags = Map.copyOf(tags);
        targets = List.copyOf(targets);
    }

    public boolean enabled()
    {
        return state == State.ENABLED;
    }

    public Rule withTargets(List<Target> newTargets)
    {
        return new Rule(name, busName, arn, eventPattern, scheduleExpression, state, description, roleArn, tags, newTargets, createdMillis,
                activeSinceMillis);
    }

    public Rule withTags(Map<String, String> newTags)
    {
        return new Rule(name, busName, arn, eventPattern, scheduleExpression, state, description, roleArn, newTags, targets, createdMillis,
                activeSinceMillis);
    }

    /** The rule in a state; enabling a disabled rule starts it anew at {@code nowMillis}. */
    public Rule withState(State newState, long nowMillis)
    {
        long since = newState == State.ENABLED && state == State.DISABLED ? nowMillis : activeSinceMillis;
        return new Rule(name, busName, arn, eventPattern, scheduleExpression, newState, description, roleArn, tags, targets, createdMillis, since);
    }
}
