package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.connectors.stepfunctions.Diagnostic;
import io.lakestack.connectors.stepfunctions.InvalidDefinitionException;
import io.lakestack.connectors.stepfunctions.StateMachineDefinition;
import io.lakestack.connectors.targets.JsonApi;
import io.lakestack.spi.stepfunctions.DefinitionProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task resources lakestack runs, and the check of a definition against them: the interpreter's own diagnostics,
 * then one {@code SCHEMA_VALIDATION_FAILED} for each Task whose resource is an integration or pattern not supported yet
 * or an activity that does not exist (and each {@code .waitForTaskToken}, {@code .sync} or activity of an Express
 * machine, as AWS refuses them), so that it is refused at {@code CreateStateMachine} rather than failed when the task runs.
 */
public final class TaskResources
{
    public static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    public static final String SQS_SEND_MESSAGE = "arn:aws:states:::sqs:sendMessage";
    public static final String SNS_PUBLISH = "arn:aws:states:::sns:publish";
    public static final String EVENTS_PUT_EVENTS = "arn:aws:states:::events:putEvents";
    public static final String STATES_START_EXECUTION = "arn:aws:states:::states:startExecution";
    public static final String ATHENA_START_QUERY_EXECUTION = "arn:aws:states:::athena:startQueryExecution";
    public static final String ATHENA_GET_QUERY_EXECUTION = "arn:aws:states:::athena:getQueryExecution";
    public static final String ATHENA_GET_QUERY_RESULTS = "arn:aws:states:::athena:getQueryResults";
    public static final String ATHENA_STOP_QUERY_EXECUTION = "arn:aws:states:::athena:stopQueryExecution";
    public static final String GLUE_START_JOB_RUN = "arn:aws:states:::glue:startJobRun";
    static final List<String> INTEGRATIONS = List.of(LAMBDA_INVOKE, SQS_SEND_MESSAGE, SNS_PUBLISH, EVENTS_PUT_EVENTS, STATES_START_EXECUTION);
    static final List<String> ATHENA = List.of(ATHENA_START_QUERY_EXECUTION, ATHENA_START_QUERY_EXECUTION + ".sync", ATHENA_GET_QUERY_EXECUTION,
            ATHENA_GET_QUERY_RESULTS, ATHENA_STOP_QUERY_EXECUTION);
    static final List<String> GLUE = List.of(GLUE_START_JOB_RUN, GLUE_START_JOB_RUN + ".sync");
    /** {@code states:startExecution} waiting for the child: {@code .sync} (its input and output as JSON text) and {@code .sync:2} (as JSON). */
    static final List<String> STATES_SYNC = List.of(STATES_START_EXECUTION + ".sync", STATES_START_EXECUTION + ".sync:2");
    /** {@code arn:aws:states:::aws-sdk:<service>:<action>}, request-response. */
    static final Pattern AWS_SDK = Pattern.compile("arn:aws:states:::aws-sdk:([a-z0-9]+):([a-z][A-Za-z0-9]*)");
    /** A function ARN, with an optional version or alias: the function's own output is the task's result. */
    static final Pattern FUNCTION_ARN = Pattern.compile("arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]+)?");

    private TaskResources() {}

    public static boolean supported(String resource)
    {
        return INTEGRATIONS.contains(resource) || FUNCTION_ARN.matcher(resource).matches() || callback(resource) || ATHENA.contains(resource)
                || GLUE.contains(resource) || STATES_SYNC.contains(resource) || sdkIntegration(resource);
    }

    private static boolean sdkIntegration(String resource)
    {
        Matcher matcher = AWS_SDK.matcher(resource);
        return matcher.matches() && (JsonApi.SERVICES.containsKey(matcher.group(1)) || SdkModelActions.supports(matcher.group(1), matcher.group(2)));
    }

    /** An integration with the callback pattern: it is called, then the task waits for {@code SendTaskSuccess} / {@code SendTaskFailure}. */
    static boolean callback(String resource)
    {
        return resource.endsWith(TaskCallbacks.SUFFIX) && INTEGRATIONS.contains(resource.substring(0, resource.length() - TaskCallbacks.SUFFIX.length()));
    }

