package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.spi.stepfunctions.DefinitionProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TaskResourcesTest
{
    private static String task(String resource)
    {
        return "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":[{\"StartAt\":\"T\",\"States\":{\"T\":"
                + "{\"Type\":\"Task\",\"Resource\":\"" + resource + "\",\"End\":true}}}]}}}";
    }

    @Test
    void theIntegrationsLakestackRunsAreAccepted()
    {
        for (String resource : List.of("arn:aws:states:::lambda:invoke", "arn:aws:states:::sqs:sendMessage", "arn:aws:states:::sns:publish",
                "arn:aws:states:::events:putEvents", "arn:aws:states:::states:startExecution", "arn:aws:lambda:us-east-1:000000000000:function:f",
                "arn:aws:lambda:eu-west-1:123456789012:function:f:live", "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "arn:aws:states:::sns:publish.waitForTaskToken",
                "arn:aws:states:::events:putEvents.waitForTaskToken", "arn:aws:states:::states:startExecution.waitForTaskToken",
                "arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2",
                "arn:aws:states:::athena:startQueryExecution", "arn:aws:states:::athena:startQueryExecution.sync",
                "arn:aws:states:::athena:getQueryExecution", "arn:aws:states:::athena:getQueryResults", "arn:aws:states:::athena:stopQueryExecution",
                "arn:aws:states:::glue:startJobRun", "arn:aws:states:::glue:startJobRun.sync",
                "arn:aws:states:::aws-sdk:glue:getDatabase", "arn:aws:states:::aws-sdk:athena:listWorkGroups", "arn:aws:states:::aws-sdk:sqs:sendMessage",
                "arn:aws:states:::aws-sdk:eventbridge:putEvents")) {
            assertThat(TaskResources.validate(task(resource), false)).as(resource).isEmpty();
        }
    }

    @Test
    void otherResourcesAreRefusedWhereTheyAreSayingWhy()
    {
        assertThat(TaskResources.validate(task("arn:aws:states:::glue:startJobRun.waitForTaskToken"), false)).containsExactly(new DefinitionProblem(
                "SCHEMA_VALIDATION_FAILED", "The resource 'arn:aws:states:::glue:startJobRun.waitForTaskToken' is not supported by lakestack yet "
                + "(the .waitForTaskToken pattern is there only for the integrations below); lakestack runs arn:aws:states:::lambda:invoke, "
                + "arn:aws:states:::sqs:sendMessage, arn:aws:states:::sns:publish, arn:aws:states:::events:putEvents, "
                + "arn:aws:states:::states:startExecution (each also with .waitForTaskToken), states:startExecution.sync and .sync:2, Lambda function ARNs, athena:startQueryExecution "
                + "(also .sync), athena:getQueryExecution, athena:getQueryResults, athena:stopQueryExecution, glue:startJobRun (also .sync) and "
                + "aws-sdk:<service>:<action> for "
                + "athena, eventbridge, firehose, glue, kinesis, logs, sqs and the actions of the SDK's clients of kafka, lambda, s3, sfn, sns, sts",
                Optional.of("/States/P/Branches[0]/States/T/Resource")));
        assertThat(TaskResources.validate(task("arn:aws:states:::ecs:runTask.sync"), false).get(0).message()).contains("the .sync pattern");
        assertThat(TaskResources.validate(task("arn:aws:states:::aws-sdk:s3:listBuckets"), false)).isEmpty();
        assertThat(TaskResources.validate(task("arn:aws:states:::aws-sdk:s3:frobnicate"), false).get(0).message())
                .contains("(the AWS SDK's client of s3 has no action 'frobnicate')");
        assertThat(TaskResources.validate(task("arn:aws:states:::aws-sdk:dynamodb:getItem"), false).get(0).message())
                .contains("(AWS SDK integrations are there for the services that speak a JSON protocol and for kafka, lambda, s3, sfn, sns, sts, with actions named");
        assertThat(TaskResources.validate(task("arn:aws:states:::ecs:runTask"), false).get(0).message()).contains("no such integration");
        assertThat(TaskResources.validate(task("arn:aws:states:::aws-sdk:glue:GetDatabase"), false)).hasSize(1);
        assertThat(TaskResources.validate(task("arn:aws:states:::athena:getQueryResults.sync"), false).get(0).message())
                .contains("the .sync pattern, which waits for a job, is there for Athena queries, Glue job runs and Step Functions executions only");
        assertThat(TaskResources.validate(task("arn:aws:lambda:us-east-1:000000000000:function:f.waitForTaskToken"), false)).hasSize(1);
    }

    @Test
    void anExpressMachineRefusesTheCallbackPatternAsAwsDoes()
    {
        assertThat(TaskResources.validate(task("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), true)).containsExactly(new DefinitionProblem(
                "SCHEMA_VALIDATION_FAILED", "Express state machine does not support '.waitForTaskToken' service integration pattern for the "
                + "resource 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'", Optional.of("/States/P/Branches[0]/States/T/Resource")));
        assertThat(TaskResources.validate(task("arn:aws:states:::sqs:sendMessage"), true)).isEmpty();
        assertThat(TaskResources.validate(task("arn:aws:states:::athena:startQueryExecution.sync"), true)).extracting(DefinitionProblem::message)
                .containsExactly("Express state machine does not support '.sync' service integration pattern for the resource "
                        + "'arn:aws:states:::athena:startQueryExecution.sync'");
        assertThat(TaskResources.validate(task("arn:aws:states:::states:startExecution.sync:2"), true)).extracting(DefinitionProblem::message)
                .containsExactly("Express state machine does not support '.sync:2' service integration pattern for the resource "
                        + "'arn:aws:states:::states:startExecution.sync:2'");
    }

    @Test
    void anActivityRunsWhenItExistsInAStandardMachineOnly()
    {
        String activity = "arn:aws:states:us-east-1:000000000000:activity:a";
        assertThat(TaskResources.validate(task(activity), false, activity::equals)).isEmpty();
        assertThat(TaskResources.validate(task(activity), false, arn -> false)).containsExactly(new DefinitionProblem("SCHEMA_VALIDATION_FAILED",
                "The resource provided " + activity + " is not recognized. The value is not a valid resource ARN, or the resource is not available "
                + "in this region (no activity of this ARN exists: CreateActivity makes it)", Optional.of("/States/P/Branches[0]/States/T/Resource")));
        assertThat(TaskResources.validate(task(activity), true, activity::equals)).extracting(DefinitionProblem::message).containsExactly(
                "Express state machine does not support activities: the resource '" + activity + "' is an activity (a STANDARD machine runs it)");
    }

    @Test
    void aDefinitionTheParserRefusesGetsTheParsersDiagnostics()
    {
        assertThat(TaskResources.validate("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"}}}", false))
                .extracting(DefinitionProblem::code).containsExactly("MISSING_TRANSITION_TARGET", "MISSING_END_STATE");
    }
}
