package io.lakestack.connectors.sns;

import io.lakestack.connectors.targets.QueueUrls;
import io.lakestack.connectors.targets.SdkClients;
import io.lakestack.spi.sns.FilterPolicy;
import io.lakestack.spi.sns.Subscription;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Deliveries as SNS makes them: {@code SendMessage} to SQS and {@code Invoke} (type {@code Event}) to Lambda with the
 * AWS SDK, against lakestack's endpoint or AWS, and HTTP(S) POSTs with SNS's headers. The SDK's own retries are off:
 * the fan-out retries as the subscription's delivery policy says.
 */
public final class SdkDeliveries
        implements Deliveries, AutoCloseable
{
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final SqsClient sqs;
    private final LambdaClient lambda;
    private final HttpClient http;
    private final QueueUrls queueUrls;

    SdkDeliveries(SqsClient sqs, LambdaClient lambda, HttpClient http)
    {
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.queueUrls = new QueueUrls(sqs);
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.http = requireNonNull(http, "http is null");
    }

    public static SdkDeliveries connect(URI endpoint, Region region, AwsCredentialsProvider credentials)
    {
        SqsClient sqs = SdkClients.build(SqsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT);
        LambdaClient lambda = SdkClients.build(LambdaClient.builder(), endpoint, region, credentials, CALL_TIMEOUT);
        HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        return new SdkDeliveries(sqs, lambda, http);
    }

    @Override
    public void deliver(Subscription subscription, Notification notification, String body)
            throws DeliveryException
    {
        switch (subscription.protocol()) {
            case "sqs" -> send(subscription.endpoint(), notification, body, subscription.rawMessageDelivery() ? notification.attributes() : Map.of());
            case "lambda" -> invoke(subscription.endpoint(), body);
            case "http", "https" -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("x-amz-sns-message-type", "Notification");
                headers.put("x-amz-sns-message-id", notification.messageId());
                headers.put("x-amz-sns-topic-arn", notification.topicArn());
                headers.put("x-amz-sns-subscription-arn", subscription.arn());
                if (subscription.rawMessageDelivery()) {
                    headers.put("x-amz-sns-rawdelivery", "true");
                }
                post(subscription.endpoint(), headers, body);
            }
            default -> throw new DeliveryException("protocol " + subscription.protocol() + " is not delivered", null);
        }
    }

    @Override
    public void deadLetter(String queueArn, Notification notification, String document)
            throws DeliveryException
    {
        send(queueArn, notification, document, Map.of());
    }

    @Override
    public void confirmation(Subscription subscription, String messageId, String document)
            throws DeliveryException
    {
        post(subscription.endpoint(), Map.of("x-amz-sns-message-type", "SubscriptionConfirmation", "x-amz-sns-message-id", messageId,
                "x-amz-sns-topic-arn", subscription.topicArn()), document);
    }

    /**
     * A FIFO queue gets the message's group and deduplication id, as SNS passes them on; a standard queue gets the group
     * of a standard topic's message published with one (for its fair queueing), as on AWS.
     */
    private void send(String queueArn, Notification notification, String body, Map<String, FilterPolicy.Attribute> attributes)
            throws DeliveryException
    {
        boolean fifoQueue = queueArn.endsWith(".fifo");
        Optional<String> group = fifoQueue || notification.sequenceNumber().isEmpty() ? notification.messageGroupId() : Optional.empty();
        Optional<String> deduplication = fifoQueue ? notification.deduplicationId() : Optional.empty();
        try {
            String url = queueUrls.url(queueArn);
            Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
            attributes.forEach((name, attribute) -> values.put(name, attribute.dataType().startsWith("Binary")
                    ? MessageAttributeValue.builder().dataType(attribute.dataType()).binaryValue(SdkBytes.fromByteArray(Base64.getDecoder()
                            .decode(attribute.value()))).build()
                    : MessageAttributeValue.builder().dataType(attribute.dataType().equals("String.Array") ? "String" : attribute.dataType())
                            .stringValue(attribute.value()).build()));
            sqs.sendMessage(request -> request.queueUrl(url).messageBody(body).messageAttributes(values).messageGroupId(group.orElse(null))
                    .messageDeduplicationId(deduplication.orElse(null)));
        }
        catch (SdkException | IllegalArgumentException e) {
            queueUrls.forget(queueArn);
            throw new DeliveryException("SendMessage to " + queueArn + ": " + e.getMessage(), e);
        }
    }

    private void invoke(String functionArn, String event)
            throws DeliveryException
    {
        try {
            lambda.invoke(request -> request.functionName(functionArn).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromString(event, StandardCharsets.UTF_8)));
        }
        catch (SdkException e) {
            throw new DeliveryException("Invoke " + functionArn + ": " + e.getMessage(), e);
        }
    }

    private void post(String url, Map<String, String> headers, String body)
            throws DeliveryException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT)
                .header("Content-Type", "text/plain; charset=UTF-8")
                .header("User-Agent", "Amazon Simple Notification Service Agent")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() < 200 || response.statusCode() > 299) {
                throw new DeliveryException("POST " + url + ": HTTP " + response.statusCode(), null);
            }
        }
        catch (IOException | IllegalArgumentException e) {
            throw new DeliveryException("POST " + url + ": " + e, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("POST " + url + ": interrupted", e);
        }
    }

    @Override
    public void close()
    {
        sqs.close();
        lambda.close();
    }
}
