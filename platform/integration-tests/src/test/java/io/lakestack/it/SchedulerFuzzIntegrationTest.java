package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of EventBridge Scheduler (REST-JSON): every operation it routes, with the inputs {@link RestJsonFuzz} makes
 * of its path parameters, query parameters and body, is answered within {@link JsonFuzz#BOUND} with a Scheduler error
 * (4xx), and the fuzzed group and its disabled schedule are as they were afterwards. Well-formed requests that would
 * create, change or delete name what exists (a conflict) or what does not: schedules are created and updated in a
 * group that does not exist and with a malformed client token, and groups with a malformed client token, so that a path parameter that happens
 * to be a valid name creates nothing.
 */
@LakestackTest
@Order(68)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerFuzzIntegrationTest
{
    private static final long SEED = 20210630L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "it-fuzz";
    private static final String SCHEDULE = "it-fuzz-schedule";
    private static final String GROUP_ARN = "arn:aws:scheduler:us-east-1:000000000000:schedule-group/" + GROUP;
    private static final String TARGET = "{\"Arn\":\"arn:aws:sqs:us-east-1:000000000000:it-fuzz\",\"RoleArn\":\"arn:aws:iam::000000000000:role/it-fuzz\","
            + "\"Input\":\"{}\",\"RetryPolicy\":{\"MaximumEventAgeInSeconds\":60,\"MaximumRetryAttempts\":0}}";
    private static final Set<String> ERRORS = Set.of("ValidationException", "ResourceNotFoundException", "ConflictException", "InvalidRequestContentException",
            "ServiceQuotaExceededException", "UnknownOperationException", "MethodNotAllowedException", "RequestEntityTooLargeException");

    private final TestStack stack;
    private final RestJsonFuzz.Service service = new RestJsonFuzz.Service("scheduler", ERRORS, SchedulerFuzzIntegrationTest::pathValues,
            "CreateSchedule POST /schedules/{Name=" + SCHEDULE + "} GroupName:string=fuzz-missing ScheduleExpression!:string=at(2030-01-01T00:00:00) "
                    + "FlexibleTimeWindow!:structure={\"Mode\":\"OFF\"} Target!:structure=" + TARGET + " State:string=DISABLED Description:string=d "
                    + "ScheduleExpressionTimezone:string=UTC ActionAfterCompletion:string=NONE ClientToken:string=not$valid",
            "+GetSchedule GET /schedules/{Name=" + SCHEDULE + "} ?groupName:string=" + GROUP,
            "UpdateSchedule PUT /schedules/{Name=fuzz-missing} GroupName:string=fuzz-missing ScheduleExpression!:string=at(2030-01-01T00:00:00) "
                    + "FlexibleTimeWindow!:structure={\"Mode\":\"OFF\"} Target!:structure=" + TARGET + " State:string=DISABLED Description:string=d "
                    + "ScheduleExpressionTimezone:string=UTC ActionAfterCompletion:string=NONE ClientToken:string=other",
            "DeleteSchedule DELETE /schedules/{Name=fuzz-missing} ?groupName:string=" + GROUP + " ?clientToken:string=t",
            "+ListSchedules GET /schedules ?ScheduleGroup:string=" + GROUP + " ?NamePrefix:string=it ?State:string=DISABLED ?MaxResults:integer=10 ?NextToken:token",
            "CreateScheduleGroup POST /schedule-groups/{Name=" + GROUP + "} ClientToken:string=not$valid Tags:structures=[{\"Key\":\"k\",\"Value\":\"v\"}]",
            "+GetScheduleGroup GET /schedule-groups/{Name=" + GROUP + "}",
            "DeleteScheduleGroup DELETE /schedule-groups/{Name=fuzz-missing} ?clientToken:string=t",
            "+ListScheduleGroups GET /schedule-groups ?NamePrefix:string=it ?MaxResults:integer=10 ?NextToken:token",
            "+TagResource POST /tags/{ResourceArn=" + GROUP_ARN + "} Tags!:structures=[{\"Key\":\"team\",\"Value\":\"it\"}]",
            "+ListTagsForResource GET /tags/{ResourceArn=" + GROUP_ARN + "}",
            "+UntagResource DELETE /tags/{ResourceArn=" + GROUP_ARN + "} ?TagKeys!:strings=fuzz");

    SchedulerFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    /** Names Scheduler refuses, and ARNs of what is not a schedule group of this account and region. */
    private static List<String> pathValues(String parameter, String base, Random random)
    {
        return switch (parameter) {
            case "Name" -> List.of("a".repeat(65), "fuzz$", "fuzz name", "fuzz/slash");
            case "ResourceArn" -> List.of(base.replace("us-east-1", "eu-west-1"), base.replace("000000000000", "123456789012"),
                    base.replace("schedule-group/", "schedule/default/"), base + "-missing-" + random.nextInt(1000), "arn:aws:s3:::" + GROUP, GROUP);
            default -> throw new IllegalArgumentException("no values for the path parameter " + parameter);
        };
    }

    @BeforeAll
    void createGroupAndSchedule()
            throws IOException, InterruptedException
    {
        assertThat(call("POST", "/schedule-groups/" + GROUP, "{\"Tags\":[{\"Key\":\"team\",\"Value\":\"it\"}]}").statusCode()).isEqualTo(200);
        assertThat(call("POST", "/schedules/" + SCHEDULE, "{\"GroupName\":\"" + GROUP + "\",\"ScheduleExpression\":\"at(2030-01-01T00:00:00)\","
                + "\"FlexibleTimeWindow\":{\"Mode\":\"OFF\"},\"Target\":" + TARGET + ",\"State\":\"DISABLED\",\"ClientToken\":\"fuzz\"}").statusCode()).isEqualTo(200);
    }

    @AfterAll
    void deleteGroup()
            throws IOException, InterruptedException
    {
        call("DELETE", "/schedule-groups/" + GROUP, "");
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(RestJsonFuzz.fuzzedOperations(service)).isEqualTo(RestJsonFuzz.implementedOperations(stack, service, "/fuzz-no-such-operation"));
    }

    @Test
    void malformedInputIsASchedulerErrorInTimeAndNothingChanged()
            throws IOException, InterruptedException
    {
        List<RestJsonFuzz.Case> cases = RestJsonFuzz.cases(service, SEED);
        System.out.println("Scheduler fuzz: " + cases.size() + " requests");

        assertThat(RestJsonFuzz.run(stack, service, cases)).isEmpty();

        JsonNode schedule = JSON.readTree(call("GET", "/schedules/" + SCHEDULE + "?groupName=" + GROUP, "").body());
        assertThat(List.of(schedule.path("State").asText(), schedule.path("ScheduleExpression").asText(), schedule.path("Target").path("Arn").asText()))
                .isEqualTo(List.of("DISABLED", "at(2030-01-01T00:00:00)", "arn:aws:sqs:us-east-1:000000000000:it-fuzz"));
        assertThat(JSON.readTree(call("GET", "/schedules?ScheduleGroup=" + GROUP, "").body()).path("Schedules").size()).isEqualTo(1);
        assertThat(JSON.readTree(call("GET", "/tags/" + RestJsonFuzz.encode(GROUP_ARN), "").body()).toString())
                .isEqualTo("{\"Tags\":[{\"Key\":\"team\",\"Value\":\"it\"}]}");
    }

    private HttpResponse<String> call(String method, String path, String body)
            throws IOException, InterruptedException
    {
        return RawRequests.send(stack.endpoint(), method, path, body.isEmpty() ? Map.of() : Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8), "scheduler", TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
    }
}
