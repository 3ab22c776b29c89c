package io.lakestack.connectors.stepfunctions.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lakestack.connectors.stepfunctions.TaskInvoker;
import io.lakestack.connectors.stepfunctions.TaskOutcome;
import io.lakestack.connectors.stepfunctions.TaskRequest;
import io.lakestack.connectors.targets.JsonApi;
import io.lakestack.connectors.targets.SdkClients;
import io.lakestack.spi.Arn;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.store.RecordStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;

import static java.util.Objects.requireNonNull;

/**
 * The Task states' work, through the AWS APIs with the SDK (against lakestack's endpoint, as EventBridge's targets are
 * called): {@code lambda:invoke} and function ARNs, {@code sqs:sendMessage}, {@code sns:publish},
 * {@code events:putEvents} and {@code states:startExecution}, request-response, and the {@code .sync} pattern for
 * {@code states:startExecution} ({@code .sync}, {@code .sync:2}), {@code athena:startQueryExecution} and
 * {@code glue:startJobRun}. Results are shaped as AWS's
 * integrations shape them ({@code lambda:invoke}: {@code ExecutedVersion}, {@code Payload}, {@code SdkHttpMetadata},
 * {@code SdkResponseMetadata}, {@code StatusCode}); errors are named as AWS names them: a function's error by its
 * {@code errorType} ({@code Lambda.Unknown} without one), a service's by {@code <Service>.<error code>}
 * ({@code Lambda.ResourceNotFoundException}), a parameter the integration does not take by
 * {@code States.Runtime}. Each call runs on a thread of the invoker's pool.
 */
