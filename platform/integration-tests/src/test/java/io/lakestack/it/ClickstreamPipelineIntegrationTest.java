package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.clickstream.BatchView;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamPipeline;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import io.lakestack.fixtures.clickstream.ClickEvent;
import io.lakestack.fixtures.clickstream.ClickEventGenerator;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The clickstream lambda architecture as {@code ./lakestack run clickstream} runs it, deployed through the AWS APIs on
 * the real stack: the cluster found through the MSK API, clicks on its Kafka topic, the Kafka Streams speed layer,
 * Firehose's {@code MSKAsSource} delivery to the Parquet master dataset, the batch layer's Athena loop and the HTTP
 * serving layer. Half the clicks go first, and the batch layer writes a view of them; then the rest, and once the speed
 * layer has every click the served totals per product and zipcode are exactly those computed here from the generator's
 * clicks, with both layers contributing: the batch view counts exactly the clicks before its high-water mark, the speed
 * layer the rest. Every click is in the master dataset, none under the error prefix or in the dead-letter topic. Nothing
 * waits for a time to pass: each wait is for a condition, and every answer is exact whenever it is read.
 */
@LakestackTest
@Order(17)
class ClickstreamPipelineIntegrationTest
{
    private static final int CLICKS = 4_000;
    private static final long SEED = 23;
    private static final String BUCKET = "it-clickstream";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private final TestStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    ClickstreamPipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void servesTheBatchAndSpeedLayersMergedExactly()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        AwsTarget target = AwsTarget.lakestack(URI.create(stack.endpoint()), TestStack.REGION, TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
        ClickstreamPipeline.Settings settings = ClickstreamPipeline.Settings.defaults(BUCKET, 1, Duration.ofSeconds(1), 0,
                "arn:aws:iam::000000000000:role/firehose", Optional.empty());
        List<ClickEvent> clicks = new ClickEventGenerator(SEED).events(CLICKS).toList();
        List<ClickEvent> firstHalf = clicks.subList(0, CLICKS / 2);
        Path state = Files.createTempDirectory("clickstream-speed-layer");

        try (ClickstreamPipeline pipeline = new ClickstreamPipeline(target, settings, new PrintStream(output, true, StandardCharsets.UTF_8))) {
            pipeline.deploy(Duration.ofMinutes(2));
            URI url = pipeline.start(state, Duration.ofMinutes(2));

            assertThat(pipeline.feed(json(firstHalf))).isEqualTo(firstHalf.size());
            await("a batch view of some of the first half").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> pipeline.latestBatchView().map(BatchView::clicks).orElse(0L) > 0);
            BatchView firstView = pipeline.latestBatchView().orElseThrow();
            assertThat(firstView.totals()).isEqualTo(totals(clicksBefore(firstHalf, firstView.highWaterMark())));

            assertThat(pipeline.feed(json(clicks.subList(firstHalf.size(), CLICKS)))).isEqualTo(CLICKS - firstHalf.size());
            await("the speed layer to count every click").atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> atMost(pipeline.speedClicks(), "clicks in the speed layer") == CLICKS);

            JsonNode served = get(url.resolve("totals"));
            long mark = served.get("highWaterMarkMillis").asLong();
            assertThat(mark).isGreaterThanOrEqualTo(firstView.highWaterMark());
            assertThat(served.get("batchView").asText()).isEqualTo("batch-views/" + mark + ".tsv");
            assertThat(servedTotals(served)).isEqualTo(totals(clicks));
            long batchCount = served.get("batchCount").asLong();
            assertThat(batchCount).isStrictlyBetween(0L, (long) CLICKS).isEqualTo(clicksBefore(clicks, mark).size());
            assertThat(served.get("speedCount").asLong()).isEqualTo(CLICKS - batchCount);
            assertThat(served.get("deadLetters").asLong()).isZero();

            Key busiest = new Key("product2", ClickEventGenerator.zipcodes().get(0));
            JsonNode one = get(url.resolve("totals?product=product2&zipcode=" + busiest.zipcode()));
            assertThat(servedTotals(one)).containsExactly(Map.entry(busiest, totals(clicks).get(busiest)));

