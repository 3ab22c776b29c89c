package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.it.FirehoseObjects.Delivered;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.Processor;
import software.amazon.awssdk.services.firehose.model.ProcessorParameter;
import software.amazon.awssdk.services.firehose.model.ProcessorType;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Firehose's data transformation with Lambda on the stack: a Python function through the endpoint's Lambda API
 * transforms a {@code DirectPut} stream's records on their way to S3; what it drops is gone, what it fails and what it
 * cannot be invoked for is under the error prefix in Firehose's error documents.
 */
@LakestackTest
@Order(64)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirehoseLambdaTransformIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "it-firehose-lambda";
    private static final String ROLE = "arn:aws:iam::000000000000:role/firehose";
    private static final String FUNCTION_ROLE = "arn:aws:iam::000000000000:role/it-role";
    private static final Duration WAIT = Duration.ofSeconds(180);
    /** Firehose's transformation as its blueprints write it: upper case, one line each; drops and failures by their content. */
    private static final String TRANSFORM = """
            import base64

            def handler(event, context):
                out = []
                for record in event["records"]:
                    data = base64.b64decode(record["data"]).decode("utf-8")
                    if "drop" in data:
                        out.append({"recordId": record["recordId"], "result": "Dropped"})
                    elif "fail" in data:
                        out.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
                    else:
                        text = (event["deliveryStreamArn"] + " " + event["region"] if data == "whoami" else data.upper()) + "\\n"
                        out.append({"recordId": record["recordId"], "result": "Ok", "data": base64.b64encode(text.encode("utf-8")).decode("ascii")})
                return {"records": out}
            """;

    private final TestStack stack;
    private FirehoseClient firehose;
    private LambdaClient lambda;
    private S3Client s3;
    private Admin admin;

    FirehoseLambdaTransformIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void setUp()
    {
        firehose = stack.firehose();
        lambda = stack.client(LambdaClient.builder());
        s3 = stack.s3();
        s3.createBucket(request -> request.bucket(BUCKET));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
    }

    @AfterAll
    void tearDown()
    {
        firehose.close();
        lambda.close();
        s3.close();
        admin.close();
    }

    private static Processor lambdaProcessor(String functionArn, String retries, String interval)
    {
        return Processor.builder().type(ProcessorType.LAMBDA).parameters(
                ProcessorParameter.builder().parameterName("LambdaArn").parameterValue(functionArn).build(),
                ProcessorParameter.builder().parameterName("NumberOfRetries").parameterValue(retries).build(),
                ProcessorParameter.builder().parameterName("BufferSizeInMBs").parameterValue("0.2").build(),
                ProcessorParameter.builder().parameterName("BufferIntervalInSeconds").parameterValue(interval).build()).build();
    }

    private void create(String name, Processor processor)
    {
        firehose.createDeliveryStream(request -> request.deliveryStreamName(name).deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE)
                        .prefix(name + "/").errorOutputPrefix(name + "-errors/!{firehose:error-output-type}/")
                        .bufferingHints(hints -> hints.sizeInMBs(1).intervalInSeconds(1))
                        .processingConfiguration(processing -> processing.enabled(true).processors(processor))));
    }

    private void put(String stream, String... records)
    {
        List<Record> batch = new ArrayList<>();
        for (String record : records) {
            batch.add(Record.builder().data(SdkBytes.fromUtf8String(record)).build());
        }
        assertThat(firehose.putRecordBatch(request -> request.deliveryStreamName(stream).records(batch)).failedPutCount()).isZero();
    }

    /** The error documents of a stream's {@code processing-failed} output. */
    private List<JsonNode> processingFailed(String stream)
            throws IOException
    {
        List<JsonNode> documents = new ArrayList<>();
        for (String key : FirehoseObjects.keys(s3, BUCKET, stream + "-errors/")) {
            assertThat(key).matches(stream + "-errors/processing-failed/" + stream + "-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-" + FirehoseObjects.UUID);
            for (String line : FirehoseObjects.text(s3, BUCKET, key).split("\n")) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }

    private static String base64(String text)
    {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pythonFunctionTransformsDropsAndFailsRecordsOnTheirWayToS3()
            throws Exception
    {
        String runtime = LambdaPackages.pythonRuntime();
        SdkBytes code = SdkBytes.fromByteArray(LambdaPackages.zip("index.py", TRANSFORM));
        String function = lambda.createFunction(request -> request.functionName("it-firehose-transform").runtime(runtime).handler("index.handler")
                .role(FUNCTION_ROLE).timeout(30).code(zipped -> zipped.zipFile(code))).functionArn();
        assertThat(lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName("it-firehose-transform")).matched().response().orElseThrow()
                .configuration().state()).isEqualTo(State.ACTIVE);
        assertThat(function).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:it-firehose-transform");
        String stream = "it-lambda-transform";
        create(stream, lambdaProcessor(function, "3", "5"));

        Instant before = Instant.now();
        put(stream, "order-1", "drop-2", "fail-3", "order-4", "whoami", "fail-6");
        FirehoseObjects.awaitDelivered(admin, stream, 6, WAIT);
        Instant after = Instant.now();
        // far from 0.2 MB, the records waited for the function the processor's BufferIntervalInSeconds
        assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        List<Delivered> objects = FirehoseObjects.objects(s3, BUCKET, stream + "/", stream, FirehoseObjects.delimited("\n"));
        FirehoseObjects.inPutOrder(objects, List.of("ORDER-1\n", "ORDER-4\n", "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + stream
                + " us-east-1\n"));
        List<JsonNode> failed = processingFailed(stream);
        assertThat(failed).extracting(document -> document.path("rawData").asText()).containsExactly(base64("fail-3"), base64("fail-6"));
        for (JsonNode document : failed) {
            assertThat(JSON.convertValue(document, Map.class).keySet())
                    .containsExactly("attemptsMade", "arrivalTimestamp", "errorCode", "errorMessage", "attemptEndingTimestamp", "rawData", "lambdaArn");
            assertThat(document.path("attemptsMade").asInt()).isEqualTo(1);
            assertThat(document.path("errorCode").asText()).isEqualTo("Lambda.ProcessingFailedStatus");
            assertThat(document.path("errorMessage").asText()).isEqualTo("ProcessingFailed status set for record");
            assertThat(document.path("lambdaArn").asText()).isEqualTo(function);
            Instant arrival = Instant.ofEpochMilli(document.path("arrivalTimestamp").asLong());
            assertThat(arrival).isBetween(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), after);
            assertThat(Instant.ofEpochMilli(document.path("attemptEndingTimestamp").asLong())).isBetween(arrival, after);
        }
    }

    @Test
    void recordsForAMissingFunctionAreErrorDocumentsNamingIt()
            throws Exception
    {
        String function = "arn:aws:lambda:us-east-1:000000000000:function:it-firehose-missing";
        String stream = "it-lambda-missing";
        create(stream, lambdaProcessor(function, "1", "0"));

        put(stream, "a", "b");
        FirehoseObjects.awaitDelivered(admin, stream, 2, WAIT);

        assertThat(FirehoseObjects.keys(s3, BUCKET, stream + "/")).isEmpty();
        List<JsonNode> failed = processingFailed(stream);
        assertThat(failed).extracting(document -> document.path("rawData").asText()).containsExactly(base64("a"), base64("b"));
        assertThat(failed).extracting(document -> document.path("attemptsMade").asInt() + " " + document.path("errorCode").asText() + " "
                + document.path("errorMessage").asText() + " " + document.path("lambdaArn").asText())
                .containsOnly("2 Lambda.ResourceNotFound Function not found: " + function + " " + function);
    }

    @Test
    void lambdaProcessorParametersAreCheckedWhenTheStreamIsCreated()
    {
        assertThatThrownBy(() -> create("it-lambda-invalid", Processor.builder().type(ProcessorType.LAMBDA).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("The Lambda processor needs the parameter LambdaArn, e.g. "
                        + "arn:aws:lambda:us-east-1:000000000000:function:my-transform[:qualifier]");
        assertThatThrownBy(() -> create("it-lambda-invalid", lambdaProcessor("arn:aws:lambda:us-east-1:000000000000:function:f", "301", "60")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Lambda processor: NumberOfRetries must be between 0 and 300, not 301");
        assertThatThrownBy(() -> create("it-lambda-invalid", lambdaProcessor("arn:aws:lambda:us-east-1:000000000000:function:f", "3", "901")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Lambda processor: BufferIntervalInSeconds must be between 0 and 900, not 901");

        firehose.createDeliveryStream(request -> request.deliveryStreamName("it-lambda-update").deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(destination -> destination.bucketARN("arn:aws:s3:::" + BUCKET).roleARN(ROLE)));
        assertThatThrownBy(() -> firehose.updateDestination(request -> request.deliveryStreamName("it-lambda-update").currentDeliveryStreamVersionId("1")
                .destinationId("destinationId-000000000001").extendedS3DestinationUpdate(update -> update.processingConfiguration(processing -> processing
                        .enabled(true).processors(Processor.builder().type(ProcessorType.LAMBDA).parameters(
                                ProcessorParameter.builder().parameterName("LambdaArn").parameterValue("arn:aws:lambda:us-east-1:000000000000:function:f").build(),
                                ProcessorParameter.builder().parameterName("BufferSizeInMBs").parameterValue("3.5").build()).build())))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Lambda processor: BufferSizeInMBs must be between 0.2 and 3, not 3.5");
        assertThat(firehose.describeDeliveryStream(request -> request.deliveryStreamName("it-lambda-update")).deliveryStreamDescription().versionId())
                .isEqualTo("1");
        firehose.deleteDeliveryStream(request -> request.deliveryStreamName("it-lambda-update"));
    }
}
