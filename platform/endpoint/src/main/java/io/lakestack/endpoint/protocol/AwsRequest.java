package io.lakestack.endpoint.protocol;

import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * One request to the endpoint, as received: the raw (still percent-encoded) path and query, the headers, and a body
 * that is either streamed once ({@link #bodyStream()}) or read whole ({@link #body()}).
 *
 * <p>The raw forms matter: SigV4 signs them, and the S3 gateway forwards them unchanged.
 */
public final class AwsRequest
{
    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private final List<Map.Entry<String, String>> queryParameters;
    private final String requestId;
    private final String remoteAddress;
    private final InputStream bodyStream;
    private byte[] body;
    private boolean streamTaken;

    public AwsRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, InputStream bodyStream,
            String remoteAddress)
    {
        this.method = requireNonNull(method, "method is null").toUpperCase(Locale.ROOT);
        this.rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        Map<String, List<String>> lowered = new TreeMap<>();
        headers.forEach((name, values) -> lowered.computeIfAbsent(name.toLowerCase(Locale.ROOT), ignored -> new ArrayList<>()).addAll(values));
        this.headers = Collections.unmodifiableMap(lowered);
        this.queryParameters = QueryStrings.parse(this.rawQuery);
        this.bodyStream = requireNonNull(bodyStream, "bodyStream is null");
        this.remoteAddress = remoteAddress == null ? "127.0.0.1" : remoteAddress;
        this.requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    }

    public static AwsRequest from(HttpServletRequest request)
    {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        try {
            return new AwsRequest(request.getMethod(), request.getRequestURI(), request.getQueryString(), headers,
                    request.getInputStream(), request.getRemoteAddr());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String method()
    {
        return method;
    }

    /** The path exactly as sent, percent-encoded, starting with {@code /}. */
    public String rawPath()
    {
        return rawPath;
    }

    /** The query exactly as sent, without {@code ?}; empty when there is none. */
    public String rawQuery()
    {
        return rawQuery;
    }

    /** Decoded query parameters in order; a parameter without {@code =} has the value "". */
    public List<Map.Entry<String, String>> queryParameters()
    {
        return queryParameters;
    }

    public Optional<String> queryParameter(String name)
    {
        return queryParameters.stream().filter(entry -> entry.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
    }

    public boolean hasQueryParameter(String name)
    {
        return queryParameter(name).isPresent();
    }

    /** Headers by lower-case name. */
    public Map<String, List<String>> headers()
    {
        return headers;
    }

    public Optional<String> header(String name)
    {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String requestId()
    {
        return requestId;
    }

    public String remoteAddress()
    {
        return remoteAddress;
    }

    /** The {@code x-amz-id-2} value of this request's response. */
    public String hostId()
    {
        return java.util.Base64.getEncoder().encodeToString(("lakestack/" + requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The body read whole; for target and REST-JSON requests, whose bodies are bounded by the services' own limits. */
    public synchronized byte[] body()
    {
        if (body == null) {
            if (streamTaken) {
                throw new IllegalStateException("the request body was already streamed");
            }
            try {
                body = bodyStream.readAllBytes();
            }
            catch (IOException e) {
                throw new UncheckedIOException("reading the request body", e);
            }
        }
        return body;
    }

    /** The body as a stream, for requests that must not be buffered (S3 uploads); can be taken once. */
    public synchronized InputStream bodyStream()
    {
        if (body != null) {
            return new java.io.ByteArrayInputStream(body);
        }
        if (streamTaken) {
            throw new IllegalStateException("the request body was already streamed");
        }
        streamTaken = true;
        return bodyStream;
    }
}
