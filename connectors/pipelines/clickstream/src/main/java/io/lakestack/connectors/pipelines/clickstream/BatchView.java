package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch view: the view over every click before its high-water mark (epoch milliseconds, a whole second), as the
 * batch layer computed it from the master dataset. Kept as TSV, as the original pipeline keeps its batch views: a first
 * comment line with the mark, then {@code product, zipcode, revenue, clicks} a line, in key order. A product's tab,
 * line end or backslash is written as {@code \t}, {@code \n}, {@code \r} or {@code \\}.
 */
public record BatchView(long highWaterMark, Map<Key, Totals> totals)
{
    static final String MARK_LINE = "# high-water-mark ";

    public BatchView
    {
        if (highWaterMark % 1000 != 0) {
            throw new IllegalArgumentException("a high-water mark is a whole second: " + highWaterMark);
        }
        totals = Collections.unmodifiableMap(new TreeMap<>(totals));
    }

    /** How many clicks the view counts. */
    public long clicks()
    {
        return totals.values().stream().mapToLong(Totals::count).sum();
    }

    public String tsv()
    {
        StringBuilder tsv = new StringBuilder(MARK_LINE).append(highWaterMark).append(' ').append(Instant.ofEpochMilli(highWaterMark)).append('\n');
        totals.forEach((key, value) -> tsv.append(escape(key.product())).append('\t').append(key.zipcode()).append('\t')
                .append(value.revenue()).append('\t').append(value.count()).append('\n'));
        return tsv.toString();
    }

    public static BatchView parse(String tsv)
    {
        List<String> lines = tsv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith(MARK_LINE)) {
            throw new IllegalArgumentException("a batch view starts with \"" + MARK_LINE + "<epoch millis>\"");
        }
        long mark = Long.parseLong(lines.get(0).substring(MARK_LINE.length()).split(" ")[0]);
        Map<Key, Totals> totals = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 4) {
                throw new IllegalArgumentException("a batch view line has product, zipcode, revenue and clicks: " + line);
            }
            totals.put(new Key(unescape(fields[0]), Integer.parseInt(fields[1])), new Totals(Long.parseLong(fields[2]), Long.parseLong(fields[3])));
        }
        return new BatchView(mark, totals);
    }

    private static String escape(String text)
    {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String text)
    {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            out.append(switch (next) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> next;
            });
        }
        return out.toString();
    }
}
