package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The body of an aws-chunked upload decoded into the bytes it carries, checked as it is read: its framing, the
 * decoded length it declared ({@code x-amz-decoded-content-length}), and for a signed upload each chunk's signature
 * and the trailer's, chained from the seed signature. Reading it to its end (-1) means all of it was checked; the
 * trailing headers ({@link #trailers()}) are then known, for the caller to check the checksum they carry.
 *
 * <p>A check that fails throws a {@link ServiceException} from {@code read}, with S3's code for it:
 * {@code IncompleteBody} for broken framing (a size that is not hex, data shorter than its size, a chunk not ended
 * by CRLF, no final chunk) or a decoded length other than the declared one, {@code SignatureDoesNotMatch} (403) for a
 * wrong chunk or trailer signature, {@code MalformedTrailerError} for a trailer that is not {@code name:value}. A body
 * that cannot be read to its end (the client stopped sending, its connection broke) is {@code IncompleteBody} too.
 */
public final class AwsChunkedInputStream
        extends InputStream
{
    /** The {@code x-amz-content-sha256} values of aws-chunked uploads lakestack decodes. */
    public enum Format
    {
        /** Signed chunks. */
        SIGNED("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true, false),
        /** Signed chunks, then trailing headers (a checksum) and their signature. */
        SIGNED_WITH_TRAILER("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", true, true),
        /** Unsigned chunks, then trailing headers (a checksum); what AWS SDKs send over HTTPS by default. */
        UNSIGNED_WITH_TRAILER("STREAMING-UNSIGNED-PAYLOAD-TRAILER", false, true);

        private final String contentSha256;
        private final boolean signed;
        private final boolean trailer;

        Format(String contentSha256, boolean signed, boolean trailer)
        {
            this.contentSha256 = contentSha256;
            this.signed = signed;
            this.trailer = trailer;
        }

        public String contentSha256()
        {
            return contentSha256;
        }

        public boolean signed()
        {
            return signed;
        }

        public boolean trailer()
        {
            return trailer;
        }

        /** The format an {@code x-amz-content-sha256} value names, if it names an aws-chunked one. */
        public static Optional<Format> of(String contentSha256)
        {
            return Arrays.stream(values()).filter(format -> format.contentSha256.equals(contentSha256)).findFirst();
        }
    }

    public static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";
    private static final String CHUNK_SIGNATURE = "chunk-signature=";
    private static final int MAX_CHUNK_HEADER = 4096;
    private static final int MAX_TRAILER_LINE = 1024;
    private static final int MAX_TRAILERS = 16;
    private static final byte[] NO_DATA_SHA256 = SigV4Verifier.sha256().digest();

    private final InputStream in;
    private final Format format;
    private final Optional<ChunkSignatures> signatures;
    private final long declaredLength;
    private final MessageDigest chunkDigest = SigV4Verifier.sha256();
    private String previousSignature;
    private String chunkSignature;
    private long chunkRemaining;
    private boolean inChunk;
    private long decoded;
    private boolean finished;
    private Map<String, String> trailers = Map.of();

    /**
     * @param encoded the body as sent
     * @param signatures what to check the chunk signatures of a signed format with; empty to read them without
     *         checking (signatures are not verified)
     * @param declaredLength the decoded length the request declared ({@code x-amz-decoded-content-length})
     */
    public AwsChunkedInputStream(InputStream encoded, Format format, Optional<ChunkSignatures> signatures, long declaredLength)
    {
        this.in = new BufferedInputStream(requireNonNull(encoded, "encoded is null"), 64 * 1024);
        this.format = requireNonNull(format, "format is null");
        this.signatures = format.signed() ? requireNonNull(signatures, "signatures is null") : Optional.empty();
        this.previousSignature = this.signatures.map(ChunkSignatures::seedSignature).orElse(null);
        if (declaredLength < 0) {
            throw new IllegalArgumentException("declaredLength is negative: " + declaredLength);
        }
        this.declaredLength = declaredLength;
    }

    /** The trailing headers but their signature, by lower-case name in the order sent; empty until the end was read. */
    public Map<String, String> trailers()
    {
        return trailers;
    }

    @Override
    public int read()
    {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length)
    {
        try {
            return decode(buffer, offset, length);
        }
        catch (IOException e) {
            // the client stopped sending (Jetty: "Early EOF"), or its connection broke
            throw incompleteBody();
        }
    }

    private int decode(byte[] buffer, int offset, int length)
            throws IOException
    {
        if (length == 0) {
            return 0;
        }
        while (!finished && chunkRemaining == 0) {
            if (inChunk) {
                endChunk();
            }
            startChunk();
        }
        if (finished) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, chunkRemaining));
        if (n < 0) {
            throw incompleteBody();
        }
        chunkDigest.update(buffer, offset, n);
        chunkRemaining -= n;
        decoded += n;
        return n;
    }

    private void startChunk()
            throws IOException
    {
        String header = readLine(MAX_CHUNK_HEADER);
        int semicolon = header.indexOf(';');
        long size = parseSize(semicolon < 0 ? header : header.substring(0, semicolon));
        if (format.signed()) {
            String extension = semicolon < 0 ? "" : header.substring(semicolon + 1);
            if (!extension.startsWith(CHUNK_SIGNATURE) || !isHexSignature(extension.substring(CHUNK_SIGNATURE.length()))) {
                throw incompleteBody();
            }
            chunkSignature = extension.substring(CHUNK_SIGNATURE.length()).toLowerCase(Locale.ROOT);
        }
        else if (semicolon >= 0) {
            throw incompleteBody();
        }
        if (size > declaredLength - decoded) {
            throw tooLong(size);
        }
        chunkDigest.reset();
        if (size == 0) {
            checkChunkSignature(NO_DATA_SHA256);
            end();
            return;
        }
        chunkRemaining = size;
        inChunk = true;
    }

    private void endChunk()
            throws IOException
    {
        if (!readLine(0).isEmpty()) {
            throw incompleteBody();
        }
        inChunk = false;
        checkChunkSignature(chunkDigest.digest());
    }

    private void checkChunkSignature(byte[] dataSha256)
    {
        if (signatures.isEmpty()) {
            return;
        }
        ChunkSignatures.Expected expected = signatures.get().chunk(previousSignature, dataSha256);
        if (!expected.matches(chunkSignature)) {
            throw signatureDoesNotMatch(expected, chunkSignature);
        }
        previousSignature = chunkSignature;
    }

    private void end()
            throws IOException
    {
        if (decoded != declaredLength) {
            throw lengthMismatch(decoded);
        }
        if (format.trailer()) {
            readTrailers();
        }
        else if (!readLine(0).isEmpty()) {
            throw incompleteBody();
        }
        if (in.read() >= 0) {
            throw incompleteBody();
        }
        finished = true;
    }

    private void readTrailers()
            throws IOException
    {
        Map<String, String> received = new LinkedHashMap<>();
        String trailerSignature = null;
        for (String line = readLine(MAX_TRAILER_LINE); !line.isEmpty(); line = readLine(MAX_TRAILER_LINE)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || trailerSignature != null || received.size() == MAX_TRAILERS) {
                throw malformedTrailer();
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals(TRAILER_SIGNATURE) && format.signed()) {
                trailerSignature = value;
            }
            else if (received.put(name, value) != null) {
                throw malformedTrailer();
            }
        }
        if (format.signed()) {
            if (trailerSignature == null || !isHexSignature(trailerSignature)) {
                throw incompleteBody();
            }
            if (signatures.isPresent()) {
                StringBuilder canonical = new StringBuilder();
                new TreeMap<>(received).forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
                ChunkSignatures.Expected expected = signatures.get().trailer(previousSignature, canonical.toString());
                String given = trailerSignature.toLowerCase(Locale.ROOT);
                if (!expected.matches(given)) {
                    throw signatureDoesNotMatch(expected, given);
                }
            }
        }
        trailers = Collections.unmodifiableMap(received);
    }

    /** A chunk of {@code size} makes the body longer than declared: the error, after counting what the rest of the body carries. */
    private ServiceException tooLong(long size)
            throws IOException
    {
        long provided = decoded + size;
        try {
            for (long skip = size; skip > 0; ) {
                in.skipNBytes(skip);
                if (!readLine(0).isEmpty()) {
                    return incompleteBody();
                }
                String header = readLine(MAX_CHUNK_HEADER);
                int semicolon = header.indexOf(';');
                skip = parseSize(semicolon < 0 ? header : header.substring(0, semicolon));
                provided += skip;
            }
        }
        catch (EOFException e) {
            return incompleteBody();
        }
        return lengthMismatch(provided);
    }

    /** A line up to CRLF, without it; one longer than {@code limit} bytes, or the end of the body first, is broken framing. */
    private String readLine(int limit)
            throws IOException
    {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw incompleteBody();
            }
            if (b == '\r') {
                in.mark(1);
                if (in.read() == '\n') {
                    return line.toString();
                }
                in.reset();
            }
            if (line.length() >= limit) {
                throw limit == MAX_TRAILER_LINE ? malformedTrailer() : incompleteBody();
            }
            line.append((char) b);
        }
    }

    private static long parseSize(String hex)
    {
        if (hex.isEmpty() || hex.length() > 15) {
            throw incompleteBody();
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw incompleteBody();
            }
        }
        return Long.parseLong(hex, 16);
    }

    private static boolean isHexSignature(String value)
    {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static ServiceException incompleteBody()
    {
        return ServiceException.user("IncompleteBody", "The request body terminated unexpectedly");
    }

    private ServiceException lengthMismatch(long provided)
    {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("NumberBytesExpected", String.valueOf(declaredLength));
        details.put("NumberBytesProvided", String.valueOf(provided));
        return new DetailedServiceException(ErrorKind.USER, "IncompleteBody", 400,
                "You did not provide the number of bytes specified by the Content-Length HTTP header", details);
    }

    private static ServiceException malformedTrailer()
    {
        return ServiceException.user("MalformedTrailerError",
                "The request contained trailing data that was not well-formed or did not conform to our published schema.");
    }

    private static ServiceException signatureDoesNotMatch(ChunkSignatures.Expected expected, String given)
    {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("StringToSign", expected.stringToSign());
        details.put("SignatureProvided", given);
        return new DetailedServiceException(ErrorKind.USER, "SignatureDoesNotMatch", 403,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.", details);
    }

    @Override
    public void close()
            throws IOException
    {
        in.close();
    }
}
