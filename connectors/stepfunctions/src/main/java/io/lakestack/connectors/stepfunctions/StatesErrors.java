package io.lakestack.connectors.stepfunctions;

/**
 * The error names of the States Language (AWS's {@code States.*}) that the interpreter raises or matches. Retriers and
 * catchers match any other name literally.
 */
public final class StatesErrors
{
    /** Matches every error except {@link #RUNTIME} (and {@link #DATA_LIMIT_EXCEEDED}), as AWS documents. */
    public static final String ALL = "States.ALL";
    /** A branch of a Parallel failed: named by the States Language; the interpreter fails the state with the branch's own error instead. */
    public static final String BRANCH_FAILED = "States.BranchFailed";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    /** A JSONata expression failed, gave nothing (undefined), or gave a value of the wrong type for its field. */
    public static final String QUERY_EVALUATION_ERROR = "States.QueryEvaluationError";
    public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    /** Neither retried nor caught, not even by {@link #ALL}: it always fails the execution. */
    public static final String RUNTIME = "States.Runtime";
    /** In a retrier or catcher of a Task state: every error of the task except {@link #TIMEOUT}. */
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String TIMEOUT = "States.Timeout";

    private StatesErrors() {}
}
