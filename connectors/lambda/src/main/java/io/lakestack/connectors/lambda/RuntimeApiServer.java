package io.lakestack.connectors.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * The Lambda Runtime API (version 2018-06-01) on the loopback interface: {@code GET /runtime/invocation/next},
 * {@code POST /runtime/invocation/{id}/response}, {@code POST /runtime/invocation/{id}/error} and
 * {@code POST /runtime/init/error}, with the status codes and error bodies of AWS's specification.
 *
 * <p>One server for all environments, with one listening port per environment: an environment's
 * {@code AWS_LAMBDA_RUNTIME_API} is a plain {@code 127.0.0.1:port}, as on Lambda, so any runtime interface client works
 * unchanged (AWS's Java client appends paths to it, Python's {@code http.client} takes it as host and port and would not
 * accept a path prefix), and an environment can only ever see its own invocations. The listeners share one pool of
 * request threads; a port costs one dispatcher thread, next to a process that costs far more.
 */
final class RuntimeApiServer
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApiServer.class);

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    /** The largest piece a response body is written in; below the launcher's {@code jdk.nio.maxCachedBufferSize} (256 KB). */
    private static final int WRITE_CHUNK_BYTES = 64 * 1024;
    /** Beyond this a body is not even drained: the connection is closed. */
    private static final long MAX_DRAINED_BYTES = 256L * 1024 * 1024;

    /** What one environment answers to its runtime. Calls come from the server's request threads. */
    interface Environment
    {
        /** Blocks until an invocation is assigned to the environment (or it stops). */
        Reply next()
                throws InterruptedException;

        Reply response(String requestId, Body body);

        Reply error(String requestId, Optional<String> errorType, Body body);

        Reply initError(Optional<String> errorType, Body body);
    }

    /** A request body: its bytes up to {@link LambdaErrors#MAX_RESPONSE_BYTES}, and its whole size. */
    record Body(byte[] bytes, long size, Optional<String> contentType)
    {
        Body
        {
            requireNonNull(bytes, "bytes is null");
            requireNonNull(contentType, "contentType is null");
        }

        boolean tooLarge()
        {
            return size > bytes.length;
        }
    }

    record Reply(int status, Map<String, String> headers, byte[] body)
    {
        Reply
        {
            headers = Map.copyOf(headers);
            requireNonNull(body, "body is null");
        }

        static Reply accepted()
        {
            return json(202, "{\"status\":\"OK\"}");
        }

        static Reply error(int status, String errorType, String errorMessage)
        {
            return json(status, "{\"errorMessage\":" + quote(errorMessage) + ",\"errorType\":" + quote(errorType) + "}");
        }

        /** 403, as Lambda's runtime API answers a call the runtime's state does not allow. */
        static Reply invalidStateTransition(String from, String to)
        {
            return error(403, "InvalidStateTransition", "State transition from " + from + " to " + to + " failed for runtime. Error: State transition is not allowed");
        }

        static Reply invalidRequestId()
        {
            return error(400, "InvalidRequestID", "Invalid request ID");
        }

        static Reply tooLarge()
        {
            return error(413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (" + LambdaErrors.MAX_RESPONSE_BYTES + " bytes).");
        }

        /** 500: the environment is being stopped; the runtime should exit. */
        static Reply containerError()
        {
            return error(500, "InternalServerError", "Internal Server Error");
        }

        private static Reply json(int status, String body)
        {
            return new Reply(status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }

        private static String quote(String text)
        {
            StringBuilder quoted = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    case '\r' -> quoted.append("\\r");
                    case '\t' -> quoted.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            quoted.append(String.format("\\u%04x", (int) c));
                        }
                        else {
                            quoted.append(c);
                        }
                    }
                }
            }
            return quoted.append('"').toString();
        }
    }

    /** One environment's port. */
    interface Listener
            extends AutoCloseable
    {
        int port();

        @Override
        void close();
    }

    /**
     * The JDK's server leaves Nagle's algorithm on unless told otherwise: a reply's headers and body then wait for the
     * client's delayed acknowledgement, about 40 ms, twice an invocation. Read once, when the JVM's first server starts.
     */
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final ExecutorService requests;

    RuntimeApiServer()
    {
        System.getProperties().putIfAbsent(NO_DELAY_PROPERTY, "true");
        AtomicInteger threads = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "lambda-runtime-api-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Listens on a new loopback port for one environment. */
    Listener open(Environment environment)
    {
        requireNonNull(environment, "environment is null");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port for a Lambda execution environment", e);
        }
        server.setExecutor(requests);
        server.createContext("/", exchange -> handle(environment, exchange));
        server.start();
        int port = server.getAddress().getPort();
        AtomicBoolean closed = new AtomicBoolean();
        return new Listener()
        {
            @Override
            public int port()
            {
                return port;
            }

            @Override
            public void close()
            {
                if (closed.compareAndSet(false, true)) {
                    server.stop(0);
                }
            }
        };
    }

    @Override
    public void close()
    {
        requests.shutdownNow();
    }

    private static void handle(Environment environment, HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Reply reply = route(environment, method, path, exchange);
            send(exchange, reply);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (IOException e) {
            // the runtime went away mid-request (it was stopped, or it exited): nothing to answer
            LOG.debug("runtime API request {} {} ended: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private static Reply route(Environment environment, String method, String path, HttpExchange exchange)
            throws IOException, InterruptedException
    {
        if (!path.startsWith(PREFIX)) {
            return notFound();
        }
        String rest = path.substring(PREFIX.length());
        if (rest.equals("invocation/next")) {
            return method.equals("GET") ? environment.next() : methodNotAllowed();
        }
        if (rest.equals("init/error")) {
            return method.equals("POST") ? environment.initError(errorType(exchange), body(exchange)) : methodNotAllowed();
        }
        if (rest.startsWith("invocation/")) {
            String[] parts = rest.substring("invocation/".length()).split("/", -1);
            if (parts.length == 2 && !parts[0].isEmpty()) {
                String requestId = java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                if (parts[1].equals("response")) {
                    return method.equals("POST") ? environment.response(requestId, body(exchange)) : methodNotAllowed();
                }
                if (parts[1].equals("error")) {
                    return method.equals("POST") ? environment.error(requestId, errorType(exchange), body(exchange)) : methodNotAllowed();
                }
            }
        }
        return notFound();
    }

    private static Optional<String> errorType(HttpExchange exchange)
    {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(ERROR_TYPE_HEADER)).filter(type -> !type.isBlank());
    }

    private static Body body(HttpExchange exchange)
            throws IOException
    {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                long room = LambdaErrors.MAX_RESPONSE_BYTES - size;
                if (room > 0) {
                    kept.write(buffer, 0, (int) Math.min(room, read));
                }
                size += read;
                if (size > MAX_DRAINED_BYTES) {
                    break;
                }
            }
        }
        return new Body(kept.toByteArray(), size, Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")));
    }

    private static void send(HttpExchange exchange, Reply reply)
            throws IOException
    {
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        byte[] body = reply.body();
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                // in pieces: the JDK's server copies each write into a buffer of its size (kept by the connection), and the
                // socket copies that into a direct buffer, which it caches only up to jdk.nio.maxCachedBufferSize; an
                // event of 6 MB in one write cost a 12 MB array and a 6 MB native allocation every time
                for (int at = 0; at < body.length; at += WRITE_CHUNK_BYTES) {
                    out.write(body, at, Math.min(WRITE_CHUNK_BYTES, body.length - at));
                }
            }
        }
    }

    private static Reply notFound()
    {
        return new Reply(404, Map.of("Content-Type", "text/plain; charset=utf-8"), "404 page not found\n".getBytes(StandardCharsets.UTF_8));
    }

    private static Reply methodNotAllowed()
    {
        return new Reply(405, Map.of(), new byte[0]);
    }
}
