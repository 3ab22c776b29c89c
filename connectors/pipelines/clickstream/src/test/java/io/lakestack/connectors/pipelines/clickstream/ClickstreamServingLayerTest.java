package io.lakestack.connectors.pipelines.clickstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamServingLayer.Answer;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamServingLayer.Row;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ClickstreamServingLayerTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND_41 = Instant.parse("2014-11-01T19:35:41Z").toEpochMilli();
    private static final long SECOND_42 = SECOND_41 + 1_000;
    private static final long SECOND_43 = SECOND_41 + 2_000;
    private static final Key PRODUCT1_94040 = new Key("product1", 94040);
    private static final Key PRODUCT2_95126 = new Key("product2", 95126);
    private static final Key PRODUCT3_95112 = new Key("product3", 95112);

    /** The speed layer's windows, by start: what a window store holds. */
    private static final class FakeSpeedView
            implements SpeedView
    {
        final TreeMap<Long, Map<Key, Totals>> windows = new TreeMap<>();
        boolean available = true;
        long deadLetters;

        @Override
        public Map<Key, Totals> totalsFrom(long fromMillis)
        {
            if (!available) {
                throw new IllegalStateException("the speed layer cannot answer now (REBALANCING)");
            }
            Map<Key, Totals> totals = new TreeMap<>();
            windows.tailMap(fromMillis, true).values().forEach(window -> window.forEach((key, value) -> totals.merge(key, value, Totals::plus)));
            return totals;
        }

        @Override
        public Totals totalsFrom(Key key, long fromMillis)
        {
            return totalsFrom(fromMillis).getOrDefault(key, Totals.ZERO);
        }

        @Override
        public long deadLetters()
        {
            return deadLetters;
        }
    }

    private final FakeSpeedView speed = new FakeSpeedView();
    private Optional<BatchView> batch = Optional.empty();
    private final ClickstreamServingLayer serving = new ClickstreamServingLayer(() -> batch, speed);

    @AfterEach
    void tearDown()
    {
        serving.close();
    }

    @Test
    void addsTheWindowsFromTheBatchViewsMarkOnToIt()
    {
        clicksOfThreeSeconds();
        batch = Optional.of(new BatchView(SECOND_42, Map.of(PRODUCT2_95126, new Totals(33, 2), PRODUCT1_94040, new Totals(20, 1))));

        Answer answer = serving.answer(Optional.empty(), OptionalLong.empty());

        assertThat(answer.highWaterMark()).hasValue(SECOND_42);
        assertThat(answer.rows()).containsExactly(
                new Row(PRODUCT1_94040, new Totals(20, 1), new Totals(20, 1), Totals.ZERO),
                new Row(PRODUCT2_95126, new Totals(48, 3), new Totals(33, 2), new Totals(15, 1)),
                new Row(PRODUCT3_95112, new Totals(5, 1), Totals.ZERO, new Totals(5, 1)));
        assertThat(answer.batchCount()).isEqualTo(3);
        assertThat(answer.speedCount()).isEqualTo(2);
        assertThat(answer.deadLetters()).isEqualTo(2);
    }

    @Test
    void answersAProductOrAKey()
    {
        clicksOfThreeSeconds();
        batch = Optional.of(new BatchView(SECOND_42, Map.of(PRODUCT2_95126, new Totals(33, 2), PRODUCT1_94040, new Totals(20, 1))));

        assertThat(serving.answer(Optional.of("product2"), OptionalLong.empty()).rows())
                .containsExactly(new Row(PRODUCT2_95126, new Totals(48, 3), new Totals(33, 2), new Totals(15, 1)));
        assertThat(serving.answer(Optional.of("product2"), OptionalLong.of(95126)).rows())
                .containsExactly(new Row(PRODUCT2_95126, new Totals(48, 3), new Totals(33, 2), new Totals(15, 1)));
        assertThat(serving.answer(Optional.of("product3"), OptionalLong.of(95112)).rows())
                .containsExactly(new Row(PRODUCT3_95112, new Totals(5, 1), Totals.ZERO, new Totals(5, 1)));
        assertThat(serving.answer(Optional.empty(), OptionalLong.of(94040)).rows())
                .containsExactly(new Row(PRODUCT1_94040, new Totals(20, 1), new Totals(20, 1), Totals.ZERO));
        assertThat(serving.answer(Optional.of("product9"), OptionalLong.of(95126)).rows()).isEmpty();
    }

    @Test
    void withoutABatchViewTheSpeedLayerAnswersAlone()
    {
        clicksOfThreeSeconds();

        Answer answer = serving.answer(Optional.empty(), OptionalLong.empty());

        assertThat(answer.highWaterMark()).isEmpty();
        assertThat(answer.totals()).containsExactly(Map.entry(PRODUCT2_95126, new Totals(48, 3)), Map.entry(PRODUCT3_95112, new Totals(5, 1)));
        assertThat(answer.batchCount()).isZero();
        assertThat(answer.speedCount()).isEqualTo(4);
    }

    @Test
    void servesTheAnswerAsJson()
            throws Exception
    {
        clicksOfThreeSeconds();
        batch = Optional.of(new BatchView(SECOND_42, Map.of(PRODUCT2_95126, new Totals(33, 2), PRODUCT1_94040, new Totals(20, 1))));
        URI url = serving.start(0);
        assertThat(url.toString()).matches("http://127\\.0\\.0\\.1:[0-9]+/");

        HttpResponse<String> all = get(url.resolve("totals"));
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(all.body())).isEqualTo(JSON.readTree("""
                {"highWaterMark": "2014-11-01T19:35:42Z", "highWaterMarkMillis": 1414870542000, "batchView": "batch-views/1414870542000.tsv",
                 "batchCount": 3, "speedCount": 2, "deadLetters": 2,
                 "totals": [
                   {"product": "product1", "zipcode": 94040, "revenue": 20, "count": 1, "batchCount": 1, "speedCount": 0},
                   {"product": "product2", "zipcode": 95126, "revenue": 48, "count": 3, "batchCount": 2, "speedCount": 1},
                   {"product": "product3", "zipcode": 95112, "revenue": 5, "count": 1, "batchCount": 0, "speedCount": 1}]}
                """));

        JsonNode one = JSON.readTree(get(url.resolve("totals?product=product2&zipcode=95126")).body());
        assertThat(one.get("totals")).hasSize(1);
        assertThat(one.get("totals").get(0).get("revenue").asLong()).isEqualTo(48);

        assertThat(get(url.resolve("totals?zipcode=abc")).body()).isEqualTo("{\"error\":\"zipcode is a number, not abc\"}");
        assertThat(get(url.resolve("totals?zipcode=abc")).statusCode()).isEqualTo(400);
        assertThat(get(url.resolve("other")).statusCode()).isEqualTo(404);
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("totals")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);

        speed.available = false;
        HttpResponse<String> unavailable = get(url.resolve("totals"));
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.body()).isEqualTo("{\"error\":\"the speed layer cannot answer now (REBALANCING)\"}");
    }

    @Test
    void withoutABatchViewTheJsonSaysSo()
            throws Exception
    {
        URI url = serving.start(0);

        assertThat(JSON.readTree(get(url.resolve("totals")).body())).isEqualTo(JSON.readTree("""
                {"highWaterMark": null, "highWaterMarkMillis": null, "batchView": null, "batchCount": 0, "speedCount": 0, "deadLetters": 0, "totals": []}
                """));
    }

    /** Clicks of 41 s (already in the batch view of mark 42 s), 42 s and 43 s. */
    private void clicksOfThreeSeconds()
    {
        speed.windows.put(SECOND_41, Map.of(PRODUCT2_95126, new Totals(33, 2)));
        speed.windows.put(SECOND_42, Map.of(PRODUCT2_95126, new Totals(15, 1)));
        speed.windows.put(SECOND_43, Map.of(PRODUCT3_95112, new Totals(5, 1)));
        speed.deadLetters = 2;
    }

    private static HttpResponse<String> get(URI uri)
            throws IOException, InterruptedException
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
