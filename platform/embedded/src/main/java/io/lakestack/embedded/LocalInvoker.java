package io.lakestack.embedded;

import io.lakestack.connectors.lambda.events.Invoker;
import io.lakestack.services.lambda.LambdaService;
import io.lakestack.spi.ServiceException;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How the event source mappings' pollers and the asynchronous invocation worker of this process invoke functions: the
 * Lambda service's synchronous invocation, called directly, as Lambda's own pollers call functions. An event of a
 * mapping is up to 6 MB; through the endpoint it was signed by the SDK (a SHA-256 of the body), read and hashed again
 * by the endpoint, and parsed to check it is JSON, all for a document the poller had just written. The connector keeps
 * {@link io.lakestack.connectors.lambda.events.LambdaApi} for when it runs against AWS or another endpoint.
 */
final class LocalInvoker
        implements Invoker
{
    private final LambdaService lambda;

    LocalInvoker(LambdaService lambda)
    {
        this.lambda = requireNonNull(lambda, "lambda is null");
    }

    @Override
    public Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
            throws InvokeException
    {
        LambdaService.Invoked invoked;
        try {
            invoked = lambda.invokeSynchronously(functionArn, payload, requestId);
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
}
