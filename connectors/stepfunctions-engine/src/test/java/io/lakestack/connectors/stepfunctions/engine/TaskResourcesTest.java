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
                "arn:aws:lambda:eu-west-1:123456789012:function:f:live")) {
            assertThat(TaskResources.validate(task(resource))).as(resource).isEmpty();
        }
    }

    @Test
    void otherResourcesAreRefusedWhereTheyAreSayingWhy()
    {
        assertThat(TaskResources.validate(task("arn:aws:states:::lambda:invoke.waitForTaskToken"))).containsExactly(new DefinitionProblem(
                "SCHEMA_VALIDATION_FAILED", "The resource 'arn:aws:states:::lambda:invoke.waitForTaskToken' is not supported by lakestack yet "
                + "(the .waitForTaskToken pattern and SendTaskSuccess are not there yet); lakestack runs arn:aws:states:::lambda:invoke, "
                + "arn:aws:states:::sqs:sendMessage, arn:aws:states:::sns:publish, arn:aws:states:::events:putEvents, "
                + "arn:aws:states:::states:startExecution and Lambda function ARNs", Optional.of("/States/P/Branches[0]/States/T/Resource")));
        assertThat(TaskResources.validate(task("arn:aws:states:::glue:startJobRun.sync")).get(0).message()).contains("the .sync pattern");
        assertThat(TaskResources.validate(task("arn:aws:states:::aws-sdk:s3:listBuckets")).get(0).message()).contains("AWS SDK integrations");
        assertThat(TaskResources.validate(task("arn:aws:states:us-east-1:000000000000:activity:a")).get(0).message()).contains("activities");
        assertThat(TaskResources.validate(task("arn:aws:states:::athena:startQueryExecution")).get(0).message()).contains("no such integration");
    }

    @Test
    void aDefinitionTheParserRefusesGetsTheParsersDiagnostics()
    {
        assertThat(TaskResources.validate("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"}}}"))
                .extracting(DefinitionProblem::code).containsExactly("MISSING_TRANSITION_TARGET", "MISSING_END_STATE");
    }
}