    /** Every problem of the definition of a machine ({@code express} or standard), empty when lakestack can create and run it. */
    public static List<DefinitionProblem> validate(String definition, boolean express)
    {
        return validate(definition, express, activityArn -> false);
    }

    /**
     * As {@link #validate(String, boolean)}, with the activities there are: a Task of an activity that exists runs it
     * (standard machines only, as on AWS); one of an activity that does not exist is refused.
     */
    public static List<DefinitionProblem> validate(String definition, boolean express, java.util.function.Predicate<String> activityExists)
    {
        StateMachineDefinition parsed;
        try {
            parsed = StateMachineDefinition.parse(definition);
        }
        catch (InvalidDefinitionException e) {
            return e.diagnostics().stream().map(TaskResources::problem).toList();
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        for (Map.Entry<String, String> task : parsed.taskResources().entrySet()) {
            if (express && (callback(task.getValue()) || sync(task.getValue()))) {
                String pattern = sync(task.getValue()) ? task.getValue().substring(task.getValue().lastIndexOf(".sync")) : TaskCallbacks.SUFFIX;
                problems.add(new DefinitionProblem("SCHEMA_VALIDATION_FAILED", "Express state machine does not support '" + pattern
                        + "' service integration pattern for the resource '" + task.getValue() + "'", java.util.Optional.of(task.getKey())));
            }
            else if (io.lakestack.connectors.stepfunctions.TaskRequest.isActivity(task.getValue())) {
                if (express) {
                    problems.add(new DefinitionProblem("SCHEMA_VALIDATION_FAILED", "Express state machine does not support activities: the resource '"
                            + task.getValue() + "' is an activity (a STANDARD machine runs it)", java.util.Optional.of(task.getKey())));
                }
                else if (!activityExists.test(task.getValue())) {
                    problems.add(new DefinitionProblem("SCHEMA_VALIDATION_FAILED", "The resource provided " + task.getValue() + " is not recognized. "
                            + "The value is not a valid resource ARN, or the resource is not available in this region (no activity of this ARN exists: "
                            + "CreateActivity makes it)", java.util.Optional.of(task.getKey())));
                }
            }
            else if (!supported(task.getValue())) {
                problems.add(new DefinitionProblem("SCHEMA_VALIDATION_FAILED", "The resource '" + task.getValue() + "' is not supported by "
                        + "lakestack yet (" + why(task.getValue()) + "); lakestack runs " + String.join(", ", INTEGRATIONS)
                        + " (each also with " + TaskCallbacks.SUFFIX + "), states:startExecution.sync and .sync:2, Lambda function ARNs, athena:startQueryExecution (also .sync), "
                        + "athena:getQueryExecution, athena:getQueryResults, athena:stopQueryExecution, glue:startJobRun (also .sync) and "
                        + "aws-sdk:<service>:<action> for "
                        + String.join(", ", new TreeSet<>(JsonApi.SERVICES.keySet())) + " and the actions of the SDK's clients of "
                        + SdkModelActions.services(),
                        java.util.Optional.of(task.getKey())));
            }
        }
        return problems;
    }

    private static boolean sync(String resource)
    {
        return resource.endsWith(".sync") || resource.endsWith(".sync:2");
    }

    private static String why(String resource)
    {
        if (resource.endsWith(".sync") || resource.endsWith(".sync:2")) {
            return "the .sync pattern, which waits for a job, is there for Athena queries, Glue job runs and Step Functions executions only";
        }
        if (resource.endsWith(TaskCallbacks.SUFFIX)) {
            return "the " + TaskCallbacks.SUFFIX + " pattern is there only for the integrations below";
        }
        if (resource.startsWith("arn:aws:states:::aws-sdk:")) {
            Matcher matcher = AWS_SDK.matcher(resource);
            if (matcher.matches() && SdkModelActions.CLIENTS.containsKey(matcher.group(1))) {
                return "the AWS SDK's client of " + matcher.group(1) + " has no action '" + matcher.group(2) + "'";
            }
            return "AWS SDK integrations are there for the services that speak a JSON protocol and for " + SdkModelActions.services()
                    + ", with actions named as the SDKs name them";
        }
        return "no such integration is emulated";
    }

    private static DefinitionProblem problem(Diagnostic diagnostic)
    {
        return new DefinitionProblem(diagnostic.code(), diagnostic.message(), diagnostic.location());
    }
}