public final class SdkTaskInvoker
        implements TaskInvoker, AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(SdkTaskInvoker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LAMBDA_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);

    private final LambdaClient lambda;
    private final SqsClient sqs;
    private final SnsClient sns;
    private final EventBridgeClient events;
    private final SfnClient states;
    private final S3Client s3;
    private final StsClient sts;
    private final KafkaClient kafka;
    private final JsonApi api;
    private final SdkModelActions models;
    private final String region;
    private final ExecutorService pool;
    private final SyncStarts syncStarts;

    /**
     * @param s3 for the {@code aws-sdk:s3:*} integrations (path-style addressing, for lakestack's endpoint), as {@code sts} and
     *         {@code kafka} (MSK) are for theirs
     * @param api the JSON-protocol services' actions as they are, for Athena's and the {@code aws-sdk:*} integrations
     * @param region the region their calls are signed for when an execution's ARN names none
     * @param stores where the {@code .sync} tasks' starts are recorded, for a resumed execution to find the work it started
     */
    public SdkTaskInvoker(LambdaClient lambda, SqsClient sqs, SnsClient sns, EventBridgeClient events, SfnClient states, S3Client s3, StsClient sts,
            KafkaClient kafka, JsonApi api, String region, RecordStores stores, Clock clock)
    {
        this.syncStarts = new SyncStarts(stores, clock);
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.sns = requireNonNull(sns, "sns is null");
        this.events = requireNonNull(events, "events is null");
        this.states = requireNonNull(states, "states is null");
        this.api = requireNonNull(api, "api is null");
        this.s3 = requireNonNull(s3, "s3 is null");
        this.sts = requireNonNull(sts, "sts is null");
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.models = new SdkModelActions(Map.of("s3", s3, "lambda", lambda, "sns", sns, "sfn", states, "sts", sts, "kafka", kafka));
        this.region = requireNonNull(region, "region is null");
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "stepfunctions-task-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Clients of the services at {@code endpoint} (lakestack's, or AWS's). */
    public static SdkTaskInvoker connect(URI endpoint, Region region, AwsCredentialsProvider credentials, RecordStores stores, Clock clock)
    {
        return new SdkTaskInvoker(SdkClients.build(LambdaClient.builder(), endpoint, region, credentials, LAMBDA_TIMEOUT),
                SdkClients.build(SqsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(SnsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(EventBridgeClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(SfnClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(S3Client.builder().forcePathStyle(true), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(StsClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                SdkClients.build(KafkaClient.builder(), endpoint, region, credentials, CALL_TIMEOUT),
                new JsonApi(endpoint, credentials, CALL_TIMEOUT), region.id(), stores, clock);
    }

    @Override
    public CompletableFuture<TaskOutcome> invoke(TaskRequest request)
    {
        if (request.resource().equals(TaskResources.ATHENA_START_QUERY_EXECUTION + ".sync")) {
            return athenaQueryRun(request);
        }
        if (request.resource().equals(TaskResources.GLUE_START_JOB_RUN + ".sync")) {
            return glueJobRun(request);
        }
        if (request.resource().equals(TaskResources.STATES_START_EXECUTION + ".sync")) {
            return childExecution(request, false);
        }
        if (request.resource().equals(TaskResources.STATES_START_EXECUTION + ".sync:2")) {
            return childExecution(request, true);
        }
        return CompletableFuture.supplyAsync(() -> run(request.resource(), request.input(), request.executionArn()), pool);
    }

    TaskOutcome run(String resource, JsonNode input, String executionArn)
    {
        try {
            return switch (resource) {
                case TaskResources.LAMBDA_INVOKE -> invokeIntegration(input);
                case TaskResources.SQS_SEND_MESSAGE -> call("SQS", () -> sendMessage(input));
                case TaskResources.SNS_PUBLISH -> call("SNS", () -> publish(input));
                case TaskResources.EVENTS_PUT_EVENTS -> call("EventBridge", () -> putEvents(input, executionArn));
                case TaskResources.STATES_START_EXECUTION -> call("StepFunctions", () -> startExecution(input));
                case TaskResources.ATHENA_START_QUERY_EXECUTION -> athena("startQueryExecution", input, executionArn);
                case TaskResources.ATHENA_GET_QUERY_EXECUTION -> athena("getQueryExecution", input, executionArn);
                case TaskResources.ATHENA_GET_QUERY_RESULTS -> athena("getQueryResults", input, executionArn);
                case TaskResources.ATHENA_STOP_QUERY_EXECUTION -> athena("stopQueryExecution", input, executionArn);
                case TaskResources.GLUE_START_JOB_RUN -> glue("startJobRun", input, executionArn);
                default -> {
                    if (TaskResources.FUNCTION_ARN.matcher(resource).matches()) {
                        yield invokeFunction(resource, input);
                    }
                    Matcher sdk = TaskResources.AWS_SDK.matcher(resource);
                    if (sdk.matches() && JsonApi.SERVICES.containsKey(sdk.group(1))) {
                        yield sdkAction(sdk.group(1), sdk.group(2), input, executionArn);
                    }
                    if (sdk.matches() && SdkModelActions.CLIENTS.containsKey(sdk.group(1))) {
                        yield models.call(sdk.group(1), sdk.group(2), input);
                    }
                    yield TaskOutcome.failed("States.Runtime", "The resource '" + resource + "' is not supported by lakestack");
                }
            };
        }
        catch (ParameterException e) {
            return TaskOutcome.failed("States.Runtime", e.getMessage());
        }
    }

    // Lambda

    private TaskOutcome invokeIntegration(JsonNode input)
    {
        allowed(input, "lambda:invoke", Set.of("FunctionName", "Payload", "Qualifier", "InvocationType", "ClientContext", "LogType"));
        String function = text(input, "FunctionName", true);
        InvokeRequest.Builder request = InvokeRequest.builder().functionName(function);
        JsonNode payload = input.get("Payload");
        request.payload(SdkBytes.fromString(payload == null ? "{}" : payload.isTextual() ? payload.textValue() : payload.toString(),
                StandardCharsets.UTF_8));
        optional(input, "Qualifier", request::qualifier);
        optional(input, "InvocationType", request::invocationType);
        optional(input, "ClientContext", request::clientContext);
        optional(input, "LogType", request::logType);
        return lambda(request.build(), response -> {
            ObjectNode result = JSON.createObjectNode();
            result.put("ExecutedVersion", response.executedVersion() == null ? "$LATEST" : response.executedVersion());
            result.set("Payload", payloadOf(response));
            metadata(result, response);
            result.put("StatusCode", response.statusCode());
            return result;
        });
    }

    private TaskOutcome invokeFunction(String arn, JsonNode input)
    {
        InvokeRequest request = InvokeRequest.builder().functionName(arn).payload(SdkBytes.fromString(input.toString(), StandardCharsets.UTF_8)).build();
        return lambda(request, SdkTaskInvoker::payloadOf);
    }

    private TaskOutcome lambda(InvokeRequest request, Function<InvokeResponse, JsonNode> shape)
    {
        InvokeResponse response;
        try {
            response = lambda.invoke(request);
        }
        catch (AwsServiceException e) {
            return serviceError("Lambda", e);
        }
        catch (SdkException e) {
            return TaskOutcome.failed("Lambda.SdkClientException", e.getMessage());
        }
        if (response.functionError() != null) {
            String body = response.payload() == null ? "" : response.payload().asUtf8String();
            String error = "Lambda.Unknown";
            try {
                JsonNode parsed = JSON.readTree(body);
                if (parsed != null && parsed.path("errorType").isTextual()) {
                    error = parsed.path("errorType").textValue();
                }
            }
            catch (JsonProcessingException e) {
                // not JSON: the error stays unknown, the body is the cause
            }
            return TaskOutcome.failed(error, body);
        }
        return TaskOutcome.succeeded(shape.apply(response));
    }

    private static JsonNode payloadOf(InvokeResponse response)
    {
        String body = response.payload() == null ? "" : response.payload().asUtf8String();
        if (body.isEmpty()) {
            return TextNode.valueOf("");
        }
        try {
            return JSON.readTree(body);
        }
        catch (JsonProcessingException e) {
            return TextNode.valueOf(body);
        }
    }

    // Athena and the AWS SDK integrations: the request's JSON as the action takes it, the answer's JSON as the service writes it

    private static final long SYNC_POLL_MILLIS = 500;

    private TaskOutcome athena(String action, JsonNode input, String executionArn)
    {
        allowed(input, "athena:" + action, switch (action) {
            case "startQueryExecution" -> Set.of("QueryString", "ClientRequestToken", "QueryExecutionContext", "ResultConfiguration", "WorkGroup",
                    "ExecutionParameters", "ResultReuseConfiguration");
            case "getQueryResults" -> Set.of("QueryExecutionId", "MaxResults", "NextToken");
            default -> Set.of("QueryExecutionId");
        });
        return sdkAction("athena", action, input, executionArn);
    }

    private TaskOutcome glue(String action, JsonNode input, String executionArn)
    {
        allowed(input, "glue:" + action, Set.of("JobName", "JobRunId", "Arguments", "AllocatedCapacity", "Timeout", "MaxCapacity", "SecurityConfiguration",
                "NotificationProperty", "WorkerType", "NumberOfWorkers", "ExecutionClass", "JobRunQueuingEnabled", "ExecutionRoleSessionPolicy"));
        return sdkAction("glue", action, input, executionArn);
    }

    /** An action of a JSON-protocol service; its error is {@code <Service>.<Exception>} as the SDK names it, e.g. {@code Glue.EntityNotFoundException}. */
    private TaskOutcome sdkAction(String service, String action, JsonNode input, String executionArn)
    {
        if (!input.isObject()) {
            return TaskOutcome.failed("States.Runtime", "aws-sdk:" + service + ":" + action + " takes an object of parameters, not " + input);
        }
        try {
            return TaskOutcome.succeeded(JSON.readTree(api.call(JsonApi.SERVICES.get(service), regionOf(executionArn), JsonApi.action(action),
                    input.toString())));
        }
        catch (JsonApi.Failure e) {
            String exception = e.errorCode().endsWith("Exception") || e.status() == 0 ? e.errorCode() : e.errorCode() + "Exception";
            String name = JsonApi.SERVICES.get(service).sdkName();
            return TaskOutcome.failed(name + "." + exception, e.serviceMessage() + " (Service: " + name + ", Status Code: " + e.status() + ")");
        }
        catch (JsonProcessingException e) {
            return TaskOutcome.failed("States.Runtime", "aws-sdk:" + service + ":" + action + " answered what is not JSON: " + e.getOriginalMessage());
        }
    }

    private String regionOf(String executionArn)
    {
        return Arn.parse(executionArn).map(Arn::region).filter(name -> !name.isEmpty()).orElse(region);
    }

    /**
     * {@code athena:startQueryExecution.sync}: starts the query and ends the task when the query ends, with
     * {@code GetQueryExecution}'s answer (succeeded) or {@code States.TaskFailed} and that answer as the cause (failed or
     * cancelled). Without a {@code ClientRequestToken} the task's token gives one, so an execution that resumes after
     * a restart finds the query it had started instead of starting another. A task that times out or whose execution
     * is stopped cancels the query ({@code StopQueryExecution}).
     */
    private CompletableFuture<TaskOutcome> athenaQueryRun(TaskRequest request)
    {
        String executionArn = request.executionArn();
        return untilEnded(request, () -> {
            JsonNode input = request.input();
            if (input.isObject() && !input.has("ClientRequestToken")) {
                input = ((ObjectNode) input.deepCopy()).put("ClientRequestToken",
                        UUID.nameUUIDFromBytes(request.taskToken().getBytes(StandardCharsets.UTF_8)).toString());
            }
            return athena("startQueryExecution", input, executionArn);
        }, started -> {
            TaskOutcome polled = sdkAction("athena", "getQueryExecution", queryId(started), executionArn);
            if (!(polled instanceof TaskOutcome.Succeeded execution)) {
                return Optional.of(polled);
            }
            return switch (execution.output().path("QueryExecution").path("Status").path("State").asText()) {
                case "SUCCEEDED" -> Optional.of(polled);
                case "FAILED", "CANCELLED" -> Optional.of(TaskOutcome.failed("States.TaskFailed", execution.output().toString()));
                default -> Optional.empty();
            };
        }, started -> sdkAction("athena", "stopQueryExecution", queryId(started), executionArn));
    }

    private static ObjectNode queryId(JsonNode started)
    {
        return JSON.createObjectNode().put("QueryExecutionId", started.path("QueryExecutionId").asText());
    }

    /**
     * {@code glue:startJobRun.sync}: starts the job run and ends the task when the run ends, with {@code GetJobRun}'s
     * {@code JobRun} (succeeded) or {@code States.TaskFailed} and that {@code JobRun} as the cause (failed, timed out,
     * stopped or in error). A task that times out or whose execution is stopped stops the run ({@code BatchStopJobRun}).
     */
    private CompletableFuture<TaskOutcome> glueJobRun(TaskRequest request)
    {
        String executionArn = request.executionArn();
        String jobName = request.input().path("JobName").asText();
        return untilEnded(request, () -> glue("startJobRun", request.input(), executionArn), started -> {
            ObjectNode id = JSON.createObjectNode().put("JobName", jobName).put("RunId", started.path("JobRunId").asText());
            TaskOutcome polled = sdkAction("glue", "getJobRun", id, executionArn);
            if (!(polled instanceof TaskOutcome.Succeeded answer)) {
                return Optional.of(polled);
            }
            JsonNode run = answer.output().path("JobRun");
            return switch (run.path("JobRunState").asText()) {
                case "SUCCEEDED" -> Optional.of(TaskOutcome.succeeded(run));
                case "FAILED", "TIMEOUT", "STOPPED", "ERROR" -> Optional.of(TaskOutcome.failed("States.TaskFailed", run.toString()));
                default -> Optional.empty();
            };
        }, started -> {
            ObjectNode stop = JSON.createObjectNode().put("JobName", jobName);
            stop.putArray("JobRunIds").add(started.path("JobRunId").asText());
            return sdkAction("glue", "batchStopJobRun", stop, executionArn);
        });
    }

    /**
     * {@code states:startExecution.sync} and {@code .sync:2}: starts the child execution (named from the task's token
     * when no {@code Name} is given) and ends the task when the child ends, with {@code DescribeExecution}'s answer
     * (succeeded), or {@code States.TaskFailed} with that answer as the cause (failed, timed out or aborted).
     * {@code .sync} gives the child's {@code Input} and {@code Output} as JSON text, {@code .sync:2} as JSON. A task that
     * times out or whose execution is stopped stops the child ({@code StopExecution}).
     */
    private CompletableFuture<TaskOutcome> childExecution(TaskRequest request, boolean json)
    {
        return untilEnded(request, () -> {
            JsonNode input = request.input();
            if (input.isObject() && !input.has("Name")) {
                input = ((ObjectNode) input.deepCopy()).put("Name", UUID.nameUUIDFromBytes(request.taskToken().getBytes(StandardCharsets.UTF_8)).toString());
            }
            JsonNode parameters = input;
            return call("StepFunctions", () -> startExecution(parameters));
        }, started -> {
            DescribeExecutionResponse child;
            try {
                child = states.describeExecution(describe -> describe.executionArn(started.path("ExecutionArn").asText()));
            }
            catch (AwsServiceException e) {
                return Optional.of(serviceError("StepFunctions", e));
            }
            if (child.status() == ExecutionStatus.RUNNING || child.status() == ExecutionStatus.PENDING_REDRIVE) {
                return Optional.empty();
            }
            if (child.status() == ExecutionStatus.SUCCEEDED) {
                return Optional.of(TaskOutcome.succeeded(describedExecution(child, json)));
            }
            return Optional.of(TaskOutcome.failed("States.TaskFailed", describedExecution(child, json).toString()));
        }, started -> call("StepFunctions", () -> {
            states.stopExecution(stop -> stop.executionArn(started.path("ExecutionArn").asText()));
            return JSON.createObjectNode();
        }));
    }

    /** {@code DescribeExecution}'s answer as the integration gives it: fields capitalized, dates in epoch milliseconds. */
    static ObjectNode describedExecution(DescribeExecutionResponse child, boolean json)
    {
        ObjectNode result = JSON.createObjectNode();
        result.put("ExecutionArn", child.executionArn());
        if (child.input() != null) {
            result.set("Input", json ? parsed(child.input()) : TextNode.valueOf(child.input()));
            result.putObject("InputDetails").put("Included", true);
        }
        result.put("Name", child.name());
        if (child.output() != null) {
            result.set("Output", json ? parsed(child.output()) : TextNode.valueOf(child.output()));
            result.putObject("OutputDetails").put("Included", true);
        }
        if (child.error() != null) {
            result.put("Error", child.error());
        }
        if (child.cause() != null) {
            result.put("Cause", child.cause());
        }
        if (child.redriveCount() != null) {
            result.put("RedriveCount", child.redriveCount());
        }
        if (child.redriveStatus() != null) {
            result.put("RedriveStatus", child.redriveStatusAsString());
        }
        if (child.redriveStatusReason() != null) {
            result.put("RedriveStatusReason", child.redriveStatusReason());
        }
        result.put("StartDate", millis(child.startDate()));
        result.put("StateMachineArn", child.stateMachineArn());
        if (child.stateMachineVersionArn() != null) {
            result.put("StateMachineVersionArn", child.stateMachineVersionArn());
        }
        if (child.stateMachineAliasArn() != null) {
            result.put("StateMachineAliasArn", child.stateMachineAliasArn());
        }
        result.put("Status", child.statusAsString());
        if (child.stopDate() != null) {
            result.put("StopDate", millis(child.stopDate()));
        }
        return result;
    }

    private static long millis(Instant instant)
    {
        return instant.toEpochMilli();
    }

    private static JsonNode parsed(String text)
    {
        try {
            return JSON.readTree(text);
        }
        catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /**
     * The {@code .sync} pattern: {@code start} starts the work, once per task ({@link SyncStarts}: a task resumed
     * after a restart waits for the work it had started); {@code poll}, given what {@code start} answered, says how
     * the task ends once the work has ended (empty while it runs), and is asked again every {@value #SYNC_POLL_MILLIS}
     * ms; {@code stop} stops the work when the task is cancelled (it timed out, or its execution was stopped). Work
     * whose task ends otherwise (its execution is handed over, or lakestack stops) goes on, for the execution to find
     * when it resumes.
     */
    private CompletableFuture<TaskOutcome> untilEnded(TaskRequest request, Supplier<TaskOutcome> start, Function<JsonNode, Optional<TaskOutcome>> poll,
            Function<JsonNode, TaskOutcome> stop)
    {
        CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
        pool.execute(() -> {
            JsonNode started = null;
            try {
                TaskOutcome answer = syncStarts.startOnce(request, start);
                if (!(answer instanceof TaskOutcome.Succeeded succeeded)) {
                    outcome.complete(answer);
                    return;
                }
                started = succeeded.output();
                request.submitted().accept(started);
                while (!outcome.isDone()) {
                    Optional<TaskOutcome> ended = poll.apply(started);
                    if (ended.isPresent()) {
                        outcome.complete(ended.get());
                    }
                    else {
                        Thread.sleep(SYNC_POLL_MILLIS);
                    }
                }
            }
            catch (InterruptedException e) {
                // lakestack stops: the work goes on, for the execution to find when it resumes
                Thread.currentThread().interrupt();
                outcome.completeExceptionally(new IllegalStateException("lakestack stopped while task " + request.stateName() + " of "
                        + request.executionArn() + " waited"));
                return;
            }
            catch (ParameterException e) {
                outcome.complete(TaskOutcome.failed("States.Runtime", e.getMessage()));
            }
            catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
            if (started != null && outcome.isCancelled()) {
                TaskOutcome stopped = stop.apply(started);
                if (stopped instanceof TaskOutcome.Failed failed) {
                    log.warn("the work of task {} of {} was not stopped: {}: {}", request.stateName(), request.executionArn(), failed.error(), failed.cause());
                }
            }
        });
        return outcome;
    }

    // SQS, SNS, EventBridge, Step Functions

    private JsonNode sendMessage(JsonNode input)
    {
        allowed(input, "sqs:sendMessage", Set.of("QueueUrl", "MessageBody", "DelaySeconds", "MessageGroupId", "MessageDeduplicationId"));
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(text(input, "QueueUrl", true)).messageBody(body(input, "MessageBody"));
        if (input.hasNonNull("DelaySeconds")) {
            request.delaySeconds(input.get("DelaySeconds").asInt());
        }
        optional(input, "MessageGroupId", request::messageGroupId);
        optional(input, "MessageDeduplicationId", request::messageDeduplicationId);
        SendMessageResponse response = sqs.sendMessage(request.build());
        ObjectNode result = JSON.createObjectNode();
        result.put("MD5OfMessageBody", response.md5OfMessageBody());
        result.put("MessageId", response.messageId());
        if (response.sequenceNumber() != null) {
            result.put("SequenceNumber", response.sequenceNumber());
        }
        metadata(result, response);
        return result;
    }

    private JsonNode publish(JsonNode input)
    {
        allowed(input, "sns:publish", Set.of("TopicArn", "TargetArn", "Message", "Subject", "MessageGroupId", "MessageDeduplicationId",
                "MessageStructure"));
        PublishRequest.Builder request = PublishRequest.builder().message(body(input, "Message"));
        optional(input, "TopicArn", request::topicArn);
        optional(input, "TargetArn", request::targetArn);
        optional(input, "Subject", request::subject);
        optional(input, "MessageGroupId", request::messageGroupId);
        optional(input, "MessageDeduplicationId", request::messageDeduplicationId);
        optional(input, "MessageStructure", request::messageStructure);
        PublishResponse response = sns.publish(request.build());
        ObjectNode result = JSON.createObjectNode();
        result.put("MessageId", response.messageId());
        if (response.sequenceNumber() != null) {
            result.put("SequenceNumber", response.sequenceNumber());
        }
        metadata(result, response);
        return result;
    }

    /** As AWS's integration does, each entry's {@code Resources} get the execution's and its machine's ARNs. */
    private JsonNode putEvents(JsonNode input, String executionArn)
    {
        allowed(input, "events:putEvents", Set.of("Entries"));
        JsonNode entries = input.get("Entries");
        if (entries == null || !entries.isArray()) {
            throw new ParameterException("events:putEvents takes 'Entries', an array of events");
        }
        List<PutEventsRequestEntry> list = new ArrayList<>();
        for (JsonNode entry : entries) {
            allowed(entry, "events:putEvents entry", Set.of("Detail", "DetailType", "Source", "EventBusName", "Resources"));
            PutEventsRequestEntry.Builder builder = PutEventsRequestEntry.builder();
            if (entry.hasNonNull("Detail")) {
                builder.detail(body(entry, "Detail"));
            }
            optional(entry, "DetailType", builder::detailType);
            optional(entry, "Source", builder::source);
            optional(entry, "EventBusName", builder::eventBusName);
            List<String> resources = new ArrayList<>();
            if (entry.hasNonNull("Resources")) {
                entry.get("Resources").forEach(resource -> resources.add(resource.asText()));
            }
            resources.add(executionArn);
            StepFunctions.stateMachineOfExecution(executionArn).ifPresent(resources::add);
            builder.resources(resources);
            list.add(builder.build());
        }
        PutEventsResponse response = events.putEvents(request -> request.entries(list));
        ObjectNode result = JSON.createObjectNode();
        ArrayNode results = result.putArray("Entries");
        for (PutEventsResultEntry entry : response.entries()) {
            ObjectNode item = results.addObject();
            if (entry.eventId() != null) {
                item.put("EventId", entry.eventId());
            }
            if (entry.errorCode() != null) {
                item.put("ErrorCode", entry.errorCode());
                item.put("ErrorMessage", entry.errorMessage());
            }
        }
        result.put("FailedEntryCount", response.failedEntryCount());
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new FailedEntries(result.toString());
        }
        metadata(result, response);
        return result;
    }

    private JsonNode startExecution(JsonNode input)
    {
        allowed(input, "states:startExecution", Set.of("StateMachineArn", "Input", "Name"));
        StartExecutionRequest.Builder request = StartExecutionRequest.builder().stateMachineArn(text(input, "StateMachineArn", true));
        if (input.hasNonNull("Input")) {
            request.input(body(input, "Input"));
        }
        optional(input, "Name", request::name);
        StartExecutionResponse response = states.startExecution(request.build());
        ObjectNode result = JSON.createObjectNode();
        result.put("ExecutionArn", response.executionArn());
        result.put("StartDate", response.startDate().toEpochMilli());
        metadata(result, response);
        return result;
    }

    private TaskOutcome call(String service, Supplier<JsonNode> call)
    {
        try {
            return TaskOutcome.succeeded(call.get());
        }
        catch (FailedEntries e) {
            return TaskOutcome.failed("EventBridge.FailedEntry", e.getMessage());
        }
        catch (AwsServiceException e) {
            return serviceError(service, e);
        }
        catch (SdkException e) {
            return TaskOutcome.failed(service + ".SdkClientException", e.getMessage());
        }
    }

    private static TaskOutcome serviceError(String service, AwsServiceException e)
    {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "Unknown" : e.awsErrorDetails().errorCode();
        // SQS's JSON protocol names errors as AWS.SimpleQueueService.<Name> or with its query-protocol prefix
        code = code.substring(code.lastIndexOf('.') + 1);
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return TaskOutcome.failed(service + "." + code, message + " (Service: " + service + ", Status Code: " + e.statusCode() + ", Request ID: "
                + e.requestId() + ")");
    }

    private static void metadata(ObjectNode result, AwsResponse response)
    {
        ObjectNode http = result.putObject("SdkHttpMetadata");
        ObjectNode headers = http.putObject("HttpHeaders");
        response.sdkHttpResponse().headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        http.put("HttpStatusCode", response.sdkHttpResponse().statusCode());
        ObjectNode metadata = result.putObject("SdkResponseMetadata");
        metadata.put("RequestId", response.responseMetadata().requestId());
    }

    private static void allowed(JsonNode input, String integration, Set<String> fields)
    {
        if (!input.isObject()) {
            throw new ParameterException(integration + " takes an object of parameters, not " + input);
        }
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new ParameterException("lakestack's " + integration + " does not take the parameter '" + name + "' (it takes "
                        + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
            }
        }
    }

    /** Sets a parameter when the input has it. */
    private static void optional(JsonNode input, String field, java.util.function.Consumer<String> setter)
    {
        if (input.hasNonNull(field)) {
            setter.accept(text(input, field, true));
        }
    }

    private static String text(JsonNode input, String field, boolean required)
    {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ParameterException("The parameter '" + field + "' is required");
            }
            return null;
        }
        if (!value.isValueNode()) {
            throw new ParameterException("The parameter '" + field + "' must be a string, not " + value);
        }
        return value.asText();
    }

    /** A message body: a string as it is, any other JSON value as its JSON text, as AWS's integrations send them. */
    private static String body(JsonNode input, String field)
    {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            throw new ParameterException("The parameter '" + field + "' is required");
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static final class ParameterException
            extends RuntimeException
    {
        ParameterException(String message)
        {
            super(message, null, false, false);
        }
    }

    private static final class FailedEntries
            extends RuntimeException
    {
        FailedEntries(String message)
        {
            super(message, null, false, false);
        }
    }

    @Override
    public void close()
    {
        pool.shutdownNow();
        lambda.close();
        sqs.close();
        sns.close();
        events.close();
        states.close();
        s3.close();
        sts.close();
        kafka.close();
    }
}
