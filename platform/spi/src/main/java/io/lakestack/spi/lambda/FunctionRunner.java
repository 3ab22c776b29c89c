package io.lakestack.spi.lambda;

import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Runs function invocations in execution environments: processes that speak the Lambda Runtime API to the runner,
 * started with a runtime's own runtime interface client, reused while warm, at most {@code concurrencyLimit} of a
 * function at a time. Each environment's output goes to the function's log group, one log stream per environment,
 * as on Lambda.
 *
 * <p>What a caller may rely on: {@link #invoke} returns once the function has answered, failed or timed out; a
 * function error (an exception, an init failure, a time-out, the process dying) is a {@link Result} with a
 * {@code functionError}, never an exception; the code and configuration used are those of the {@link FunctionVersion}
 * given, so an environment of another revision is never reused for it.
 *
 * <p>Where lakestack differs from Lambda: environments are processes on this machine, not microVMs; memory is
 * bounded for the JVM's heap (Java) or the process's address space (Python), and CPU is shared; the environment is
 * the machine's own (its JDK or Python), not Amazon Linux.
 */
public interface FunctionRunner
        extends AutoCloseable
{
    /**
     * @param requestId the invocation's id ({@code Lambda-Runtime-Aws-Request-Id})
     * @param invokedArn the ARN the caller invoked, with its qualifier if it gave one
     * @param clientContext base64 JSON of the {@code X-Amz-Client-Context} header
     * @param tailLog whether to return the last 4 KB of the invocation's log
     * @param concurrencyLimit the function's reserved concurrency, or the account's when it has none
     */
    record Request(String requestId, String invokedArn, byte[] payload, Optional<String> clientContext, boolean tailLog, int concurrencyLimit)
    {
        public Request
        {
            requireNonNull(requestId, "requestId is null");
            requireNonNull(invokedArn, "invokedArn is null");
            requireNonNull(payload, "payload is null");
            requireNonNull(clientContext, "clientContext is null");
        }
    }

    /**
     * @param payload the function's response, or the error document Lambda returns for a function error
     *         ({@code {"errorMessage":...,"errorType":...,"stackTrace":[...]}})
     * @param functionError {@code Unhandled} for a function error, as the {@code X-Amz-Function-Error} header says
     * @param logTail the last 4 KB of the invocation's log, base64, when asked for
     */
    record Result(byte[] payload, Optional<String> functionError, Optional<String> logTail)
    {
        public Result
        {
            requireNonNull(payload, "payload is null");
            requireNonNull(functionError, "functionError is null");
            requireNonNull(logTail, "logTail is null");
        }
    }

    /**
     * Runs one invocation.
     *
     * @throws io.lakestack.spi.ServiceException {@code TooManyRequestsException} (429) when the function already runs
     *         {@code concurrencyLimit} invocations; {@code InvalidRuntimeException} (502) when the runtime cannot run on
     *         this machine; {@code ServiceException} when the runner itself fails
     */
    Result invoke(FunctionVersion function, Request request);

    /** The runtimes this runner knows, e.g. {@code java21}, {@code python3.12}. */
    Set<String> runtimes();

    /** Empty when the runtime can run on this machine; else what to install, in words a person can act on. */
    Optional<String> unavailable(String runtime);

    /**
     * Gets ready what an environment of the version needs before one starts (its code, fetched and unpacked), as Lambda
     * does while a new function is {@code Pending}, so that its first invocation does not wait for it. A failure is
     * left for the first invocation to report.
     */
    default void stage(FunctionVersion function)
    {
    }

    /** Stops the idle environments of a function, as when its code or configuration changed or it was deleted. */
    void retire(String functionName);

    /** Stops every environment, ending invocations in progress. */
    @Override
    void close();
}
