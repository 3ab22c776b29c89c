package io.lakestack.connectors.targets;

import io.lakestack.spi.targets.TargetArn;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Targets called as EventBridge and Scheduler call them: Lambda {@code Invoke} (type {@code Event}), SQS
 * {@code SendMessage}, SNS {@code Publish}, Kinesis {@code PutRecord}, Firehose {@code PutRecord} and Step Functions
 * {@code StartExecution} (the payload is the execution's input, the name one Step Functions makes), with the AWS SDK
 * against lakestack's endpoint or AWS. The SDK's own retries are off: the caller retries as the target's retry policy
 * says.
 */
public final class SdkTargets
        implements Targets, AutoCloseable
{
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final LambdaClient lambda;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final KinesisClient kinesis;
    private final FirehoseClient firehose;
    private final SfnClient states;
    private final QueueUrls queueUrls;

    SdkTargets(LambdaClient lambda, SqsClient sqs, SnsClient sns, KinesisClient kinesis, FirehoseClient firehose, SfnClient states)
    {
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.queueUrls = new QueueUrls(sqs);
        this.sns = requireNonNull(sns, "sns is null");
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.firehose = requireNonNull(firehose, "firehose is null");
        this.states = requireNonNull(states, "states is null");
    }

    public static SdkTargets connect(URI endpoint, Region region, AwsCredentialsProvider credentials)
    {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(credentials, "credentials is null");
        return new SdkTargets(SdkClients.build(LambdaClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(SqsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(SnsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(KinesisClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(FirehoseClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(SfnClient.builder(), endpoint, region, credentials, CALL_TIMEOUT));
    }

    @Override
    public void deliver(TargetCall call)
            throws TargetException
    {
        TargetArn target;
        try {
            target = TargetArn.parse(call.arn());
        }
        catch (IllegalArgumentException e) {
            throw new TargetException("InvalidArn", e.getMessage(), false, e);
        }
        if (target.kind() == TargetArn.Kind.GLUE_WORKFLOW) {
            // Glue takes EventBridge's events with NotifyEvent, which no SDK has: lakestack's wiring hands them to its Glue engine
            throw new TargetException("InvalidArn", "Glue workflow " + call.arn() + " takes EventBridge events from EventBridge itself (Glue has no public "
                    + "API for them); lakestack's rule engine hands them to its Glue engine, not to these clients", false, null);
        }
        try {
            switch (target.kind()) {
                case LAMBDA -> lambda.invoke(request -> request.functionName(call.arn()).invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromString(call.payload(), StandardCharsets.UTF_8)));
                case SQS -> send(call);
                case SNS -> sns.publish(request -> request.topicArn(call.arn()).message(call.payload()));
                case KINESIS -> kinesis.putRecord(request -> request.streamName(target.name())
                        .partitionKey(call.partitionKey().orElseGet(() -> UUID.randomUUID().toString()))
                        .data(SdkBytes.fromString(call.payload(), StandardCharsets.UTF_8)));
                case FIREHOSE -> firehose.putRecord(request -> request.deliveryStreamName(target.name())
                        .record(record -> record.data(SdkBytes.fromString(call.payload(), StandardCharsets.UTF_8))));
                case STEP_FUNCTIONS -> states.startExecution(request -> request.stateMachineArn(call.arn()).input(call.payload()));
                case GLUE_WORKFLOW -> throw new IllegalStateException("Glue workflows are handled above");
            }
        }
        catch (AwsServiceException e) {
            if (target.kind() == TargetArn.Kind.SQS) {
                queueUrls.forget(call.arn());
            }
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "HTTP " + e.statusCode()
                    : e.awsErrorDetails().errorCode();
            boolean retryable = e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException();
            throw new TargetException(code, target.kind().service() + " call for " + call.arn() + " failed: " + e.getMessage(), retryable, e);
        }
        catch (SdkException e) {
            queueUrls.forget(call.arn());
            throw new TargetException("SdkClientException", target.kind().service() + " call for " + call.arn() + " failed: " + e.getMessage(),
                    true, e);
        }
    }

    private void send(TargetCall call)
    {
        String url = queueUrls.url(call.arn());
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        call.messageAttributes().forEach((name, value) -> attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(url).messageBody(call.payload()).messageAttributes(attributes);
        call.messageGroupId().ifPresent(request::messageGroupId);
        call.messageDeduplicationId().ifPresent(request::messageDeduplicationId);
        sqs.sendMessage(request.build());
    }

    @Override
    public void close()
    {
        lambda.close();
        sqs.close();
        sns.close();
        kinesis.close();
        firehose.close();
        states.close();
    }
}
