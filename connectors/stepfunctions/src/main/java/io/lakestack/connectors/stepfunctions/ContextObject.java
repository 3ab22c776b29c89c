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

    ContextObject(Variables variables)
    {
        super(Json.NODES);
        this.variables = variables;
    }

    Variables variables()
    {
        return variables;
    }

    @Override
    public ObjectNode deepCopy()
    {
        ContextObject copy = new ContextObject(variables);
        for (Map.Entry<String, JsonNode> member : _children.entrySet()) {
            copy.set(member.getKey(), member.getValue().deepCopy());
        }
        return copy;
    }

    /** A copy that sees these variables instead. */
    ContextObject with(Variables other)
    {
        ContextObject copy = new ContextObject(other);
        copy.setAll(this);
        return copy;
    }
}
