package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.WorkGroupState;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of Athena: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered within
 * {@link JsonFuzz#BOUND} with an Athena error (4xx), and Athena still works afterwards. No fuzzed request starts a
 * query: each StartQueryExecution names a work group that does not exist or lacks its query.
 */
@LakestackTest
@Order(63)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AthenaFuzzIntegrationTest
{
    private static final long SEED = 20170518L;
    private static final String WORK_GROUP = "it-fuzz";
    private static final String WORK_GROUP_ARN = "arn:aws:athena:us-east-1:000000000000:workgroup/" + WORK_GROUP;
    static final JsonFuzz.Service ATHENA = new JsonFuzz.Service("athena", "AmazonAthena",
            Set.of("InvalidRequestException", "ResourceNotFoundException", "MetadataException", "SerializationException", "UnknownOperationException"),
            "StartQueryExecution QueryString!:string=fuzz WorkGroup:string=fuzz-missing QueryExecutionContext:structure={\"Database\":\"default\"} "
                    + "ResultConfiguration:structure={\"OutputLocation\":\"s3://fuzz/\"} ExecutionParameters:strings "
                    + "ClientRequestToken:string=fuzz-token-fuzz-token-fuzz-token-fuzz",
            "GetQueryExecution QueryExecutionId!:string",
            "+BatchGetQueryExecution QueryExecutionIds!:strings",
            "GetQueryResults QueryExecutionId!:string NextToken:token MaxResults:integer=10",
            "StopQueryExecution QueryExecutionId!:string",
            "+ListQueryExecutions WorkGroup:string=" + WORK_GROUP + " NextToken:token MaxResults:integer=10",
            "CreateWorkGroup Name!:string=" + WORK_GROUP + " Configuration:structure Description:string=d Tags:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "+GetWorkGroup WorkGroup!:string=" + WORK_GROUP,
            "+ListWorkGroups NextToken:token MaxResults:integer=10",
            "UpdateWorkGroup WorkGroup!:string=fuzz-missing Description:string=d State:string=ENABLED ConfigurationUpdates:structure",
            "DeleteWorkGroup WorkGroup!:string=fuzz-missing RecursiveDeleteOption:boolean",
            "CreateNamedQuery Name!:string=n Database!:string=default QueryString!:string=fuzz WorkGroup:string=fuzz-missing Description:string=d "
                    + "ClientRequestToken:string=fuzz-token-fuzz-token-fuzz-token-fuzz",
            "GetNamedQuery NamedQueryId!:string",
            "+BatchGetNamedQuery NamedQueryIds!:strings",
            "+ListNamedQueries WorkGroup:string=" + WORK_GROUP + " NextToken:token MaxResults:integer=10",
            "UpdateNamedQuery NamedQueryId!:string Name!:string=n QueryString!:string=fuzz Description:string=d",
            "DeleteNamedQuery NamedQueryId!:string",
            "CreatePreparedStatement WorkGroup!:string=fuzz-missing StatementName!:string=s QueryStatement!:string=fuzz Description:string=d",
            "UpdatePreparedStatement WorkGroup!:string=fuzz-missing StatementName!:string=s QueryStatement!:string=fuzz Description:string=d",
            "GetPreparedStatement WorkGroup!:string=" + WORK_GROUP + " StatementName!:string=fuzz_missing",
            "+BatchGetPreparedStatement WorkGroup!:string=" + WORK_GROUP + " PreparedStatementNames!:strings",
            "+ListPreparedStatements WorkGroup!:string=" + WORK_GROUP + " NextToken:token MaxResults:integer=10",
            "DeletePreparedStatement WorkGroup!:string=" + WORK_GROUP + " StatementName!:string=fuzz_missing",
            "+ListDataCatalogs",
            "+GetDataCatalog Name!:string=AwsDataCatalog",
            "+ListDatabases CatalogName!:string=AwsDataCatalog NextToken:token MaxResults:integer=10",
            "+GetDatabase CatalogName!:string=AwsDataCatalog DatabaseName!:string=default",
            "+ListTableMetadata CatalogName!:string=AwsDataCatalog DatabaseName!:string=default Expression:string=fuzz* NextToken:token "
                    + "MaxResults:integer=10",
            "GetTableMetadata CatalogName!:string=AwsDataCatalog DatabaseName!:string=default TableName!:string=fuzz_missing",
            "+TagResource ResourceARN!:string=" + WORK_GROUP_ARN + " Tags!:structures=[{\"Key\":\"team\",\"Value\":\"data\"}]",
            "+UntagResource ResourceARN!:string=" + WORK_GROUP_ARN + " TagKeys!:strings=[\"team\"]",
            "+ListTagsForResource ResourceARN!:string=" + WORK_GROUP_ARN + " NextToken:token MaxResults:integer=75");

    private final TestStack stack;
    private AthenaClient athena;

    AthenaFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createWorkGroup()
    {
        athena = stack.athena();
        athena.createWorkGroup(request -> request.name(WORK_GROUP).description("fuzzed"));
    }

    @AfterAll
    void close()
    {
        athena.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(ATHENA)).isEqualTo(JsonFuzz.implementedOperations(stack, ATHENA));
    }

    @Test
    void malformedInputIsAnAthenaErrorInTimeAndAthenaStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(ATHENA, SEED);
        System.out.println("Athena fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, ATHENA, cases)).isEmpty();

        var workGroup = athena.getWorkGroup(request -> request.workGroup(WORK_GROUP)).workGroup();
        assertThat(List.of(workGroup.name(), workGroup.description(), workGroup.state())).isEqualTo(List.of(WORK_GROUP, "fuzzed", WorkGroupState.ENABLED));
        assertThat(athena.listQueryExecutions(request -> request.workGroup(WORK_GROUP)).queryExecutionIds()).isEmpty();
        String id = athena.createNamedQuery(request -> request.workGroup(WORK_GROUP).name("after").database("default").queryString("SELECT 1"))
                .namedQueryId();
        assertThat(athena.getNamedQuery(request -> request.namedQueryId(id)).namedQuery().queryString()).isEqualTo("SELECT 1");
    }
}
