package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * An S3 URL presigned with Signature Version 2 ({@code AWSAccessKeyId}, {@code Expires}, {@code Signature} in the
 * query), the form boto3 still gives S3 presigned URLs by default: an HMAC-SHA1 of the method, {@code Content-MD5},
 * {@code Content-Type}, the expiry, the {@code x-amz-} headers and the resource (bucket, key and the sub-resources S3
 * signs), as S3's "Signing and authenticating REST requests" describes it. Only S3 takes it, and only in a query
 * string: a SigV2 {@code Authorization} header is not taken.
 *
 * @param accessKey the access key the URL names
 * @param expires the expiry, in seconds since the epoch
 * @param signature the signature the URL carries, base64
 */
public record SigV2QuerySignature(String accessKey, long expires, String signature)
{
    /** The query parameters S3 signs as part of the resource (botocore's list, which is S3's). */
    private static final Set<String> SIGNED_SUBRESOURCES = Set.of("accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber",
            "policy", "requestPayment", "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId", "response-content-type",
            "response-content-language", "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
            "delete", "lifecycle", "tagging", "restore", "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select",
            "select-type", "object-lock");

    public SigV2QuerySignature
    {
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(signature, "signature is null");
    }

    /** The SigV2 query signature of a request, if its query has one ({@code AWSAccessKeyId}, {@code Signature} and {@code Expires}). */
    public static Optional<SigV2QuerySignature> of(AwsRequest request)
            throws MalformedSignatureException
    {
        Optional<String> accessKey = request.queryParameter("AWSAccessKeyId");
        Optional<String> signature = request.queryParameter("Signature");
        Optional<String> expires = request.queryParameter("Expires");
        if (accessKey.isEmpty() && signature.isEmpty()) {
            return Optional.empty();
        }
        if (accessKey.isEmpty() || signature.isEmpty() || expires.isEmpty()) {
            throw new MalformedSignatureException("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long expiry;
        try {
            expiry = Long.parseLong(expires.get());
        }
        catch (NumberFormatException e) {
            throw new MalformedSignatureException("Invalid date (should be seconds since epoch): " + expires.get());
        }
        return Optional.of(new SigV2QuerySignature(accessKey.get(), expiry, signature.get()));
    }

    /**
     * Whether the signature is the one the secret makes for this request, for either addressing style: the resource
     * is the path as sent (path-style) or the path after the first label of the host (virtual-hosted).
     */
    public boolean matches(AwsRequest request, String secret)
    {
        byte[] provided;
        try {
            provided = Base64.getDecoder().decode(signature);
        }
        catch (IllegalArgumentException notBase64) {
            return false;
        }
        for (String resource : resources(request)) {
            if (java.security.MessageDigest.isEqual(provided, hmacSha1(secret, stringToSign(request, resource)))) {
                return true;
            }
        }
        return false;
    }

    /** What was signed, for the path-style resource: for the log and the error. */
    public String stringToSign(AwsRequest request)
    {
        return stringToSign(request, resources(request).get(0));
    }

    String stringToSign(AwsRequest request, String path)
    {
        StringBuilder text = new StringBuilder()
                .append(request.method()).append('\n')
                .append(request.header("content-md5").orElse("")).append('\n')
                .append(request.header("content-type").orElse("")).append('\n')
                .append(expires).append('\n');
        Map<String, String> amzHeaders = new TreeMap<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-")) {
                amzHeaders.put(lower, values.stream().map(String::trim).collect(Collectors.joining(",")));
            }
        });
        amzHeaders.forEach((name, value) -> text.append(name).append(':').append(value).append('\n'));
        text.append(path);
        TreeMap<String, Optional<String>> subresources = new TreeMap<>();
        for (Map.Entry<String, String> parameter : request.queryParameters()) {
            if (SIGNED_SUBRESOURCES.contains(parameter.getKey())) {
                subresources.put(parameter.getKey(), Optional.ofNullable(parameter.getValue()).filter(value -> !value.isEmpty()));
            }
        }
        String separator = "?";
        for (Map.Entry<String, Optional<String>> subresource : subresources.entrySet()) {
            text.append(separator).append(subresource.getKey());
            subresource.getValue().ifPresent(value -> text.append('=').append(value));
            separator = "&";
        }
        return text.toString();
    }

    private static List<String> resources(AwsRequest request)
    {
        String path = request.rawPath().isEmpty() ? "/" : request.rawPath();
        Optional<String> hostLabel = request.header("host")
                .map(host -> host.toLowerCase(Locale.ROOT))
                .filter(host -> host.indexOf('.') > 0 && !Character.isDigit(host.charAt(0)))
                .map(host -> host.substring(0, host.indexOf('.')));
        return hostLabel.map(bucket -> List.of(path, "/" + bucket + path)).orElse(List.of(path));
    }

    static byte[] hmacSha1(String secret, String text)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