            // every click is accounted for: in the master dataset, none under the error prefix or in the dead-letter topic
            await("every click in the master dataset").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> atMost(pipeline.masterRows(), "rows in the master dataset") == CLICKS);
            assertThat(pipeline.masterErrorObjects()).isZero();
            assertThat(pipeline.deadLetters()).isEmpty();

            // the batch layer catches up to the start of the last click's second, and the answer is still exact
            long lastMark = ClickstreamView.highWaterMark(clicks.get(CLICKS - 1).timestamp());
            await("the batch view of the last click's second").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> pipeline.latestBatchView().map(BatchView::highWaterMark).orElse(0L) == lastMark);
            JsonNode caughtUp = get(url.resolve("totals"));
            assertThat(caughtUp.get("highWaterMarkMillis").asLong()).isEqualTo(lastMark);
            assertThat(servedTotals(caughtUp)).isEqualTo(totals(clicks));
            assertThat(caughtUp.get("batchCount").asLong()).isEqualTo(clicksBefore(clicks, lastMark).size()).isLessThan(CLICKS);
            assertThat(caughtUp.get("speedCount").asLong()).isEqualTo(CLICKS - clicksBefore(clicks, lastMark).size()).isPositive();
        }

        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("clickstream: MSK cluster arn:aws:kafka:us-east-1:000000000000:cluster/lakestack/")
                .contains("clickstream: topics clickstream and clickstream-dlq (1 partition each)")
                .contains("clickstream: delivery stream clickstream-master: topic clickstream -> Parquet (SNAPPY) under s3://it-clickstream/master/");

        Path directory = Path.of("target", "notebooks").toAbsolutePath();
        JsonNode executed = Notebooks.execute(Notebooks.notebook("clickstream.ipynb"), directory, Map.of(
                "AWS_ENDPOINT_URL", stack.endpoint(),
                "AWS_ACCESS_KEY_ID", TestStack.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", TestStack.SECRET_KEY,
                "AWS_REGION", TestStack.REGION,
                "CLICKSTREAM_BUCKET", BUCKET));
        List<String> expected = new ArrayList<>();
        Map<String, Totals> perProduct = new TreeMap<>();
        totals(clicks).forEach((key, value) -> perProduct.merge(key.product(), value, Totals::plus));
        perProduct.forEach((product, value) -> expected.add("revenue " + product + " " + value.revenue() + " " + value.count()));
        expected.add("saved revenue-per-product.png");
        assertThat(Notebooks.printed(executed)).isEqualTo(expected);
        assertThat(perProduct.keySet()).containsExactlyInAnyOrderElementsOf(ClickEventGenerator.products());
        assertThat(Files.size(directory.resolve("revenue-per-product.png"))).isGreaterThan(1_000);
    }

    /** The view computed here, click by click, without the pipeline's code. */
    private static Map<Key, Totals> totals(List<ClickEvent> clicks)
    {
        Map<Key, long[]> sums = new TreeMap<>();
        for (ClickEvent click : clicks) {
            long[] sum = sums.computeIfAbsent(new Key(click.productName(), click.zipcode()), ignored -> new long[2]);
            sum[0] += click.price();
            sum[1]++;
        }
        Map<Key, Totals> totals = new TreeMap<>();
        sums.forEach((key, sum) -> totals.put(key, new Totals(sum[0], sum[1])));
        return totals;
    }

    private static List<ClickEvent> clicksBefore(List<ClickEvent> clicks, long mark)
    {
        return clicks.stream().filter(click -> click.timestamp().toEpochMilli() < mark).toList();
    }

    private static Map<Key, Totals> servedTotals(JsonNode answer)
    {
        Map<Key, Totals> totals = new TreeMap<>();
        for (JsonNode row : answer.get("totals")) {
            assertThat(row.get("batchCount").asLong() + row.get("speedCount").asLong()).isEqualTo(row.get("count").asLong());
            totals.put(new Key(row.get("product").asText(), row.get("zipcode").asInt()), new Totals(row.get("revenue").asLong(), row.get("count").asLong()));
        }
        return totals;
    }

    private static long atMost(long count, String what)
    {
        assertThat(count).as(what).isLessThanOrEqualTo(CLICKS);
        return count;
    }

    private JsonNode get(URI uri)
            throws Exception
    {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Iterator<byte[]> json(List<ClickEvent> clicks)
    {
        return clicks.stream().map(click -> click.json().getBytes(StandardCharsets.UTF_8)).iterator();
    }
}
