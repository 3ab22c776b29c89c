package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.Partition;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of Glue: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered within
 * {@link JsonFuzz#BOUND} with a Glue error (4xx), and the catalog it ran against still works afterwards.
 */
@LakestackTest
@Order(61)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlueFuzzIntegrationTest
{
    private static final long SEED = 20170331L;
    private static final String DATABASE = "it_fuzz";
    private static final String TABLE = "fuzzed";
    private static final String DATABASE_ARN = "arn:aws:glue:us-east-1:000000000000:database/" + DATABASE;
    private static final String IN_TABLE = "DatabaseName!:string=" + DATABASE + " TableName!:string=" + TABLE;
    static final JsonFuzz.Service GLUE = new JsonFuzz.Service("glue", "AWSGlue",
            Set.of("InvalidInputException", "EntityNotFoundException", "AlreadyExistsException", "SerializationException", "CrawlerRunningException",
                    "CrawlerNotRunningException", "CrawlerStoppingException", "UnknownOperationException", "ConcurrentRunsExceededException",
                    "SchedulerRunningException", "SchedulerNotRunningException", "NoScheduleException", "IllegalWorkflowStateException"),
            "CreateDatabase CatalogId:string=000000000000 DatabaseInput!:structure={\"Name\":\"" + DATABASE + "\"} Tags:map",
            "+GetDatabase CatalogId:string=000000000000 Name!:string=" + DATABASE,
            "+GetDatabases NextToken:token MaxResults:integer=10",
            "UpdateDatabase Name!:string=fuzz-missing DatabaseInput!:structure={\"Name\":\"fuzz-missing\"}",
            "DeleteDatabase Name!:string=fuzz-missing",
            "CreateTable DatabaseName!:string=" + DATABASE + " TableInput!:structure={\"Name\":\"" + TABLE + "\"}",
            "+GetTable CatalogId:string=000000000000 DatabaseName!:string=" + DATABASE + " Name!:string=" + TABLE,
            "+GetTables DatabaseName!:string=" + DATABASE + " Expression:string=fuzz* NextToken:token MaxResults:integer=10",
            "UpdateTable DatabaseName!:string=fuzz-missing TableInput!:structure={\"Name\":\"" + TABLE + "\"}",
            "DeleteTable DatabaseName!:string=" + DATABASE + " Name!:string=fuzz-missing",
            "+BatchDeleteTable DatabaseName!:string=" + DATABASE + " TablesToDelete!:strings",
            "+GetTableVersions " + IN_TABLE,
            "GetTableVersion " + IN_TABLE + " VersionId:string=999",
            "CreatePartition CatalogId:string=000000000000 " + IN_TABLE + " PartitionInput!:structure={\"Values\":[\"1\"]}",
            "+BatchCreatePartition " + IN_TABLE + " PartitionInputList!:structures=[{\"Values\":[\"1\"]}]",
            "+GetPartition " + IN_TABLE + " PartitionValues!:strings=[\"1\"]",
            "+GetPartitions " + IN_TABLE + " Expression:string=p='1' NextToken:token MaxResults:integer=10 ExcludeColumnSchema:boolean",
            "+BatchGetPartition " + IN_TABLE + " PartitionsToGet!:structures=[{\"Values\":[\"1\"]}]",
            "UpdatePartition " + IN_TABLE + " PartitionValueList!:strings=[\"9\"] PartitionInput!:structure={\"Values\":[\"9\"]}",
            "DeletePartition " + IN_TABLE + " PartitionValues!:strings=[\"9\"]",
            "+BatchDeletePartition " + IN_TABLE + " PartitionsToDelete!:structures=[{\"Values\":[\"9\"]}]",
            "CreateCrawler Name!:string=fuzz-crawler Role!:string=role DatabaseName!:string=" + DATABASE + " Targets!:structure "
                    + "Description:string=d TablePrefix:string=p Schedule:string Classifiers:strings SchemaChangePolicy:structure "
                    + "RecrawlPolicy:structure LineageConfiguration:structure Configuration:string Tags:map",
            "GetCrawler Name!:string",
            "+GetCrawlers NextToken:token MaxResults:integer=10",
            "+ListCrawlers NextToken:token MaxResults:integer=10",
            "UpdateCrawler Name!:string Role:string=role DatabaseName:string=" + DATABASE + " Description:string=d",
            "DeleteCrawler Name!:string",
            "StartCrawler Name!:string",
            "StopCrawler Name!:string",
            "+GetCrawlerMetrics CrawlerNameList:strings NextToken:token MaxResults:integer=10",
            "ListCrawls CrawlerName!:string=fuzz-missing MaxResults:integer=10 "
                    + "Filters:structures=[{\"FieldName\":\"STATE\",\"FilterOperator\":\"EQ\",\"FieldValue\":\"COMPLETED\"}] NextToken:token",
            "StartCrawlerSchedule CrawlerName!:string=fuzz-missing",
            "StopCrawlerSchedule CrawlerName!:string=fuzz-missing",
            "UpdateCrawlerSchedule CrawlerName!:string=fuzz-missing Schedule:string",
            "+CreateJob Name!:string=fuzz-job Role!:string=role Command!:structure={\"Name\":\"pythonshell\",\"ScriptLocation\":\"s3://it-fuzz/job.py\"} "
                    + "Description:string=d DefaultArguments:map NonOverridableArguments:map MaxRetries:integer=1 Timeout:integer=5 "
                    + "GlueVersion:string=3.0 ExecutionProperty:structure={\"MaxConcurrentRuns\":1} Tags:map",
            "+GetJob JobName!:string=fuzz-job",
            "+GetJobs NextToken:token MaxResults:integer=10",
            "+ListJobs NextToken:token MaxResults:integer=10 Tags:map",
            "+BatchGetJobs JobNames!:strings=[\"fuzz-job\"]",
            "UpdateJob JobName!:string=fuzz-missing JobUpdate!:structure={\"Role\":\"role\",\"Command\":{\"Name\":\"pythonshell\","
                    + "\"ScriptLocation\":\"s3://it-fuzz/job.py\"}}",
            "+DeleteJob JobName!:string=fuzz-missing",
            "StartJobRun JobName!:string=fuzz-missing Arguments:map Timeout:integer=5 JobRunId:string=jr_x",
            "GetJobRun JobName!:string=fuzz-job RunId!:string=jr_missing PredecessorsIncluded:boolean",
            "+GetJobRuns JobName!:string=fuzz-job NextToken:token MaxResults:integer=10",
            "+BatchStopJobRun JobName!:string=fuzz-job JobRunIds!:strings=[\"jr_missing\"]",
            "CreateTrigger Name!:string=fuzz-trigger Type!:string=ON_DEMAND Actions!:structures=[{\"JobName\":\"fuzz-missing\"}] "
                    + "Description:string=d StartOnCreation:boolean Tags:map WorkflowName:string=fuzz-workflow "
                    + "EventBatchingCondition:structure={\"BatchSize\":2,\"BatchWindow\":60}",
            "GetTrigger Name!:string=fuzz-missing",
            "+GetTriggers NextToken:token MaxResults:integer=10 DependentJobName:string=fuzz-job",
            "+ListTriggers NextToken:token MaxResults:integer=10 DependentJobName:string=fuzz-job Tags:map",
            "+BatchGetTriggers TriggerNames!:strings=[\"fuzz-missing\"]",
            "UpdateTrigger Name!:string=fuzz-missing TriggerUpdate!:structure={\"Description\":\"d\"}",
            "+DeleteTrigger Name!:string=fuzz-missing",
            "StartTrigger Name!:string=fuzz-missing",
            "StopTrigger Name!:string=fuzz-missing",
            "+CreateWorkflow Name!:string=fuzz-workflow Description:string=d DefaultRunProperties:map MaxConcurrentRuns:integer=1 Tags:map",
            "+GetWorkflow Name!:string=fuzz-workflow IncludeGraph:boolean",
            "UpdateWorkflow Name!:string=fuzz-missing Description:string=d DefaultRunProperties:map MaxConcurrentRuns:integer=2",
            "+DeleteWorkflow Name!:string=fuzz-missing",
            "+ListWorkflows NextToken:token MaxResults:integer=10",
            "+BatchGetWorkflows Names!:strings=[\"fuzz-workflow\"] IncludeGraph:boolean",
            "StartWorkflowRun Name!:string=fuzz-workflow RunProperties:map",
            "GetWorkflowRun Name!:string=fuzz-workflow RunId!:string=wr_missing IncludeGraph:boolean",
            "+GetWorkflowRuns Name!:string=fuzz-workflow IncludeGraph:boolean NextToken:token MaxResults:integer=10",
            "GetWorkflowRunProperties Name!:string=fuzz-workflow RunId!:string=wr_missing",
            "PutWorkflowRunProperties Name!:string=fuzz-workflow RunId!:string=wr_missing RunProperties!:map",
            "StopWorkflowRun Name!:string=fuzz-workflow RunId!:string=wr_missing",
            "ResumeWorkflowRun Name!:string=fuzz-workflow RunId!:string=wr_missing NodeIds!:strings=[\"wnode_x\"]",
            "+TagResource ResourceArn!:string=" + DATABASE_ARN + " TagsToAdd!:map={\"team\":\"data\"}",
            "+UntagResource ResourceArn!:string=" + DATABASE_ARN + " TagsToRemove!:strings=[\"team\"]",
            "+GetTags ResourceArn!:string=" + DATABASE_ARN);

    private final TestStack stack;
    private GlueClient glue;

    GlueFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createTable()
    {
        glue = stack.glue();
        glue.createDatabase(request -> request.databaseInput(input -> input.name(DATABASE)));
        glue.createTable(request -> request.databaseName(DATABASE).tableInput(table -> table.name(TABLE).storageDescriptor(storage())
                .partitionKeys(Column.builder().name("p").type("string").build())));
        glue.createPartition(request -> request.databaseName(DATABASE).tableName(TABLE).partitionInput(partition -> partition.values("1")
                .storageDescriptor(storage())));
    }

    private static StorageDescriptor storage()
    {
        return StorageDescriptor.builder().columns(Column.builder().name("c").type("string").build()).location("s3://it-fuzz/" + TABLE + "/")
                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                .serdeInfo(serde -> serde.serializationLibrary("org.openx.data.jsonserde.JsonSerDe")).build();
    }

    @AfterAll
    void close()
    {
        glue.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(GLUE)).isEqualTo(JsonFuzz.implementedOperations(stack, GLUE));
    }

    @Test
    void malformedInputIsAGlueErrorInTimeAndTheCatalogStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(GLUE, SEED);
        System.out.println("Glue fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, GLUE, cases)).isEmpty();

        glue.createPartition(request -> request.databaseName(DATABASE).tableName(TABLE).partitionInput(partition -> partition.values("2")
                .storageDescriptor(storage())));
        assertThat(glue.getPartitions(request -> request.databaseName(DATABASE).tableName(TABLE)).partitions())
                .extracting(Partition::values).containsExactly(List.of("1"), List.of("2"));
        assertThat(glue.getTables(request -> request.databaseName(DATABASE)).tableList()).extracting(table -> table.name()).containsExactly(TABLE);
        assertThat(glue.getCrawlers(request -> {}).crawlers()).extracting(crawler -> crawler.name()).doesNotContain("fuzz-crawler");
    }
}
