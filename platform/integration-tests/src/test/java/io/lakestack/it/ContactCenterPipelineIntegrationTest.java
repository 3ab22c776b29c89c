package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.RestJsonApi;
import io.lakestack.connectors.pipelines.StreamFeed;
import io.lakestack.connectors.pipelines.contactcenter.ContactCenterPipeline;
import io.lakestack.fixtures.contactcenter.ContactTraceRecord;
import io.lakestack.fixtures.contactcenter.ContactTraceRecordGenerator;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contact-center CTR pipeline as {@code ./lakestack run contact-center} runs it, deployed through the AWS APIs on
 * the real stack: CTRs on Kinesis, Firehose's raw delivery (records run together), the S3-triggered Python function
 * flattening them, the crawler, the hourly Python conversion to Parquet through Athena (invoked here rather than
 * awaited), and the analysts' queries. The attribute map grows in the second batch, and the new attribute becomes a
 * struct field after the next conversion. Every answer is computed again here from the generator's records, not from
 * SQL; every record is a flat file or, when it is not a CTR, under the error prefix with its reason; the notebook runs
 * against the same stack.
 */
@LakestackTest
@Order(16)
class ContactCenterPipelineIntegrationTest
{
    private static final int RECORDS = 300;
    private static final long SEED = 17;
    private static final String BUCKET = "it-contact-center";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FLATTENED = Pattern.compile("flattened s3://\\S+: (\\d+) records, (\\d+) errors");

    private final TestStack stack;

    ContactCenterPipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void flattensConvertsAndAnswersExactlyAsAttributesGrow()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        AwsTarget target = AwsTarget.lakestack(URI.create(stack.endpoint()), TestStack.REGION, TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        ContactCenterPipeline pipeline = new ContactCenterPipeline(target, ContactCenterPipeline.Settings.defaults(BUCKET, 1, LambdaPackages.pythonRuntime(),
                "arn:aws:iam::000000000000:role/contact-center"), new PrintStream(output, true, StandardCharsets.UTF_8));
        pipeline.deploy(Duration.ofMinutes(2));

        List<ContactTraceRecord> records = new ContactTraceRecordGenerator(SEED).records(RECORDS).toList();
        int half = (int) ContactTraceRecordGenerator.newAttributesFrom(RECORDS);

        // the first batch: the three attributes every contact flow sets, and two records that are not CTRs
        assertThat(pipeline.feed(batch(records.subList(0, half), List.of("not json at all", "[1, 2]")))).isEqualTo(half + 2);
        pipeline.awaitFlattened(half, 2, Duration.ofMinutes(3));
        ContactCenterPipeline.Conversion first = pipeline.convert();
        assertThat(first.rows()).isEqualTo(half);
        assertThat(pipeline.attributeFields()).isEqualTo("struct<customertier:string,language:string,loyaltylevel:string>");

        // the second batch: the contact flows now set "Survey Score" and "Callback-Requested"
        assertThat(pipeline.feed(batch(records.subList(half, RECORDS), List.of("{\"ContactId\": ", "{\"Channel\":\"VOICE\"}")))).isEqualTo(RECORDS - half + 2);
        pipeline.awaitFlattened(RECORDS, 4, Duration.ofMinutes(3));
        ContactCenterPipeline.Conversion second = pipeline.convert();
        assertThat(second.rows()).isEqualTo(RECORDS);
        assertThat(pipeline.attributeFields())
                .isEqualTo("struct<customertier:string,language:string,loyaltylevel:string,callbackrequested:string,surveyscore:string>");
        assertThat(second.columns()).containsExactly("awsaccountid", "awscontacttracerecordformatversion", "agent", "agentconnectionattempts",
                "attributes", "channel", "contactid", "customerendpoint", "disconnecttimestamp", "initialcontactid", "initiationmethod",
                "initiationtimestamp", "instancearn", "lastupdatetimestamp", "previouscontactid", "queue", "systemendpoint");

        // every record is accounted for: one flat file each, normalised; the raw objects are gone; the rest under errors/
        List<S3Object> flat = stack.s3().listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(ContactCenterPipeline.FLAT_PREFIX)).contents()
                .stream().toList();
        assertThat(flat).extracting(S3Object::key).containsExactlyInAnyOrderElementsOf(
                records.stream().map(record -> ContactCenterPipeline.FLAT_PREFIX + record.contactId() + ".json").toList());
        for (ContactTraceRecord record : List.of(records.get(0), records.get(RECORDS - 1))) {
            assertThat(pipeline.readJson(ContactCenterPipeline.FLAT_PREFIX + record.contactId() + ".json")).isEqualTo(normalised(JSON.readTree(record.json())));
        }
        assertThat(pipeline.objectCount(ContactCenterPipeline.RAW_PREFIX)).isZero();
        assertThat(pipeline.failedRecords()).extracting(failed -> new String(failed.rawData(), StandardCharsets.UTF_8) + " -> " + failed.errorCode())
                .containsExactlyInAnyOrder(
                        "not json at all -> Flatten.MalformedJson",
                        "[1, 2] -> Flatten.NotAnObject",
                        "{\"ContactId\":  -> Flatten.MalformedJson",
                        "{\"Channel\":\"VOICE\"} -> Flatten.NoContactId");
        assertThat(pipeline.failedRecords()).allSatisfy(failed -> assertThat(failed.sourceObject()).startsWith("s3://" + BUCKET + "/raw/"));
        assertThat(pipeline.failedInvocations()).isEmpty();
        // Firehose ran records together: the function split objects holding many
        List<int[]> flattened = flattenedObjects();
        assertThat(flattened.stream().mapToInt(counts -> counts[0]).sum()).isEqualTo(RECORDS);
        assertThat(flattened.stream().mapToInt(counts -> counts[1]).sum()).isEqualTo(4);
        assertThat(flattened.stream().mapToInt(counts -> counts[0]).max().orElse(0)).isGreaterThan(1);

