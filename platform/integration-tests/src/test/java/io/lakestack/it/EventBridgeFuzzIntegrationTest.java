package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Tag;
import software.amazon.awssdk.services.eventbridge.model.Target;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Fuzzing of EventBridge: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered within
 * {@link JsonFuzz#BOUND} with an EventBridge error (4xx), and the bus, rule and target it ran against are as they
 * were. The rule is disabled, so that no fuzzed event is delivered.
 */
@LakestackTest
@Order(69)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventBridgeFuzzIntegrationTest
{
    private static final long SEED = 20190711L;
    private static final String BUS = "it-fuzz-bus";
    private static final String RULE = "it-fuzz-rule";
    private static final String BUS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/" + BUS;
    private static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:it-fuzz";
    private static final String PATTERN = "{\"source\":[\"it.fuzz\"]}";
    private static final String IN_RULE = "Rule!:string=" + RULE + " EventBusName:string=" + BUS;
    static final JsonFuzz.Service EVENTS = new JsonFuzz.Service("events", "AWSEvents",
            Set.of("ValidationException", "ResourceNotFoundException", "ResourceAlreadyExistsException", "InvalidEventPatternException",
                    "LimitExceededException", "SerializationException", "UnknownOperationException"),
            "CreateEventBus Name!:string=" + BUS + " Description:string=d Tags:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "+DescribeEventBus Name:string=" + BUS,
            "+DeleteEventBus Name!:string=fuzz-missing",
            "+ListEventBuses NamePrefix:string=it-fuzz NextToken:token Limit:integer=10",
            "+PutRule Name!:string=" + RULE + " EventBusName:string=" + BUS + " EventPattern:string='" + PATTERN + " State:string=DISABLED "
                    + "Description:string=fuzzed Tags:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "+DescribeRule Name!:string=" + RULE + " EventBusName:string=" + BUS,
            "+DeleteRule Name!:string=fuzz-missing EventBusName:string=" + BUS + " Force:boolean",
            "+ListRules NamePrefix:string=it-fuzz EventBusName:string=" + BUS + " NextToken:token Limit:integer=10",
            "EnableRule Name!:string=fuzz-missing EventBusName:string=" + BUS,
            "+DisableRule Name!:string=" + RULE + " EventBusName:string=" + BUS,
            "+ListRuleNamesByTarget TargetArn!:string=" + QUEUE_ARN + " EventBusName:string=" + BUS + " NextToken:token Limit:integer=10",
            "+PutTargets " + IN_RULE + " Targets!:structures=[{\"Id\":\"t1\",\"Arn\":\"" + QUEUE_ARN + "\"}]",
            "+RemoveTargets " + IN_RULE + " Ids!:strings=[\"t9\"] Force:boolean",
            "+ListTargetsByRule " + IN_RULE + " NextToken:token Limit:integer=10",
            "+PutEvents Entries!:structures=[{\"Source\":\"it.fuzz\",\"DetailType\":\"fuzz\",\"Detail\":\"{}\",\"EventBusName\":\"" + BUS + "\"}]",
            "+TestEventPattern EventPattern!:string='" + PATTERN + " Event!:string='{\"id\":\"1\",\"detail-type\":\"d\",\"source\":\"it.fuzz\","
                    + "\"account\":\"000000000000\",\"time\":\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}",
            "+TagResource ResourceARN!:string=" + BUS_ARN + " Tags!:structures=[{\"Key\":\"fuzz\",\"Value\":\"v\"}]",
            "+UntagResource ResourceARN!:string=" + BUS_ARN + " TagKeys!:strings=[\"fuzz\"]",
            "+ListTagsForResource ResourceARN!:string=" + BUS_ARN);

    private final TestStack stack;
    private EventBridgeClient events;

    EventBridgeFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createBusRuleAndTarget()
    {
        events = stack.client(EventBridgeClient.builder());
        events.createEventBus(request -> request.name(BUS).tags(Tag.builder().key("team").value("it").build()));
        events.putRule(request -> request.name(RULE).eventBusName(BUS).eventPattern(PATTERN).state(RuleState.DISABLED).description("fuzzed"));
        events.putTargets(request -> request.rule(RULE).eventBusName(BUS).targets(Target.builder().id("t1").arn(QUEUE_ARN).build()));
    }

    @AfterAll
    void close()
    {
        events.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(EVENTS)).isEqualTo(JsonFuzz.implementedOperations(stack, EVENTS));
    }

    @Test
    void malformedInputIsAnEventBridgeErrorInTimeAndNothingChanged()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(EVENTS, SEED);
        System.out.println("EventBridge fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, EVENTS, cases)).isEmpty();

        assertThat(events.listEventBuses(request -> request.namePrefix("it-fuzz")).eventBuses()).extracting(bus -> bus.name()).containsExactly(BUS);
        DescribeRuleResponse rule = events.describeRule(request -> request.name(RULE).eventBusName(BUS));
        assertThat(List.of(rule.eventPattern(), rule.stateAsString(), rule.description())).containsExactly(PATTERN, "DISABLED", "fuzzed");
        assertThat(events.listRules(request -> request.eventBusName(BUS)).rules()).extracting(found -> found.name()).containsExactly(RULE);
        assertThat(events.listTargetsByRule(request -> request.rule(RULE).eventBusName(BUS)).targets())
                .extracting(Target::id, Target::arn).containsExactly(tuple("t1", QUEUE_ARN));
        assertThat(events.listTagsForResource(request -> request.resourceARN(BUS_ARN)).tags())
                .extracting(Tag::key, Tag::value).containsExactly(tuple("team", "it"));
        assertThat(events.putEvents(request -> request.entries(entry -> entry.eventBusName(BUS).source("it.fuzz").detailType("after").detail("{}")))
                .failedEntryCount()).isZero();
    }
}
