package io.lakestack.spi.stepfunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An execution as {@code DescribeExecution} answers it, kept in the record store {@value StepFunctions#EXECUTIONS_STORE}
 * under its ARN. It carries the definition and role it started with, so that it runs (and resumes) as it started
 * whatever {@code UpdateStateMachine} does later, and {@code DescribeStateMachineForExecution} answers them.
 *
 * @param status {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT} or {@code ABORTED}
 * @param stopMillis 0 while running
 * @param versionArn the version it runs, when it was started with a version's or an alias's ARN
 * @param aliasArn the alias it was started with
 * @param logging where its history events are logged, the machine's {@code loggingConfiguration} when it started
 * @param redriveCount how many times it was redriven ({@code RedriveExecution})
 * @param redriveMillis when it was last redriven, 0 if never
 * @param redriveTokens the {@code clientToken}s of its last {@value #REDRIVE_TOKENS_KEPT} redrives, the last one last
 *         (AWS answers a repeated one as the redrive it made)
 */
public record StateMachineExecution(String executionArn, String stateMachineArn, String name, String status, String input, String definition,
        String roleArn, long startMillis, long stopMillis, Optional<String> output, Optional<String> error, Optional<String> cause,
        Optional<String> versionArn, Optional<String> aliasArn, LoggingConfiguration logging, int redriveCount, long redriveMillis,
        List<String> redriveTokens)
{
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String TIMED_OUT = "TIMED_OUT";
    public static final String ABORTED = "ABORTED";
    public static final int REDRIVE_TOKENS_KEPT = 10;

    public StateMachineExecution
    {
        requireNonNull(executionArn, "executionArn is null");
        requireNonNull(stateMachineArn, "stateMachineArn is null");
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(input, "input is null");
        requireNonNull(definition, "definition is null");
        requireNonNull(roleArn, "roleArn is null");
        output = output == null ? Optional.empty() : output;
        error = error == null ? Optional.empty() : error;
        cause = cause == null ? Optional.empty() : cause;
        versionArn = versionArn == null ? Optional.empty() : versionArn;
        aliasArn = aliasArn == null ? Optional.empty() : aliasArn;
        logging = logging == null ? LoggingConfiguration.OFF : logging;
        redriveTokens = redriveTokens == null ? List.of() : List.copyOf(redriveTokens);
    }

    /** One never redriven. */
    public StateMachineExecution(String executionArn, String stateMachineArn, String name, String status, String input, String definition,
            String roleArn, long startMillis, long stopMillis, Optional<String> output, Optional<String> error, Optional<String> cause,
            Optional<String> versionArn, Optional<String> aliasArn, LoggingConfiguration logging)
    {
        this(executionArn, stateMachineArn, name, status, input, definition, roleArn, startMillis, stopMillis, output, error, cause, versionArn,
                aliasArn, logging, 0, 0, List.of());
    }

    public StateMachineExecution(String executionArn, String stateMachineArn, String name, String status, String input, String definition,
            String roleArn, long startMillis, long stopMillis, Optional<String> output, Optional<String> error, Optional<String> cause)
    {
        this(executionArn, stateMachineArn, name, status, input, definition, roleArn, startMillis, stopMillis, output, error, cause, Optional.empty(),
                Optional.empty(), LoggingConfiguration.OFF);
    }

    public boolean running()
    {
        return status.equals(RUNNING);
    }

    /** Whether this is an execution of an {@code EXPRESS} machine: its ARN says {@code express} ({@link StepFunctions#executionArn}). */
    public boolean express()
    {
        return executionArn.contains(":express:");
    }

    /** This execution ended: with {@code status} at {@code stopMillis}, and its output or error and cause. */
    public StateMachineExecution ended(String newStatus, long newStopMillis, Optional<String> newOutput, Optional<String> newError,
            Optional<String> newCause)
    {
        return new StateMachineExecution(executionArn, stateMachineArn, name, newStatus, input, definition, roleArn, startMillis, newStopMillis,
                newOutput, newError, newCause, versionArn, aliasArn, logging, redriveCount, redriveMillis, redriveTokens);
    }

    /** This execution redriven at {@code millis} (with this {@code clientToken}): running again, one more redrive. */
    public StateMachineExecution redriven(long millis, Optional<String> clientToken)
    {
        List<String> tokens = new ArrayList<>(redriveTokens);
        clientToken.ifPresent(tokens::add);
        return new StateMachineExecution(executionArn, stateMachineArn, name, RUNNING, input, definition, roleArn, startMillis, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), versionArn, aliasArn, logging, redriveCount + 1, millis,
                tokens.subList(Math.max(0, tokens.size() - REDRIVE_TOKENS_KEPT), tokens.size()));
    }
}
