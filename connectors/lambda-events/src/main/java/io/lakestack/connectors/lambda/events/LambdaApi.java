package io.lakestack.connectors.lambda.events;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.DeadLetterConfig;
import software.amazon.awssdk.services.lambda.model.DestinationConfig;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link Invoker} and {@link FunctionSettings} over the Lambda API with the AWS SDK, against lakestack's endpoint or
 * AWS. The SDK's own retries are off: the callers retry as Lambda's pollers and asynchronous queue do.
 *
 * <p>An invocation that must keep a request id (an asynchronous one) sends it in the {@value #REQUEST_ID_HEADER} header,
 * which lakestack's {@code Invoke} honours for the invocations its own workers make; AWS ignores it (its asynchronous
 * invocations never pass through this class there).
 */
public final class LambdaApi
        implements Invoker, FunctionSettings, AutoCloseable
{
    public static final String REQUEST_ID_HEADER = "X-Lakestack-Request-Id";
    /** A function runs up to 900 s; the call waits a minute longer. */
    private static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(960);

    private final LambdaClient client;

    public LambdaApi(LambdaClient client)
    {
        this.client = requireNonNull(client, "client is null");
    }

    /** A client of the endpoint, with time-outs long enough for a 15-minute function. */
    public static LambdaApi connect(URI endpoint, Region region, AwsCredentialsProvider credentials)
    {
        return new LambdaApi(LambdaClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(INVOKE_TIMEOUT).maxConnections(64))
                .overrideConfiguration(config -> config.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(INVOKE_TIMEOUT)
                        .apiCallAttemptTimeout(INVOKE_TIMEOUT))
                .build());
    }

    @Override
    public Invocation invoke(String functionArn, byte[] payload, Optional<String> requestId)
            throws InvokeException
    {
        try {
            InvokeResponse response = client.invoke(request -> request.functionName(functionArn).invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromByteArrayUnsafe(payload))
                    .overrideConfiguration(config -> requestId.ifPresent(id -> config.putHeader(REQUEST_ID_HEADER, id))));
            return new Invocation(Optional.ofNullable(response.responseMetadata().requestId()).orElse(requestId.orElse("")), response.statusCode(),
                    Optional.ofNullable(response.functionError()), response.payload() == null ? new byte[0] : response.payload().asByteArray(),
                    Optional.ofNullable(response.executedVersion()).orElse("$LATEST"));
        }
        catch (LambdaException e) {
            throw translate("Invoke " + functionArn, e);
        }
        catch (SdkClientException e) {
            throw new InvokeException(0, "SdkClientException", "Invoke " + functionArn + ": " + e.getMessage(), e);
        }
    }

    @Override
    public EventInvokeConfig eventInvokeConfig(String functionName, Optional<String> qualifier)
            throws InvokeException
    {
        GetFunctionEventInvokeConfigResponse response;
        try {
            response = client.getFunctionEventInvokeConfig(request -> request.functionName(functionName).qualifier(qualifier.orElse(null)));
        }
        catch (ResourceNotFoundException e) {
            // no configuration of its own (or no function, which GetFunctionConfiguration then says)
            return EventInvokeConfig.DEFAULT;
        }
        catch (LambdaException e) {
            throw translate("GetFunctionEventInvokeConfig " + functionName, e);
        }
        catch (SdkClientException e) {
            throw new InvokeException(0, "SdkClientException", "GetFunctionEventInvokeConfig " + functionName + ": " + e.getMessage(), e);
        }
        Optional<DestinationConfig> destinations = Optional.ofNullable(response.destinationConfig());
        return new EventInvokeConfig(Optional.ofNullable(response.maximumRetryAttempts()).orElse(2),
                Optional.ofNullable(response.maximumEventAgeInSeconds()).orElse(21_600),
                destinations.map(DestinationConfig::onSuccess).map(success -> success.destination()).filter(arn -> !arn.isEmpty()),
                destinations.map(DestinationConfig::onFailure).map(failure -> failure.destination()).filter(arn -> !arn.isEmpty()));
    }

    @Override
    public Optional<String> deadLetterTarget(String functionName, Optional<String> qualifier)
            throws InvokeException
    {
        return Optional.ofNullable(configuration(functionName, qualifier).deadLetterConfig()).map(DeadLetterConfig::targetArn)
                .filter(arn -> !arn.isEmpty());
    }

    @Override
    public String executionRole(String functionArn)
            throws InvokeException
    {
        return configuration(functionArn, Optional.empty()).role();
    }

    private GetFunctionConfigurationResponse configuration(String function, Optional<String> qualifier)
            throws InvokeException
    {
        try {
            return client.getFunctionConfiguration(request -> request.functionName(function).qualifier(qualifier.orElse(null)));
        }
        catch (LambdaException e) {
            throw translate("GetFunctionConfiguration " + function + qualifier.map(value -> ":" + value).orElse(""), e);
        }
        catch (SdkClientException e) {
            throw new InvokeException(0, "SdkClientException", "GetFunctionConfiguration " + function + ": " + e.getMessage(), e);
        }
    }

    private static InvokeException translate(String operation, LambdaException e)
    {
        String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
        return new InvokeException(e.statusCode(), code, operation + ": " + e.getMessage(), e);
    }

    @Override
    public void close()
    {
        client.close();
    }
}
