package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ConflictException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineAliasResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.RoutingConfigurationListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineVersionListItem;
import software.amazon.awssdk.services.sfn.model.ValidationException;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Step Functions versions and aliases with the SDK: two versions of a machine with different Pass results, each run by
 * its version ARN and by an alias with exactly AWS's answers (outputs, DescribeExecution's version and alias ARNs,
 * DescribeStateMachine of a version), publishing's revision check, and a version kept while an alias routes to it.
 */
@LakestackTest
@Order(37)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepFunctionsVersionsIntegrationTest
{
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-versions";
    private static final String DEFINITION = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"version\":%d},\"End\":true}}}";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TestStack stack;
    private SfnClient sfn;

    StepFunctionsVersionsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void connect()
    {
        sfn = stack.client(SfnClient.builder());
    }

    @AfterAll
    void close()
    {
        sfn.close();
    }

    private DescribeExecutionResponse run(String arn, String name)
    {
        String execution = sfn.startExecution(request -> request.stateMachineArn(arn).name(name)).executionArn();
        return await().atMost(WAIT).until(() -> sfn.describeExecution(request -> request.executionArn(execution)),
                described -> described.status() != ExecutionStatus.RUNNING);
    }

    @Test
    void versionsAndAliasesRunTheDefinitionTheyWerePublishedWith()
    {
        String machine = sfn.createStateMachine(request -> request.name("it-sfn-versions").definition(DEFINITION.formatted(1)).roleArn(ROLE)
                .publish(true).versionDescription("one")).stateMachineArn();
        String first = machine + ":1";
        assertThat(sfn.describeStateMachine(request -> request.stateMachineArn(machine)).revisionId()).isNull();
        String revision = sfn.updateStateMachine(request -> request.stateMachineArn(machine).definition(DEFINITION.formatted(2))).revisionId();
        // the revision the version would come from was changed since: a conflict
        assertThatThrownBy(() -> sfn.publishStateMachineVersion(request -> request.stateMachineArn(machine).revisionId("INITIAL")))
                .isInstanceOf(ConflictException.class);
        String second = sfn.publishStateMachineVersion(request -> request.stateMachineArn(machine).revisionId(revision).description("two"))
                .stateMachineVersionArn();
        assertThat(second).isEqualTo(machine + ":2");
        // publishing an unchanged revision answers its version
        assertThat(sfn.publishStateMachineVersion(request -> request.stateMachineArn(machine)).stateMachineVersionArn()).isEqualTo(second);
        sfn.updateStateMachine(request -> request.stateMachineArn(machine).definition(DEFINITION.formatted(3)));
        assertThat(sfn.listStateMachineVersions(request -> request.stateMachineArn(machine)).stateMachineVersions().stream()
                .map(StateMachineVersionListItem::stateMachineVersionArn).toList()).containsExactly(second, first);
        assertThat(sfn.describeStateMachine(request -> request.stateMachineArn(first)).definition()).isEqualTo(DEFINITION.formatted(1));
        assertThat(sfn.describeStateMachine(request -> request.stateMachineArn(second)).description()).isEqualTo("two");

        DescribeExecutionResponse ofFirst = run(first, "of-first");
        assertThat(ofFirst.output()).isEqualTo("{\"version\":1}");
        assertThat(ofFirst.stateMachineArn()).isEqualTo(machine);
        assertThat(ofFirst.stateMachineVersionArn()).isEqualTo(first);
        assertThat(ofFirst.stateMachineAliasArn()).isNull();
        assertThat(run(machine, "of-machine").output()).isEqualTo("{\"version\":3}");
        assertThat(sfn.describeStateMachineForExecution(request -> request.executionArn(ofFirst.executionArn())).definition())
                .isEqualTo(DEFINITION.formatted(1));

        String alias = sfn.createStateMachineAlias(request -> request.name("live").description("all on two")
                .routingConfiguration(RoutingConfigurationListItem.builder().stateMachineVersionArn(second).weight(100).build(),
                        RoutingConfigurationListItem.builder().stateMachineVersionArn(first).weight(0).build())).stateMachineAliasArn();
        assertThat(alias).isEqualTo(machine + ":live");
        DescribeExecutionResponse ofAlias = run(alias, "of-alias");
        assertThat(ofAlias.output()).isEqualTo("{\"version\":2}");
        assertThat(ofAlias.stateMachineVersionArn()).isEqualTo(second);
        assertThat(ofAlias.stateMachineAliasArn()).isEqualTo(alias);
        DescribeStateMachineAliasResponse described = sfn.describeStateMachineAlias(request -> request.stateMachineAliasArn(alias));
        assertThat(described.name()).isEqualTo("live");
        assertThat(described.description()).isEqualTo("all on two");
        assertThat(described.routingConfiguration()).extracting(RoutingConfigurationListItem::stateMachineVersionArn).containsExactly(second, first);
        assertThat(sfn.listExecutions(request -> request.stateMachineArn(alias)).executions()).singleElement()
                .satisfies(item -> assertThat(item.name()).isEqualTo("of-alias"));

        // an alias keeps its versions; routed elsewhere, the version can go
        assertThatThrownBy(() -> sfn.deleteStateMachineVersion(request -> request.stateMachineVersionArn(first))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> sfn.updateStateMachineAlias(request -> request.stateMachineAliasArn(alias)
                .routingConfiguration(RoutingConfigurationListItem.builder().stateMachineVersionArn(first).weight(60).build())))
                .isInstanceOf(ValidationException.class);
        sfn.updateStateMachineAlias(request -> request.stateMachineAliasArn(alias)
                .routingConfiguration(RoutingConfigurationListItem.builder().stateMachineVersionArn(first).weight(100).build()));
        assertThat(run(alias, "of-alias-again").output()).isEqualTo("{\"version\":1}");
        sfn.deleteStateMachineVersion(request -> request.stateMachineVersionArn(second));
        assertThat(sfn.listStateMachineAliases(request -> request.stateMachineArn(machine)).stateMachineAliases()).hasSize(1);
        assertThatThrownBy(() -> sfn.tagResource(request -> request.resourceArn(alias).tags(List.of()))).isInstanceOf(InvalidArnException.class);

        sfn.deleteStateMachine(request -> request.stateMachineArn(machine));
        assertThatThrownBy(() -> sfn.describeStateMachineAlias(request -> request.stateMachineAliasArn(alias)))
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
