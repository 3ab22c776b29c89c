package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.AthenaSql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The clickstream's view, and the one place it is defined: revenue (the sum of the prices) and clicks (the count)
 * per product and zipcode. The three layers take their logic from here and from nowhere else: the speed layer keys a
 * click with {@link #key} and folds it into its window with {@link Totals#of} and {@link Totals#plus}; the batch layer
 * runs {@link #batchSql}, the same grouping and the same two sums written in SQL, over the master dataset; the serving
 * layer adds a batch view's totals to the speed layer's with {@link Totals#plus}.
 *
 * <p>A click counts when it has a product, a zipcode, a price and a timestamp in {@link #TIMESTAMP}'s format
 * ({@code yyyy-MM-dd HH:mm:ss.SSS}, UTC, from 1970 on), in both layers: {@link ClickstreamEvent#parse} refuses what the batch SQL
 * leaves out, and the speed layer sends it to its dead-letter topic.
 */
public final class ClickstreamView
{
    /** The format of a click's {@code timestamp}: {@code yyyy-MM-dd HH:mm:ss.SSS}, read as UTC, strictly. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);
    /** The same format as a Trino {@code date_parse} pattern, and as the regular expression that makes it exact. */
    static final String SQL_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%i:%s.%f";
    static final String SQL_TIMESTAMP_SHAPE = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}$";
    /** The view's key, as the master table's columns. */
    static final List<String> KEY_COLUMNS = List.of("productname", "zipcode");
    /** The view's measures, as {@link Totals}' components in SQL over the master table's {@code price}. */
    static final String REVENUE_SQL = "sum(price)";
    static final String COUNT_SQL = "count(*)";
    /** The answer's columns: the high-water mark (epoch milliseconds), the key, the measures. */
    static final List<String> BATCH_COLUMNS = List.of("high_water_mark", "productname", "zipcode", "revenue", "clicks");

    private ClickstreamView()
    {
    }

    /** The view's key: a product bought from a zipcode. */
    public record Key(String product, int zipcode)
            implements Comparable<Key>
    {
        public Key
        {
            requireNonNull(product, "product is null");
        }

        @Override
        public int compareTo(Key other)
        {
            int byProduct = product.compareTo(other.product);
            return byProduct != 0 ? byProduct : Integer.compare(zipcode, other.zipcode);
        }
    }

    /** The view's value: revenue and clicks. Totals add up: the totals of two sets of clicks are the sum of each's. */
    public record Totals(long revenue, long count)
    {
        public static final Totals ZERO = new Totals(0, 0);

        /** One click's totals: its price, once. */
        public static Totals of(ClickstreamEvent event)
        {
            return new Totals(event.price(), 1);
        }

        public Totals plus(Totals other)
        {
            return new Totals(Math.addExact(revenue, other.revenue), Math.addExact(count, other.count));
        }
    }

    /** The key a click counts under. */
    public static Key key(ClickstreamEvent event)
    {
        return new Key(event.product(), event.zipcode());
    }

    /**
     * The high-water mark of a master dataset whose latest click is at {@code latest}: the start of that click's second.
     * Clicks before it are complete in a dataset that is a prefix of the stream, since every click before it came before
     * the latest one; clicks of its own second may still be on their way.
     */
    public static long highWaterMark(Instant latest)
    {
        return Math.floorDiv(latest.toEpochMilli(), 1000L) * 1000L;
    }

    /**
     * The batch view over the master table, recomputed from scratch in one query: the high-water mark (the start of the
     * second of the latest click in the table, {@link #highWaterMark}) and the view over the clicks before it. Its
     * answer has one row per key and always at least one row, whose key and measures are NULL when no click is before
     * the mark (and whose mark is NULL too when the table holds no click); {@link #batchView} reads it.
     */
    public static String batchSql(String table)
    {
        String key = String.join(", ", KEY_COLUMNS);
        return String.join("\n",
                "WITH clicks AS (",
                "    SELECT " + key + ", price, try(date_parse(\"timestamp\", '" + SQL_TIMESTAMP_FORMAT + "')) AS event_time",
                "    FROM " + table,
                "    WHERE regexp_like(\"timestamp\", '" + SQL_TIMESTAMP_SHAPE + "')",
                "),",
                "counted AS (",
                "    SELECT * FROM clicks",
                "    WHERE " + String.join(" AND ", KEY_COLUMNS.stream().map(column -> column + " IS NOT NULL").toList())
                        + " AND price IS NOT NULL AND event_time >= TIMESTAMP '1970-01-01 00:00:00.000'",
                "),",
                "mark AS (",
                "    SELECT date_trunc('second', max(event_time)) AS high_water_mark FROM counted",
                "),",
                "view AS (",
                "    SELECT " + key + ", " + REVENUE_SQL + " AS revenue, " + COUNT_SQL + " AS clicks",
                "    FROM counted",
                "    WHERE event_time < (SELECT high_water_mark FROM mark)",
                "    GROUP BY " + key,
                ")",
                "SELECT date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00.000', mark.high_water_mark) AS high_water_mark, "
                        + KEY_COLUMNS.stream().map(column -> "view." + column).reduce((a, b) -> a + ", " + b).orElseThrow()
                        + ", view.revenue, view.clicks",
                "FROM mark LEFT JOIN view ON true",
                "ORDER BY " + KEY_COLUMNS.stream().map(column -> "view." + column).reduce((a, b) -> a + ", " + b).orElseThrow());
    }

    /** The batch view {@link #batchSql}'s answer holds; none when the master table holds no click yet. */
    public static Optional<BatchView> batchView(AthenaSql.Rows answer)
    {
        if (!answer.columns().equals(BATCH_COLUMNS)) {
            throw new IllegalArgumentException("the batch query answered the columns " + answer.columns() + ", not " + BATCH_COLUMNS);
        }
        if (answer.rows().isEmpty()) {
            throw new IllegalArgumentException("the batch query answered no row; it always answers one at least");
        }
        String mark = answer.rows().get(0).get(0);
        if (mark == null) {
            return Optional.empty();
        }
        Map<Key, Totals> totals = new TreeMap<>();
        for (List<String> row : answer.rows()) {
            if (!mark.equals(row.get(0))) {
                throw new IllegalArgumentException("the batch query answered two high-water marks, " + mark + " and " + row.get(0));
            }
            if (row.get(1) == null) {
                continue;
            }
            Totals previous = totals.put(new Key(row.get(1), Integer.parseInt(row.get(2))), new Totals(Long.parseLong(row.get(3)), Long.parseLong(row.get(4))));
            if (previous != null) {
                throw new IllegalArgumentException("the batch query answered the key " + row.subList(1, 3) + " twice");
            }
        }
        return Optional.of(new BatchView(Long.parseLong(mark), totals));
    }
}
