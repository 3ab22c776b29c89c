package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickstreamViewTest
{
    private static final List<String> COLUMNS = List.of("high_water_mark", "productname", "zipcode", "revenue", "clicks");

    @Test
    void totalsAddUpClickByClick()
            throws Exception
    {
        ClickstreamEvent first = ClickstreamEvent.parse(bytes("{\"zipcode\":95126,\"ProductName\":\"product2\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.158\"}"));
        ClickstreamEvent second = ClickstreamEvent.parse(bytes("{\"zipcode\":95126,\"ProductName\":\"product2\",\"price\":7,\"timestamp\":\"2014-11-01 19:35:41.160\"}"));

        assertThat(ClickstreamView.key(first)).isEqualTo(new Key("product2", 95126)).isEqualTo(ClickstreamView.key(second));
        assertThat(Totals.of(first)).isEqualTo(new Totals(16, 1));
        assertThat(Totals.ZERO.plus(Totals.of(first)).plus(Totals.of(second))).isEqualTo(new Totals(23, 2));
        assertThat(new Totals(5, 1).plus(Totals.ZERO)).isEqualTo(new Totals(5, 1));
        assertThatThrownBy(() -> new Totals(Long.MAX_VALUE, 1).plus(new Totals(1, 1))).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void keysSortByProductThenZipcode()
    {
        assertThat(List.of(new Key("product2", 95126), new Key("product10", 95126), new Key("product2", 94040)).stream().sorted().toList())
                .containsExactly(new Key("product10", 95126), new Key("product2", 94040), new Key("product2", 95126));
    }

    @Test
    void theHighWaterMarkIsTheStartOfTheLatestClicksSecond()
    {
        assertThat(ClickstreamView.highWaterMark(Instant.parse("2014-11-01T19:35:41.158Z"))).isEqualTo(Instant.parse("2014-11-01T19:35:41Z").toEpochMilli());
        assertThat(ClickstreamView.highWaterMark(Instant.parse("2014-11-01T19:35:41Z"))).isEqualTo(Instant.parse("2014-11-01T19:35:41Z").toEpochMilli());
        assertThat(ClickstreamView.highWaterMark(Instant.parse("2014-11-01T19:35:41.999Z"))).isEqualTo(Instant.parse("2014-11-01T19:35:41Z").toEpochMilli());
    }

    @Test
    void theBatchQueryIsTheViewInSqlInOneStatement()
    {
        assertThat(ClickstreamView.batchSql("clickstream_master")).isEqualTo("""
                WITH clicks AS (
                    SELECT productname, zipcode, price, try(date_parse("timestamp", '%Y-%m-%d %H:%i:%s.%f')) AS event_time
                    FROM clickstream_master
                    WHERE regexp_like("timestamp", '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$')
                ),
                counted AS (
                    SELECT * FROM clicks
                    WHERE productname IS NOT NULL AND zipcode IS NOT NULL AND price IS NOT NULL AND event_time >= TIMESTAMP '1970-01-01 00:00:00.000'
                ),
                mark AS (
                    SELECT date_trunc('second', max(event_time)) AS high_water_mark FROM counted
                ),
                view AS (
                    SELECT productname, zipcode, sum(price) AS revenue, count(*) AS clicks
                    FROM counted
                    WHERE event_time < (SELECT high_water_mark FROM mark)
                    GROUP BY productname, zipcode
                )
                SELECT date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', mark.high_water_mark) AS high_water_mark, view.productname, view.zipcode, view.revenue, view.clicks
                FROM mark LEFT JOIN view ON true
                ORDER BY view.productname, view.zipcode""");
    }

    @Test
    void readsTheBatchQuerysAnswer()
    {
        BatchView view = ClickstreamView.batchView(new AthenaSql.Rows(COLUMNS, List.of(
                List.of("1414870543000", "product1", "95126", "40", "2"),
                List.of("1414870543000", "product2", "94040", "16", "1")))).orElseThrow();

        assertThat(view.highWaterMark()).isEqualTo(Instant.parse("2014-11-01T19:35:43Z").toEpochMilli());
        assertThat(view.totals()).containsExactly(Map.entry(new Key("product1", 95126), new Totals(40, 2)), Map.entry(new Key("product2", 94040), new Totals(16, 1)));
        assertThat(view.clicks()).isEqualTo(3);
    }

    @Test
    void aMarkWithoutClicksBeforeItIsAnEmptyViewAndNoMarkIsNoView()
    {
        BatchView empty = ClickstreamView.batchView(new AthenaSql.Rows(COLUMNS, List.of(row("1414870541000", null, null, null, null)))).orElseThrow();
        assertThat(empty.highWaterMark()).isEqualTo(1414870541000L);
        assertThat(empty.totals()).isEmpty();

        assertThat(ClickstreamView.batchView(new AthenaSql.Rows(COLUMNS, List.of(row(null, null, null, null, null))))).isEmpty();
    }

    @Test
    void refusesAnAnswerOfAnotherShape()
    {
        assertThatThrownBy(() -> ClickstreamView.batchView(new AthenaSql.Rows(List.of("productname", "revenue"), List.of(List.of("product1", "1")))))
                .hasMessageContaining("not [high_water_mark, productname, zipcode, revenue, clicks]");
        assertThatThrownBy(() -> ClickstreamView.batchView(new AthenaSql.Rows(COLUMNS, List.of())))
                .hasMessageContaining("answered no row");
        assertThatThrownBy(() -> ClickstreamView.batchView(new AthenaSql.Rows(COLUMNS, List.of(
                List.of("1414870543000", "product1", "95126", "40", "2"),
                List.of("1414870544000", "product2", "94040", "16", "1")))))
                .hasMessageContaining("two high-water marks");
    }

    private static List<String> row(String... values)
    {
        return Arrays.asList(values);
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
