package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.StreamFeed;
import io.lakestack.connectors.pipelines.agentevents.AgentEventsPipeline;
import io.lakestack.fixtures.agentevents.AgentEvent;
import io.lakestack.fixtures.agentevents.AgentEventGenerator;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent events pipeline as {@code ./lakestack run agent-events} runs it, deployed through the AWS APIs on the real
 * stack: generated events on Kinesis, Firehose's Parquet conversion by the catalog table's schema, the analysts'
 * queries through Athena. Every answer is computed again here from the generator's events, not from SQL; records that
 * are not JSON land under the error prefix, each with its bytes; the notebook runs against the same stack.
 */
@LakestackTest
@Order(5)
class AgentEventsPipelineIntegrationTest
{
    private static final int EVENTS = 600;
    private static final long SEED = 11;
    private static final DateTimeFormatter ATHENA_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final List<String> MALFORMED = List.of("{\"EventType\": \"LOGIN\", \"AgentARN\": ", "not json at all", "[1, 2]");

    private final TestStack stack;

    AgentEventsPipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void answersTheAnalystsQueriesExactlyAndKeepsWhatCannotBeConverted()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        AgentEventsPipeline pipeline = new AgentEventsPipeline(AwsTarget.lakestack(URI.create(stack.endpoint()), TestStack.REGION, TestStack.ACCESS_KEY,
                TestStack.SECRET_KEY), AgentEventsPipeline.Settings.defaults("it-agent-events", 1, "arn:aws:iam::000000000000:role/firehose"),
                new PrintStream(output, true, StandardCharsets.UTF_8));
        pipeline.deploy(Duration.ofMinutes(2));

        List<AgentEvent> events = new AgentEventGenerator(SEED).events(EVENTS).toList();
        List<StreamFeed.StreamRecord> records = new ArrayList<>();
        events.forEach(event -> records.add(new StreamFeed.StreamRecord(event.agent().arn(), event.json().getBytes(StandardCharsets.UTF_8))));
        MALFORMED.forEach(record -> records.add(new StreamFeed.StreamRecord("malformed", record.getBytes(StandardCharsets.UTF_8))));
        assertThat(pipeline.feed(records.iterator())).isEqualTo(EVENTS + MALFORMED.size());

        pipeline.awaitDelivered(EVENTS, MALFORMED.size(), Duration.ofMinutes(3));
        assertThat(pipeline.failedRecords()).extracting(failed -> new String(failed.rawData(), StandardCharsets.UTF_8) + " -> " + failed.errorCode())
                .containsExactlyInAnyOrder(
                        MALFORMED.get(0) + " -> DataFormatConversion.MalformedData",
                        MALFORMED.get(1) + " -> DataFormatConversion.MalformedData",
                        MALFORMED.get(2) + " -> DataFormatConversion.TypeMismatch");

        Map<String, AthenaSql.Rows> answers = new TreeMap<>();
        for (PipelineQuery query : pipeline.queries()) {
            answers.put(query.name(), pipeline.answer(query));
        }
        assertThat(answers.keySet()).containsExactly("agent-status", "contact-states", "events-per-type", "logins");
        assertThat(answers.get("events-per-type").columns()).containsExactly("eventtype", "events");
        assertThat(answers.get("events-per-type").rows()).isEqualTo(eventsPerType(events));
        assertThat(answers.get("agent-status").columns()).containsExactly("status", "changes");
        assertThat(answers.get("agent-status").rows()).isEqualTo(statusChanges(events));
        assertThat(answers.get("logins").columns()).containsExactly("username", "login_time");
        assertThat(answers.get("logins").rows()).isEqualTo(logins(events));
        assertThat(answers.get("contact-states").columns()).containsExactly("contactid", "state", "since");
        assertThat(answers.get("contact-states").rows()).isEqualTo(contactStates(events));
        // the generator's events cover every kind the queries distinguish
        assertThat(answers.get("events-per-type").rows()).extracting(row -> row.get(0)).containsExactly("HEART_BEAT", "LOGIN", "LOGOUT", "STATE_CHANGE");
        assertThat(answers.get("contact-states").rows()).extracting(row -> row.get(1))
                .contains("CONNECTING", "CONNECTED", "CONNECTED_ONHOLD", "ENDED", "MISSED");

        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("agent-events: stream arn:aws:kinesis:us-east-1:000000000000:stream/agent-events (2 shards)")
                .contains("agent-events: 600 of 600 rows queryable, 3 records under kfhconnectblog-errors/");

