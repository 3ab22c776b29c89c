package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;

import java.util.List;


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
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "MaxItems": 10,
                      "CSVDelimiter": "PIPE"},
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
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "COLON"},
                    "Parameters": {"Key": "k"}},
                  "ItemBatcher": {"BatchInput": {}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}, "WriterConfig": {"OutputType": "JSONL"}},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS] (a DISTRIBUTED Map needs it) "
                        + "at /States/M/ItemProcessor/ProcessorConfig/ExecutionType",
                "SCHEMA_VALIDATION_FAILED: The field 'Bucket' is required but was missing at /States/M/ItemReader/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field 'CSVDelimiter' should have one of these values: [COMMA, PIPE, SEMICOLON, SPACE, TAB] "
                        + "at /States/M/ItemReader/ReaderConfig/CSVDelimiter",
                "SCHEMA_VALIDATION_FAILED: The field 'CSVHeaderLocation' should have one of these values: [FIRST_ROW, GIVEN] (a CSV reader needs it) "
                        + "at /States/M/ItemReader/ReaderConfig/CSVHeaderLocation",
                "SCHEMA_VALIDATION_FAILED: The field 'ItemBatcher' should have at least one of MaxItemsPerBatch, MaxItemsPerBatchPath, "
                        + "MaxInputBytesPerBatch, MaxInputBytesPerBatchPath at /States/M/ItemBatcher",
                "SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [ToleratedFailureCount, ToleratedFailureCountPath] at /States/M",
                "SCHEMA_VALIDATION_FAILED: The field 'ToleratedFailurePercentage' should be a number from 0 to 100 at /States/M/ToleratedFailurePercentage",
                "SCHEMA_VALIDATION_FAILED: The field 'Label' should be a string of 1 to 40 characters without whitespace, brackets, wildcards, "
                        + "special characters or control characters at /States/M/Label");
    }

    /** {@link #PROCESSOR} with its one state named after the Map's, so that several Maps of one machine can have it. */
    private static String processor(String map)
    {
        return PROCESSOR.replace("\"I\"", "\"" + map + "I\"");
    }

    @Test
    void aResultWriterIsAWriterConfigAnExportOrBoth()
    {
        for (String writer : List.of(
                "{\"WriterConfig\": {\"OutputType\": \"JSON\", \"Transformation\": \"FLATTEN\"}}",
                "{\"WriterConfig\": {\"OutputType\": \"JSON\"}}",
                "{\"WriterConfig\": {\"OutputType\": \"JSONL\", \"Transformation\": \"COMPACT\"}}",
                "{\"Resource\": \"arn:aws:states:::s3:putObject\", \"Parameters\": {\"Bucket\": \"b\"}, \"WriterConfig\": {\"OutputType\": \"JSONL\"}}",
                "{\"Resource\": \"arn:aws:states:::s3:putObject\", \"Parameters\": {\"Bucket\": \"b\"}, "
                        + "\"WriterConfig\": {\"OutputType\": \"JSON\", \"Transformation\": \"COMPACT\"}}",
                "{\"Resource\": \"arn:aws:states:::s3:putObject\", \"Parameters\": {\"Bucket\": \"b\"}, "
                        + "\"WriterConfig\": {\"OutputType\": \"JSON\", \"Transformation\": \"NONE\"}}")) {
            assertThat(StateMachineDefinitionTest.diagnostics("""
                    {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ResultWriter": %s, %s}}}
                    """.formatted(writer, PROCESSOR))).as(writer).isEmpty();
        }
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {
                  "A": {"Type": "Map", "Next": "B", "ResultWriter": {"WriterConfig": {"Transformation": "SQUASH", "Kind": 1}}, %s},
                  "B": {"Type": "Map", "Next": "C", "ResultWriter": {"WriterConfig": {"OutputType": "CSV"}, "Parameters": {"Bucket": "b"}}, %s},
                  "C": {"Type": "Map", "Next": "D", "ResultWriter": {}, %s},
                  "D": {"Type": "Map", "End": true, "ResultWriter": {"WriterConfig": "JSON"}, %s},
                  "M": {"Type": "Pass", "Next": "A"}}}
                """.formatted(processor("A"), processor("B"), processor("C"), processor("D")))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field \"Kind\" is not supported by Step Functions at /States/A/ResultWriter/WriterConfig",
                "SCHEMA_VALIDATION_FAILED: The field 'OutputType' is required but was missing at /States/A/ResultWriter/WriterConfig",
                "SCHEMA_VALIDATION_FAILED: The field 'Transformation' should have one of these values: [NONE, COMPACT, FLATTEN] "
                        + "at /States/A/ResultWriter/WriterConfig/Transformation",
                "SCHEMA_VALIDATION_FAILED: The field 'OutputType' should have one of these values: [JSON, JSONL] at /States/B/ResultWriter/WriterConfig/OutputType",
                "SCHEMA_VALIDATION_FAILED: The field 'Parameters' of a ResultWriter needs its 'Resource' (arn:aws:states:::s3:putObject): a ResultWriter "
                        + "is a WriterConfig, a Resource with Parameters, or all three at /States/B/ResultWriter/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field 'Resource' is required but was missing at /States/C/ResultWriter",
                "SCHEMA_VALIDATION_FAILED: The field 'Parameters' is required but was missing at /States/C/ResultWriter",
                "SCHEMA_VALIDATION_FAILED: The field 'WriterConfig' should be an object at /States/D/ResultWriter/WriterConfig");
    }

    @Test
    void aJsonataDistributedMapTakesArgumentsAndExpressions()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": "{% $states.input.n %}",
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSONL", "MaxItems": "{% $states.input.max %}"},
                    "Arguments": {"Bucket": "b", "Key": "{% $states.input.key %}"}},
                  "ItemSelector": {"value": "{% $states.context.Map.Item.Value %}", "index": "{% $states.context.Map.Item.Index %}"},
                  "ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.batch %}", "MaxInputBytesPerBatch": 1024,
                    "BatchInput": {"run": "{% $states.input.run %}"}},
                  "ToleratedFailureCount": "{% $states.input.count %}", "ToleratedFailurePercentage": 12.5,
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": "{% {'Bucket': 'b', 'Prefix': $states.input.p} %}"},
                  "Output": "{% $states.result %}",
                  PROCESSOR}}}
                """.replace("PROCESSOR}}}", PROCESSOR + "}}}"))).isEmpty();
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "QueryLanguage": "JSONata", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Arguments": {"Bucket": "b", "Prefix": "p/"}},
                  PROCESSOR}}}
                """.replace("PROCESSOR}}}", PROCESSOR + "}}}"))).isEmpty();
    }

    @Test
    void aJsonataDistributedMapRefusesJsonPathFieldsAndBadExpressions()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Items": [1],
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.max"},
                    "Parameters": {"Bucket": "b", "Key.$": "$.key"}},
                  "ItemBatcher": {"MaxItemsPerBatchPath": "$.batch", "BatchInput": {"run": "{% $states.input. %}"}},
                  "ToleratedFailureCount": "{% %}",
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b", "Prefix.$": "$.p"}},
                  PROCESSOR}}}
                """.replace("PROCESSOR}}}", PROCESSOR + "}}}"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field \"Parameters\" is not supported when the QueryLanguage is JSONata at /States/M/ItemReader/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field \"MaxItemsPath\" is not supported when the QueryLanguage is JSONata "
                        + "at /States/M/ItemReader/ReaderConfig/MaxItemsPath",
                "SCHEMA_VALIDATION_FAILED: The field 'Arguments' is required but was missing at /States/M/ItemReader",
                "SCHEMA_VALIDATION_FAILED: The field 'Items' cannot be used with 'ItemReader' (the items are the reader's) at /States/M/Items",
                "SCHEMA_VALIDATION_FAILED: The field \"MaxItemsPerBatchPath\" is not supported when the QueryLanguage is JSONata "
                        + "at /States/M/ItemBatcher/MaxItemsPerBatchPath",
                "SCHEMA_VALIDATION_FAILED: " + JsonataExpressions.problem(TestRuns.json("\"{% $states.input. %}\"")).orElseThrow()
                        + " at /States/M/ItemBatcher/BatchInput",
                "SCHEMA_VALIDATION_FAILED: The field \"Prefix.$\" is not supported by Step Functions at /States/M/ResultWriter/Arguments",
                "SCHEMA_VALIDATION_FAILED: The JSONata expression '{% %}' is empty at /States/M/ToleratedFailureCount");
    }

    @Test
    void readersLakestackDoesNotHaveAreRefused()
    {
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::athena:startQueryExecution", "Parameters": {"Bucket": "b"}}, %s}}}
                """.formatted(PROCESSOR))).containsExactly("SCHEMA_VALIDATION_FAILED: lakestack reads the items of a distributed Map with "
                + "arn:aws:states:::s3:getObject (InputType JSON, JSONL, CSV, PARQUET or MANIFEST) and arn:aws:states:::s3:listObjectsV2 only, not with "
                + "'arn:aws:states:::athena:startQueryExecution' at /States/M/ItemReader/Resource");
    }

    /** A Map reading the object k of the bucket b with the given {@code ReaderConfig}. */
    private static String reader(String readerConfig)
    {
        return """
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": %s, "Parameters": {"Bucket": "b", "Key": "k"}}, %s}}}
                """.formatted(readerConfig, PROCESSOR);
    }

    @Test
    void parquetAthenaDataManifestsAndS3InventoriesAreRead()
    {
        for (String config : List.of(
                "{\"InputType\": \"PARQUET\"}",
                "{\"InputType\": \"PARQUET\", \"MaxItems\": 5}",
                "{\"InputType\": \"MANIFEST\"}",
                "{\"InputType\": \"MANIFEST\", \"ManifestType\": \"S3_INVENTORY\", \"MaxItemsPath\": \"$.max\"}",
                "{\"InputType\": \"PARQUET\", \"ManifestType\": \"ATHENA_DATA\"}",
                "{\"InputType\": \"JSONL\", \"ManifestType\": \"ATHENA_DATA\"}",
                "{\"InputType\": \"CSV\", \"ManifestType\": \"ATHENA_DATA\", \"CSVHeaderLocation\": \"GIVEN\", \"CSVHeaders\": [\"a\"], \"CSVDelimiter\": \"TAB\"}")) {
            assertThat(StateMachineDefinitionTest.diagnostics(reader(config))).as(config).isEmpty();
        }
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "PARQUET", "ManifestType": "ATHENA_DATA", "MaxItems": "{% $states.input.max %}"},
                    "Arguments": {"Bucket": "b", "Key": "{% $states.input.manifest %}"}},
                  PROCESSOR}}}
                """.replace("PROCESSOR}}}", PROCESSOR + "}}}"))).isEmpty();
    }

    @Test
    void manifestTypesAndInputTypesThatDoNotGoTogetherAreLocated()
    {
        String at = " at /States/M/ItemReader/ReaderConfig/";
        assertThat(StateMachineDefinitionTest.diagnostics(reader("{\"InputType\": \"JSON\", \"ManifestType\": \"ATHENA_DATA\"}"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'InputType' should have one of these values with the ManifestType ATHENA_DATA: [CSV, JSONL, PARQUET]"
                        + at + "InputType");
        assertThat(StateMachineDefinitionTest.diagnostics(reader("{\"InputType\": \"MANIFEST\", \"ManifestType\": \"ATHENA_DATA\"}"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'InputType' should have one of these values with the ManifestType ATHENA_DATA: [CSV, JSONL, PARQUET]"
                        + at + "InputType");
        assertThat(StateMachineDefinitionTest.diagnostics(reader("{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\", "
                + "\"ManifestType\": \"S3_INVENTORY\"}"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'InputType' should be MANIFEST with the ManifestType S3_INVENTORY" + at + "InputType");
        assertThat(StateMachineDefinitionTest.diagnostics(reader("{\"InputType\": \"PARQUET\", \"ManifestType\": \"ORC\", \"CSVDelimiter\": \"PIPE\"}")))
                .containsExactly(
                        "SCHEMA_VALIDATION_FAILED: The field 'ManifestType' should have one of these values: [ATHENA_DATA, S3_INVENTORY]" + at + "ManifestType",
                        "SCHEMA_VALIDATION_FAILED: The field 'CSVDelimiter' belongs to InputType CSV" + at + "CSVDelimiter");
        assertThat(StateMachineDefinitionTest.diagnostics(reader("{\"ManifestType\": \"ATHENA_DATA\"}"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'InputType' should have one of these values: [CSV, JSON, JSONL, MANIFEST, PARQUET] "
                        + "(the s3:getObject reader needs it)" + at + "InputType");
        assertThat(StateMachineDefinitionTest.diagnostics("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"ManifestType": "ATHENA_DATA"},
                    "Parameters": {"Bucket": "b"}}, %s}}}
                """.formatted(PROCESSOR))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The ReaderConfig field 'ManifestType' belongs to the s3:getObject reader" + at + "ManifestType");
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
