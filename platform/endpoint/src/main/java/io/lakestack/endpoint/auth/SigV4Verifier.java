package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.QueryStrings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes the SigV4 signature a request should carry, following AWS's "Create a signed AWS API request" steps:
 * canonical request, string to sign, derived signing key, HMAC-SHA256.
 *
 * <p>The AWS SDK's public signer cannot serve here: it signs a request it is about to send, deciding itself which
 * payload hash to use (computing it from the body, or adding an {@code x-amz-content-sha256} header to the signed
 * set), while a verifier must reproduce exactly what the client signed, including a payload hash it only declares
 * (S3 uploads are streamed, not buffered). {@code SigV4VerifierTest} checks this class against requests signed by
 * that signer.
 */
public final class SigV4Verifier
{
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final HexFormat HEX = HexFormat.of();
    private static final int SIGNING_KEYS_KEPT = 1024;
    private static final Map<SigningScope, byte[]> SIGNING_KEYS = new ConcurrentHashMap<>();

    private SigV4Verifier() {}

    /** The pieces of a verification, kept to explain a mismatch ({@code CanonicalRequest}, {@code StringToSign}). */
    public record Computation(String canonicalRequest, String stringToSign, String signature)
    {
        public boolean matches(String given)
        {
            return MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * @param payloadHash the hex SHA-256 of the body, or the constant the client declared
     *         ({@code UNSIGNED-PAYLOAD}, {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, ...)
     */
    public static Computation compute(AwsRequest request, SigV4Signature signature, String secretKey, String payloadHash)
    {
        String canonicalRequest = canonicalRequest(request, signature, payloadHash);
        String scope = scope(signature);
        String stringToSign = SigV4Signature.ALGORITHM + "\n" + signature.amzDate() + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        byte[] key = signingKey(secretKey, signature);
        return new Computation(canonicalRequest, stringToSign, HEX.formatHex(hmac(key, stringToSign)));
    }

    /**
     * The key derived from the secret for the signature's credential scope (one day, region and service), as the SDKs
     * keep it: derived once per secret and scope (four HMACs), not per request. The keys kept are dropped all at once
     * when there are {@value #SIGNING_KEYS_KEPT} of them.
     */
    static byte[] signingKey(String secretKey, SigV4Signature signature)
    {
        SigningScope scope = new SigningScope(secretKey, signature.scopeDate(), signature.region(), signature.service());
        byte[] key = SIGNING_KEYS.get(scope);
        if (key == null) {
            key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), signature.scopeDate());
            key = hmac(key, signature.region());
            key = hmac(key, signature.service());
            key = hmac(key, "aws4_request");
            if (SIGNING_KEYS.size() >= SIGNING_KEYS_KEPT) {
                SIGNING_KEYS.clear();
            }
            SIGNING_KEYS.put(scope, key);
        }
        return key.clone();
    }

    private record SigningScope(String secretKey, String date, String region, String service) {}

    static String scope(SigV4Signature signature)
    {
        return signature.scopeDate() + "/" + signature.region() + "/" + signature.service() + "/aws4_request";
    }

    static String canonicalRequest(AwsRequest request, SigV4Signature signature, String payloadHash)
    {
        StringBuilder canonical = new StringBuilder(512);
        canonical.append(request.method()).append('\n');
        canonical.append(canonicalUri(request.rawPath(), signature.service())).append('\n');
        canonical.append(canonicalQuery(request, signature.presigned())).append('\n');
        for (String name : signature.signedHeaders()) {
            canonical.append(name).append(':').append(canonicalHeaderValue(request.headers().getOrDefault(name, List.of()))).append('\n');
        }
        canonical.append('\n');
        canonical.append(String.join(";", signature.signedHeaders())).append('\n');
        canonical.append(payloadHash);
        return canonical.toString();
    }

    /**
     * S3 signs the path as sent (encoded once, not normalised); every other service signs it normalised and encoded
     * a second time. Normalised as the SDKs do it: without dot segments, and without a trailing slash removing them
     * leaves that the path did not have ({@code /a/b/..} is {@code /a}).
     */
    static String canonicalUri(String rawPath, String service)
    {
        if (service.equals("s3")) {
            return rawPath.isEmpty() ? "/" : rawPath;
        }
        String normalized = removeDotSegments(rawPath);
        if (normalized.length() > 1 && normalized.endsWith("/") && !rawPath.endsWith("/")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return QueryStrings.encode(normalized, true);
    }

    private static String removeDotSegments(String path)
    {
        if (!path.contains("./") && !path.endsWith("/.") && !path.endsWith("/..")) {
            return path.isEmpty() ? "/" : path;
        }
        List<String> output = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals(".")) {
                if (i == segments.length - 1) {
                    output.add("");
                }
            }
            else if (segment.equals("..")) {
                if (!output.isEmpty()) {
                    output.remove(output.size() - 1);
                }
                if (i == segments.length - 1) {
                    output.add("");
                }
            }
            else {
                output.add(segment);
            }
        }
        return "/" + String.join("/", output);
    }

    private static String canonicalQuery(AwsRequest request, boolean presigned)
    {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> parameter : request.queryParameters()) {
            if (presigned && parameter.getKey().equals("X-Amz-Signature")) {
                continue;
            }
            pairs.add(QueryStrings.encode(parameter.getKey(), false) + "=" + QueryStrings.encode(parameter.getValue(), false));
        }
        pairs.sort(String::compareTo);
        return String.join("&", pairs);
    }

    private static String canonicalHeaderValue(List<String> values)
    {
        List<String> trimmed = new ArrayList<>(values.size());
        for (String value : values) {
            trimmed.add(value.trim().replaceAll("\\s+", " "));
        }
        return String.join(",", trimmed);
    }

    public static String sha256Hex(byte[] bytes)
    {
        return HEX.formatHex(sha256().digest(bytes));
    }

    public static String sha256Hex(String text)
    {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