        Path directory = Path.of("target", "notebooks").toAbsolutePath();
        JsonNode executed = Notebooks.execute(Notebooks.notebook("agent-events.ipynb"), directory, Map.of(
                "AWS_ENDPOINT_URL", stack.endpoint(),
                "AWS_ACCESS_KEY_ID", TestStack.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", TestStack.SECRET_KEY,
                "AWS_REGION", TestStack.REGION,
                "AGENT_EVENTS_BUCKET", "it-agent-events"));
        List<String> expected = new ArrayList<>();
        eventsPerType(events).forEach(row -> expected.add("events " + row.get(0) + " " + row.get(1)));
        statusChanges(events).forEach(row -> expected.add("status " + row.get(0) + " " + row.get(1)));
        expected.add("saved agent-status.png");
        logins(events).stream().collect(java.util.stream.Collectors.groupingBy(row -> row.get(0), TreeMap::new, java.util.stream.Collectors.counting()))
                .forEach((username, count) -> expected.add("logins " + username + " " + count));
        expected.add("saved logins.png");
        assertThat(Notebooks.printed(executed)).isEqualTo(expected);
        assertThat(Files.size(directory.resolve("agent-status.png"))).isGreaterThan(1_000);
        assertThat(Files.size(directory.resolve("logins.png"))).isGreaterThan(1_000);
    }

    private static List<List<String>> eventsPerType(List<AgentEvent> events)
    {
        Map<String, Long> counts = new TreeMap<>();
        events.forEach(event -> counts.merge(event.eventType(), 1L, Long::sum));
        return rows(counts);
    }

    private static List<List<String>> statusChanges(List<AgentEvent> events)
    {
        Map<String, Long> counts = new TreeMap<>();
        changes(events).forEach(event -> counts.merge(event.current().status(), 1L, Long::sum));
        return rows(counts);
    }

    private static List<List<String>> logins(List<AgentEvent> events)
    {
        return events.stream()
                .filter(event -> event.eventType().equals("LOGIN"))
                .sorted(Comparator.comparing((AgentEvent event) -> event.agent().username()).thenComparing(AgentEvent::timestamp))
                .map(event -> List.of(event.agent().username(), ATHENA_TIMESTAMP.format(event.timestamp())))
                .toList();
    }

    private static List<List<String>> contactStates(List<AgentEvent> events)
    {
        record Entered(String contactId, String state, Instant since)
        {
        }
        Map<List<String>, Instant> first = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0)).thenComparing(key -> key.get(1)));
        changes(events).forEach(event -> event.current().contacts().forEach(contact ->
                first.merge(List.of(contact.contactId(), contact.state()), contact.stateStart(), (a, b) -> a.isBefore(b) ? a : b)));
        return first.entrySet().stream()
                .map(entry -> new Entered(entry.getKey().get(0), entry.getKey().get(1), entry.getValue()))
                .sorted(Comparator.comparing(Entered::contactId).thenComparing(Entered::since))
                .map(entered -> List.of(entered.contactId(), entered.state(), ATHENA_TIMESTAMP.format(entered.since())))
                .toList();
    }

    private static Stream<AgentEvent> changes(List<AgentEvent> events)
    {
        return events.stream().filter(event -> event.eventType().equals("STATE_CHANGE"));
    }

    private static List<List<String>> rows(Map<String, Long> counts)
    {
        return counts.entrySet().stream().map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue()))).toList();
    }
}
