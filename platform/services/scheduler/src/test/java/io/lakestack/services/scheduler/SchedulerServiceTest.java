package io.lakestack.services.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.Schedules;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerServiceTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Authenticator.Caller CALLER = new Authenticator.Caller("test", "us-east-1");
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final String TARGET = "{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\",\"RoleArn\":\"arn:aws:iam::000000000000:role/r\"}";

    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final SchedulerService service = new SchedulerService(stores, "000000000000", Clock.fixed(NOW, ZoneOffset.UTC));
    private final RecordStore<Schedule> schedules = stores.open(Schedules.SCHEDULES_STORE, Schedule.class);

    @Test
    void createdScheduleIsStoredAndDescribedAsAwsDoes()
            throws Exception
    {
        RecordedResponse created = call("POST", "/schedules/nightly", "", "{\"ScheduleExpression\":\"cron(0 2 * * ? *)\",\"ScheduleExpressionTimezone\":\"Europe/Paris\","
                + "\"FlexibleTimeWindow\":{\"Mode\":\"FLEXIBLE\",\"MaximumWindowInMinutes\":10},\"Description\":\"d\",\"StartDate\":1796040000,"
                + "\"EndDate\":1800000000,\"ActionAfterCompletion\":\"DELETE\",\"Target\":{\"Arn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/s\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\",\"Input\":\"{}\",\"RetryPolicy\":{\"MaximumEventAgeInSeconds\":600,\"MaximumRetryAttempts\":2},"
                + "\"DeadLetterConfig\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"},\"KinesisParameters\":{\"PartitionKey\":\"k\"}}}");
        assertThat(json(created).toString()).isEqualTo("{\"ScheduleArn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly\"}");
        assertThat(json(call("GET", "/schedules/nightly", "", "")).toString()).isEqualTo("{\"ActionAfterCompletion\":\"DELETE\","
                + "\"Arn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly\",\"CreationDate\":1.7959536E9,\"Description\":\"d\","
                + "\"EndDate\":1.8E9,\"FlexibleTimeWindow\":{\"Mode\":\"FLEXIBLE\",\"MaximumWindowInMinutes\":10},\"GroupName\":\"default\","
                + "\"LastModificationDate\":1.7959536E9,\"Name\":\"nightly\",\"ScheduleExpression\":\"cron(0 2 * * ? *)\",\"ScheduleExpressionTimezone\":\"Europe/Paris\","
                + "\"StartDate\":1.79604E9,\"State\":\"ENABLED\",\"Target\":{\"Arn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/s\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\",\"Input\":\"{}\",\"RetryPolicy\":{\"MaximumEventAgeInSeconds\":600,\"MaximumRetryAttempts\":2},"
                + "\"DeadLetterConfig\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"},\"KinesisParameters\":{\"PartitionKey\":\"k\"}}}");
        Schedule stored = schedules.get("default/nightly").orElseThrow();
        assertThat(stored.flexibleWindowMinutes()).contains(10);
        assertThat(stored.target().partitionKey()).contains("k");
        assertThat(stored.createdMillis()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void datesAreCheckedAgainstTheClock()
    {
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"StartDate\":" + (NOW.getEpochSecond() - 301))), "ValidationException", 400,
                "The StartDate must not be earlier than 5 minutes ago.");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"EndDate\":" + NOW.getEpochSecond())), "ValidationException", 400,
                "The EndDate must be in the future.");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"StartDate\":" + (NOW.getEpochSecond() + 100) + ",\"EndDate\":"
                + (NOW.getEpochSecond() + 50))), "ValidationException", 400, "The EndDate must be later than the StartDate.");
        assertThat(schedules.all()).isEmpty();
    }

    @Test
    void clientTokenMakesCreateIdempotentAndUpdateKeepsTheCreationDate()
            throws Exception
    {
        call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"ClientToken\":\"t-1\""));
        assertThat(call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"ClientToken\":\"t-1\"")).status()).isEqualTo(200);
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", "")), "ConflictException", 409, "Schedule s already exists.");
        call("PUT", "/schedules/s", "", body("rate(2 hours)", ",\"State\":\"DISABLED\""));
        Schedule updated = schedules.get("default/s").orElseThrow();
        assertThat(List.of(updated.expression(), updated.state(), updated.createdMillis(), updated.clientToken()))
                .isEqualTo(List.of("rate(2 hours)", Schedule.State.DISABLED, NOW.toEpochMilli(), Optional.of("t-1")));
        assertError(() -> call("PUT", "/schedules/other", "", body("rate(2 hours)", "")), "ResourceNotFoundException", 404, "Schedule other does not exist.");
    }

    @Test
    void listFiltersAndPages()
            throws Exception
    {
        call("POST", "/schedule-groups/team", "", "");
        for (String name : List.of("a-1", "a-2", "b-1")) {
            call("POST", "/schedules/" + name, "", body("rate(1 hour)", name.equals("a-2") ? ",\"State\":\"DISABLED\"" : ""));
        }
        call("POST", "/schedules/a-3", "", body("rate(1 hour)", ",\"GroupName\":\"team\""));
        JsonNode first = json(call("GET", "/schedules", "NamePrefix=a-&MaxResults=2", ""));
        assertThat(first.path("Schedules").findValuesAsText("Name")).containsExactly("a-1", "a-2");
        JsonNode second = json(call("GET", "/schedules", "NamePrefix=a-&MaxResults=2&NextToken=" + first.path("NextToken").asText(), ""));
        assertThat(second.path("Schedules").findValuesAsText("Name")).containsExactly("a-3");
        assertThat(second.has("NextToken")).isFalse();
        assertThat(json(call("GET", "/schedules", "State=DISABLED", "")).path("Schedules").findValuesAsText("Name")).containsExactly("a-2");
        assertThat(json(call("GET", "/schedules", "ScheduleGroup=team", "")).path("Schedules").findValuesAsText("Name")).containsExactly("a-3");
        assertThat(json(call("GET", "/schedule-groups", "", "")).path("ScheduleGroups").findValuesAsText("Name")).containsExactly("default", "team");
        assertError(() -> call("GET", "/schedules", "ScheduleGroup=none", ""), "ResourceNotFoundException", 404, "Schedule group none does not exist.");
        call("DELETE", "/schedule-groups/team", "", "");
        assertThat(schedules.all().keySet()).containsExactly("default/a-1", "default/a-2", "default/b-1");
    }

    @Test
    void targetsAreCheckedAsTheyWillBeDelivered()
    {
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q.fifo\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\"}")), "ValidationException", 400, "A FIFO queue target needs Target.SqsParameters.MessageGroupId.");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\",\"KinesisParameters\":{\"PartitionKey\":\"k\"}}")), "ValidationException", 400,
                "Target.KinesisParameters apply to Kinesis stream targets only, not arn:aws:sqs:us-east-1:000000000000:q.");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:events:us-east-1:000000000000:event-bus/default\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\"}")), "ValidationException", 400,
                "An EventBridge event bus target needs Target.EventBridgeParameters (DetailType and Source).");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\","
                + "\"RoleArn\":\"not-a-role\"}")), "ValidationException", 400, "at 'Target.RoleArn' failed to satisfy constraint");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:q\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\",\"SageMakerPipelineParameters\":{}}")), "ValidationException", 400,
                "lakestack does not apply Target.SageMakerPipelineParameters: it runs no SageMaker pipelines; leave it out.");
        assertError(() -> call("POST", "/schedules/s", "", body("rate(1 hour)", ",\"Target\":{\"Arn\":\"arn:aws:glue:us-east-1:000000000000:workflow/w\","
                + "\"RoleArn\":\"arn:aws:iam::000000000000:role/r\"}")), "ValidationException", 400,
                "Target.Arn arn:aws:glue:us-east-1:000000000000:workflow/w is a Glue workflow, which EventBridge rules deliver to, not schedules: start a "
                + "workflow from a schedule with the universal target arn:aws:scheduler:::aws-sdk:glue:startWorkflowRun.");
        assertThat(schedules.all()).isEmpty();
    }

    /** A CreateSchedule body with an SQS target; {@code more} is appended to its fields (and may replace the target). */
    private static String body(String expression, String more)
    {
        String target = more.contains("\"Target\"") ? "" : ",\"Target\":" + TARGET;
        return "{\"ScheduleExpression\":\"" + expression + "\",\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"}" + target + more + "}";
    }

    private RecordedResponse call(String method, String path, String query, String body)
            throws Exception
    {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/json"));
        RecordedResponse response = new RecordedResponse();
        service.handle(new AwsRequest(method, path, query, headers, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "127.0.0.1"), CALLER,
                response);
        return response;
    }

    private static JsonNode json(RecordedResponse response)
            throws Exception
    {
        return JSON.readTree(response.body());
    }

    private interface Call
    {
        void run()
                throws Exception;
    }

    private static void assertError(Call call, String code, int status, String message)
    {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.httpStatus()).isEqualTo(status);
                })
                .hasMessageContaining(message);
    }
}
