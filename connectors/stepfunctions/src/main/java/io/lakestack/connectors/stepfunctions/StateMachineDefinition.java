package io.lakestack.connectors.stepfunctions;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A validated Amazon States Language definition, ready to run with a {@link StateMachineInterpreter}.
 *
 * <p>{@link #parse(String)} checks what AWS checks at {@code CreateStateMachine} and reports every problem at once in
 * an {@link InvalidDefinitionException}: unknown and missing fields, state types, {@code Next}/{@code End}, transition
 * targets, unreachable states, a graph with no terminal state, paths ({@code InputPath} a JSONPath, {@code ResultPath}
 * and Choice variables Reference Paths), payload templates and their intrinsic functions, Choice rules, Retry and Catch
 * ({@code States.ALL} alone and last), Task timeouts. Branches and Map item processors are checked the same way, their
 * locations nested ({@code /States/P/Branches[0]/States/B}).
 *
 * <p>Where lakestack differs from AWS: what the distributed Map cannot apply is refused (readers other than S3
 * {@code getObject} of JSON, JSONL, CSV, Parquet, an Athena data manifest ({@code ManifestType: ATHENA_DATA} of CSV,
 * JSONL or Parquet files) and an S3 Inventory manifest ({@code InputType: MANIFEST}), and {@code listObjectsV2};
 * {@code VersionId}). AWS
 * documents that its diagnostic wording may change; {@link DefinitionParser} says which messages are AWS's wording and
 * which are lakestack's.
 */
public final class StateMachineDefinition
{
    private final String json;
    private final Optional<String> comment;
    private final Optional<Integer> timeoutSeconds;
    private final StateGraph graph;
    private final boolean jsonata;

    StateMachineDefinition(String json, String comment, Optional<Integer> timeoutSeconds, StateGraph graph, boolean jsonata)
    {
        this.json = requireNonNull(json, "json is null");
        this.comment = Optional.ofNullable(comment);
        this.timeoutSeconds = requireNonNull(timeoutSeconds, "timeoutSeconds is null");
        this.graph = requireNonNull(graph, "graph is null");
        this.jsonata = jsonata;
    }

    /**
     * @throws InvalidDefinitionException with every problem found, each located
     */
    public static StateMachineDefinition parse(String json)
    {
        return DefinitionParser.parse(json);
    }

    /** The definition as it was given. */
    public String json()
    {
        return json;
    }

    public Optional<String> comment()
    {
        return comment;
    }

    /** The execution's time limit ({@code TimeoutSeconds}), if any. */
    public Optional<Integer> timeoutSeconds()
    {
        return timeoutSeconds;
    }

    /** Whether the machine's {@code QueryLanguage} is JSONata (its states' default; JSONPath when not given). */
    public boolean jsonata()
    {
        return jsonata;
    }

    public String startAt()
    {
        return graph.startAt();
    }

    /**
     * The {@code Resource} of every Task state, nested ones included, by the location of the field
     * ({@code /States/T/Resource}, {@code /States/P/Branches[0]/States/T/Resource}), in location order: what a runner
     * checks against the integrations it supports before accepting the definition.
     */
    public SortedMap<String, String> taskResources()
    {
        SortedMap<String, String> resources = new TreeMap<>();
        collectResources(graph, resources);
        return resources;
    }

    private static void collectResources(StateGraph graph, SortedMap<String, String> resources)
    {
        for (State state : graph.states().values()) {
            if (state.type() == StateType.Task) {
                state.text("Resource").ifPresent(resource -> resources.put(state.location() + "/Resource", resource));
            }
            state.branches().forEach(branch -> collectResources(branch, resources));
            state.itemProcessor().ifPresent(processor -> collectResources(processor, resources));
        }
    }

    StateGraph graph()
    {
        return graph;
    }
}
