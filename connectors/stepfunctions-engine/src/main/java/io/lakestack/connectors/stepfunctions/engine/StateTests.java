package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.stepfunctions.InvalidDefinitionException;
import io.lakestack.connectors.stepfunctions.RandomSource;
import io.lakestack.connectors.stepfunctions.StateMachineDefinition;
import io.lakestack.connectors.stepfunctions.StateTester;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stepfunctions.DefinitionProblem;
import io.lakestack.spi.stepfunctions.StateTest;
import io.lakestack.spi.stepfunctions.StateTestResult;

import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * {@code TestState} in the engine: the definition checked as {@code CreateStateMachine} checks a standard machine's
 * (a mocked state's resource need not be one lakestack runs, as it is not called), then the state run once by a
 * {@link StateTester} with the executions' {@link TaskInvoker}. Nothing is stored.
 */
final class StateTests
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The resources of service integrations, whose results have an API model ({@code arn:aws:states:::sqs:sendMessage}). */
    private static final String SERVICE_INTEGRATION = "arn:aws:states:::";

    private final TaskInvoker tasks;
    private final Predicate<String> activityExists;
    private final Clock clock;

    StateTests(TaskInvoker tasks, Predicate<String> activityExists, Clock clock)
    {
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.activityExists = requireNonNull(activityExists, "activityExists is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    StateTestResult test(StateTest test)
    {
        StateTester.Tested tested = StateTester.tested(test.definition(), test.stateName());
        List<DefinitionProblem> problems = test.mock().isPresent() ? parseProblems(tested.definition())
                : TaskResources.validate(tested.definition(), false, activityExists);
        if (!problems.isEmpty()) {
            throw ServiceException.user("InvalidDefinition", "Invalid State Machine Definition: '"
                    + String.join(", ", problems.stream().map(DefinitionProblem::toString).toList()) + "'");
        }
        StateMachineDefinition definition = StateMachineDefinition.parse(tested.definition());
        String resource = definition.taskResources().getOrDefault("/States/" + tested.stateName() + "/Resource", "");
        if (test.mock().flatMap(StateTest.Mock::result).isPresent() && !test.mock().get().fieldValidationMode().equals("NONE")
                && resource.startsWith(SERVICE_INTEGRATION)) {
            throw ServiceException.user("ValidationException", "lakestack does not check mocked results against the API models of service "
                    + "integrations (fieldValidationMode " + test.mock().get().fieldValidationMode() + ", STRICT by default): mock the result of '"
                    + resource + "' with fieldValidationMode NONE");
        }
        StateTester.Request request = new StateTester.Request(test.executionArn(), test.roleArn(), parse(test.input()), (ObjectNode) parse(test.variables()),
                test.context().map(context -> (ObjectNode) parse(context)), test.mock().map(StateTests::mock), test.retrierRetryCount(), clock.instant());
        StateTester.Result result;
        try {
            result = new StateTester(tasks, RandomSource.secure()).test(definition, tested.stateName(), request);
        }
        catch (StateTester.RefusedException e) {
            throw ServiceException.user("ValidationException", e.getMessage());
        }
        return new StateTestResult(result.status().name(), result.outputJson(), result.error(), result.cause(), result.nextState(),
                result.inspection().toString());
    }

    private static List<DefinitionProblem> parseProblems(String definition)
    {
        try {
            StateMachineDefinition.parse(definition);
            return List.of();
        }
        catch (InvalidDefinitionException e) {
            return e.diagnostics().stream().map(diagnostic -> new DefinitionProblem(diagnostic.code(), diagnostic.message(), diagnostic.location()))
                    .toList();
        }
    }

    private static StateTester.Mock mock(StateTest.Mock mock)
    {
        return mock.result().map(result -> StateTester.Mock.result(parse(result))).orElseGet(() -> StateTester.Mock.failure(mock.error(), mock.cause()));
    }

    /** JSON the service has checked already. */
    private static JsonNode parse(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
