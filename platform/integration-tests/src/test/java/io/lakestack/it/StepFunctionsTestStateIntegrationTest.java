package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InspectionLevel;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.TestExecutionStatus;
import software.amazon.awssdk.services.sfn.model.TestStateResponse;
import software.amazon.awssdk.services.sfn.model.ValidationException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Step Functions' TestState on the real stack with the SDK's SfnClient: an {@code sqs:sendMessage} Task that really sends
 * (its inspection data exact), a Choice, a real failure a Retrier would retry (RETRIABLE), then caught once its attempts
 * are spent (CAUGHT_ERROR), a mocked error, and what is refused (an invalid state, a Map without a mock).
 */
@LakestackTest
@Order(37)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsTestStateIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-teststate";

    private final TestStack stack;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private SfnClient sfn;
    private SqsClient sqs;

    StepFunctionsTestStateIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void clients()
    {
        // TestState has AWS's host prefix "sync-": the stack answers on one host
        sfn = stack.client(SfnClient.builder()
                .overrideConfiguration(config -> config.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)));
        sqs = stack.client(SqsClient.builder());
    }

    @AfterAll
    void close()
    {
        sfn.close();
        sqs.close();
    }

    @Test
    void aTaskSendsForRealAndReportsEachStep()
            throws Exception
    {
        String queueUrl = sqs.createQueue(request -> request.queueName("it-teststate-" + suffix)).queueUrl();
        String state = """
                {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "InputPath": "$.order",
                 "Parameters": {"QueueUrl": "%s", "MessageBody": {"id.$": "$.id"}}, "ResultSelector": {"md5.$": "$.MD5OfMessageBody"},
                 "ResultPath": "$.sent", "Next": "Done"}""".formatted(queueUrl);

        TestStateResponse response = sfn.testState(request -> request.definition(state).roleArn(ROLE).input("{\"order\": {\"id\": 7}}")
                .inspectionLevel(InspectionLevel.DEBUG));

        assertThat(response.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
        assertThat(response.nextState()).isEqualTo("Done");
        List<Message> messages = await().atMost(Duration.ofSeconds(30))
                .until(() -> sqs.receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages(), received -> !received.isEmpty());
        assertThat(messages.get(0).body()).isEqualTo("{\"id\":7}");
        String md5 = messages.get(0).md5OfBody();
        assertThat(JSON.readTree(response.output())).isEqualTo(JSON.readTree("{\"order\": {\"id\": 7}, \"sent\": {\"md5\": \"" + md5 + "\"}}"));
        assertThat(response.inspectionData().input()).isEqualTo("{\"order\":{\"id\":7}}");
        assertThat(response.inspectionData().afterInputPath()).isEqualTo("{\"id\":7}");
        assertThat(JSON.readTree(response.inspectionData().afterParameters()))
                .isEqualTo(JSON.readTree("{\"QueueUrl\": \"" + queueUrl + "\", \"MessageBody\": {\"id\": 7}}"));
        assertThat(JSON.readTree(response.inspectionData().result()).path("MessageId").asText()).isEqualTo(messages.get(0).messageId());
        assertThat(response.inspectionData().afterResultSelector()).isEqualTo("{\"md5\":\"" + md5 + "\"}");
        assertThat(response.inspectionData().afterResultPath()).isEqualTo("{\"order\":{\"id\":7},\"sent\":{\"md5\":\"" + md5 + "\"}}");
    }

    @Test
    void aChoiceGoesToItsRuleAndInfoLevelHasNoInspectionData()
    {
        TestStateResponse response = sfn.testState(request -> request.roleArn(ROLE).input("{\"n\": 11}").definition("""
                {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"}"""));

        assertThat(response.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
        assertThat(response.nextState()).isEqualTo("Big");
        assertThat(response.output()).isEqualTo("{\"n\":11}");
        assertThat(response.inspectionData()).isNull();
    }

    @Test
    void aRealFailureIsRetriableThenCaughtOnceItsAttemptsAreSpent()
    {
        String state = """
                {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true,
                 "Parameters": {"QueueUrl": "http://localhost:4566/000000000000/it-teststate-missing-%s", "MessageBody": "x"},
                 "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 2}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Recover"}]}""".formatted(suffix);

        TestStateResponse retriable = sfn.testState(request -> request.definition(state).roleArn(ROLE).input("{\"a\": 1}")
                .inspectionLevel(InspectionLevel.DEBUG)
                .stateConfiguration(configuration -> configuration.retrierRetryCount(1)));
        assertThat(retriable.status()).isEqualTo(TestExecutionStatus.RETRIABLE);
        assertThat(retriable.error()).isEqualTo("SQS.NonExistentQueue");
        assertThat(retriable.output()).isNull();
        assertThat(retriable.nextState()).isNull();
        assertThat(retriable.inspectionData().errorDetails().retryIndex()).isEqualTo(0);
        assertThat(retriable.inspectionData().errorDetails().retryBackoffIntervalSeconds()).isEqualTo(6);

        TestStateResponse caught = sfn.testState(request -> request.definition(state).roleArn(ROLE).input("{\"a\": 1}")
                .stateConfiguration(configuration -> configuration.retrierRetryCount(2)));
        assertThat(caught.status()).isEqualTo(TestExecutionStatus.CAUGHT_ERROR);
        assertThat(caught.error()).isEqualTo("SQS.NonExistentQueue");
        assertThat(caught.nextState()).isEqualTo("Recover");
        assertThat(caught.output()).startsWith("{\"a\":1,\"failure\":{\"Error\":\"SQS.NonExistentQueue\",\"Cause\":");
    }

    @Test
    void aMockedErrorOfACallbackTaskIsCaught()
    {
        TestStateResponse response = sfn.testState(request -> request.input("{\"a\": 1}")
                .definition("""
                        {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true,
                         "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                         "Catch": [{"ErrorEquals": ["Approval.Rejected"], "ResultPath": "$.why", "Next": "Rejected"}]}""")
                .mock(mock -> mock.errorOutput(error -> error.error("Approval.Rejected").cause("no"))));

        assertThat(response.status()).isEqualTo(TestExecutionStatus.CAUGHT_ERROR);
        assertThat(response.nextState()).isEqualTo("Rejected");
        assertThat(response.output()).isEqualTo("{\"a\":1,\"why\":{\"Error\":\"Approval.Rejected\",\"Cause\":\"no\"}}");
    }

    @Test
    void refusesInvalidStatesAndWhatAwsRunsOnlyMocked()
    {
        assertThatThrownBy(() -> sfn.testState(request -> request.roleArn(ROLE).definition("{\"Type\": \"Pass\", \"Next\": \"B\", \"End\": true}")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageStartingWith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ")
                .hasMessageContaining(" at /States/TestState'");
        assertThatThrownBy(() -> sfn.testState(request -> request.roleArn(ROLE).definition("""
                {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}""")))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("TestState runs a Map state only with a mock of its result");
        assertThatThrownBy(() -> sfn.testState(request -> request.definition("{\"Type\": \"Pass\", \"End\": true}")))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("TestState needs a roleArn when it has no mock");
    }
}
