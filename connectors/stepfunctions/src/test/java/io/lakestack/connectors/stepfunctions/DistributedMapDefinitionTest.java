package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class DistributedMapDefinitionTest
{
    private static final String PROCESSOR = """
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
              "States": {"I": {"Type": "Pass", "End": true}}}""";

    @Test
    void everyReaderBatcherToleranceAndWriterLakestackAppliesParses()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "rows", "MaxConcurrency": 2,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "MaxItems": 10},
                    "Parameters": {"Bucket": "b", "Key.$": "$.key"}},
                  "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
                  "ItemBatcher": {"MaxItemsPerBatchPath": "$.batch", "MaxInputBytesPerBatch": 1024, "BatchInput": {"run.$": "$.run"}},
                  "ToleratedFailureCountPath": "$.count", "ToleratedFailurePercentage": 12.5,
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "out"}},
                  %s}}}
                """.formatted(PROCESSOR))).isEmpty();
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Prefix": "p/"}},
                  %s}}}
                """.formatted(PROCESSOR))).isEmpty();
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemsPath": "$.items", %s}}}
                """.formatted(PROCESSOR))).isEmpty();
    }

    @Test
    void mistakesAndWhatLakestackDoesNotApplyAreLocated()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "a b", "ToleratedFailurePercentage": 120,
                  "ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c",
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "SEMICOLON"},
                    "Parameters": {"Key": "k"}},
                  "ItemBatcher": {"BatchInput": {}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}, "WriterConfig": {"OutputType": "JSONL"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS] (a DISTRIBUTED Map needs it) "
                        + "at /States/M/ItemProcessor/ProcessorConfig/ExecutionType",
                "SCHEMA_VALIDATION_FAILED: lakestack does not apply the ReaderConfig field 'CSVDelimiter' yet (it reads comma-separated CSV and no "
                        + "manifests) at /States/M/ItemReader/ReaderConfig/CSVDelimiter",
                "SCHEMA_VALIDATION_FAILED: The field 'Bucket' is required but was missing at /States/M/ItemReader/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field 'CSVHeaderLocation' should have one of these values: [FIRST_ROW, GIVEN] (a CSV reader needs it) "
                        + "at /States/M/ItemReader/ReaderConfig/CSVHeaderLocation",
                "SCHEMA_VALIDATION_FAILED: The field 'ItemBatcher' should have at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, "
                        + "MaxInputBytesPerBatch, MaxInputBytesPerBatchPath at /States/M/ItemBatcher",
                "SCHEMA_VALIDATION_FAILED: lakestack does not apply the ResultWriter's WriterConfig yet: it writes results as JSON, untransformed "
                        + "at /States/M/ResultWriter/WriterConfig",
                "SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [ToleratedFailureCount, ToleratedFailureCountPath] at /States/M",
                "SCHEMA_VALIDATION_FAILED: The field 'ToleratedFailurePercentage' should be a number from 0 to 100 at /States/M/ToleratedFailurePercentage",
                "SCHEMA_VALIDATION_FAILED: The field 'Label' should be a string of 1 to 40 characters without whitespace, brackets, wildcards, "
                        + "special characters or control characters at /States/M/Label");
    }

    @Test
    void readersLakestackDoesNotHaveAreRefused()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::athena:startQueryExecution", "Parameters": {"Bucket": "b"}}, %s}}}
                """.formatted(PROCESSOR))).containsExactly("SCHEMA_VALIDATION_FAILED: lakestack reads the items of a distributed Map with "
                + "arn:aws:states:::s3:getObject (InputType JSON, JSONL or CSV) and arn:aws:states:::s3:listObjectsV2 only, not with "
                + "'arn:aws:states:::athena:startQueryExecution' at /States/M/ItemReader/Resource");
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "MANIFEST"},
                    "Parameters": {"Bucket": "b", "Key": "k"}}, %s}}}
                """.formatted(PROCESSOR))).containsExactly("SCHEMA_VALIDATION_FAILED: lakestack does not read MANIFEST items yet: InputType should be "
                + "JSON, JSONL or CSV at /States/M/ItemReader/ReaderConfig/InputType");
    }

    @Test
    void distributedFieldsNeedTheDistributedMode()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
                  "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}
                """)).containsExactly("SCHEMA_VALIDATION_FAILED: The field 'ToleratedFailureCount' belongs to a distributed Map "
                + "(ItemProcessor.ProcessorConfig.Mode DISTRIBUTED) at /States/M/ToleratedFailureCount");
    }
}
