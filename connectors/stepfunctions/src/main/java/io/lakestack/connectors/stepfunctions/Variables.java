package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The workflow variables of one scope ({@code Assign}): the top of the execution, a Parallel branch or a Map iteration.
 * A branch or an iteration reads the variables of the scopes around it but assigns only its own, which go when it
 * ends. Values assigned by a state take effect when the state exits, so every expression of the state reads the values
 * it entered with. A scope is used by one thread at a time (its branch or iteration); the scopes around it are not
 * written while it runs.
 */
final class Variables
{
    /** The reserved variable of JSONata expressions (and of JSONPath {@code Assign}): {@code $states}. */
    static final String STATES = "states";
    /** AWS: a variable's name is at most 80 characters, Unicode ID_Start then ID_Continue. */
    static final int MAX_NAME_LENGTH = 80;
    /** AWS: at most 256 KiB per variable, and per {@code Assign} field. */
    static final int MAX_ASSIGN_BYTES = 256 * 1024;
    /** AWS: at most 10 MiB of variables in one execution. */
    static final int MAX_TOTAL_BYTES = 10 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[\\p{IsAlphabetic}_][\\p{IsAlphabetic}\\p{IsDigit}_\\p{Mn}\\p{Mc}\\p{Pc}]*");

    private final Optional<Variables> outer;
    private final Map<String, JsonNode> values = new LinkedHashMap<>();

    private Variables(Optional<Variables> outer)
    {
        this.outer = outer;
    }

    static Variables top()
    {
        return new Variables(Optional.empty());
    }

    /** The scope of a branch or an iteration inside this one. */
    Variables inner()
    {
        return new Variables(Optional.of(this));
    }

    Optional<JsonNode> lookup(String name)
    {
        JsonNode value = values.get(name);
        if (value != null) {
            return Optional.of(value);
        }
        return outer.flatMap(scope -> scope.lookup(name));
    }

    /** Every variable visible here, the inner ones hiding outer ones of the same name. */
    Map<String, JsonNode> visible()
    {
        Map<String, JsonNode> all = outer.map(Variables::visible).orElseGet(LinkedHashMap::new);
        all.putAll(values);
        return all;
    }

    /** Takes the values a state assigned, when it exits. */
    void assign(ObjectNode assigned)
    {
        Iterator<Map.Entry<String, JsonNode>> fields = assigned.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), field.getValue());
        }
    }

    /** Why {@code name} cannot name a variable, if it cannot. */
    static Optional<String> nameProblem(String name)
    {
        if (name.equals(STATES)) {
            return Optional.of("The variable name '" + STATES + "' is reserved");
        }
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            return Optional.of("The variable name '" + name + "' is not valid: a name is 1 to " + MAX_NAME_LENGTH
                    + " characters, a letter or '_' followed by letters, digits and '_'");
        }
        return Optional.empty();
    }

    /** The failure when a state's assigned values exceed AWS's limits, if they do. */
    Optional<StatesFailure> limitFailure(ObjectNode assigned)
    {
        int total = 0;
        Iterator<Map.Entry<String, JsonNode>> fields = assigned.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            int size = Json.write(field.getValue()).getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_ASSIGN_BYTES) {
                return Optional.of(new StatesFailure(StatesErrors.DATA_LIMIT_EXCEEDED, "The value assigned to the variable '" + field.getKey()
                        + "' is " + size + " bytes, more than the limit of " + MAX_ASSIGN_BYTES));
            }
            total += size;
        }
        if (total > MAX_ASSIGN_BYTES) {
            return Optional.of(new StatesFailure(StatesErrors.DATA_LIMIT_EXCEEDED, "The values of one Assign are " + total
                    + " bytes, more than the limit of " + MAX_ASSIGN_BYTES));
        }
        Map<String, JsonNode> after = visible();
        assigned.fields().forEachRemaining(field -> after.put(field.getKey(), field.getValue()));
        long stored = after.values().stream().mapToLong(value -> Json.write(value).getBytes(StandardCharsets.UTF_8).length).sum();
        if (stored > MAX_TOTAL_BYTES) {
            return Optional.of(new StatesFailure(StatesErrors.DATA_LIMIT_EXCEEDED, "The execution's variables would be " + stored
                    + " bytes, more than the limit of " + MAX_TOTAL_BYTES));
        }
        return Optional.empty();
    }
}
