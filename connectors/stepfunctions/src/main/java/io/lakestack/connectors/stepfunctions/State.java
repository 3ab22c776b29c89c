package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One validated state: its type, where it is in the definition, its JSON, and what validation already parsed out of
 * it (branches, the Map's item processor, retriers, catchers), and whether its query language is JSONata (else JSONPath).
 */
record State(String name, StateType type, String location, JsonNode body, List<StateGraph> branches, Optional<StateGraph> itemProcessor,
        List<Retrier> retriers, List<Catcher> catchers, boolean jsonata)
{
    State
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        branches = List.copyOf(branches);
        retriers = List.copyOf(retriers);
        catchers = List.copyOf(catchers);
    }

    /** The field {@code name} as text, if present and a string. */
    Optional<String> text(String field)
    {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    boolean has(String field)
    {
        return body.has(field);
    }

    JsonNode get(String field)
    {
        return body.get(field);
    }

    boolean isEnd()
    {
        return type == StateType.Succeed || type == StateType.Fail || body.path("End").asBoolean(false);
    }

    /** A retrier: {@code maxDelaySeconds} 0 when unbounded. */
    record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate, int maxDelaySeconds, boolean fullJitter)
    {
        Retrier
        {
            errorEquals = List.copyOf(errorEquals);
        }
    }

    /**
     * A catcher: {@code resultPath} empty for {@code "ResultPath": null}, which keeps the state's input; {@code body} the
     * catcher's JSON (its {@code Assign}, and its {@code Output} in a JSONata state).
     */
    record Catcher(List<String> errorEquals, String next, Optional<String> resultPath, JsonNode body)
    {
        Catcher
        {
            errorEquals = List.copyOf(errorEquals);
        }
    }
}
