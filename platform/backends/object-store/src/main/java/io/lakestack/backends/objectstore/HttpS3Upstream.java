package io.lakestack.backends.objectstore;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Forwards S3 requests to an S3 server over HTTP/1.1 with the JDK's client, bodies streamed both ways; hop-by-hop
 * headers stay on their own hop.
 */
public final class HttpS3Upstream
        implements S3Upstream
{
    private static final Set<String> REQUEST_HEADERS_NOT_FORWARDED = Set.of(
            "connection", "content-length", "expect", "host", "upgrade", "keep-alive", "te", "trailer", "transfer-encoding",
            "proxy-connection", "proxy-authorization", "http2-settings");
    private static final Set<String> RESPONSE_HEADERS_NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "date", "server", ":status");

    private final URI server;
    private final HttpClient http;

    public HttpS3Upstream(URI server)
    {
        String base = requireNonNull(server, "server is null").toString();
        this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Response exchange(Request request)
            throws IOException
    {
        String query = request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery();
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(server + request.path() + query))
                .method(request.method(), publisher(request.body()));
        request.headers().forEach((name, values) -> {
            if (!REQUEST_HEADERS_NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                    try {
                        forward.header(name, value);
                    }
                    catch (IllegalArgumentException restricted) {
                        // a header the JDK client sets itself
                    }
                }
            }
        });
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        catch (ConnectException e) {
            throw ServiceException.external("ServiceUnavailable", "The object store at " + server + " is not reachable (" + e
                    + "). Check `lakestack status`.", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding " + request.method() + " " + request.path(), e);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> {
            if (!RESPONSE_HEADERS_NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, values);
            }
        });
        return new Response(response.statusCode(), headers, response.body());
    }

    private static HttpRequest.BodyPublisher publisher(Body body)
            throws IOException
    {
        if (body instanceof Body.Bytes bytes) {
            return HttpRequest.BodyPublishers.ofByteArray(bytes.bytes());
        }
        if (body instanceof Body.File file) {
            return HttpRequest.BodyPublishers.ofFile(file.path());
        }
        if (body instanceof Body.Stream stream) {
            HttpRequest.BodyPublisher streaming = HttpRequest.BodyPublishers.ofInputStream(stream::stream);
            return stream.length().isPresent() ? HttpRequest.BodyPublishers.fromPublisher(streaming, stream.length().get()) : streaming;
        }
        return HttpRequest.BodyPublishers.noBody();
    }
}
