package io.lakestack.spi.s3;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The S3 server the S3 endpoint forwards requests to: a request goes as it came (method, path-style path and query
 * still percent-encoded, headers, body), and its answer comes back as the server gave it, so that uploads and
 * downloads of any size are streamed through and never held in memory.
 *
 * <p>Local emulation: the server is an S3-compatible one (the embedded S3 server, or MinIO); what it lacks (event
 * notifications) the S3 service adds around it.
 */
public interface S3Upstream
{
    /**
     * @param path the path-style path, percent-encoded as the client sent it: {@code /bucket/key}. Clients send some
     *         characters a URI may not hold unencoded ({@code |}, {@code ^}, {@code {}}...); the upstream forwards
     *         those percent-encoded, which names the same key
     * @param rawQuery the query as the client sent it, without {@code ?}, forwarded as the path is; empty when there is none
     * @param headers the request's end-to-end headers by lower-case name; hop-by-hop headers are not forwarded
     */
    record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, Body body)
    {
        public Request
        {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            requireNonNull(rawQuery, "rawQuery is null");
            headers = Map.copyOf(headers);
            requireNonNull(body, "body is null");
        }
    }

    /** A request body: none, bytes in memory, a file, or a stream read once (of a known length, or chunked when unknown). */
    sealed interface Body
    {
        record None() implements Body
        {
        }

        record Bytes(byte[] bytes) implements Body
        {
        }

        record File(java.nio.file.Path path) implements Body
        {
        }

        record Stream(InputStream stream, Optional<Long> length) implements Body
        {
        }
    }

    /** The server's answer; the caller closes it. Hop-by-hop headers are left out. */
    record Response(int status, Map<String, List<String>> headers, InputStream body)
            implements Closeable
    {
        @Override
        public void close()
                throws IOException
        {
            body.close();
        }
    }

    /**
     * @throws io.lakestack.spi.ServiceException {@code ServiceUnavailable} when the server cannot be reached
     */
    Response exchange(Request request)
            throws IOException;
}
