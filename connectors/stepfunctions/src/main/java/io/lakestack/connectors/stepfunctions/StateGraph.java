package io.lakestack.connectors.stepfunctions;

import java.util.Map;

/** A {@code StartAt} and its {@code States}: the top of a definition, a Parallel branch or a Map's item processor. */
record StateGraph(String startAt, Map<String, State> states, String location)
{
    StateGraph
    {
        states = Map.copyOf(states);
    }

    State state(String name)
    {
        State state = states.get(name);
        if (state == null) {
            throw new IllegalStateException("No state " + name + " at " + location);
        }
        return state;
    }
}
