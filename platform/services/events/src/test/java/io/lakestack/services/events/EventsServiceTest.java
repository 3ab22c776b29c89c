package io.lakestack.services.events;

import io.lakestack.spi.testing.ManualClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.eventbridge.Rule;
import io.lakestack.spi.eventbridge.Target;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.store.MemoryRecordStores;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The service on memory stores, a recording event sink and a clock the test sets: what it stores and publishes, exactly. */
class EventsServiceTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "000000000000";

    private record Published(String topic, String key, String value) {}

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final List<Published> published = new ArrayList<>();
    private final List<String> declared = new ArrayList<>();
    private final EventsService service = new EventsService(stores, new EventSink()
    {
        @Override
        public void declare(String topic)
        {
            declared.add(topic);
        }

        @Override
        public void publish(String topic, String key, byte[] value, Map<String, String> headers)
        {
            published.add(new Published(topic, key, new String(value, StandardCharsets.UTF_8)));
        }

        @Override
        public void declareOrdered(String topic)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }
    }, ACCOUNT, clock);

    private JsonNode call(String operation, String document)
            throws Exception
    {
        return call(operation, document, "us-east-1");
    }

    private JsonNode call(String operation, String document, String region)
            throws Exception
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Host", List.of("localhost:4566"), "X-Amz-Target",
                List.of("AWSEvents." + operation), "Content-Type", List.of("application/x-amz-json-1.1")));
        RecordedResponse answer = new RecordedResponse();
        service.handle(new AwsRequest("POST", "/", "", headers, new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), "127.0.0.1"),
                new Authenticator.Caller("test", region), answer);
        assertThat(answer.status()).isEqualTo(200);
        return JSON.readTree(answer.text());
    }

    private ServiceException error(String operation, String document)
    {
        return catchThrowableOfType(ServiceException.class, () -> call(operation, document));
    }

    @Test
    void putEventsWritesEventBridgesEnvelopeToTheBusTopic()
            throws Exception
    {
        call("CreateEventBus", "{\"Name\":\"orders\"}");
        assertThat(declared).containsExactly("lakestack.events.orders");
        JsonNode answer = call("PutEvents", "{\"Entries\":[{\"EventBusName\":\"orders\",\"Source\":\"shop\",\"DetailType\":\"Order Placed\","
                + "\"Detail\":\"{\\\"amount\\\":12.50,\\\"items\\\":[1,2]}\",\"Resources\":[\"arn:aws:s3:::b\"],\"Time\":1790000001.5},"
                + "{\"EventBusName\":\"arn:aws:events:us-east-1:000000000000:event-bus/orders\",\"Source\":\"shop\",\"DetailType\":\"x\","
                + "\"Detail\":\"{}\"}]}");
        assertThat(answer.get("FailedEntryCount").asInt()).isZero();
        String first = answer.get("Entries").get(0).get("EventId").asText();
        String second = answer.get("Entries").get(1).get("EventId").asText();
        assertThat(published).containsExactly(
                new Published("lakestack.events.orders", first, "{\"version\":\"0\",\"id\":\"" + first + "\",\"detail-type\":\"Order Placed\","
                        + "\"source\":\"shop\",\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-09-21T14:13:21Z\",\"region\":\"us-east-1\","
                        + "\"resources\":[\"arn:aws:s3:::b\"],\"detail\":{\"amount\":12.50,\"items\":[1,2]}}"),
                new Published("lakestack.events.orders", second, "{\"version\":\"0\",\"id\":\"" + second + "\",\"detail-type\":\"x\",\"source\":\"shop\","
                        + "\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-09-21T14:13:20Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}"));
        JsonNode missingBus = call("PutEvents", "{\"Entries\":[{\"EventBusName\":\"nope\",\"Source\":\"s\",\"DetailType\":\"t\",\"Detail\":\"{}\"}]}");
        assertThat(missingBus.get("Entries").get(0)).isEqualTo(JSON.readTree("{\"ErrorCode\":\"ResourceNotFoundException\","
                + "\"ErrorMessage\":\"Event bus nope does not exist.\"}"));
        assertThat(published).hasSize(2);
    }

    @Test
    void busesRulesAndEventsAreOfTheRegionOfTheirRequest()
            throws Exception
    {
        String bus = "arn:aws:events:us-west-2:000000000000:event-bus/orders";
        assertThat(call("CreateEventBus", "{\"Name\":\"orders\"}", "us-west-2").get("EventBusArn").asText()).isEqualTo(bus);
        assertThat(call("DescribeEventBus", "{\"Name\":\"" + bus + "\"}", "eu-central-1").get("Arn").asText()).isEqualTo(bus);
        assertThat(call("DescribeEventBus", "{}", "eu-central-1").get("Arn").asText()).isEqualTo("arn:aws:events:eu-central-1:000000000000:event-bus/default");
        assertThat(call("PutRule", "{\"Name\":\"paid\",\"EventBusName\":\"" + bus + "\",\"EventPattern\":\"{\\\"source\\\":[\\\"shop\\\"]}\"}",
                "us-west-2").get("RuleArn").asText()).isEqualTo("arn:aws:events:us-west-2:000000000000:rule/orders/paid");

        JsonNode answer = call("PutEvents", "{\"Entries\":[{\"EventBusName\":\"" + bus + "\",\"Source\":\"shop\",\"DetailType\":\"x\",\"Detail\":\"{}\"},"
                + "{\"EventBusName\":\"arn:aws:events:us-east-1:000000000000:event-bus/orders\",\"Source\":\"shop\",\"DetailType\":\"x\",\"Detail\":\"{}\"}]}");
        String id = answer.get("Entries").get(0).get("EventId").asText();
        assertThat(published).containsExactly(new Published("lakestack.events.orders", id, "{\"version\":\"0\",\"id\":\"" + id + "\",\"detail-type\":\"x\","
                + "\"source\":\"shop\",\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-09-21T14:13:20Z\",\"region\":\"us-west-2\",\"resources\":[],\"detail\":{}}"));
        assertThat(answer.get("Entries").get(1)).isEqualTo(JSON.readTree("{\"ErrorCode\":\"ResourceNotFoundException\","
                + "\"ErrorMessage\":\"Event bus arn:aws:events:us-east-1:000000000000:event-bus/orders does not exist.\"}"));

        ServiceException otherRegion = error("ListTagsForResource", "{\"ResourceARN\":\"arn:aws:events:us-east-1:000000000000:rule/orders/paid\"}");
        assertThat(otherRegion.errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(otherRegion.getMessage()).isEqualTo("Rule arn:aws:events:us-east-1:000000000000:rule/orders/paid does not exist: the one of that name is "
                + "arn:aws:events:us-west-2:000000000000:rule/orders/paid.");
        assertThat(error("DescribeRule", "{\"Name\":\"paid\",\"EventBusName\":\"arn:aws:events:us-east-1:000000000000:event-bus/orders\"}").getMessage())
                .isEqualTo("Event bus arn:aws:events:us-east-1:000000000000:event-bus/orders does not exist.");
    }

    @Test
    void rulesAndTargetsAreStoredWholeAndEnablingStartsTheRuleAnew()
            throws Exception
    {
        JsonNode put = call("PutRule", "{\"Name\":\"r\",\"EventPattern\":\"{\\\"source\\\":[\\\"shop\\\"]}\",\"Description\":\"d\","
                + "\"Tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]}");
        assertThat(put.get("RuleArn").asText()).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/r");
        call("PutTargets", "{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"q\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q.fifo\","
                + "\"SqsParameters\":{\"MessageGroupId\":\"g\"},\"RetryPolicy\":{\"MaximumRetryAttempts\":3},"
                + "\"DeadLetterConfig\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"},\"InputPath\":\"$.detail\"}]}");
        long created = clock.millis();
        Target target = new Target("q", "arn:aws:sqs:us-east-1:000000000000:q.fifo", Optional.empty(), Optional.empty(), Optional.of("$.detail"),
                Optional.empty(), new Target.RetryPolicy(3, 86_400), Optional.of("arn:aws:sqs:us-east-1:000000000000:dlq"), Optional.of("g"),
                Optional.empty());
        Rule rule = new Rule("r", "default", "arn:aws:events:us-east-1:000000000000:rule/r", Optional.of("{\"source\":[\"shop\"]}"), Optional.empty(),
                Rule.State.ENABLED, Optional.of("d"), Optional.empty(), Map.of("team", "data"), List.of(target), created, created);
        assertThat(stores.open(EventBuses.RULES_STORE, Rule.class).all()).isEqualTo(Map.of("default/r", rule));

        clock.advance(1000);
        call("DisableRule", "{\"Name\":\"r\"}");
        clock.advance(1000);
        call("DisableRule", "{\"Name\":\"r\"}");
        assertThat(stores.open(EventBuses.RULES_STORE, Rule.class).get("default/r").orElseThrow().activeSinceMillis()).isEqualTo(created);
        clock.advance(1000);
        call("EnableRule", "{\"Name\":\"r\"}");
        Rule enabled = stores.open(EventBuses.RULES_STORE, Rule.class).get("default/r").orElseThrow();
        assertThat(enabled.state()).isEqualTo(Rule.State.ENABLED);
        assertThat(enabled.activeSinceMillis()).isEqualTo(created + 3000);
        assertThat(EventBuses.consumerGroup(enabled)).isEqualTo("lakestack.events.rule.default.r." + (created + 3000));

        JsonNode failed = call("PutTargets", "{\"Rule\":\"r\",\"Targets\":[{\"Id\":\"f\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:f.fifo\"},"
                + "{\"Id\":\"k\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:k\",\"KinesisParameters\":{\"PartitionKeyPath\":\"$.id\"}},"
                + "{\"Id\":\"d\",\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:k\",\"DeadLetterConfig\":{\"Arn\":\"arn:aws:sns:us-east-1:000000000000:t\"}}]}");
        assertThat(failed).isEqualTo(JSON.readTree("{\"FailedEntryCount\":3,\"FailedEntries\":["
                + "{\"TargetId\":\"f\",\"ErrorCode\":\"ValidationException\",\"ErrorMessage\":\"Target f is a FIFO queue: it needs SqsParameters.MessageGroupId.\"},"
                + "{\"TargetId\":\"k\",\"ErrorCode\":\"ValidationException\",\"ErrorMessage\":\"KinesisParameters are for Kinesis stream targets; target k is "
                + "arn:aws:sqs:us-east-1:000000000000:k\"},"
                + "{\"TargetId\":\"d\",\"ErrorCode\":\"ValidationException\",\"ErrorMessage\":\"DeadLetterConfig.Arn of target d must be an SQS queue ARN, not "
                + "arn:aws:sns:us-east-1:000000000000:t\"}]}"));
    }

    @Test
    void listsPageAndTagsFollowTheirResources()
            throws Exception
    {
        for (String name : List.of("a1", "a2", "a3", "b1")) {
            call("PutRule", "{\"Name\":\"" + name + "\",\"EventPattern\":\"{\\\"source\\\":[\\\"x\\\"]}\"}");
        }
        JsonNode page = call("ListRules", "{\"NamePrefix\":\"a\",\"Limit\":2}");
        assertThat(page.get("Rules").findValuesAsText("Name")).containsExactly("a1", "a2");
        JsonNode next = call("ListRules", "{\"NamePrefix\":\"a\",\"Limit\":2,\"NextToken\":\"" + page.get("NextToken").asText() + "\"}");
        assertThat(next.get("Rules").findValuesAsText("Name")).containsExactly("a3");
        assertThat(next.has("NextToken")).isFalse();

        String arn = "arn:aws:events:us-east-1:000000000000:rule/a1";
        call("TagResource", "{\"ResourceARN\":\"" + arn + "\",\"Tags\":[{\"Key\":\"k1\",\"Value\":\"v1\"},{\"Key\":\"k2\",\"Value\":\"v2\"}]}");
        call("UntagResource", "{\"ResourceARN\":\"" + arn + "\",\"TagKeys\":[\"k1\"]}");
        assertThat(call("ListTagsForResource", "{\"ResourceARN\":\"" + arn + "\"}")).isEqualTo(JSON.readTree("{\"Tags\":[{\"Key\":\"k2\",\"Value\":\"v2\"}]}"));
        String bus = "arn:aws:events:us-east-1:000000000000:event-bus/default";
        call("TagResource", "{\"ResourceARN\":\"" + bus + "\",\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"}]}");
        assertThat(call("ListTagsForResource", "{\"ResourceARN\":\"" + bus + "\"}")).isEqualTo(JSON.readTree("{\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"}]}"));
        assertThat(call("ListEventBuses", "{}").get("EventBuses").findValuesAsText("Name")).containsExactly("default");
        ServiceException missing = error("ListTagsForResource", "{\"ResourceARN\":\"arn:aws:events:us-east-1:000000000000:rule/nope\"}");
        assertThat(missing.errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(missing.getMessage()).isEqualTo("Rule nope does not exist on EventBus default.");
    }

    @Test
    void testEventPatternChecksTheEvent()
            throws Exception
    {
        String event = "{\"id\":\"1\",\"account\":\"" + ACCOUNT + "\",\"source\":\"s\",\"time\":\"t\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail-type\":\"d\",\"detail\":{\"n\":5}}";
        assertThat(call("TestEventPattern", JSON.createObjectNode().put("EventPattern", "{\"detail\":{\"n\":[{\"numeric\":[\">\",4]}]}}")
                .put("Event", event).toString()).get("Result").asBoolean()).isTrue();
        ServiceException incomplete = error("TestEventPattern", JSON.createObjectNode().put("EventPattern", "{\"a\":[1]}").put("Event", "{\"id\":\"1\"}")
                .toString());
        assertThat(incomplete.errorCode()).isEqualTo("ValidationException");
        assertThat(incomplete.getMessage()).isEqualTo("Parameter Event is not valid. Reason: Provided Event must have all required fields: id, account, "
                + "source, time, region, resources, detail-type; missing account, source, time, region, resources, detail-type.");
    }
}
