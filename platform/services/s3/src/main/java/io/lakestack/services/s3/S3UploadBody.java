package io.lakestack.services.s3;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.auth.AwsChunkedInputStream;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The body of an S3 request, ready for the S3 server: checked in full before anything is forwarded when the request
 * says what it must be, streamed as it arrives when it does not.
 * <ul>
 *   <li>a hex {@code x-amz-content-sha256} is checked against the body ({@code XAmzContentSHA256Mismatch});</li>
 *   <li>a {@code Content-MD5} must be 16 base64 bytes ({@code InvalidDigest}) and the body's MD5 ({@code BadDigest});</li>
 *   <li>an aws-chunked body ({@code x-amz-content-sha256: STREAMING-...}) is decoded, with its framing and chunk
 *       signatures checked ({@link AwsChunkedInputStream}), its length against {@code x-amz-decoded-content-length}
 *       ({@code MissingContentLength} when there is none) and the checksum its trailer carries against the bytes
 *       ({@code BadDigest}); it is forwarded as the plain object bytes: {@code Content-Length} the decoded length, no
 *       {@code aws-chunked} content encoding, {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}, and the trailing checksum
 *       as an {@code x-amz-checksum-*} header (instead of {@code x-amz-sdk-checksum-algorithm}), for the S3 server to
 *       keep with the object.</li>
 * </ul>
 * A checked body is spooled first, in memory up to {@link #SPOOL_IN_MEMORY_LIMIT}, else to a file in the spool directory
 * that {@link #close()} deletes.
 */
final class S3UploadBody
        implements AutoCloseable
{
    static final long SPOOL_IN_MEMORY_LIMIT = 8L * 1024 * 1024;
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,18}");

    private final S3Upstream.Body body;
    private final Map<String, List<String>> headers;
    private final Path spool;

    private S3UploadBody(S3Upstream.Body body, Map<String, List<String>> headers, Path spool)
    {
        this.body = requireNonNull(body, "body is null");
        this.headers = requireNonNull(headers, "headers is null");
        this.spool = spool;
    }

    /** The body to forward. */
    S3Upstream.Body body()
    {
        return body;
    }

    /** The headers to forward with it, by lower-case name: the request's, or those of the decoded body. */
    Map<String, List<String>> headers()
    {
        return headers;
    }

    /**
     * Reads the body of {@code request} as far as its checks need.
     *
     * @param spoolDirectory where a body too large for memory waits until it is checked (a directory of lakestack's
     *         data directory, cleared at every start)
     * @throws ServiceException when a check fails; nothing has been forwarded then
     */
    static S3UploadBody of(AwsRequest request, Authenticator.Caller caller, Path spoolDirectory)
            throws IOException
    {
        Optional<byte[]> contentMd5 = contentMd5(request);
        Optional<AwsChunkedInputStream.Format> chunked = request.header("x-amz-content-sha256").flatMap(AwsChunkedInputStream.Format::of);
        if (chunked.isPresent()) {
            return decoded(request, caller, chunked.get(), contentMd5, spoolDirectory);
        }
        long length = request.header("content-length").map(Long::parseLong).orElse(-1L);
        boolean transferChunked = request.header("transfer-encoding").map(value -> value.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false);
        Optional<String> declaredSha256 = request.header("x-amz-content-sha256").filter(value -> HEX_SHA256.matcher(value).matches());
        if (length == 0 || (length < 0 && !transferChunked)) {
            return ofBytes(request, new byte[0]);
        }
        Map<String, List<String>> headers = plainHeaders(request);
        Optional<Additional> additional = additionalChecksum(request);
        if (declaredSha256.isEmpty() && contentMd5.isEmpty() && additional.isEmpty()) {
            return new S3UploadBody(new S3Upstream.Body.Stream(request.bodyStream(), length > 0 ? Optional.of(length) : Optional.empty()),
                    headers, null);
        }
        Map<S3Checksum, S3Checksum.Digest> digests = new EnumMap<>(S3Checksum.class);
        declaredSha256.ifPresent(ignored -> digests.put(S3Checksum.SHA256, S3Checksum.SHA256.newDigest()));
        contentMd5.ifPresent(ignored -> digests.put(S3Checksum.MD5, S3Checksum.MD5.newDigest()));
        // apart from the others: SHA256 may be both the payload's hash and the additional checksum
        Optional<S3Checksum.Digest> additionalDigest = additional.map(checksum -> checksum.algorithm().newDigest());
        List<S3Checksum.Digest> all = new ArrayList<>(digests.values());
        additionalDigest.ifPresent(all::add);
        S3UploadBody spooled = spool(request.bodyStream(), length, all, headers, spoolDirectory);
        try {
            if (declaredSha256.isPresent()) {
                String computed = HexFormat.of().formatHex(digests.get(S3Checksum.SHA256).value());
                checkSha256(declaredSha256.get(), computed);
            }
            contentMd5.ifPresent(md5 -> checkContentMd5(md5, digests.get(S3Checksum.MD5).value()));
            additional.ifPresent(checksum -> checksum.check(additionalDigest.orElseThrow().value()));
            return spooled;
        }
        catch (ServiceException e) {
            spooled.close();
            throw e;
        }
    }

    /**
     * A body already read whole (an XML document the request checks parsed), checked against the request's hex
     * {@code x-amz-content-sha256} and {@code Content-MD5} as {@link #of} checks a body it reads.
     */
    static S3UploadBody ofBytes(AwsRequest request, byte[] bytes)
    {
        Optional<String> declaredSha256 = request.header("x-amz-content-sha256").filter(value -> HEX_SHA256.matcher(value).matches());
        if (declaredSha256.isPresent()) {
            S3Checksum.Digest digest = S3Checksum.SHA256.newDigest();
            digest.update(bytes, 0, bytes.length);
            checkSha256(declaredSha256.get(), HexFormat.of().formatHex(digest.value()));
        }
        Optional<byte[]> contentMd5 = contentMd5(request);
        if (contentMd5.isPresent()) {
            S3Checksum.Digest digest = S3Checksum.MD5.newDigest();
            digest.update(bytes, 0, bytes.length);
            checkContentMd5(contentMd5.get(), digest.value());
        }
        // CompleteMultipartUpload's checksum header is the whole object's (of its parts' checksums, with "-<parts>" when
        // composite), not its XML body's: the S3 server compares it; one that is no such value at all is refused here
        boolean completeUpload = request.method().equals("POST") && request.hasQueryParameter("uploadId");
        if (completeUpload) {
            request.headers().keySet().stream().flatMap(name -> S3Checksum.ofHeader(name).stream()).forEach(algorithm -> {
                String value = request.header(algorithm.headerName()).orElseThrow().trim();
                int dash = value.lastIndexOf('-');
                boolean parts = dash > 0 && DECIMAL.matcher(value.substring(dash + 1)).matches();
                if (decodeBase64(parts ? value.substring(0, dash) : value, algorithm.length()).isEmpty()) {
                    throw ServiceException.user("BadDigest", "The " + algorithm.displayName() + " you specified did not match the calculated checksum.");
                }
            });
        }
        Optional<Additional> additional = completeUpload ? Optional.empty() : additionalChecksum(request);
        if (additional.isPresent()) {
            S3Checksum.Digest digest = additional.get().algorithm().newDigest();
            digest.update(bytes, 0, bytes.length);
            additional.get().check(digest.value());
        }
        return new S3UploadBody(bytes.length == 0 ? new S3Upstream.Body.None() : new S3Upstream.Body.Bytes(bytes),
                completeUpload ? request.headers() : plainHeaders(request), null);
    }

    /** An additional checksum the client gave, and its value. */
    private record Additional(S3Checksum algorithm, byte[] value)
    {
        void check(byte[] computed)
        {
            if (!Arrays.equals(value, computed)) {
                throw ServiceException.user("BadDigest", "The " + algorithm.displayName() + " you specified did not match the calculated checksum.");
            }
        }
    }

    /**
     * The additional checksum header ({@code x-amz-checksum-<algorithm>}) of a body sent as it is; S3 takes one.
     *
     * @throws ServiceException {@code InvalidRequest} for more than one, or a value that is not the algorithm's base64
     */
    private static Optional<Additional> additionalChecksum(AwsRequest request)
    {
        List<S3Checksum> given = request.headers().keySet().stream().flatMap(name -> S3Checksum.ofHeader(name).stream()).toList();
        if (given.isEmpty()) {
            return Optional.empty();
        }
        if (given.size() > 1) {
            throw ServiceException.user("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }
        S3Checksum algorithm = given.get(0);
        String value = request.header(algorithm.headerName()).orElseThrow().trim();
        // a value that is no checksum at all does not match either, as S3 answers it
        return Optional.of(new Additional(algorithm, decodeBase64(value, algorithm.length()).orElseGet(() -> new byte[0])));
    }

    /**
     * The headers of a body sent as it is (not {@code aws-chunked}) as the S3 server takes them. SDKs send an additional
     * checksum as {@code x-amz-checksum-<algorithm>} together with {@code x-amz-sdk-checksum-algorithm}; with the latter
     * the S3 server looks for the value in a trailer and keeps no checksum, so it is left out. The S3 server checks the
     * value against the body ({@code BadDigest}) and keeps it for GetObject and HeadObject.
     */
    private static Map<String, List<String>> plainHeaders(AwsRequest request)
    {
        if (request.header("x-amz-sdk-checksum-algorithm").isEmpty()) {
            return request.headers();
        }
        if (request.headers().keySet().stream().noneMatch(name -> S3Checksum.ofHeader(name).isPresent())) {
            throw ServiceException.user("InvalidRequest",
                    "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
        }
        Map<String, List<String>> headers = new TreeMap<>(request.headers());
        headers.remove("x-amz-sdk-checksum-algorithm");
        return headers;
    }

    private static void checkSha256(String declared, String computed)
    {
        if (!computed.equalsIgnoreCase(declared)) {
            throw ServiceException.user("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed. "
                    + "Client: " + declared + ", computed: " + computed);
        }
    }

    private static S3UploadBody decoded(AwsRequest request, Authenticator.Caller caller, AwsChunkedInputStream.Format format, Optional<byte[]> contentMd5,
            Path spoolDirectory)
            throws IOException
    {
        long declaredLength = request.header("x-amz-decoded-content-length")
                .map(String::trim)
                .filter(value -> DECIMAL.matcher(value).matches())
                .map(Long::parseLong)
                .orElseThrow(() -> ServiceException.user("MissingContentLength", 411, "You must provide the Content-Length HTTP header."));
        Optional<S3Checksum> trailerChecksum = format.trailer() ? declaredTrailer(request) : Optional.empty();
        Map<S3Checksum, S3Checksum.Digest> digests = new EnumMap<>(S3Checksum.class);
        trailerChecksum.ifPresent(checksum -> digests.put(checksum, checksum.newDigest()));
        contentMd5.ifPresent(ignored -> digests.put(S3Checksum.MD5, S3Checksum.MD5.newDigest()));

        // a checksum given as a header rather than in the trailer
        Optional<Additional> additional = trailerChecksum.isEmpty() ? additionalChecksum(request) : Optional.empty();
        Optional<S3Checksum.Digest> additionalDigest = additional.map(checksum -> checksum.algorithm().newDigest());
        List<S3Checksum.Digest> all = new ArrayList<>(digests.values());
        additionalDigest.ifPresent(all::add);

        AwsChunkedInputStream decoded = new AwsChunkedInputStream(request.bodyStream(), format, caller.chunkSignatures(), declaredLength);
        Map<String, List<String>> headers = decodedHeaders(request.headers(), declaredLength);
        S3UploadBody spooled = spool(decoded, declaredLength, all, headers, spoolDirectory);
        try {
            Map<String, String> trailers = decoded.trailers();
            if (trailerChecksum.isEmpty() && !trailers.isEmpty()) {
                throw malformedTrailer();
            }
            if (trailerChecksum.isPresent()) {
                S3Checksum checksum = trailerChecksum.get();
                String value = trailers.get(checksum.headerName());
                if (value == null || trailers.size() != 1) {
                    throw malformedTrailer();
                }
                new Additional(checksum, decodeBase64(value, checksum.length())
                        .orElseThrow(() -> ServiceException.user("InvalidRequest", "Value for " + checksum.headerName() + " trailing header is invalid.")))
                        .check(digests.get(checksum).value());
                headers.put(checksum.headerName(), List.of(value));
                // with it, the S3 server would look for the checksum in a trailer, and keep none
                headers.remove("x-amz-sdk-checksum-algorithm");
            }
            contentMd5.ifPresent(md5 -> checkContentMd5(md5, digests.get(S3Checksum.MD5).value()));
            additional.ifPresent(checksum -> checksum.check(additionalDigest.orElseThrow().value()));
            return spooled;
        }
        catch (ServiceException e) {
            spooled.close();
            throw e;
        }
    }

    /** The checksum {@code x-amz-trailer} says the trailer carries. */
    private static Optional<S3Checksum> declaredTrailer(AwsRequest request)
    {
        Optional<String> declared = request.header("x-amz-trailer").map(String::trim).filter(value -> !value.isEmpty());
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(S3Checksum.ofHeader(declared.get())
                .orElseThrow(() -> ServiceException.user("InvalidRequest", "The value specified in the x-amz-trailer header is not supported")));
    }

    /** The request's headers for the decoded body it carries. */
    private static Map<String, List<String>> decodedHeaders(Map<String, List<String>> requestHeaders, long decodedLength)
    {
        Map<String, List<String>> headers = new TreeMap<>(requestHeaders);
        headers.remove("x-amz-decoded-content-length");
        headers.remove("x-amz-trailer");
        headers.put("x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD"));
        headers.put("content-length", List.of(String.valueOf(decodedLength)));
        List<String> encodings = new ArrayList<>();
        for (String value : headers.getOrDefault("content-encoding", List.of())) {
            for (String encoding : value.split(",")) {
                if (!encoding.isBlank() && !encoding.trim().equalsIgnoreCase("aws-chunked")) {
                    encodings.add(encoding.trim());
                }
            }
        }
        if (encodings.isEmpty()) {
            headers.remove("content-encoding");
        }
        else {
            headers.put("content-encoding", List.of(String.join(",", encodings)));
        }
        return headers;
    }

    private static Optional<byte[]> contentMd5(AwsRequest request)
    {
        return request.header("content-md5").map(value -> decodeBase64(value.trim(), 16)
                .orElseThrow(() -> ServiceException.user("InvalidDigest", "The Content-MD5 you specified was invalid.")));
    }

    private static void checkContentMd5(byte[] given, byte[] computed)
    {
        if (!Arrays.equals(given, computed)) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("CalculatedDigest", Base64.getEncoder().encodeToString(computed));
            details.put("ExpectedDigest", Base64.getEncoder().encodeToString(given));
            throw new DetailedServiceException(ErrorKind.USER, "BadDigest", 400, "The Content-MD5 you specified did not match what we received.", details);
        }
    }

    private static Optional<byte[]> decodeBase64(String value, int length)
    {
        try {
            byte[] decoded = Base64.getDecoder().decode(value);
            return decoded.length == length ? Optional.of(decoded) : Optional.empty();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static ServiceException malformedTrailer()
    {
        return ServiceException.user("MalformedTrailerError",
                "The request contained trailing data that was not well-formed or did not conform to our published schema.");
    }

    /** Reads {@code in} to its end through {@code digests}, into memory when it is known to be small, else into a temporary file. */
    private static S3UploadBody spool(InputStream in, long length, Collection<S3Checksum.Digest> digests, Map<String, List<String>> headers,
            Path spoolDirectory)
            throws IOException
    {
        InputStream digesting = new DigestingInputStream(in, List.copyOf(digests));
        if (length >= 0 && length <= SPOOL_IN_MEMORY_LIMIT) {
            return new S3UploadBody(new S3Upstream.Body.Bytes(digesting.readAllBytes()), headers, null);
        }
        Path file = Files.createTempFile(Files.createDirectories(spoolDirectory), "upload-", ".body");
        try (OutputStream out = Files.newOutputStream(file)) {
            digesting.transferTo(out);
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new S3UploadBody(new S3Upstream.Body.File(file), headers, file);
    }

    @Override
    public void close()
            throws IOException
    {
        if (spool != null) {
            Files.deleteIfExists(spool);
        }
    }

    /** Feeds every byte read to the digests. */
    private static final class DigestingInputStream
            extends FilterInputStream
    {
        private final List<S3Checksum.Digest> digests;

        DigestingInputStream(InputStream in, List<S3Checksum.Digest> digests)
        {
            super(in);
            this.digests = digests;
        }

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                for (S3Checksum.Digest digest : digests) {
                    digest.update(buffer, offset, n);
                }
            }
            return n;
        }

        @Override
        public long skip(long n)
        {
            throw new UnsupportedOperationException("skipping bytes would leave them out of the digests");
        }
    }
}
