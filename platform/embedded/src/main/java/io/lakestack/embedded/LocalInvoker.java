package io.lakestack.embedded;

import io.lakestack.connectors.firehose.LambdaInvoker;
import io.lakestack.connectors.lambda.events.Invoker;
import io.lakestack.services.lambda.LambdaService;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * How the event source mappings' pollers, the asynchronous invocation worker and Firehose's data transformation of
 * this process invoke functions: the Lambda service's synchronous invocation, called directly, as Lambda's own
 * pollers call functions. An event of a mapping is up to 6 MB; through the endpoint it was signed by the SDK (a
 * SHA-256 of the body), read and hashed again by the endpoint, and parsed to check it is JSON, all for a document the
 * caller had just written. The connectors keep their SDK invokers
 * ({@link io.lakestack.connectors.lambda.events.LambdaApi}, {@link io.lakestack.connectors.firehose.SdkLambdaInvoker})
 * for when they run against AWS or another endpoint.
 *
 * <p>Firehose is set up before the Lambda service (it answers first): until the service is {@link #ready}, an
 * invocation waits for it, as a request for Lambda through the endpoint waits, and fails after as long.
 */
final class LocalInvoker
        implements Invoker, LambdaInvoker
{
    private final CompletableFuture<LambdaService> lambda;
    private final Duration wait;

    /**
     * @param lambda the Lambda service, once it has started ({@link #ready})
     * @param wait how long an invocation waits for it to start
     */
    LocalInvoker(CompletableFuture<LambdaService> lambda, Duration wait)
    {
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.wait = requireNonNull(wait, "wait is null");
    }

    /** The Lambda service has started: invocations run on it. */
    void ready(LambdaService service)
    {
        lambda.complete(requireNonNull(service, "service is null"));
    }

    @Override
    public Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
            throws InvokeException
    {
        LambdaService.Invoked invoked;
        try {
            invoked = service(functionArn).invokeSynchronously(functionArn, payload, requestId);
        }
        catch (ServiceException e) {
            throw new InvokeException(e.httpStatus(), e.errorCode(), "Invoke " + functionArn + ": " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            // what the endpoint answers for a failure of its own: 500, which the callers retry without counting
            throw new InvokeException(500, "ServiceException", "Invoke " + functionArn + ": " + e, e);
        }
        return new Invocation(invoked.requestId(), 200, invoked.result().functionError(), invoked.result().payload(), invoked.executedVersion());
    }

    /** Firehose's data transformation: Lambda's errors as Firehose's error output names them ({@code Lambda.ResourceNotFound}, ...). */
    @Override
    public Response invoke(String functionArn, byte[] payload)
            throws InvokeFailure
    {
        try {
            LambdaService.Invoked invoked = service(functionArn).invokeSynchronously(functionArn, payload, Optional.empty());
            return new Response(invoked.result().functionError(), invoked.result().payload());
        }
        catch (ServiceException e) {
            throw new InvokeFailure(LambdaInvoker.firehoseCode(e.errorCode(), e.httpStatus()), e.getMessage(), e);
        }
        catch (RuntimeException e) {
            throw new InvokeFailure("Lambda.ServiceException", "Lambda failed to invoke " + functionArn + ": " + e, e);
        }
    }

    /** The Lambda service, waited for while it starts; a {@link ServiceException} (503) when it does not. */
    private LambdaService service(String functionArn)
    {
        try {
            return lambda.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ErrorKind.EXTERNAL, "ServiceUnavailable", 503, "Interrupted while waiting for the Lambda service to invoke " + functionArn);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new ServiceException(ErrorKind.EXTERNAL, "ServiceUnavailable", 503, "The Lambda service did not start within " + wait.toSeconds()
                    + " s; " + functionArn + " was not invoked");
        }
    }
}