        Map<String, AthenaSql.Rows> answers = new TreeMap<>();
        for (PipelineQuery query : pipeline.queries()) {
            answers.put(query.name(), pipeline.answer(query));
        }
        assertThat(answers.keySet()).containsExactly("calls-per-agent", "calls-per-queue", "calls-per-tier", "survey-scores");
        assertThat(answers.get("calls-per-agent").columns()).containsExactly("username", "calls", "talk_seconds");
        assertThat(answers.get("calls-per-agent").rows()).isEqualTo(callsPerAgent(records));
        assertThat(answers.get("calls-per-queue").columns()).containsExactly("queue", "calls", "abandoned", "queued_seconds");
        assertThat(answers.get("calls-per-queue").rows()).isEqualTo(callsPerQueue(records));
        assertThat(answers.get("calls-per-tier").columns()).containsExactly("customer_tier", "calls");
        assertThat(answers.get("calls-per-tier").rows()).isEqualTo(count(records, record -> record.attributes().get("Customer-Tier")));
        assertThat(answers.get("survey-scores").columns()).containsExactly("survey_score", "calls");
        assertThat(answers.get("survey-scores").rows()).isEqualTo(count(records.stream().filter(record -> record.attributes().containsKey("Survey Score"))
                .toList(), record -> record.attributes().get("Survey Score")));
        assertThat(answers.get("survey-scores").rows()).hasSize(5);
        assertThat(answers.get("calls-per-queue").rows()).extracting(row -> row.get(0)).containsExactly("BasicQueue", "Billing", "Sales", "Support");

        // the hourly schedule exists as its definition says, and S3 may invoke the flatten function
        JsonNode schedule = new RestJsonApi(target, "scheduler").call("GET", "/schedules/contact-center-hourly-parquet", null);
        assertThat(schedule.path("ScheduleExpression").asText()).isEqualTo("rate(1 hour)");
        assertThat(schedule.path("State").asText()).isEqualTo("ENABLED");
        assertThat(schedule.path("Target").path("Arn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:contact-center-convert");
        try (LambdaClient lambda = stack.client(LambdaClient.builder())) {
            JsonNode policy = JSON.readTree(lambda.getPolicy(request -> request.functionName("contact-center-flatten")).policy());
            assertThat(policy.path("Statement").get(0).path("Principal").path("Service").asText()).isEqualTo("s3.amazonaws.com");
            assertThat(policy.path("Statement").get(0).path("Condition").path("ArnLike").path("AWS:SourceArn").asText()).isEqualTo("arn:aws:s3:::" + BUCKET);
        }

        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("contact-center: stream arn:aws:kinesis:us-east-1:000000000000:stream/contact-center-ctr (2 shards)")
                .contains("contact-center: 300 of 300 records under flatfiles/, 4 under errors/, 0 raw objects left")
                .contains("contact-center: converted 150 records to Parquet")
                .contains("contact-center: converted 300 records to Parquet");

        Path directory = Path.of("target", "notebooks").toAbsolutePath();
        JsonNode executed = Notebooks.execute(Notebooks.notebook("contact-center.ipynb"), directory, Map.of(
                "AWS_ENDPOINT_URL", stack.endpoint(),
                "AWS_ACCESS_KEY_ID", TestStack.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", TestStack.SECRET_KEY,
                "AWS_REGION", TestStack.REGION,
                "CONTACT_CENTER_BUCKET", BUCKET));
        List<String> expected = new ArrayList<>();
        callsPerQueue(records).forEach(row -> expected.add("queue " + row.get(0) + " " + row.get(1) + " " + row.get(2)));
        expected.add("saved calls-per-queue.png");
        callsPerAgent(records).stream().sorted(Comparator.comparing((List<String> row) -> -Long.parseLong(row.get(1))).thenComparing(row -> row.get(0)))
                .limit(5).forEach(row -> expected.add("agent " + row.get(0) + " " + row.get(1)));
        expected.add("saved top-agents.png");
        answers.get("survey-scores").rows().forEach(row -> expected.add("survey " + row.get(0) + " " + row.get(1)));
        assertThat(Notebooks.printed(executed)).isEqualTo(expected);
        assertThat(Files.size(directory.resolve("calls-per-queue.png"))).isGreaterThan(1_000);
        assertThat(Files.size(directory.resolve("top-agents.png"))).isGreaterThan(1_000);
    }

