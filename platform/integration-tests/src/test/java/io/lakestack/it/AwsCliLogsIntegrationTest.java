package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.testing.AwsCli;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AWS CLI v2, unchanged but for --endpoint-url, with {@code aws logs}: put-log-events, get-log-events,
 * filter-log-events (which the CLI pages through itself) and tail, with and without {@code --follow}. Event timestamps
 * are half an hour before the clock read at the start of each test, in whole seconds.
 */
@LakestackTest
@Order(29)
class AwsCliLogsIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How {@code aws logs tail} prints a timestamp in its detailed format. */
    private static final DateTimeFormatter TAIL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private final TestStack stack;
    private AwsCli aws;
    private long base;

    AwsCliLogsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeEach
    void findCli()
    {
        aws = AwsCli.required(stack);
        base = (System.currentTimeMillis() / 1000) * 1000 - 1_800_000;
    }

    @Test
    void putGetFilterAndTail()
            throws Exception
    {
        assertThat(aws.run("logs", "create-log-group", "--log-group-name", "/cli/app")).isEqualTo(new AwsCli.Result(0, "", ""));
        assertThat(aws.run("logs", "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "web")).isEqualTo(new AwsCli.Result(0, "", ""));
        assertThat(aws.run("logs", "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "worker")).isEqualTo(new AwsCli.Result(0, "", ""));

        put("web", "[{\"timestamp\":" + base + ",\"message\":\"GET /home 200\"},{\"timestamp\":" + (base + 2_000) + ",\"message\":\"ERROR GET /cart 500\"}]");
        put("worker", "[{\"timestamp\":" + (base + 1_000) + ",\"message\":\"job 7 started\"},{\"timestamp\":" + (base + 3_000)
                + ",\"message\":\"ERROR job 7 failed\"}]");

        JsonNode events = json("logs", "get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "web", "--start-from-head");
        assertThat(lines(events.get("events"), false)).containsExactly(base + " GET /home 200", (base + 2_000) + " ERROR GET /cart 500");
        assertThat(events.get("nextForwardToken").asText()).matches("f/\\d{56}/s");
        JsonNode caughtUp = json("logs", "get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "web", "--next-token",
                events.get("nextForwardToken").asText());
        assertThat(caughtUp.get("events")).isEmpty();
        assertThat(caughtUp.get("nextForwardToken").asText()).isEqualTo(events.get("nextForwardToken").asText());

        // the CLI pages through FilterLogEvents itself: one event a page here
        JsonNode filtered = json("logs", "filter-log-events", "--log-group-name", "/cli/app", "--filter-pattern", "ERROR", "--page-size", "1");
        assertThat(lines(filtered.get("events"), true)).containsExactly(
                "web " + (base + 2_000) + " ERROR GET /cart 500",
                "worker " + (base + 3_000) + " ERROR job 7 failed");

        AwsCli.Result tail = aws.run("logs", "tail", "/cli/app", "--since", "1h");
        assertThat(tail.exitCode()).isEqualTo(0);
        assertThat(tail.stdout()).isEqualTo(
                TAIL_TIME.format(Instant.ofEpochMilli(base)) + " web GET /home 200\n"
                        + TAIL_TIME.format(Instant.ofEpochMilli(base + 1_000)) + " worker job 7 started\n"
                        + TAIL_TIME.format(Instant.ofEpochMilli(base + 2_000)) + " web ERROR GET /cart 500\n"
                        + TAIL_TIME.format(Instant.ofEpochMilli(base + 3_000)) + " worker ERROR job 7 failed\n");
        assertThat(aws.run("logs", "tail", "/cli/app", "--since", "1h", "--format", "short", "--filter-pattern", "job").stdout()).isEqualTo(
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(base + 1_000)) + " job 7 started\n"
                        + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(base + 3_000))
                        + " ERROR job 7 failed\n");

        AwsCli.Result missing = aws.run("logs", "get-log-events", "--log-group-name", "/cli/nope", "--log-stream-name", "web");
        assertThat(missing.exitCode()).isEqualTo(254);
        assertThat(missing.stderr()).contains("An error occurred (ResourceNotFoundException) when calling the GetLogEvents operation: "
                + "The specified log group does not exist.");
    }

    @Test
    void tailFollowPrintsEventsAsTheyArrive(@TempDir Path work)
            throws Exception
    {
        assertThat(aws.run("logs", "create-log-group", "--log-group-name", "/cli/follow").exitCode()).isEqualTo(0);
        assertThat(aws.run("logs", "create-log-stream", "--log-group-name", "/cli/follow", "--log-stream-name", "s").exitCode()).isEqualTo(0);
        put("/cli/follow", "s", "[{\"timestamp\":" + base + ",\"message\":\"before\"}]");

        Path out = work.resolve("tail.out");
        Path err = work.resolve("tail.err");
        Process follow = aws.start(out, err, "logs", "tail", "/cli/follow", "--since", "1h", "--follow", "--format", "short");
        try {
            String time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(base));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(output(out, err, follow)).isEqualTo(time + " before\n"));
            // tail polls every 5 s from the newest timestamp it printed, and prints each event id once
            put("/cli/follow", "s", "[{\"timestamp\":" + base + ",\"message\":\"same time\"},{\"timestamp\":" + (base + 1_000) + ",\"message\":\"after\"}]");
            String later = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(base + 1_000));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(output(out, err, follow)).isEqualTo(time + " before\n" + time + " same time\n" + later + " after\n"));
            assertThat(follow.isAlive()).isTrue();
        }
        finally {
            follow.destroy();
            if (!follow.waitFor(10, TimeUnit.SECONDS)) {
                follow.destroyForcibly();
            }
        }
    }

    /** What the process printed; fails at once, with its error output, when it ended. */
    private static String output(Path out, Path err, Process process)
            throws Exception
    {
        if (!process.isAlive()) {
            throw new AssertionError("aws logs tail --follow exited with " + process.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private void put(String stream, String events)
            throws Exception
    {
        put("/cli/app", stream, events);
    }

    private void put(String group, String stream, String events)
            throws Exception
    {
        // nothing rejected: the answer is {}, which the CLI prints as nothing
        assertThat(aws.run("logs", "put-log-events", "--log-group-name", group, "--log-stream-name", stream, "--log-events", events))
                .isEqualTo(new AwsCli.Result(0, "", ""));
    }

    private static List<String> lines(JsonNode events, boolean withStream)
    {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : events) {
            lines.add((withStream ? event.get("logStreamName").asText() + " " : "") + event.get("timestamp").asLong() + " " + event.get("message").asText());
        }
        return lines;
    }

    private JsonNode json(String... arguments)
            throws Exception
    {
        AwsCli.Result result = aws.run(arguments);
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isEqualTo(0);
        return JSON.readTree(result.stdout());
    }
}
