package io.lakestack.connectors.pipelines.clickstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.util.Objects.requireNonNull;

/**
 * The serving layer: the newest batch view merged with the speed layer's windows from the view's high-water mark on,
 * with {@link Totals#plus}. The batch view counts every click before its mark, the windows from the mark on every click
 * since (a mark is the start of a second, as a window is), so each click is counted once. Without a batch view the
 * speed layer answers alone.
 *
 * <p>Over HTTP: {@code GET /totals} answers every key, {@code GET /totals?product=product2} one product's,
 * {@code GET /totals?product=product2&zipcode=95126} one key's, as JSON: the mark used ({@code highWaterMark}, ISO-8601,
 * and {@code highWaterMarkMillis}; null without a batch view), how many clicks of the answer each layer counted
 * ({@code batchCount}, {@code speedCount}), the speed layer's dead letters, and per key {@code revenue} and {@code count}
 * with each layer's share. 503 while the speed layer cannot answer, 400 for a zipcode that is not a number.
 */
public final class ClickstreamServingLayer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ClickstreamServingLayer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchViews batch;
    private final SpeedView speed;
    private HttpServer server;
    private ExecutorService executor;

    /** A key's merged totals, and what each layer counted of them. */
    public record Row(Key key, Totals totals, Totals batch, Totals speed)
    {
    }

    /** A merged answer: the high-water mark of the batch view used, a row per key in key order, and the speed layer's dead letters. */
    public record Answer(OptionalLong highWaterMark, List<Row> rows, long deadLetters)
    {
        public Answer
        {
            requireNonNull(highWaterMark, "highWaterMark is null");
            rows = List.copyOf(rows);
        }

        public long batchCount()
        {
            return rows.stream().mapToLong(row -> row.batch().count()).sum();
        }

        public long speedCount()
        {
            return rows.stream().mapToLong(row -> row.speed().count()).sum();
        }

        /** The merged totals per key. */
        public Map<Key, Totals> totals()
        {
            Map<Key, Totals> totals = new TreeMap<>();
            rows.forEach(row -> totals.put(row.key(), row.totals()));
            return totals;
        }
    }

    public ClickstreamServingLayer(BatchViews batch, SpeedView speed)
    {
        this.batch = requireNonNull(batch, "batch is null");
        this.speed = requireNonNull(speed, "speed is null");
    }

    /** The merged view of the keys of that product and zipcode (either, both or none given). */
    public Answer answer(Optional<String> product, OptionalLong zipcode)
    {
        Optional<BatchView> view = batch.latest();
        long from = view.map(BatchView::highWaterMark).orElse(0L);
        Map<Key, Totals> batchTotals = view.map(BatchView::totals).orElse(Map.of());
        Map<Key, Totals> speedTotals;
        if (product.isPresent() && zipcode.isPresent()) {
            if (zipcode.getAsLong() < Integer.MIN_VALUE || zipcode.getAsLong() > Integer.MAX_VALUE) {
                return new Answer(view.isPresent() ? OptionalLong.of(from) : OptionalLong.empty(), List.of(), speed.deadLetters());
            }
            Key key = new Key(product.get(), (int) zipcode.getAsLong());
            Totals totals = speed.totalsFrom(key, from);
            speedTotals = totals.count() == 0 ? Map.of() : Map.of(key, totals);
        }
        else {
            speedTotals = speed.totalsFrom(from);
        }
        TreeSet<Key> keys = new TreeSet<>();
        keys.addAll(batchTotals.keySet());
        keys.addAll(speedTotals.keySet());
        List<Row> rows = keys.stream()
                .filter(key -> product.isEmpty() || key.product().equals(product.get()))
                .filter(key -> zipcode.isEmpty() || key.zipcode() == zipcode.getAsLong())
                .map(key -> {
                    Totals fromBatch = batchTotals.getOrDefault(key, Totals.ZERO);
                    Totals fromSpeed = speedTotals.getOrDefault(key, Totals.ZERO);
                    return new Row(key, fromBatch.plus(fromSpeed), fromBatch, fromSpeed);
                })
                .toList();
        return new Answer(view.isPresent() ? OptionalLong.of(from) : OptionalLong.empty(), rows, speed.deadLetters());
    }

    /** Serves {@code /totals} on the loopback interface, on {@code port} (0: any free one); the URL it serves at. */
    public synchronized URI start(int port)
    {
        if (server != null) {
            throw new IllegalStateException("the serving layer is already started");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot serve on port " + port, e);
        }
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "clickstream-serving-layer");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return url();
    }

    /** Where the serving layer answers: {@code http://127.0.0.1:<port>/}. */
    public synchronized URI url()
    {
        if (server == null) {
            throw new IllegalStateException("the serving layer is not started");
        }
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/");
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            try {
                respond(exchange);
            }
            catch (RuntimeException e) {
                log.warn("cannot answer {}", exchange.getRequestURI(), e);
                send(exchange, 500, error(e.toString()));
            }
        }
    }

    private void respond(HttpExchange exchange)
            throws IOException
    {
        if (!exchange.getRequestURI().getPath().equals("/totals")) {
            send(exchange, 404, error("no such resource: " + exchange.getRequestURI().getPath() + "; ask GET /totals"));
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().add("Allow", "GET");
            send(exchange, 405, error("GET /totals only"));
            return;
        }
        Map<String, String> parameters = parameters(exchange.getRequestURI().getRawQuery());
        OptionalLong zipcode = OptionalLong.empty();
        if (parameters.containsKey("zipcode")) {
            try {
                zipcode = OptionalLong.of(Long.parseLong(parameters.get("zipcode")));
            }
            catch (NumberFormatException e) {
                send(exchange, 400, error("zipcode is a number, not " + parameters.get("zipcode")));
                return;
            }
        }
        Answer answer;
        try {
            answer = answer(Optional.ofNullable(parameters.get("product")), zipcode);
        }
        catch (IllegalStateException e) {
            send(exchange, 503, error(e.getMessage()));
            return;
        }
        send(exchange, 200, json(answer));
    }

    static ObjectNode json(Answer answer)
    {
        ObjectNode json = JSON.createObjectNode();
        if (answer.highWaterMark().isPresent()) {
            json.put("highWaterMark", Instant.ofEpochMilli(answer.highWaterMark().getAsLong()).toString());
            json.put("highWaterMarkMillis", answer.highWaterMark().getAsLong());
            json.put("batchView", BatchViewObjects.key(answer.highWaterMark().getAsLong()));
        }
        else {
            json.putNull("highWaterMark");
            json.putNull("highWaterMarkMillis");
            json.putNull("batchView");
        }
        json.put("batchCount", answer.batchCount());
        json.put("speedCount", answer.speedCount());
        json.put("deadLetters", answer.deadLetters());
        ArrayNode totals = json.putArray("totals");
        for (Row row : answer.rows()) {
            ObjectNode item = totals.addObject();
            item.put("product", row.key().product());
            item.put("zipcode", row.key().zipcode());
            item.put("revenue", row.totals().revenue());
            item.put("count", row.totals().count());
            item.put("batchCount", row.batch().count());
            item.put("speedCount", row.speed().count());
        }
        return json;
    }

    private static ObjectNode error(String message)
    {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body)
            throws IOException
    {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parameters(String rawQuery)
    {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    @Override
    public synchronized void close()
    {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}
