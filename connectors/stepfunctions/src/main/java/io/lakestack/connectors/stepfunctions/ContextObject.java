package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The context object of one state ({@code $$} in JSONPath, {@code $states.context} in JSONata), which also carries the
 * workflow variables the state sees, so that every JSONPath read ({@code $name.x}) reaches them. The variables are not
 * members: {@code $$} shows the context object only.
 */
final class ContextObject
        extends ObjectNode
{
    private final Variables variables;
    private final long enteredEventId;

    /** @param enteredEventId the id of the state's {@code ...StateEntered} event, which the causes of its failures name */
    ContextObject(Variables variables, long enteredEventId)
    {
        super(Json.NODES);
        this.variables = variables;
        this.enteredEventId = enteredEventId;
    }

    Variables variables()
    {
        return variables;
    }

    long enteredEventId()
    {
        return enteredEventId;
    }

    @Override
    public ObjectNode deepCopy()
    {
        ContextObject copy = new ContextObject(variables, enteredEventId);
        for (Map.Entry<String, JsonNode> member : _children.entrySet()) {
            copy.set(member.getKey(), member.getValue().deepCopy());
        }
        return copy;
    }

    /** A copy that sees these variables instead. */
    ContextObject with(Variables other)
    {
        ContextObject copy = new ContextObject(other, enteredEventId);
        copy.setAll(this);
        return copy;
    }
}
