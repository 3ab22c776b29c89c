package io.lakestack.spi.stepfunctions;

import java.util.List;
import java.util.random.RandomGenerator;

import static java.util.Objects.requireNonNull;

/**
 * An alias of a state machine, kept in the record store {@value StepFunctions#ALIASES_STORE} under its ARN
 * ({@code <machine ARN>:<name>}): executions started with it run one of its one or two versions, chosen by weight.
 */
public record StateMachineAlias(String name, String arn, String stateMachineArn, String description, List<Route> routes, long createdMillis,
        long updatedMillis)
{
    /** A version the alias routes to, and the percentage of executions it gets. */
    public record Route(String versionArn, int weight)
    {
        public Route
        {
            requireNonNull(versionArn, "versionArn is null");
        }
    }

    public StateMachineAlias
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(stateMachineArn, "stateMachineArn is null");
        description = description == null ? "" : description;
        routes = List.copyOf(routes);
    }

    /** The version an execution runs: a draw in [0, 100) of the random source falls in one route's share of the weights. */
    public String chooseVersion(RandomGenerator random)
    {
        int draw = random.nextInt(100);
        int bound = 0;
        for (Route route : routes) {
            bound += route.weight();
            if (draw < bound) {
                return route.versionArn();
            }
        }
        return routes.get(routes.size() - 1).versionArn();
    }

    public boolean routesTo(String versionArn)
    {
        return routes.stream().anyMatch(route -> route.versionArn().equals(versionArn));
    }
}
