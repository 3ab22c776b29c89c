package io.lakestack.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.stepfunctions.TaskTokens;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fuzzing of the Step Functions API (JSON 1.0): every operation, with the inputs {@link FuzzInputs} makes of its fields,
 * is answered within {@link JsonFuzz#BOUND} with a Step Functions error (4xx), and the state machine it ran against is
 * as it was and still runs executions afterwards.
 */
@LakestackTest
@Order(73)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsFuzzIntegrationTest
{
    private static final long SEED = 20161201L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-fuzz";
    private static final String DEFINITION = "{\"StartAt\":\"Add\",\"States\":{\"Add\":{\"Type\":\"Pass\",\"Parameters\":{\"sum.$\":\"States.MathAdd($.a,$.b)\"},\"End\":true}}}";
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:it-sfn-fuzz";
    private static final String EXPRESS = "arn:aws:states:us-east-1:000000000000:stateMachine:it-sfn-fuzz-express";
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:it-sfn-fuzz:fuzz-first";
    private static final String ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:it-sfn-fuzz-activity";
    private static final String MAP_RUN = "arn:aws:states:us-east-1:000000000000:mapRun:it-sfn-fuzz/missing:0b7c5d1e-0000-0000-0000-000000000000";
    private static final String ALIAS = ARN + ":fuzz";
    private static final String ROUTING = "[{\"stateMachineVersionArn\":\"" + ARN + ":1\",\"weight\":100}]";
    private static final String INPUT = "'{\"a\":1,\"b\":2}";
    private static final String TOKEN = TaskTokens.of(EXECUTION, 2, 0);
    static final JsonFuzz.Service STATES = new JsonFuzz.Service("states", "AWSStepFunctions",
            Set.of("ValidationException", "SerializationException", "UnknownOperationException", "InvalidArn", "InvalidDefinition", "InvalidName",
                    "StateMachineDoesNotExist", "StateMachineAlreadyExists", "ExecutionDoesNotExist", "ExecutionAlreadyExists", "InvalidExecutionInput",
                    "InvalidToken", "InvalidLoggingConfiguration", "InvalidTracingConfiguration", "InvalidEncryptionConfiguration",
                    "MissingRequiredParameter", "ResourceNotFound", "TooManyTags", "StateMachineTypeNotSupported", "RequestEntityTooLargeException",
                    "InvalidOutput", "TaskDoesNotExist", "TaskTimedOut", "ActivityDoesNotExist", "ActivityAlreadyExists", "ConflictException",
                    "ServiceQuotaExceededException", "ExecutionNotRedrivable"),
            "+CreateStateMachine name!:string=it-sfn-fuzz definition!:text='" + DEFINITION + " roleArn!:string=" + ROLE + " type:string=STANDARD "
                    + "loggingConfiguration:structure={\"level\":\"OFF\"} tracingConfiguration:structure={\"enabled\":false} "
                    + "tags:structures=[{\"key\":\"team\",\"value\":\"it\"}] publish:boolean",
            "+DescribeStateMachine stateMachineArn!:string=" + ARN,
            "+ListStateMachines maxResults:integer=10 nextToken:token",
            "+UpdateStateMachine stateMachineArn!:string=" + ARN + " definition:text='" + DEFINITION + " roleArn:string=" + ROLE + " publish:boolean",
            "+DeleteStateMachine stateMachineArn!:string=" + ARN + "-missing",
            "+ValidateStateMachineDefinition definition!:text='" + DEFINITION + " type:string=STANDARD severity:string=ERROR maxResults:integer=10",
            // one state of the machine, run once: a Pass, so nothing is called however the request is fuzzed
            "+TestState definition!:text='" + DEFINITION + " stateName:string=Add roleArn:string=" + ROLE + " input:string=" + INPUT
                    + " inspectionLevel:string=DEBUG revealSecrets:boolean variables:string='{\"v\":1} context:string='{\"Custom\":1} "
                    + "stateConfiguration:structure={\"retrierRetryCount\":0}",
            "+PublishStateMachineVersion stateMachineArn!:string=" + ARN + " revisionId:string=INITIAL description:string=fuzzed",
            "+ListStateMachineVersions stateMachineArn!:string=" + ARN + " maxResults:integer=10 nextToken:token",
            "+DeleteStateMachineVersion stateMachineVersionArn!:string=" + ARN + ":99",
            // created by the first well-formed request, the same alias after it; the alias described and updated is made before
            "+CreateStateMachineAlias name!:string=fuzz-new description:string=fuzzed routingConfiguration!:structures=" + ROUTING,
            "+DescribeStateMachineAlias stateMachineAliasArn!:string=" + ALIAS,
            "+UpdateStateMachineAlias stateMachineAliasArn!:string=" + ALIAS + " description:string=fuzzed routingConfiguration:structures=" + ROUTING,
            "DeleteStateMachineAlias stateMachineAliasArn!:string=" + ARN + ":fuzz-missing",
            "+ListStateMachineAliases stateMachineArn!:string=" + ARN + " maxResults:integer=10 nextToken:token",
            "+StartExecution stateMachineArn!:string=" + ARN + " name:string=fuzz-run input:string=" + INPUT,
            "+StartSyncExecution stateMachineArn!:string=" + EXPRESS + " name:string=fuzz-sync input:string=" + INPUT,
            "+DescribeExecution executionArn!:string=" + EXECUTION,
            "+DescribeStateMachineForExecution executionArn!:string=" + EXECUTION,
            "+ListExecutions stateMachineArn!:string=" + ARN + " statusFilter:string=SUCCEEDED redriveFilter:string=NOT_REDRIVEN "
                    + "maxResults:integer=10 nextToken:token",
            "+GetExecutionHistory executionArn!:string=" + EXECUTION + " maxResults:integer=10 reverseOrder:boolean includeExecutionData:boolean "
                    + "nextToken:token",
            "+StopExecution executionArn!:string=" + EXECUTION + " error:string=Fuzz cause:string=fuzzed",
            // the execution fuzzed succeeded: it is not redrivable
            "RedriveExecution executionArn!:string=" + EXECUTION + " clientToken:string=fuzz-token",
            "DescribeMapRun mapRunArn!:string=" + MAP_RUN,
            "+ListMapRuns executionArn!:string=" + EXECUTION + " maxResults:integer=10 nextToken:token",
            "UpdateMapRun mapRunArn!:string=" + MAP_RUN + " maxConcurrency:integer=5 toleratedFailureCount:integer=1 toleratedFailurePercentage:integer=10",
            "+SendTaskSuccess taskToken!:string=" + TOKEN + " output!:string='{\"ok\":true}",
            "+SendTaskFailure taskToken!:string=" + TOKEN + " error:string=Fuzz cause:string=fuzzed",
            "+SendTaskHeartbeat taskToken!:string=" + TOKEN,
            "+CreateActivity name!:string=it-sfn-fuzz-activity tags:structures=[{\"key\":\"team\",\"value\":\"it\"}]",
            "DescribeActivity activityArn!:string=" + ACTIVITY + "-missing",
            "+ListActivities maxResults:integer=10 nextToken:token",
            "+DeleteActivity activityArn!:string=" + ACTIVITY + "-missing",
            // an activity that exists would be long-polled for 60 s: the fuzzed requests name one that does not
            "GetActivityTask activityArn!:string=" + ACTIVITY + "-missing workerName:string=fuzz",
            "+TagResource resourceArn!:string=" + ARN + " tags!:structures=[{\"key\":\"fuzz\",\"value\":\"v\"}]",
            "+UntagResource resourceArn!:string=" + ARN + " tagKeys!:strings=[\"fuzz\"]",
            "+ListTagsForResource resourceArn!:string=" + ARN).json10();

    private final TestStack stack;
    private SfnClient sfn;

    StepFunctionsFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createMachines()
    {
        sfn = stack.client(SfnClient.builder());
        sfn.createStateMachine(request -> request.name("it-sfn-fuzz").definition(DEFINITION).roleArn(ROLE).publish(true));
        sfn.createStateMachineAlias(request -> request.name("fuzz").description("fuzzed").routingConfiguration(route -> route.stateMachineVersionArn(ARN + ":1")
                .weight(100)));
        sfn.createStateMachine(request -> request.name("it-sfn-fuzz-express").definition(DEFINITION).roleArn(ROLE).type("EXPRESS"));
        sfn.startExecution(request -> request.stateMachineArn(ARN).name("fuzz-first").input("{\"a\":1,\"b\":2}"));
        await().atMost(Duration.ofSeconds(60)).until(() -> sfn.describeExecution(request -> request.executionArn(EXECUTION)).status(),
                ExecutionStatus.SUCCEEDED::equals);
    }

    @AfterAll
    void close()
    {
        sfn.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(STATES)).isEqualTo(JsonFuzz.implementedOperations(stack, STATES));
    }

    @Test
    void malformedInputIsAStepFunctionsErrorInTimeAndTheMachineStillRuns()
            throws Exception
    {
        DescribeStateMachineResponse before = sfn.describeStateMachine(request -> request.stateMachineArn(ARN));
        List<FuzzInputs.Case> cases = JsonFuzz.cases(STATES, SEED);
        System.out.println("Step Functions fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, STATES, cases)).isEmpty();

        DescribeStateMachineResponse after = sfn.describeStateMachine(request -> request.stateMachineArn(ARN));
        assertThat(after.definition()).isEqualTo(before.definition());
        assertThat(after.roleArn()).isEqualTo(before.roleArn());
        assertThat(after.creationDate()).isEqualTo(before.creationDate());
        String execution = sfn.startExecution(request -> request.stateMachineArn(ARN).name("after-fuzz").input("{\"a\":20,\"b\":22}")).executionArn();
        String output = await().atMost(Duration.ofSeconds(60)).until(() -> sfn.describeExecution(request -> request.executionArn(execution)).output(),
                value -> value != null);
        assertThat(JSON.readTree(output)).isEqualTo(JSON.readTree("{\"sum\":42}"));
    }
}
