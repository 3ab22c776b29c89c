package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Step Functions' {@code Step Functions Execution Status Change} events on EventBridge's default bus, routed by a rule
 * to SQS: a STANDARD execution that succeeds has RUNNING then SUCCEEDED, one that fails RUNNING then FAILED, each with
 * AWS's detail; a redrive of the failed one has RUNNING (its redriveCount and redriveDate) then FAILED again.
 */
@LakestackTest
@Order(39)
class StepFunctionsEventsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-sfn-events";
    private static final String PASS = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"a\":1},\"End\":true}}}";
    private static final String FAIL = "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"Broken\",\"Cause\":\"on purpose\"}}}";

    private final TestStack stack;

    StepFunctionsEventsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void executionsStatusChangesAreEventsOnTheDefaultBus()
            throws Exception
    {
        try (SfnClient sfn = stack.client(SfnClient.builder()); SqsClient sqs = stack.client(SqsClient.builder());
                EventBridgeClient events = stack.client(EventBridgeClient.builder())) {
            String url = sqs.createQueue(request -> request.queueName("it-sfn-events")).queueUrl();
            String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String passing = sfn.createStateMachine(request -> request.name("it-events-pass").definition(PASS).roleArn(ROLE)).stateMachineArn();
            String failing = sfn.createStateMachine(request -> request.name("it-events-fail").definition(FAIL).roleArn(ROLE)).stateMachineArn();
            events.putRule(request -> request.name("it-sfn-status").eventPattern("{\"source\": [\"aws.states\"], \"detail-type\": "
                    + "[\"Step Functions Execution Status Change\"], \"detail\": {\"stateMachineArn\": [\"" + passing + "\", \"" + failing + "\"]}}"));
            events.putTargets(request -> request.rule("it-sfn-status").targets(target -> target.id("queue").arn(queueArn)));

            String succeeded = sfn.startExecution(request -> request.stateMachineArn(passing).name("ok").input("{\"x\":1}")).executionArn();
            String failed = sfn.startExecution(request -> request.stateMachineArn(failing).name("broken").input("{}")).executionArn();
            DescribeExecutionResponse success = awaitEnd(sfn, succeeded);
            DescribeExecutionResponse failure = awaitEnd(sfn, failed);
            assertThat(success.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(failure.status()).isEqualTo(ExecutionStatus.FAILED);

            List<JsonNode> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (Message message : sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    received.add(JSON.readTree(message.body()));
                    sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
                }
                return received.size() >= 4;
            });
            // nothing more comes
            assertThat(sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)).messages()).isEmpty();
            for (JsonNode event : received) {
                assertThat(event.path("source").asText()).isEqualTo("aws.states");
                assertThat(event.path("detail-type").asText()).isEqualTo("Step Functions Execution Status Change");
                assertThat(event.path("account").asText()).isEqualTo("000000000000");
                assertThat(event.path("region").asText()).isEqualTo("us-east-1");
                assertThat(event.path("resources")).isEqualTo(JSON.createArrayNode().add(event.path("detail").path("executionArn").asText()));
            }
            assertThat(received.stream().map(event -> event.path("detail")).toList()).containsExactlyInAnyOrder(
                    detail(success, "RUNNING", "null", "null", "null", "null", "null", "NOT_REDRIVABLE", "\"Execution is RUNNING and cannot be redriven.\""),
                    detail(success, "SUCCEEDED", String.valueOf(success.stopDate().toEpochMilli()), "\"{\\\"a\\\":1}\"", "{\"included\":true}", "null",
                            "null", "NOT_REDRIVABLE", "\"Execution is SUCCEEDED and cannot be redriven.\""),
                    detail(failure, "RUNNING", "null", "null", "null", "null", "null", "NOT_REDRIVABLE", "\"Execution is RUNNING and cannot be redriven.\""),
                    detail(failure, "FAILED", String.valueOf(failure.stopDate().toEpochMilli()), "null", "null", "\"Broken\"", "\"on purpose\"",
                            "REDRIVABLE", "null"));

            sfn.redriveExecution(request -> request.executionArn(failed));
            DescribeExecutionResponse redriven = await().atMost(Duration.ofSeconds(30)).until(() -> sfn.describeExecution(request -> request
                    .executionArn(failed)), execution -> execution.redriveCount() == 1 && execution.status() == ExecutionStatus.FAILED);
            List<JsonNode> again = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (Message message : sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    again.add(JSON.readTree(message.body()).path("detail"));
                    sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
                }
                return again.size() >= 2;
            });
            String redriveDate = String.valueOf(redriven.redriveDate().toEpochMilli());
            assertThat(again).containsExactlyInAnyOrder(
                    redriven(detail(failure, "RUNNING", "null", "null", "null", "null", "null", "NOT_REDRIVABLE",
                            "\"Execution is RUNNING and cannot be redriven.\""), redriveDate),
                    redriven(detail(redriven, "FAILED", String.valueOf(redriven.stopDate().toEpochMilli()), "null", "null", "\"Broken\"",
                            "\"on purpose\"", "REDRIVABLE", "null"), redriveDate));
        }
    }

    private static JsonNode redriven(JsonNode detail, String redriveDate)
            throws Exception
    {
        ((ObjectNode) detail).put("redriveCount", 1).set("redriveDate", JSON.readTree(redriveDate));
        return detail;
    }

    private static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn)
    {
        return await().atMost(Duration.ofSeconds(30)).until(() -> sfn.describeExecution(request -> request.executionArn(executionArn)),
                execution -> execution.status() != ExecutionStatus.RUNNING);
    }

    private static JsonNode detail(DescribeExecutionResponse execution, String status, String stopDate, String output, String outputDetails,
            String error, String cause, String redriveStatus, String redriveStatusReason)
            throws Exception
    {
        ObjectNode detail = (ObjectNode) JSON.readTree("""
                {"executionArn": "%s", "stateMachineArn": "%s", "name": "%s", "status": "%s", "startDate": %d, "stopDate": %s, "input": %s,
                 "output": %s, "inputDetails": {"included": true}, "outputDetails": %s, "error": %s, "cause": %s, "redriveCount": 0,
                 "redriveDate": null, "redriveStatus": "%s", "redriveStatusReason": %s, "stateMachineVersionArn": null,
                 "stateMachineAliasArn": null}""".formatted(execution.executionArn(), execution.stateMachineArn(), execution.name(), status,
                execution.startDate().toEpochMilli(), stopDate, JSON.writeValueAsString(execution.input()), output, outputDetails, error, cause,
                redriveStatus, redriveStatusReason));
        return detail;
    }
}