    /** The records keyed by contact id, with the fragments that are not CTRs put among them, far apart. */
    private static Iterator<StreamFeed.StreamRecord> batch(List<ContactTraceRecord> records, List<String> malformed)
    {
        List<StreamFeed.StreamRecord> batch = new ArrayList<>();
        int every = records.size() / (malformed.size() + 1);
        for (int i = 0; i < records.size(); i++) {
            batch.add(new StreamFeed.StreamRecord(records.get(i).contactId(), records.get(i).json().getBytes(StandardCharsets.UTF_8)));
            int slot = (i + 1) / every - 1;
            if ((i + 1) % every == 0 && slot < malformed.size()) {
                batch.add(new StreamFeed.StreamRecord("malformed-" + slot, malformed.get(slot).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return batch.iterator();
    }

    /** What the flatten function does to keys, done again in Java: lower case, non-word characters removed, at every depth. */
    private static JsonNode normalised(JsonNode node)
    {
        if (node.isObject()) {
            ObjectNode object = JSON.createObjectNode();
            node.fields().forEachRemaining(field -> object.set(field.getKey().toLowerCase(Locale.ROOT).replaceAll("\\W+", ""), normalised(field.getValue())));
            return object;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode array = JSON.createArrayNode();
            node.forEach(item -> array.add(normalised(item)));
            return array;
        }
        return node;
    }

    /** Per raw object the flatten function's log reports: records written, errors written. */
    private List<int[]> flattenedObjects()
    {
        try (CloudWatchLogsClient logs = stack.client(CloudWatchLogsClient.builder())) {
            return logs.filterLogEventsPaginator(request -> request.logGroupName("/aws/lambda/contact-center-flatten").filterPattern("flattened")).events()
                    .stream().map(FilteredLogEvent::message).map(FLATTENED::matcher).filter(Matcher::find)
                    .map(matcher -> new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))}).toList();
        }
    }

    private static List<List<String>> callsPerAgent(List<ContactTraceRecord> records)
    {
        Map<String, long[]> agents = new TreeMap<>();
        records.stream().flatMap(record -> record.agent().stream()).forEach(agent -> {
            long[] totals = agents.computeIfAbsent(agent.username(), ignored -> new long[2]);
            totals[0]++;
            totals[1] += agent.interactionSeconds();
        });
        return agents.entrySet().stream().map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue()[0]), Long.toString(entry.getValue()[1])))
                .toList();
    }

    private static List<List<String>> callsPerQueue(List<ContactTraceRecord> records)
    {
        Map<String, long[]> queues = new TreeMap<>();
        for (ContactTraceRecord record : records) {
            long[] totals = queues.computeIfAbsent(record.queue().name(), ignored -> new long[3]);
            totals[0]++;
            totals[1] += record.agent().isEmpty() ? 1 : 0;
            totals[2] += record.queue().durationSeconds();
        }
        return queues.entrySet().stream().map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue()[0]), Long.toString(entry.getValue()[1]),
                Long.toString(entry.getValue()[2]))).toList();
    }

    private static List<List<String>> count(List<ContactTraceRecord> records, java.util.function.Function<ContactTraceRecord, String> key)
    {
        return records.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting())).entrySet().stream()
                .map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue()))).toList();
    }
}
