package io.lakestack.backends.objectstore;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Forwards S3 requests to an S3 server over HTTP/1.1 with the JDK's client, bodies streamed both ways; hop-by-hop
 * headers stay on their own hop. With {@link Signing} credentials each request is signed again for the server (SigV4,
 * {@code UNSIGNED-PAYLOAD}: the endpoint checked the body's hash already), the caller's signature (header or presigned
 * query) left out: for an object store that checks signatures, such as MinIO. Without, requests go as they came, for
 * a server that checks none (the embedded one).
 */
public final class HttpS3Upstream
        implements S3Upstream
{
    private static final Set<String> REQUEST_HEADERS_NOT_FORWARDED = Set.of(
            "connection", "content-length", "expect", "host", "upgrade", "keep-alive", "te", "trailer", "transfer-encoding",
            "proxy-connection", "proxy-authorization", "http2-settings");
    private static final Set<String> RESPONSE_HEADERS_NOT_FORWARDED = Set.of(
            "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "date", "server", ":status");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The credentials and region requests are signed with for the server. */
    public record Signing(String accessKey, String secretKey, String region)
    {
        public Signing
        {
            requireNonNull(accessKey, "accessKey is null");
            requireNonNull(secretKey, "secretKey is null");
            requireNonNull(region, "region is null");
        }
    }

    /** The caller's signature, which a request signed again does not carry. */
    private static final Set<String> SIGNATURE_HEADERS = Set.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

    private final URI server;
    private final HttpClient http;
    private final Optional<Signing> signing;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public HttpS3Upstream(URI server)
    {
        this(server, Optional.empty());
    }

    public HttpS3Upstream(URI server, Optional<Signing> signing)
    {
        this.signing = requireNonNull(signing, "signing is null");
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
        if (signing.isPresent()) {
            return send(request, signed(request, signing.get()));
        }
        String query = request.rawQuery().isEmpty() ? "" : "?" + encodeIllegal(request.rawQuery(), true);
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(server + encodeIllegal(request.path(), false) + query))
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
        return send(request, forward);
    }

    private Response send(Request request, HttpRequest.Builder forward)
            throws IOException
    {
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

    /**
     * The request signed for the server: its query without a presigned signature's parameters, its headers without the
     * caller's signature, then the SDK's SigV4 signer's {@code Authorization} over the host, the {@code x-amz-*}
     * headers and the content type and MD5.
     */
    private HttpRequest.Builder signed(Request request, Signing credentials)
            throws IOException
    {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .uri(server)
                .encodedPath(encodeIllegal(request.path(), false));
        if (!request.rawQuery().isEmpty()) {
            for (String parameter : request.rawQuery().split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int equals = parameter.indexOf('=');
                String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
                if (name.regionMatches(true, 0, "X-Amz-", 0, 6)) {
                    // a presigned request's signature, which is the caller's
                    continue;
                }
                unsigned.appendRawQueryParameter(name, equals < 0 ? null : decode(parameter.substring(equals + 1)));
            }
        }
        Map<String, List<String>> unsignedHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (REQUEST_HEADERS_NOT_FORWARDED.contains(lower) || SIGNATURE_HEADERS.contains(lower)) {
                return;
            }
            if (lower.startsWith("x-amz-") || lower.equals("content-type") || lower.equals("content-md5")) {
                unsigned.putHeader(name, values);
            }
            else {
                unsignedHeaders.put(name, values);
            }
        });
        unsigned.putHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        SdkHttpRequest signedRequest = signer.sign(sign -> sign
                .identity(AwsCredentialsIdentity.create(credentials.accessKey(), credentials.secretKey()))
                .request(unsigned.build())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, credentials.region())
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
                .request();
        HttpRequest.Builder forward = HttpRequest.newBuilder(signedRequest.getUri()).method(request.method(), publisher(request.body()));
        signedRequest.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(value -> forward.header(name, value));
            }
        });
        unsignedHeaders.forEach((name, values) -> {
            for (String value : values) {
                try {
                    forward.header(name, value);
                }
                catch (IllegalArgumentException restricted) {
                    // a header the JDK client sets itself
                }
            }
        });
        return forward;
    }

    private static String decode(String encoded)
    {
        return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes (as UTF-8) what a URI may not hold unencoded and clients send anyway ({@code |}, {@code ^},
     * {@code {}}, {@code "}, a space, non-ASCII characters...), so that the server decodes the key the client meant;
     * what is legal, {@code %XX} escapes included, stays as it was sent.
     */
    static String encodeIllegal(String raw, boolean query)
    {
        StringBuilder encoded = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean legal = isUriCharacter(c, query)
                    || (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2)));
            if (legal) {
                if (encoded != null) {
                    encoded.append(c);
                }
                continue;
            }
            if (encoded == null) {
                encoded = new StringBuilder(raw.length() + 16).append(raw, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
            for (byte b : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
            i = end - 1;
        }
        return encoded == null ? raw : encoded.toString();
    }

    /** RFC 3986: unreserved, sub-delims, ":" and "@" (pchar), "/", and "?" in a query. */
    private static boolean isUriCharacter(char c, boolean query)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0
                || (query && c == '?');
    }

    private static boolean isHex(char c)
    {
        return Character.digit(c, 16) >= 0 && c < 128;
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
