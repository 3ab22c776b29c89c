package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.EventSourcePosition;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lambda's event sources end to end, through the AWS APIs only: a Kinesis stream mapped to a Python function that fails
 * on one record (bisected, given up to an SQS queue, the rest committed), and an asynchronous invocation that keeps
 * failing, recorded on its OnFailure queue under the request id {@code Invoke} answered with.
 */
@LakestackTest
@Order(61)
class LambdaEventSourceIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String HANDLER = """
            import base64

            def handler(event, context):
                for record in event.get("Records", []):
                    if base64.b64decode(record["kinesis"]["data"]) == b"poison":
                        raise Exception("poison record")
                if event.get("fail"):
                    raise Exception("asked to fail")
                return {"ok": True}
            """;

    private final TestStack stack;

    LambdaEventSourceIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void poisonRecordIsIsolatedAndGivenUpTheRestIsProcessed()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder());
                KinesisClient kinesis = stack.kinesis();
                KafkaConsumer<String, String> failures = stack.consumer("lakestack.sqs.it-esm-failures")) {
            createFunction(lambda, "it-esm-consumer");
            kinesis.createStream(request -> request.streamName("it-esm-source").shardCount(1));
            String streamArn = kinesis.describeStreamSummary(request -> request.streamName("it-esm-source")).streamDescriptionSummary().streamARN();
            List<String> sequences = List.of("a", "b", "poison", "c").stream()
                    .map(data -> kinesis.putRecord(request -> request.streamName("it-esm-source").partitionKey("k").data(SdkBytes.fromUtf8String(data)))
                            .sequenceNumber())
                    .toList();
            CreateEventSourceMappingResponse mapping = lambda.createEventSourceMapping(request -> request.functionName("it-esm-consumer")
                    .eventSourceArn(streamArn).startingPosition(EventSourcePosition.TRIM_HORIZON).batchSize(10).bisectBatchOnFunctionError(true)
                    .maximumRetryAttempts(0).destinationConfig(destination -> destination.onFailure(failure -> failure
                            .destination("arn:aws:sqs:us-east-1:000000000000:it-esm-failures"))));
            assertThat(mapping.state()).isEqualTo("Creating");

            ConsumerRecord<String, String> failure = TestStack.poll(failures, 1, TIMEOUT).get(0);
            JsonNode document = JSON.readTree(failure.value());
            assertThat(document.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(document.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
            assertThat(document.path("KinesisBatchInfo").path("shardId").asText()).isEqualTo("shardId-000000000000");
            assertThat(document.path("KinesisBatchInfo").path("startSequenceNumber").asText()).isEqualTo(sequences.get(2));
            assertThat(document.path("KinesisBatchInfo").path("endSequenceNumber").asText()).isEqualTo(sequences.get(2));
            assertThat(document.path("KinesisBatchInfo").path("batchSize").asInt()).isEqualTo(1);
            assertThat(document.path("KinesisBatchInfo").path("streamArn").asText()).isEqualTo(streamArn);

            Eventually.read(TIMEOUT, () -> stack.committed("lakestack.lambda.esm." + mapping.uuid()), total -> assertThat(total).isEqualTo(4));
            GetEventSourceMappingResponse status = Eventually.read(TIMEOUT, () -> lambda.getEventSourceMapping(request -> request.uuid(mapping.uuid())),
                    read -> assertThat(read.state()).isEqualTo("Enabled"));
            assertThat(status.lastProcessingResult()).isIn("OK", "PROBLEM: Function call failed");
        }
    }

    @Test
    void failingAsynchronousInvocationIsRecordedUnderItsRequestId()
            throws Exception
    {
        try (LambdaClient lambda = stack.client(LambdaClient.builder());
                KafkaConsumer<String, String> failures = stack.consumer("lakestack.sqs.it-async-failures")) {
            createFunction(lambda, "it-async-failing");
            lambda.putFunctionEventInvokeConfig(request -> request.functionName("it-async-failing").maximumRetryAttempts(0)
                    .destinationConfig(destination -> destination.onFailure(failure -> failure.destination("arn:aws:sqs:us-east-1:000000000000:it-async-failures"))));
            InvokeResponse invoked = lambda.invoke(request -> request.functionName("it-async-failing").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"fail\":true}")));
            assertThat(invoked.statusCode()).isEqualTo(202);

            JsonNode record = JSON.readTree(TestStack.poll(failures, 1, TIMEOUT).get(0).value());
            assertThat(record.path("requestContext").path("requestId").asText()).isEqualTo(invoked.responseMetadata().requestId());
            assertThat(record.path("requestContext").path("functionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:it-async-failing:$LATEST");
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
            assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(1);
            assertThat(record.path("requestPayload").toString()).isEqualTo("{\"fail\":true}");
            assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
            assertThat(record.path("responsePayload").path("errorMessage").asText()).isEqualTo("asked to fail");
        }
    }

    private static void createFunction(LambdaClient lambda, String name)
            throws IOException
    {
        SdkBytes code = SdkBytes.fromByteArray(LambdaPackages.zip("index.py", HANDLER));
        String runtime = LambdaPackages.pythonRuntime();
        lambda.createFunction(request -> request.functionName(name).runtime(runtime).handler("index.handler")
                .role("arn:aws:iam::000000000000:role/it-role").code(function -> function.zipFile(code)));
        lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName(name));
    }
}
