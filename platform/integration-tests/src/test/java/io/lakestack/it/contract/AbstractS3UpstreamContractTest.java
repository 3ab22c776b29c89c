package io.lakestack.it.contract;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link S3Upstream}: a request goes to the S3 server as the client sent it (path and query still
 * percent-encoded, end-to-end headers, the body streamed with its length or chunked), the answer comes back with its
 * status, end-to-end headers and body; hop-by-hop headers stay on their hop both ways.
 *
 * <p>Two servers: an S3 server (the subclass's), for what S3 makes of the forwarded requests, and a recording HTTP
 * server of the suite's own, for exactly what arrived and for answers S3 would not give on demand.
 *
 * <p>There is no AWS subclass: forwarding requests unchanged, signatures included, is how the endpoint puts its own
 * S3 API in front of the S3 server; a request signed for the endpoint cannot be forwarded to AWS, which checks the
 * signature against its own host.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractS3UpstreamContractTest
{
    /** Hop-by-hop headers (RFC 9110 7.6.1, and the ones proxies use) a client may send and no server may get. */
    private static final Map<String, String> HOP_BY_HOP_REQUEST_HEADERS = Map.of(
            "keep-alive", "timeout=5",
            "te", "trailers",
            "trailer", "x-amz-checksum-crc32",
            "upgrade", "h2c",
            "proxy-authorization", "Basic c2VjcmV0",
            "proxy-connection", "keep-alive",
            "http2-settings", "AAMAAABkAARAAAAAAAIAAAAA");
    private static final Set<String> HOP_BY_HOP_RESPONSE_HEADERS = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade");

    private S3Upstream s3;
    private S3Upstream recorded;
    private HttpServer recorder;
    private final BlockingQueue<Received> received = new ArrayBlockingQueue<>(16);
    private volatile Consumer<HttpExchange> answer;
    private final String bucket = "contract-upstream-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path files;

    /** The upstream under test, forwarding to the server at {@code server}. */
    protected abstract S3Upstream createUpstream(URI server);

    /** An S3 server, reached without signatures (a local one). */
    protected abstract URI s3Server();

    /** A request as the recording server got it. */
    private record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body)
    {
        Optional<String> header(String name)
        {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? Optional.empty() : Optional.of(String.join(",", values));
        }
    }

    @BeforeAll
    final void startServers()
            throws IOException
    {
        s3 = createUpstream(s3Server());
        recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        recorder.createContext("/", exchange -> {
            try (exchange) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                        headers, body));
                answer.accept(exchange);
            }
        });
        recorder.start();
        recorded = createUpstream(URI.create("http://127.0.0.1:" + recorder.getAddress().getPort()));
        try (S3Upstream.Response created = s3.exchange(request("PUT", "/" + bucket, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(created.status()).isEqualTo(200);
        }
    }

    @AfterAll
    final void stopServers()
    {
        if (recorder != null) {
            recorder.stop(0);
        }
    }

    private static S3Upstream.Request request(String method, String path, String rawQuery, Map<String, List<String>> headers, S3Upstream.Body body)
    {
        return new S3Upstream.Request(method, path, rawQuery, headers, body);
    }

    private static Optional<String> header(S3Upstream.Response response, String name)
    {
        return response.headers().entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .map(entry -> String.join(",", entry.getValue()))
                .findFirst();
    }

    private static void assertNoHopByHopHeaders(S3Upstream.Response response)
    {
        assertThat(response.headers().keySet()).map(name -> name.toLowerCase(Locale.ROOT)).doesNotContainAnyElementsOf(HOP_BY_HOP_RESPONSE_HEADERS);
    }

    @Test
    void putGetHeadAndDeleteOfAPercentEncodedKeyReachS3AsSent()
            throws Exception
    {
        String path = "/" + bucket + "/dir/a%20b%2Bc.txt";
        byte[] content = "hello, s3!\n".getBytes(StandardCharsets.UTF_8);
        String eTag = "\"" + md5(content) + "\"";

        try (S3Upstream.Response put = s3.exchange(request("PUT", path, "", Map.of("content-type", List.of("text/plain"),
                "x-amz-meta-origin", List.of("contract")), new S3Upstream.Body.Bytes(content)))) {
            assertThat(put.status()).isEqualTo(200);
            assertThat(header(put, "ETag")).contains(eTag);
            assertNoHopByHopHeaders(put);
        }
        try (S3Upstream.Response head = s3.exchange(request("HEAD", path, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(head.status()).isEqualTo(200);
            assertThat(header(head, "Content-Length")).contains("11");
            assertThat(header(head, "ETag")).contains(eTag);
            assertThat(header(head, "Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(header(head, "x-amz-meta-origin")).contains("contract");
            assertThat(head.body().readAllBytes()).isEmpty();
            assertNoHopByHopHeaders(head);
        }
        try (S3Upstream.Response get = s3.exchange(request("GET", path, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body().readAllBytes()).isEqualTo(content);
            assertNoHopByHopHeaders(get);
        }
        try (S3Upstream.Response range = s3.exchange(request("GET", path, "", Map.of("range", List.of("bytes=2-4")), new S3Upstream.Body.None()))) {
            assertThat(range.status()).isEqualTo(206);
            assertThat(header(range, "Content-Range")).contains("bytes 2-4/11");
            assertThat(range.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 2, 5));
        }
        // the server decoded the key the client encoded: a space and a plus, not "%20" or a second space
        try (S3Upstream.Response list = s3.exchange(request("GET", "/" + bucket, "list-type=2&prefix=dir%2F", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(list.status()).isEqualTo(200);
            assertThat(new String(list.body().readAllBytes(), StandardCharsets.UTF_8)).contains("<Key>dir/a b+c.txt</Key>");
        }
        try (S3Upstream.Response delete = s3.exchange(request("DELETE", path, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(delete.status()).isEqualTo(204);
        }
        try (S3Upstream.Response gone = s3.exchange(request("GET", path, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(gone.status()).isEqualTo(404);
            assertThat(new String(gone.body().readAllBytes(), StandardCharsets.UTF_8)).contains("<Code>NoSuchKey</Code>");
        }
        try (S3Upstream.Response head = s3.exchange(request("HEAD", path, "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(head.status()).isEqualTo(404);
        }
    }

    @Test
    void charactersAUriMayNotHoldUnencodedReachS3EncodedAsTheKeyTheClientMeant()
            throws Exception
    {
        // clients send these unencoded (curl does); what is legal, %XX escapes included, stays as it came
        byte[] content = "odd".getBytes(StandardCharsets.UTF_8);
        try (S3Upstream.Response put = s3.exchange(request("PUT", "/" + bucket + "/odd/a|b^c{d}`e%20f+g\u00e9", "", Map.of(),
                new S3Upstream.Body.Bytes(content)))) {
            assertThat(put.status()).isEqualTo(200);
        }
        try (S3Upstream.Response list = s3.exchange(request("GET", "/" + bucket, "list-type=2&prefix=odd/a|b", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(list.status()).isEqualTo(200);
            assertThat(new String(list.body().readAllBytes(), StandardCharsets.UTF_8)).contains("<Key>odd/a|b^c{d}`e f+g\u00e9</Key>");
        }

        answer = exchange -> respond(exchange, 200, Map.of(), new byte[0]);
        try (S3Upstream.Response response = recorded.exchange(request("GET", "/bucket/a|b^c{d}\"e`f<g>h\\i%20j+k\u00e9[l]%", "prefix=a|b c&marker=%7C",
                Map.of(), new S3Upstream.Body.None()))) {
            assertThat(response.status()).isEqualTo(200);
        }
        Received request = next();
        assertThat(request.rawPath()).isEqualTo("/bucket/a%7Cb%5Ec%7Bd%7D%22e%60f%3Cg%3Eh%5Ci%20j+k%C3%A9%5Bl%5D%25");
        assertThat(request.rawQuery()).isEqualTo("prefix=a%7Cb%20c&marker=%7C");
    }

    @Test
    void bodiesOfKnownAndUnknownLengthAndFilesAreStreamedToS3()
            throws Exception
    {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 % 253);
        }
        Path file = files.resolve("upload.bin");
        Files.write(file, content);
        Map<String, S3Upstream.Body> bodies = Map.of(
                "known-length", new S3Upstream.Body.Stream(new ByteArrayInputStream(content), Optional.of((long) content.length)),
                "unknown-length", new S3Upstream.Body.Stream(new ByteArrayInputStream(content), Optional.empty()),
                "file", new S3Upstream.Body.File(file));
        for (Map.Entry<String, S3Upstream.Body> body : bodies.entrySet()) {
            String path = "/" + bucket + "/bodies/" + body.getKey();
            try (S3Upstream.Response put = s3.exchange(request("PUT", path, "", Map.of(), body.getValue()))) {
                assertThat(put.status()).as(body.getKey()).isEqualTo(200);
            }
            try (S3Upstream.Response get = s3.exchange(request("GET", path, "", Map.of(), new S3Upstream.Body.None()))) {
                assertThat(get.status()).as(body.getKey()).isEqualTo(200);
                assertThat(header(get, "Content-Length")).as(body.getKey()).contains(String.valueOf(content.length));
                try (InputStream stream = get.body()) {
                    assertThat(stream.readAllBytes()).as(body.getKey()).isEqualTo(content);
                }
            }
        }
    }

    @Test
    void theRequestArrivesAsSentWithoutHopByHopHeaders()
            throws Exception
    {
        answer = exchange -> respond(exchange, 200, Map.of(), new byte[0]);
        Map<String, List<String>> headers = new TreeMap<>(Map.of(
                "content-type", List.of("application/octet-stream"),
                "x-amz-date", List.of("20261120T100000Z"),
                "x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD"),
                "authorization", List.of("AWS4-HMAC-SHA256 Credential=test/20261120/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"),
                "x-amz-meta-note", List.of("a b+c"),
                "host", List.of("client.example:4566")));
        HOP_BY_HOP_REQUEST_HEADERS.forEach((name, value) -> headers.put(name, List.of(value)));
        byte[] body = "part one".getBytes(StandardCharsets.UTF_8);

        try (S3Upstream.Response response = recorded.exchange(request("PUT", "/bucket/dir/a%20b%2Bc.txt", "partNumber=1&uploadId=x%2By%3D%3D", headers,
                new S3Upstream.Body.Bytes(body)))) {
            assertThat(response.status()).isEqualTo(200);
        }
        Received request = next();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.rawPath()).isEqualTo("/bucket/dir/a%20b%2Bc.txt");
        assertThat(request.rawQuery()).isEqualTo("partNumber=1&uploadId=x%2By%3D%3D");
        assertThat(request.header("content-type")).contains("application/octet-stream");
        assertThat(request.header("x-amz-date")).contains("20261120T100000Z");
        assertThat(request.header("x-amz-content-sha256")).contains("UNSIGNED-PAYLOAD");
        assertThat(request.header("authorization")).contains(headers.get("authorization").get(0));
        assertThat(request.header("x-amz-meta-note")).contains("a b+c");
        assertThat(request.header("content-length")).contains("8");
        assertThat(request.header("transfer-encoding")).isEmpty();
        assertThat(request.body()).isEqualTo(body);
        // the host is the server's, not the one the client addressed
        assertThat(request.header("host")).contains("127.0.0.1:" + recorder.getAddress().getPort());
        assertThat(request.headers().keySet()).doesNotContainAnyElementsOf(HOP_BY_HOP_REQUEST_HEADERS.keySet());
    }

    @Test
    void aBodyOfUnknownLengthIsSentChunkedAndOneOfKnownLengthWithItsLength()
            throws Exception
    {
        answer = exchange -> respond(exchange, 200, Map.of(), new byte[0]);
        byte[] content = new byte[200_000];
        Arrays.fill(content, (byte) 'x');

        try (S3Upstream.Response response = recorded.exchange(request("PUT", "/bucket/unknown", "", Map.of(),
                new S3Upstream.Body.Stream(new ByteArrayInputStream(content), Optional.empty())))) {
            assertThat(response.status()).isEqualTo(200);
        }
        Received unknown = next();
        assertThat(unknown.header("transfer-encoding")).contains("chunked");
        assertThat(unknown.header("content-length")).isEmpty();
        assertThat(unknown.body()).isEqualTo(content);

        try (S3Upstream.Response response = recorded.exchange(request("PUT", "/bucket/known", "", Map.of(),
                new S3Upstream.Body.Stream(new ByteArrayInputStream(content), Optional.of((long) content.length))))) {
            assertThat(response.status()).isEqualTo(200);
        }
        Received known = next();
        assertThat(known.header("content-length")).contains("200000");
        assertThat(known.header("transfer-encoding")).isEmpty();
        assertThat(known.body()).isEqualTo(content);
    }

    @Test
    void theAnswerComesBackWithItsStatusAndEndToEndHeaders()
            throws Exception
    {
        byte[] partial = "artial conten".getBytes(StandardCharsets.UTF_8);
        answer = exchange -> respond(exchange, 206, Map.of(
                "ETag", "\"0123\"",
                "Content-Range", "bytes 1-13/20",
                "x-amz-request-id", "R1",
                "Keep-Alive", "timeout=60",
                "Trailer", "x-amz-checksum-crc32"), partial);
        try (S3Upstream.Response response = recorded.exchange(request("GET", "/bucket/key", "", Map.of("range", List.of("bytes=1-13")),
                new S3Upstream.Body.None()))) {
            assertThat(response.status()).isEqualTo(206);
            assertThat(header(response, "ETag")).contains("\"0123\"");
            assertThat(header(response, "Content-Range")).contains("bytes 1-13/20");
            assertThat(header(response, "x-amz-request-id")).contains("R1");
            assertNoHopByHopHeaders(response);
            assertThat(response.body().readAllBytes()).isEqualTo(partial);
        }
        assertThat(next().header("range")).contains("bytes=1-13");

        byte[] error = "<Error><Code>AccessDenied</Code></Error>".getBytes(StandardCharsets.UTF_8);
        answer = exchange -> respond(exchange, 403, Map.of("Content-Type", "application/xml"), error);
        try (S3Upstream.Response response = recorded.exchange(request("GET", "/bucket/secret", "", Map.of(), new S3Upstream.Body.None()))) {
            assertThat(response.status()).isEqualTo(403);
            assertThat(header(response, "Content-Type")).contains("application/xml");
            assertThat(response.body().readAllBytes()).isEqualTo(error);
        }
        next();
    }

    @Test
    void aServerThatCannotBeReachedIsServiceUnavailable()
            throws IOException
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        S3Upstream unreachable = createUpstream(URI.create("http://127.0.0.1:" + closedPort));
        assertThatThrownBy(() -> unreachable.exchange(request("GET", "/bucket/key", "", Map.of(), new S3Upstream.Body.None())))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("ServiceUnavailable");
                    assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL);
                    assertThat(e.httpStatus()).isEqualTo(503);
                });
    }

    private Received next()
            throws InterruptedException
    {
        Received request = received.poll(30, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the recording server").isNotNull();
        return request;
    }

    /** Answers with a chunked body (length 0 to {@code sendResponseHeaders}), as S3 servers stream objects. */
    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
    {
        try {
            Headers responseHeaders = exchange.getResponseHeaders();
            headers.forEach(responseHeaders::add);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : 0);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String md5(byte[] content)
            throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }
}
