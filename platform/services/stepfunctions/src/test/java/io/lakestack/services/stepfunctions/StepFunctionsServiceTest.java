package io.lakestack.services.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.stepfunctions.ActivityTask;
import io.lakestack.spi.stepfunctions.DefinitionProblem;
import io.lakestack.spi.stepfunctions.HistoryPage;
import io.lakestack.spi.stepfunctions.HistoryRecord;
import io.lakestack.spi.stepfunctions.StateMachineAlias;
import io.lakestack.spi.stepfunctions.StateMachineExecution;
import io.lakestack.spi.stepfunctions.StateMachineVersion;
import io.lakestack.spi.stepfunctions.StepFunctions;
import io.lakestack.spi.stepfunctions.StateTest;
import io.lakestack.spi.stepfunctions.StateTestResult;
import io.lakestack.spi.stepfunctions.StepFunctionsEngine;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The service on memory stores, an engine that records what it is handed, and a clock the test sets. */
class StepFunctionsServiceTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final String PASS = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}";
    private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:m";

    private final ManualClock clock = new ManualClock(1_790_000_000_000L);
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final List<StateMachineExecution> started = new ArrayList<>();
    private final List<String> callbacks = new ArrayList<>();
    private final List<StateTest> stateTests = new ArrayList<>();
    private final Queue<ActivityTask> activityTasks = new ArrayDeque<>();
    private final List<String> polls = new ArrayList<>();
    private final List<StateMachineExecution> redriven = new ArrayList<>();
    /** The draws in [0, 100) the service makes to route an alias's executions, as the test queues them. */
    private final Queue<Integer> draws = new ArrayDeque<>();
    private final RandomGenerator random = new RandomGenerator()
    {
        @Override
        public int nextInt(int bound)
        {
            assertThat(bound).isEqualTo(100);
            return draws.remove();
        }

        @Override
        public long nextLong()
        {
            throw new UnsupportedOperationException("the service draws with nextInt(100)");
        }
    };
    private final StepFunctionsService service = new StepFunctionsService(stores, new StepFunctionsEngine()
    {
        @Override
        public List<DefinitionProblem> validate(String definition, String type)
        {
            return definition.contains("Bad") ? List.of(new DefinitionProblem("SCHEMA_VALIDATION_FAILED", "bad", Optional.of("/States/Bad"))) : List.of();
        }

        @Override
        public void start(StateMachineExecution execution)
        {
            started.add(execution);
        }

        @Override
        public StateMachineExecution runSync(StateMachineExecution execution)
        {
            return execution.ended(StateMachineExecution.SUCCEEDED, clock.millis(), Optional.of(execution.input()), Optional.empty(), Optional.empty());
        }

        @Override
        public Instant stop(String executionArn, Optional<String> error, Optional<String> cause)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public Optional<String> redriveRefusal(StateMachineExecution execution)
        {
            return execution.name().equals("in-a-map-run") ? Optional.of("it ended in a distributed Map") : Optional.empty();
        }

        @Override
        public StateMachineExecution redrive(StateMachineExecution execution, Optional<String> clientToken)
        {
            StateMachineExecution stored = execution.redriven(clock.millis(), clientToken);
            stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class).put(stored.executionArn(), stored);
            redriven.add(stored);
            return stored;
        }

        @Override
        public void sendTaskSuccess(String taskToken, String output)
        {
            callbacks.add("success " + taskToken + " " + output);
        }

        @Override
        public void sendTaskFailure(String taskToken, Optional<String> error, Optional<String> cause)
        {
            callbacks.add("failure " + taskToken + " " + error + " " + cause);
        }

        @Override
        public void sendTaskHeartbeat(String taskToken)
        {
            callbacks.add("heartbeat " + taskToken);
        }

        @Override
        public StateTestResult testState(StateTest test)
        {
            stateTests.add(test);
            return new StateTestResult("CAUGHT_ERROR", Optional.of("{\"a\":1}"), Optional.of("E"), Optional.of("c"), Optional.of("Recover"),
                    "{\"input\":\"{}\",\"errorDetails\":{\"catchIndex\":0}}");
        }

        @Override
        public Optional<ActivityTask> getActivityTask(String activityArn, String workerName, Duration wait)
        {
            polls.add(activityArn + " " + workerName + " " + wait);
            return Optional.ofNullable(activityTasks.poll());
        }
    }, Optional.empty(), "000000000000", clock, random);

    private JsonNode call(String operation, String document)
            throws Exception
    {
        Map<String, List<String>> headers = new LinkedHashMap<>(Map.of("Host", List.of("localhost:4566"), "X-Amz-Target",
                List.of("AWSStepFunctions." + operation), "Content-Type", List.of("application/x-amz-json-1.0")));
        RecordedResponse answer = new RecordedResponse();
        service.handle(new AwsRequest("POST", "/", "", headers, new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), "127.0.0.1"),
                new Authenticator.Caller("test", "us-east-1"), answer);
        assertThat(answer.status()).isEqualTo(200);
        return JSON.readTree(answer.text());
    }

    private ServiceException error(String operation, String document)
    {
        return catchThrowableOfType(ServiceException.class, () -> call(operation, document));
    }

    private String create(String name, String definition)
            throws Exception
    {
        return call("CreateStateMachine", JSON.createObjectNode().put("name", name).put("definition", definition).put("roleArn", ROLE).toString())
                .path("stateMachineArn").asText();
    }

    @Test
    void startExecutionStoresItRunningHandsItOverAndIsIdempotentOnNameAndInput()
            throws Exception
    {
        create("m", PASS);
        JsonNode first = call("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\",\"input\":\"{\\\"a\\\":1}\"}");
        String arn = "arn:aws:states:us-east-1:000000000000:execution:m:e";
        assertThat(first.path("executionArn").asText()).isEqualTo(arn);
        assertThat(first.path("startDate").asDouble()).isEqualTo(1_790_000_000.0);
        RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        StateMachineExecution stored = executions.get(arn).orElseThrow();
        assertThat(stored).isEqualTo(new StateMachineExecution(arn, MACHINE, "e", "RUNNING", "{\"a\":1}", PASS, ROLE, 1_790_000_000_000L, 0,
                Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(started).containsExactly(stored);

        clock.advance(1000);
        assertThat(call("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\",\"input\":\"{\\\"a\\\":1}\"}")).isEqualTo(first);
        assertThat(started).hasSize(1);
        assertThat(error("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\",\"input\":\"{}\"}").errorCode())
                .isEqualTo("ExecutionAlreadyExists");
        executions.put(arn, stored.ended("SUCCEEDED", clock.millis(), Optional.of("{}"), Optional.empty(), Optional.empty()));
        assertThat(error("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\",\"input\":\"{\\\"a\\\":1}\"}").getMessage())
                .isEqualTo("Execution Already Exists: '" + arn + "' (closed; a name is used once per state machine)");
    }

    @Test
    void testStateHandsTheCheckedRequestToTheEngineAndAnswersAtTheLevelAsked()
            throws Exception
    {
        JsonNode debug = call("TestState", """
                {"definition": "{\\"Type\\": \\"Pass\\", \\"End\\": true}", "input": "{\\"a\\": 1}", "inspectionLevel": "DEBUG",
                 "variables": "{\\"v\\": 2}", "context": "{\\"Custom\\": 3}", "stateName": "S",
                 "mock": {"errorOutput": {"error": "E", "cause": "c"}}, "stateConfiguration": {"retrierRetryCount": 1}}""");

        assertThat(debug).isEqualTo(JSON.readTree("""
                {"output": "{\\"a\\":1}", "error": "E", "cause": "c", "inspectionData": {"input": "{}", "errorDetails": {"catchIndex": 0}},
                 "nextState": "Recover", "status": "CAUGHT_ERROR"}"""));
        StateTest test = stateTests.get(0);
        assertThat(test.executionArn()).startsWith("arn:aws:states:us-east-1:000000000000:execution:TestState:");
        assertThat(test).isEqualTo(new StateTest("{\"Type\": \"Pass\", \"End\": true}", Optional.of("S"), test.executionArn(), "", "{\"a\": 1}",
                "{\"v\": 2}", Optional.of(new StateTest.Mock(Optional.empty(), "E", "c", "STRICT")), Optional.of("{\"Custom\": 3}"), Optional.of(1)));
        assertThat(call("TestState", "{\"definition\": \"{}\", \"roleArn\": \"" + ROLE + "\"}").has("inspectionData")).isFalse();
    }

    @Test
    void testStateRefusesWhatItCannotApply()
    {
        assertThat(error("TestState", "{\"definition\": \"{}\"}").getMessage())
                .isEqualTo("TestState needs a roleArn when it has no mock: give the role the state runs with, or mock its result");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"input\": \"{\"}").errorCode()).isEqualTo("InvalidExecutionInput");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"roleArn\": \"role\"}").errorCode()).isEqualTo("InvalidArn");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"inspectionLevel\": \"ALL\"}").errorCode()).isEqualTo("ValidationException");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"variables\": \"[1]\"}").getMessage())
                .isEqualTo("The variables must be a JSON object, not [1]");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"mock\": {}}").getMessage()).isEqualTo("A mock has either a result or an errorOutput, not neither");
        assertThat(error("TestState", "{\"definition\": \"{}\", \"stateConfiguration\": {\"mapIterationFailureCount\": 1}}").getMessage())
                .isEqualTo("lakestack does not apply stateConfiguration.mapIterationFailureCount: it tests Map and Parallel states with a mocked result only; "
                        + "test without it");
        assertThat(stateTests).isEmpty();
    }

    @Test
    void redriveExecutionRestartsAnEndedStandardExecutionWithinFourteenDaysOnce()
            throws Exception
    {
        create("m", PASS);
        RecordStore<StateMachineExecution> executions = stores.open(StepFunctions.EXECUTIONS_STORE, StateMachineExecution.class);
        String old = failed(executions, "old");
        assertThat(redriveFields(old)).isEqualTo("{\"redriveCount\":0,\"redriveStatus\":\"REDRIVABLE\"}");
        clock.advance(Duration.ofDays(14).toMillis() + 1);
        assertThat(redriveFields(old)).isEqualTo("{\"redriveCount\":0,\"redriveStatus\":\"NOT_REDRIVABLE\","
                + "\"redriveStatusReason\":\"Execution redrivable period exceeded.\"}");
        ServiceException expired = error("RedriveExecution", "{\"executionArn\":\"" + old + "\"}");
        assertThat(expired.errorCode()).isEqualTo("ExecutionNotRedrivable");
        assertThat(expired.getMessage()).isEqualTo("Execution '" + old + "' cannot be redriven: Execution redrivable period exceeded.");

        String arn = failed(executions, "e");
        clock.advance(1000);
        JsonNode answer = call("RedriveExecution", "{\"executionArn\":\"" + arn + "\",\"clientToken\":\"t1\"}");
        assertThat(answer.path("redriveDate").asDouble()).isEqualTo(clock.millis() / 1000.0);
        StateMachineExecution stored = executions.get(arn).orElseThrow();
        assertThat(stored.status()).isEqualTo("RUNNING");
        assertThat(stored.redriveCount()).isEqualTo(1);
        assertThat(stored.redriveMillis()).isEqualTo(clock.millis());
        assertThat(stored.redriveTokens()).containsExactly("t1");
        assertThat(redriven).containsExactly(stored);
        // the same token: the same redrive; another while it runs: refused
        clock.advance(1000);
        assertThat(call("RedriveExecution", "{\"executionArn\":\"" + arn + "\",\"clientToken\":\"t1\"}")).isEqualTo(answer);
        assertThat(redriven).hasSize(1);
        assertThat(error("RedriveExecution", "{\"executionArn\":\"" + arn + "\",\"clientToken\":\"t2\"}").getMessage())
                .isEqualTo("Execution '" + arn + "' cannot be redriven: Execution is RUNNING and cannot be redriven.");
        assertThat(redriveFields(arn)).isEqualTo("{\"redriveCount\":1,\"redriveDate\":" + answer.path("redriveDate") + ","
                + "\"redriveStatus\":\"NOT_REDRIVABLE\",\"redriveStatusReason\":\"Execution is RUNNING and cannot be redriven.\"}");

        JsonNode listed = call("ListExecutions", "{\"stateMachineArn\":\"" + MACHINE + "\",\"redriveFilter\":\"REDRIVEN\"}").path("executions");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).path("name").asText()).isEqualTo("e");
        assertThat(listed.get(0).path("redriveCount").asInt()).isEqualTo(1);
        assertThat(listed.get(0).path("redriveDate")).isEqualTo(answer.path("redriveDate"));
        JsonNode notRedriven = call("ListExecutions", "{\"stateMachineArn\":\"" + MACHINE + "\",\"redriveFilter\":\"NOT_REDRIVEN\"}").path("executions");
        assertThat(notRedriven.findValuesAsText("name")).containsExactly("old");

        StateMachineExecution many = executions.get(failed(executions, "many")).orElseThrow();
        executions.put(many.executionArn(), new StateMachineExecution(many.executionArn(), MACHINE, "many", "FAILED", "{}", PASS, ROLE, many.startMillis(),
                many.stopMillis(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), null, 1000, clock.millis(),
                List.of()));
        assertThat(error("RedriveExecution", "{\"executionArn\":\"" + many.executionArn() + "\"}").getMessage()).isEqualTo("Execution '"
                + many.executionArn() + "' cannot be redriven: Execution has been redriven 1000 times, the most allowed.");
        String inMap = failed(executions, "in-a-map-run");
        assertThat(error("RedriveExecution", "{\"executionArn\":\"" + inMap + "\"}").getMessage())
                .isEqualTo("Execution '" + inMap + "' cannot be redriven: it ended in a distributed Map.");
        String missing = MACHINE.replace("stateMachine", "execution") + ":missing";
        assertThat(error("RedriveExecution", "{\"executionArn\":\"" + missing + "\"}").errorCode()).isEqualTo("ExecutionDoesNotExist");
        call("DeleteStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\"}");
        assertThat(error("RedriveExecution", "{\"executionArn\":\"" + inMap + "\"}").getMessage())
                .isEqualTo("Execution '" + inMap + "' cannot be redriven: State machine " + MACHINE + " does not exist anymore.");
        assertThat(redriven).hasSize(1);
    }

    /** An execution of {@code m} started and failed now. */
    private String failed(RecordStore<StateMachineExecution> executions, String name)
            throws Exception
    {
        String arn = call("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"" + name + "\"}").path("executionArn").asText();
        executions.put(arn, executions.get(arn).orElseThrow().ended("FAILED", clock.millis(), Optional.empty(), Optional.of("Boom"), Optional.empty()));
        return arn;
    }

    /** DescribeExecution's redrive fields. */
    private String redriveFields(String arn)
            throws Exception
    {
        JsonNode described = call("DescribeExecution", "{\"executionArn\":\"" + arn + "\"}");
        var fields = JSON.createObjectNode();
        List.of("redriveCount", "redriveDate", "redriveStatus", "redriveStatusReason").stream().filter(described::has)
                .forEach(field -> fields.set(field, described.get(field)));
        return fields.toString();
    }

    @Test
    void historyIsPagedReversedAndStrippedOfData()
            throws Exception
    {
        create("m", PASS);
        call("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"name\":\"e\"}");
        String arn = "arn:aws:states:us-east-1:000000000000:execution:m:e";
        RecordStore<HistoryPage> history = stores.open(StepFunctions.HISTORY_STORE, HistoryPage.class);
        // two pages: the events of one write, then one more
        history.put(StepFunctions.historyKey(arn, 1), new HistoryPage(List.of(
                new HistoryRecord(1, 0, "ExecutionStarted", 1_790_000_000_000L, "{\"input\":\"{}\",\"roleArn\":\"" + ROLE + "\"}"),
                new HistoryRecord(2, 1, "PassStateEntered", 1_790_000_000_001L, "{\"name\":\"P\",\"input\":\"{}\"}"))));
        history.put(StepFunctions.historyKey(arn, 10), new HistoryPage(List.of(
                new HistoryRecord(10, 2, "PassStateExited", 1_790_000_000_002L, "{\"name\":\"P\",\"output\":\"{}\"}"))));

        JsonNode page = call("GetExecutionHistory", "{\"executionArn\":\"" + arn + "\",\"maxResults\":2}");
        assertThat(page.path("events").findValuesAsText("type")).containsExactly("ExecutionStarted", "PassStateEntered");
        assertThat(page.path("events").get(0).path("executionStartedEventDetails").path("roleArn").asText()).isEqualTo(ROLE);
        JsonNode rest = call("GetExecutionHistory", "{\"executionArn\":\"" + arn + "\",\"maxResults\":2,\"nextToken\":\"" + page.path("nextToken").asText() + "\"}");
        assertThat(rest.path("events").findValuesAsText("type")).containsExactly("PassStateExited");
        assertThat(rest.path("events").get(0).path("stateExitedEventDetails").path("output").asText()).isEqualTo("{}");
        assertThat(rest.has("nextToken")).isFalse();

        JsonNode reversed = call("GetExecutionHistory", "{\"executionArn\":\"" + arn + "\",\"reverseOrder\":true,\"includeExecutionData\":false}");
        assertThat(reversed.path("events").findValuesAsText("type")).containsExactly("PassStateExited", "PassStateEntered", "ExecutionStarted");
        assertThat(reversed.path("events").get(0).path("stateExitedEventDetails").toString()).isEqualTo("{\"name\":\"P\"}");
    }

    @Test
    void taskCallbacksAreCheckedThenHandedToTheEngine()
            throws Exception
    {
        assertThat(call("SendTaskSuccess", "{\"taskToken\":\"t1\",\"output\":\"{\\\"a\\\":1}\"}").size()).isZero();
        call("SendTaskFailure", "{\"taskToken\":\"t2\",\"error\":\"E\",\"cause\":\"C\"}");
        call("SendTaskFailure", "{\"taskToken\":\"t3\"}");
        call("SendTaskHeartbeat", "{\"taskToken\":\"t4\"}");
        assertThat(callbacks).containsExactly("success t1 {\"a\":1}", "failure t2 Optional[E] Optional[C]", "failure t3 Optional.empty Optional.empty",
                "heartbeat t4");

        assertThat(error("SendTaskSuccess", "{\"taskToken\":\"t\",\"output\":\"{not json\"}").errorCode()).isEqualTo("InvalidOutput");
        assertThat(error("SendTaskSuccess", "{\"taskToken\":\"t\",\"output\":\"\"}").getMessage())
                .isEqualTo("Invalid Output: the output is empty; it must be a JSON value");
        assertThat(error("SendTaskSuccess", "{\"taskToken\":\"t\"}").errorCode()).isEqualTo("ValidationException");
        assertThat(error("SendTaskHeartbeat", "{}").errorCode()).isEqualTo("ValidationException");
        assertThat(error("SendTaskHeartbeat", "{\"taskToken\":\"\"}").errorCode()).isEqualTo("ValidationException");
        assertThat(error("SendTaskHeartbeat", "{\"taskToken\":\"" + "t".repeat(2049) + "\"}").errorCode()).isEqualTo("ValidationException");
        assertThat(error("SendTaskFailure", "{\"taskToken\":\"t\",\"error\":\"" + "e".repeat(257) + "\"}").errorCode())
                .isEqualTo("ValidationException");
        assertThat(callbacks).hasSize(4);
    }

    @Test
    void invalidRequestsAreRefusedWithAwsErrorNames()
            throws Exception
    {
        assertThat(error("CreateStateMachine", "{\"name\":\"m\",\"definition\":\"{\\\"Bad\\\":1}\",\"roleArn\":\"" + ROLE + "\"}").getMessage())
                .isEqualTo("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: bad at /States/Bad'");
        assertThat(error("CreateStateMachine", "{\"name\":\"a/b\",\"definition\":\"" + PASS.replace("\"", "\\\"") + "\",\"roleArn\":\"" + ROLE + "\"}")
                .errorCode()).isEqualTo("InvalidName");
        assertThat(error("CreateStateMachine", "{\"name\":\"m\",\"definition\":\"" + PASS.replace("\"", "\\\"") + "\",\"roleArn\":\"" + ROLE
                + "\",\"loggingConfiguration\":{\"level\":\"ERROR\"}}").errorCode()).isEqualTo("InvalidLoggingConfiguration");
        assertThat(error("DescribeStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\"}").getMessage())
                .isEqualTo("State Machine Does Not Exist: '" + MACHINE + "'");
        assertThat(error("DescribeExecution", "{\"executionArn\":\"" + MACHINE + "\"}").errorCode()).isEqualTo("InvalidArn");
        create("m", PASS);
        assertThat(error("StartExecution", "{\"stateMachineArn\":\"" + MACHINE + "\",\"input\":\"[1,\"}").errorCode()).isEqualTo("InvalidExecutionInput");
        assertThat(error("StartSyncExecution", "{\"stateMachineArn\":\"" + MACHINE + "\"}").errorCode()).isEqualTo("StateMachineTypeNotSupported");
        assertThat(error("UpdateStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\"}").errorCode()).isEqualTo("MissingRequiredParameter");
        assertThat(started).isEmpty();
    }

    @Test
    void activitiesAreCreatedIdempotentlyDescribedListedTaggedAndDeleted()
            throws Exception
    {
        String arn = "arn:aws:states:us-east-1:000000000000:activity:worker-a";
        JsonNode created = call("CreateActivity", "{\"name\":\"worker-a\",\"tags\":[{\"key\":\"team\",\"value\":\"data\"}]}");
        assertThat(created.toString()).isEqualTo("{\"activityArn\":\"" + arn + "\",\"creationDate\":1.79E9}");
        clock.advance(5000);
        // the same name answers the same activity with its creation date, whatever the tags, as on AWS
        assertThat(call("CreateActivity", "{\"name\":\"worker-a\",\"tags\":[{\"key\":\"team\",\"value\":\"other\"}]}")).isEqualTo(created);
        call("CreateActivity", "{\"name\":\"worker-b\"}");
        call("CreateActivity", "{\"name\":\"worker-c\"}");

        JsonNode described = call("DescribeActivity", "{\"activityArn\":\"" + arn + "\"}");
        assertThat(described.toString()).isEqualTo("{\"activityArn\":\"" + arn + "\",\"name\":\"worker-a\",\"creationDate\":1.79E9,"
                + "\"encryptionConfiguration\":{\"type\":\"AWS_OWNED_KEY\"}}");
        JsonNode page = call("ListActivities", "{\"maxResults\":2}");
        assertThat(page.path("activities").findValuesAsText("name")).containsExactly("worker-a", "worker-b");
        JsonNode rest = call("ListActivities", "{\"maxResults\":2,\"nextToken\":\"" + page.path("nextToken").asText() + "\"}");
        assertThat(rest.path("activities").findValuesAsText("name")).containsExactly("worker-c");
        assertThat(rest.path("activities").get(0).path("creationDate").asDouble()).isEqualTo(1_790_000_005.0);
        assertThat(rest.has("nextToken")).isFalse();

        assertThat(call("ListTagsForResource", "{\"resourceArn\":\"" + arn + "\"}").toString())
                .isEqualTo("{\"tags\":[{\"key\":\"team\",\"value\":\"data\"}]}");
        call("TagResource", "{\"resourceArn\":\"" + arn + "\",\"tags\":[{\"key\":\"stage\",\"value\":\"it\"}]}");
        call("UntagResource", "{\"resourceArn\":\"" + arn + "\",\"tagKeys\":[\"team\"]}");
        assertThat(call("ListTagsForResource", "{\"resourceArn\":\"" + arn + "\"}").toString())
                .isEqualTo("{\"tags\":[{\"key\":\"stage\",\"value\":\"it\"}]}");

        call("DeleteActivity", "{\"activityArn\":\"" + arn + "\"}");
        // deleting it again succeeds, as on AWS
        call("DeleteActivity", "{\"activityArn\":\"" + arn + "\"}");
        assertThat(error("DescribeActivity", "{\"activityArn\":\"" + arn + "\"}").getMessage()).isEqualTo("Activity Does Not Exist: '" + arn + "'");
        assertThat(error("ListTagsForResource", "{\"resourceArn\":\"" + arn + "\"}").errorCode()).isEqualTo("ResourceNotFound");
    }

    @Test
    void getActivityTaskLongPollsTheEngineAndAnswersWithoutATokenWhenNoneCame()
            throws Exception
    {
        String arn = "arn:aws:states:us-east-1:000000000000:activity:w";
        call("CreateActivity", "{\"name\":\"w\"}");
        activityTasks.add(new ActivityTask("token-1", "{\"n\":1}"));
        assertThat(call("GetActivityTask", "{\"activityArn\":\"" + arn + "\",\"workerName\":\"w1\"}").toString())
                .isEqualTo("{\"taskToken\":\"token-1\",\"input\":\"{\\\"n\\\":1}\"}");
        assertThat(call("GetActivityTask", "{\"activityArn\":\"" + arn + "\"}").toString()).isEqualTo("{}");
        assertThat(polls).containsExactly(arn + " w1 PT1M", arn + "  PT1M");
    }

    @Test
    void activityRequestsAreRefusedWithAwsErrorNames()
    {
        assertThat(error("CreateActivity", "{\"name\":\"a b\"}").getMessage()).isEqualTo("Invalid Name: 'a b' (a name has no whitespace, "
                + "brackets < > { } [ ], wildcards ? *, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /)");
        assertThat(error("CreateActivity", "{\"name\":\"" + "a".repeat(81) + "\"}").errorCode()).isEqualTo("InvalidName");
        assertThat(error("CreateActivity", "{\"name\":\"x*\"}").errorCode()).isEqualTo("InvalidName");
        assertThat(error("CreateActivity", "{\"name\":\"k\",\"encryptionConfiguration\":{\"type\":\"CUSTOMER_MANAGED_KMS_KEY\"}}").errorCode())
                .isEqualTo("InvalidEncryptionConfiguration");
        assertThat(error("DescribeActivity", "{\"activityArn\":\"" + MACHINE + "\"}").getMessage()).isEqualTo("Invalid Arn: '" + MACHINE
                + "' is not an activity ARN (arn:aws:states:<region>:<account>:activity:<name>)");
        String missing = "arn:aws:states:us-east-1:000000000000:activity:nope";
        assertThat(error("GetActivityTask", "{\"activityArn\":\"" + missing + "\"}").errorCode()).isEqualTo("ActivityDoesNotExist");
        assertThat(error("DeleteActivity", "{\"activityArn\":\"not-an-arn\"}").errorCode()).isEqualTo("InvalidArn");
        assertThat(polls).isEmpty();
    }

    @Test
    void versionsArePublishedIdempotentlyCheckedByRevisionAndNeverNumberedTwice()
            throws Exception
    {
        String second = PASS.replace("\"P\"", "\"Q\"");
        JsonNode created = call("CreateStateMachine", JSON.createObjectNode().put("name", "m").put("definition", PASS).put("roleArn", ROLE)
                .put("publish", true).put("versionDescription", "first").toString());
        assertThat(created.path("stateMachineVersionArn").asText()).isEqualTo(MACHINE + ":1");
        clock.advance(1000);
        // publishing the revision a version was published from answers that version
        assertThat(call("PublishStateMachineVersion", "{\"stateMachineArn\":\"" + MACHINE + "\",\"revisionId\":\"INITIAL\"}").toString())
                .isEqualTo("{\"stateMachineVersionArn\":\"" + MACHINE + ":1\",\"creationDate\":1.79E9}");
        assertThat(error("PublishStateMachineVersion", "{\"stateMachineArn\":\"" + MACHINE + "\",\"revisionId\":\"other\"}").errorCode())
                .isEqualTo("ConflictException");
        assertThat(error("UpdateStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\",\"roleArn\":\"" + ROLE + "\",\"versionDescription\":\"x\"}")
                .errorCode()).isEqualTo("ValidationException");

        JsonNode updated = call("UpdateStateMachine", JSON.createObjectNode().put("stateMachineArn", MACHINE).put("definition", second)
                .put("publish", true).toString());
        assertThat(updated.path("stateMachineVersionArn").asText()).isEqualTo(MACHINE + ":2");
        String revision = updated.path("revisionId").asText();
        assertThat(call("DescribeStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\"}").path("revisionId").asText()).isEqualTo(revision);
        JsonNode first = call("DescribeStateMachine", "{\"stateMachineArn\":\"" + MACHINE + ":1\"}");
        assertThat(first.path("stateMachineArn").asText()).isEqualTo(MACHINE + ":1");
        assertThat(first.path("definition").asText()).isEqualTo(PASS);
        assertThat(first.path("description").asText()).isEqualTo("first");
        assertThat(call("DescribeStateMachine", "{\"stateMachineArn\":\"" + MACHINE + ":2\"}").path("definition").asText()).isEqualTo(second);
        assertThat(call("ListStateMachineVersions", "{\"stateMachineArn\":\"" + MACHINE + "\"}").path("stateMachineVersions")
                .findValuesAsText("stateMachineVersionArn")).containsExactly(MACHINE + ":2", MACHINE + ":1");

        call("DeleteStateMachineVersion", "{\"stateMachineVersionArn\":\"" + MACHINE + ":2\"}");
        assertThat(error("DescribeStateMachine", "{\"stateMachineArn\":\"" + MACHINE + ":2\"}").errorCode()).isEqualTo("ResourceNotFound");
        call("UpdateStateMachine", JSON.createObjectNode().put("stateMachineArn", MACHINE).put("definition", PASS).toString());
        // the number of a deleted version is not used again
        assertThat(call("PublishStateMachineVersion", "{\"stateMachineArn\":\"" + MACHINE + "\"}").path("stateMachineVersionArn").asText())
                .isEqualTo(MACHINE + ":3");
        assertThat(error("PublishStateMachineVersion", "{\"stateMachineArn\":\"" + MACHINE + "\",\"revisionId\":\"" + revision + "\"}").errorCode())
                .isEqualTo("ConflictException");
    }

    @Test
    void anAliasRoutesEachExecutionByItsWeightsWithTheDrawOfTheRandomSource()
            throws Exception
    {
        String second = PASS.replace("\"P\"", "\"Q\"");
        call("CreateStateMachine", JSON.createObjectNode().put("name", "m").put("definition", PASS).put("roleArn", ROLE).put("publish", true).toString());
        call("UpdateStateMachine", JSON.createObjectNode().put("stateMachineArn", MACHINE).put("definition", second).put("publish", true).toString());
        String routing = "[{\"stateMachineVersionArn\":\"" + MACHINE + ":1\",\"weight\":30},{\"stateMachineVersionArn\":\"" + MACHINE
                + ":2\",\"weight\":70}]";
        JsonNode alias = call("CreateStateMachineAlias", "{\"name\":\"live\",\"routingConfiguration\":" + routing + "}");
        String aliasArn = MACHINE + ":live";
        assertThat(alias.path("stateMachineAliasArn").asText()).isEqualTo(aliasArn);
        // the same request again is the same alias; another routing under that name conflicts
        assertThat(call("CreateStateMachineAlias", "{\"name\":\"live\",\"routingConfiguration\":" + routing + "}")).isEqualTo(alias);
        assertThat(error("CreateStateMachineAlias", "{\"name\":\"live\",\"routingConfiguration\":[{\"stateMachineVersionArn\":\"" + MACHINE
                + ":1\",\"weight\":100}]}").errorCode()).isEqualTo("ConflictException");
        assertThat(error("CreateStateMachineAlias", "{\"name\":\"half\",\"routingConfiguration\":[{\"stateMachineVersionArn\":\"" + MACHINE
                + ":1\",\"weight\":90}]}").getMessage()).isEqualTo("The weights of the routing configuration sum to 90; they must sum to 100");
        assertThat(error("CreateStateMachineAlias", "{\"name\":\"12\",\"routingConfiguration\":" + routing + "}").errorCode()).isEqualTo("InvalidName");
        assertThat(error("CreateStateMachineAlias", "{\"name\":\"gone\",\"routingConfiguration\":[{\"stateMachineVersionArn\":\"" + MACHINE
                + ":9\",\"weight\":100}]}").errorCode()).isEqualTo("ResourceNotFound");

        draws.addAll(List.of(0, 29, 30, 99));
        for (int i = 0; i < 4; i++) {
            call("StartExecution", "{\"stateMachineArn\":\"" + aliasArn + "\",\"name\":\"e" + i + "\"}");
        }
        assertThat(started.stream().map(execution -> execution.versionArn().orElseThrow()).toList())
                .containsExactly(MACHINE + ":1", MACHINE + ":1", MACHINE + ":2", MACHINE + ":2");
        assertThat(started.stream().map(StateMachineExecution::definition).toList()).containsExactly(PASS, PASS, second, second);
        assertThat(started).allSatisfy(execution -> {
            assertThat(execution.aliasArn()).contains(aliasArn);
            assertThat(execution.stateMachineArn()).isEqualTo(MACHINE);
        });
        JsonNode described = call("DescribeExecution", "{\"executionArn\":\"arn:aws:states:us-east-1:000000000000:execution:m:e0\"}");
        assertThat(described.path("stateMachineVersionArn").asText()).isEqualTo(MACHINE + ":1");
        assertThat(described.path("stateMachineAliasArn").asText()).isEqualTo(aliasArn);
        assertThat(call("ListExecutions", "{\"stateMachineArn\":\"" + MACHINE + ":2\"}").path("executions").findValuesAsText("name"))
                .containsExactlyInAnyOrder("e2", "e3");

        // a version an alias routes to is kept; routed elsewhere, it can be deleted
        assertThat(error("DeleteStateMachineVersion", "{\"stateMachineVersionArn\":\"" + MACHINE + ":1\"}").errorCode()).isEqualTo("ConflictException");
        call("UpdateStateMachineAlias", "{\"stateMachineAliasArn\":\"" + aliasArn + "\",\"routingConfiguration\":[{\"stateMachineVersionArn\":\""
                + MACHINE + ":2\",\"weight\":100}]}");
        draws.add(0);
        call("StartExecution", "{\"stateMachineArn\":\"" + aliasArn + "\",\"name\":\"e4\"}");
        assertThat(started.get(4).versionArn()).contains(MACHINE + ":2");
        call("DeleteStateMachineVersion", "{\"stateMachineVersionArn\":\"" + MACHINE + ":1\"}");

        call("DeleteStateMachine", "{\"stateMachineArn\":\"" + MACHINE + "\"}");
        assertThat(stores.open(StepFunctions.VERSIONS_STORE, StateMachineVersion.class).all()).isEmpty();
        assertThat(stores.open(StepFunctions.ALIASES_STORE, StateMachineAlias.class).all()).isEmpty();
        assertThat(draws).isEmpty();
    }
}
