package io.lakestack.endpoint.protocol;

import io.lakestack.spi.ServiceException;
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
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One request to the endpoint, as received: the raw (still percent-encoded) path and query, the headers, and a body
 * that is either streamed once ({@link #bodyStream()}) or read whole ({@link #body()}).
 *
 * <p>The raw forms matter: SigV4 signs them, and the S3 gateway forwards them unchanged.
 *
 * <p>Nothing of the body is read until {@link #body()} or the stream asks for it, so that a request can be judged by
 * its headers first; once {@link #limitBody} has bounded it, no more than the limit + 1 bytes are ever read.
 */
public final class AwsRequest
{
    /** The largest declared body length read into an array of that size at once. */
    private static final int PRESIZED_BODY_LIMIT = 8 * 1024 * 1024;

    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private final List<Map.Entry<String, String>> queryParameters;
    private static final HexFormat REQUEST_ID_HEX = HexFormat.of().withUpperCase();
    private final String requestId;
    private final String remoteAddress;
    private final InputStream bodyStream;
    private byte[] body;
    private boolean streamTaken;
    private long maxBodyBytes = Long.MAX_VALUE;
    private Function<OptionalLong, ServiceException> tooLarge;
    private ServiceException refusal;

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
        // 16 hex digits, as S3's request ids; not a secret, so not from SecureRandom, which every request would wait on
        this.requestId = REQUEST_ID_HEX.toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    public static AwsRequest from(HttpServletRequest request)
    {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)).stream().map(AwsRequest::utf8HeaderValue).toList());
        }
        // HTTP/2 carries the host in the :authority pseudo-header, which clients sign as the host header
        if (request.getProtocol().startsWith("HTTP/2") && headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("host"))) {
            boolean defaultPort = request.getServerPort() == (request.isSecure() ? 443 : 80);
            headers.put("Host", List.of(request.getServerName() + (defaultPort ? "" : ":" + request.getServerPort())));
        }
        try {
            return new AwsRequest(request.getMethod(), request.getRequestURI(), request.getQueryString(), headers,
                    request.getInputStream(), request.getRemoteAddr());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A header value as its client wrote it. The HTTP server reads each byte of a value as one ISO-8859-1 character,
     * while clients (botocore, the AWS SDKs) send non-ASCII values, such as user metadata, as UTF-8 and sign them so:
     * a value whose bytes are UTF-8 is read as UTF-8; any other stays as it was read.
     */
    static String utf8HeaderValue(String value)
    {
        boolean ascii = true;
        for (int i = 0; i < value.length() && ascii; i++) {
            ascii = value.charAt(i) < 0x80;
        }
        if (ascii || value.chars().anyMatch(c -> c > 0xff)) {
            return value;
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .toString();
        }
        catch (java.nio.charset.CharacterCodingException notUtf8) {
            return value;
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

    /** The length the {@code Content-Length} header declares; empty without one (a chunked body) or when it is not a number. */
    public OptionalLong declaredLength()
    {
        Optional<String> header = header("content-length");
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.get().trim()));
        }
        catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether the request has a body (a {@code Content-Length} above 0, or a chunked one) and nothing has read it: an
     * answer given now leaves its bytes on the connection.
     */
    public synchronized boolean bodyUnread()
    {
        if (body != null || streamTaken) {
            return false;
        }
        OptionalLong declared = declaredLength();
        return declared.isPresent() ? declared.getAsLong() > 0 : header("transfer-encoding").isPresent();
    }

    /**
     * Reads what is left of an unread body and drops it, when it is at most {@code maxBytes}: a request refused before
     * its body was read (a limit, a signature) then gets its answer on a connection the client has finished sending on,
     * rather than one closed under a client still sending, whose reset can lose the answer.
     *
     * @return whether the body has been read to its end, so the connection can serve the next request
     */
    public synchronized boolean discardUnreadBody(long maxBytes)
    {
        if (!bodyUnread()) {
            return true;
        }
        OptionalLong declared = declaredLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            return false;
        }
        streamTaken = true;
        byte[] scratch = new byte[64 * 1024];
        long dropped = 0;
        try {
            int count;
            while ((count = bodyStream.read(scratch)) >= 0) {
                dropped += count;
                if (dropped > maxBytes) {
                    return false;
                }
            }
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * Bounds the body before anything of it is read: from now on a body whose {@code Content-Length} is over
     * {@code maxBytes} is refused without reading any of it, and one without a length (chunked) once {@code maxBytes + 1}
     * bytes have been read, with the error {@code tooLarge} makes of the declared length (empty for a chunked body).
     */
    public synchronized void limitBody(long maxBytes, Function<OptionalLong, ServiceException> tooLarge)
    {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        if (body != null || streamTaken) {
            throw new IllegalStateException("the request body was already read");
        }
        this.maxBodyBytes = maxBytes;
        this.tooLarge = requireNonNull(tooLarge, "tooLarge is null");
    }

    /**
     * The body read whole; for target, Query and REST-JSON requests, whose bodies are bounded by the services' limits.
     *
     * @throws ServiceException the error {@link #limitBody} was given, when the body is over the limit
     */
    public synchronized byte[] body()
    {
        if (refusal != null) {
            throw refusal;
        }
        if (body == null) {
            if (streamTaken) {
                throw new IllegalStateException("the request body was already streamed");
            }
            OptionalLong declared = declaredLength();
            if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
                throw refuse(declared);
            }
            byte[] read;
            try {
                if (declared.isPresent() && declared.getAsLong() >= 0 && declared.getAsLong() <= PRESIZED_BODY_LIMIT) {
                    // one array of the declared size, not chunks copied together (Lambda's events are up to 6 MB); larger bodies grow as they come,
                    // so that a length declared but never sent holds no memory
                    read = readDeclared((int) declared.getAsLong());
                }
                else {
                    read = maxBodyBytes == Long.MAX_VALUE ? bodyStream.readAllBytes() : bodyStream.readNBytes((int) Math.min(Integer.MAX_VALUE, maxBodyBytes + 1));
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("reading the request body", e);
            }
            if (read.length > maxBodyBytes) {
                throw refuse(OptionalLong.empty());
            }
            body = read;
        }
        return body;
    }

    /** A body of the declared length; a body that ends early is what was sent, one that goes on is read on to its end or the limit. */
    private byte[] readDeclared(int length)
            throws IOException
    {
        byte[] read = new byte[length];
        int filled = bodyStream.readNBytes(read, 0, length);
        if (filled < length) {
            return Arrays.copyOf(read, filled);
        }
        int next = bodyStream.read();
        if (next < 0) {
            return read;
        }
        byte[] rest = bodyStream.readNBytes((int) Math.min(Integer.MAX_VALUE - length - 1L, Math.max(0, maxBodyBytes - length)));
        byte[] whole = Arrays.copyOf(read, length + 1 + rest.length);
        whole[length] = (byte) next;
        System.arraycopy(rest, 0, whole, length + 1, rest.length);
        return whole;
    }

    private ServiceException refuse(OptionalLong declared)
    {
        refusal = tooLarge.apply(declared);
        return refusal;
    }

    /**
     * The body as a stream, for requests that must not be buffered (S3 uploads); can be taken once. A bounded body
     * ({@link #limitBody}) streams up to its limit and then fails with the limit's error.
     */
    public synchronized InputStream bodyStream()
    {
        if (body != null) {
            return new java.io.ByteArrayInputStream(body);
        }
        if (streamTaken) {
            throw new IllegalStateException("the request body was already streamed");
        }
        streamTaken = true;
        if (maxBodyBytes == Long.MAX_VALUE) {
            return bodyStream;
        }
        OptionalLong declared = declaredLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw refuse(declared);
        }
        return new BoundedStream();
    }

    /** The body stream, failing with the limit's error when it goes past {@link #maxBodyBytes}. */
    private final class BoundedStream
            extends InputStream
    {
        private long read;

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            int count = read(one, 0, 1);
            return count < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            int count = bodyStream.read(buffer, offset, (int) Math.min(length, maxBodyBytes + 1 - read));
            if (count > 0) {
                read += count;
                if (read > maxBodyBytes) {
                    synchronized (AwsRequest.this) {
                        throw refuse(OptionalLong.empty());
                    }
                }
            }
            return count;
        }
    }
}
