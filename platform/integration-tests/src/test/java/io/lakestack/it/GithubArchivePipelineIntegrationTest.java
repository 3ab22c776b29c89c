package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.githubarchive.GithubArchivePipeline;
import io.lakestack.fixtures.github.GithubEventGenerator;
import io.lakestack.fixtures.github.GithubEventGenerator.GithubEvent;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub archive pipeline as {@code ./lakestack run github-archive} runs it, deployed through the AWS APIs on the
 * real stack: an upload of gzip'd events triggers the Python function, which runs the Hive SQL script from S3 through
 * Athena; a second upload runs it again over both files. Every answer is computed again here from the generator's
 * events.
 */
@LakestackTest
@Order(6)
class GithubArchivePipelineIntegrationTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIRST_HOUR = Instant.parse("2015-01-01T15:00:00Z");
    private static final String BUCKET = "it-github-archive";

    private final TestStack stack;

    GithubArchivePipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void anUploadRunsTheHiveScriptThroughAthenaAndASecondUploadRunsItOverBoth()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        GithubArchivePipeline pipeline = new GithubArchivePipeline(AwsTarget.lakestack(URI.create(stack.endpoint()), TestStack.REGION,
                TestStack.ACCESS_KEY, TestStack.SECRET_KEY), GithubArchivePipeline.Settings.defaults(BUCKET, LambdaPackages.pythonRuntime(),
                "arn:aws:iam::000000000000:role/etl"), new PrintStream(output, true, StandardCharsets.UTF_8));
        pipeline.deploy(Duration.ofMinutes(2));
        GithubEventGenerator generator = new GithubEventGenerator(5);

        List<GithubEvent> first = generator.events(FIRST_HOUR, 1, 300).toList();
        pipeline.upload("2015-01-01-15.json.gz", gzip(first));
        pipeline.awaitRows(300, Duration.ofMinutes(5));
        assertAnswers(pipeline, first);

        List<GithubEvent> second = generator.events(FIRST_HOUR.plus(Duration.ofHours(1)), 301, 200).toList();
        pipeline.upload("2015-01-01-16.json.gz", gzip(second));
        pipeline.awaitRows(500, Duration.ofMinutes(5));
        List<GithubEvent> both = new ArrayList<>(first);
        both.addAll(second);
        assertAnswers(pipeline, both);

        // the nested objects are their JSON text in the string columns, and each event is there once
        AthenaSql.Rows sample = new AthenaSql(stack.athena(), "default", "s3://" + BUCKET + "/athena-results/", Duration.ofMillis(200))
                .query("SELECT id, actor, repo, public, created_at FROM github_orc WHERE id IN ('1', '500') ORDER BY id");
        assertThat(sample.rows()).containsExactly(
                List.of("1", first.get(0).actor(), first.get(0).repo(), "true", "2015-01-01T15:00:00Z"),
                List.of("500", second.get(199).actor(), second.get(199).repo(), "true", "2015-01-01T16:59:42Z"));
        try (SqsClient sqs = stack.client(SqsClient.builder())) {
            String queue = sqs.getQueueUrl(request -> request.queueName("github-archive-etl-failures")).queueUrl();
            assertThat(sqs.receiveMessage(request -> request.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
        }
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("github-archive: uploads of *.gz under s3://it-github-archive/data/github/ trigger the function")
                .contains("github-archive: 500 of 500 rows in github_orc");

        Path directory = Path.of("target", "notebooks").toAbsolutePath();
        JsonNode executed = Notebooks.execute(Notebooks.notebook("github-archive.ipynb"), directory, Map.of(
                "AWS_ENDPOINT_URL", stack.endpoint(),
                "AWS_ACCESS_KEY_ID", TestStack.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", TestStack.SECRET_KEY,
                "AWS_REGION", TestStack.REGION,
                "GITHUB_ARCHIVE_BUCKET", BUCKET));
        List<String> expected = new ArrayList<>();
        eventsPerType(both).forEach(row -> expected.add("events " + row.get(0) + " " + row.get(1)));
        expected.add("saved events-per-type.png");
        expected.add("hour 2015-01-01 15:00:00.000 UTC 300");
        expected.add("hour 2015-01-01 16:00:00.000 UTC 200");
        assertThat(Notebooks.printed(executed)).isEqualTo(expected);
        assertThat(Files.size(directory.resolve("events-per-type.png"))).isGreaterThan(1_000);
    }

    private static void assertAnswers(GithubArchivePipeline pipeline, List<GithubEvent> events)
            throws Exception
    {
        Map<String, AthenaSql.Rows> answers = new HashMap<>();
        for (PipelineQuery query : pipeline.queries()) {
            answers.put(query.name(), pipeline.answer(query));
        }
        assertThat(answers.get("events-per-type").columns()).containsExactly("type", "events");
        assertThat(answers.get("events-per-type").rows()).isEqualTo(eventsPerType(events));
        assertThat(answers.get("top-repositories").columns()).containsExactly("repository", "pushes");
        assertThat(answers.get("top-repositories").rows()).isEqualTo(topRepositories(events));
    }

    private static List<List<String>> eventsPerType(List<GithubEvent> events)
    {
        return counted(events.stream().map(GithubEvent::type).toList(), Integer.MAX_VALUE);
    }

    private static List<List<String>> topRepositories(List<GithubEvent> events)
    {
        return counted(events.stream().filter(event -> event.type().equals("PushEvent")).map(event -> {
            try {
                return JSON.readTree(event.repo()).get("name").asText();
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList(), 10);
    }

    /** The values with how often each comes, most often first, then by value; the first {@code limit}. */
    private static List<List<String>> counted(List<String> values, int limit)
    {
        Map<String, Long> counts = new HashMap<>();
        values.forEach(value -> counts.merge(value, 1L, Long::sum));
        return counts.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Long> entry) -> -entry.getValue()).thenComparing(Map.Entry::getKey))
                .limit(limit)
                .map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue())))
                .toList();
    }

    private static byte[] gzip(List<GithubEvent> events)
            throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GithubEventGenerator.writeGzip(events.stream(), bytes);
        return bytes.toByteArray();
    }
}
