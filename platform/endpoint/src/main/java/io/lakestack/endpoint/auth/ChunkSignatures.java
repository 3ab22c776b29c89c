package io.lakestack.endpoint.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * What the chunk and trailer signatures of one signed aws-chunked upload
 * ({@code x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]}) are checked with: the key its seed
 * signature was computed with, its time and credential scope, and the seed signature, which the first chunk's
 * signature chains from. The key is the derived one, valid for one day, region and service; the secret itself never
 * leaves the {@link Authenticator}, and neither the key nor anything derived from it is printed.
 *
 * <p>Each chunk is signed as in AWS's "Signature Calculations for the Authorization Header: Transferring Payload in
 * Multiple Chunks": string to sign {@code AWS4-HMAC-SHA256-PAYLOAD\n<time>\n<scope>\n<previous signature>\n<SHA-256
 * of "">\n<SHA-256 of the chunk's data>}; the trailer of a {@code -TRAILER} upload with
 * {@code AWS4-HMAC-SHA256-TRAILER\n<time>\n<scope>\n<last chunk's signature>\n<SHA-256 of the canonical trailer>}.
 */
public final class ChunkSignatures
{
    private static final HexFormat HEX = HexFormat.of();
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final byte[] signingKey;
    private final String amzDate;
    private final String scope;
    private final String seedSignature;

    ChunkSignatures(byte[] signingKey, String amzDate, String scope, String seedSignature)
    {
        this.signingKey = requireNonNull(signingKey, "signingKey is null").clone();
        this.amzDate = requireNonNull(amzDate, "amzDate is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.seedSignature = requireNonNull(seedSignature, "seedSignature is null");
    }

    /** The pieces of one chunk's or trailer's expected signature, kept to explain a mismatch. */
    record Expected(String stringToSign, String signature)
    {
        boolean matches(String given)
        {
            return MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The signature of the request's headers, which the first chunk's signature chains from. */
    String seedSignature()
    {
        return seedSignature;
    }

    /**
     * @param previousSignature the seed signature for the first chunk, else the previous chunk's
     * @param dataSha256 the SHA-256 of the chunk's data (of nothing for the final, empty chunk)
     */
    Expected chunk(String previousSignature, byte[] dataSha256)
    {
        return sign("AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + EMPTY_SHA256 + "\n"
                + HEX.formatHex(dataSha256));
    }

    /**
     * @param previousSignature the final (empty) chunk's signature
     * @param canonicalTrailer the trailing headers but the signature, {@code name:value\n} each, names in lower case and in order
     */
    Expected trailer(String previousSignature, String canonicalTrailer)
    {
        return sign("AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + previousSignature + "\n" + SigV4Verifier.sha256Hex(canonicalTrailer));
    }

    private Expected sign(String stringToSign)
    {
        return new Expected(stringToSign, HEX.formatHex(SigV4Verifier.hmac(signingKey, stringToSign)));
    }

    @Override
    public String toString()
    {
        return "ChunkSignatures[scope=" + scope + ", time=" + amzDate + "]";
    }
}
