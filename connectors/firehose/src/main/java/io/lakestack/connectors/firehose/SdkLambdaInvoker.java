package io.lakestack.connectors.firehose;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link LambdaInvoker} with the AWS SDK's Lambda client, against lakestack's endpoint or AWS. The SDK does not retry:
 * the delivery retries as the processor's {@code NumberOfRetries} says.
 */
public final class SdkLambdaInvoker
        implements LambdaInvoker, AutoCloseable
{
    /** A function runs up to 900 s; the call waits a minute longer. */
    private static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(960);

    private final LambdaClient client;

    public SdkLambdaInvoker(LambdaClient client)
    {
        this.client = requireNonNull(client, "client is null");
    }

    /** A client of the endpoint (or of AWS, without one), with time-outs long enough for a 15-minute function. */
    public static SdkLambdaInvoker connect(Optional<URI> endpoint, Region region, Optional<AwsCredentialsProvider> credentials)
    {
        LambdaClientBuilder builder = LambdaClient.builder()
                .region(region)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(INVOKE_TIMEOUT).maxConnections(16))
                .overrideConfiguration(config -> config.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(INVOKE_TIMEOUT)
                        .apiCallAttemptTimeout(INVOKE_TIMEOUT));
        endpoint.ifPresent(builder::endpointOverride);
        credentials.ifPresent(builder::credentialsProvider);
        return new SdkLambdaInvoker(builder.build());
    }

    @Override
    public Response invoke(String functionArn, byte[] payload)
            throws InvokeFailure
    {
        try {
            InvokeResponse response = client.invoke(request -> request.functionName(functionArn).invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromByteArray(payload)));
            return new Response(Optional.ofNullable(response.functionError()), response.payload() == null ? new byte[0] : response.payload().asByteArray());
        }
        catch (LambdaException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            throw new InvokeFailure(LambdaInvoker.firehoseCode(code, e.statusCode()), message, e);
        }
        catch (SdkClientException e) {
            throw new InvokeFailure("Lambda.ServiceUnavailable", "Lambda did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public void close()
    {
        client.close();
    }
}
