package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsRequest;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The SigV4 signature a request carries, in its {@code Authorization} header or, for presigned URLs, in its query.
 *
 * @param accessKey the access key id of the credential scope
 * @param scopeDate {@code yyyyMMdd} of the credential scope
 * @param region the region of the credential scope
 * @param service the signing name of the credential scope ({@code s3}, {@code kinesis}, ...)
 * @param signedHeaders lower-case header names, in the order given
 * @param signature the hex signature
 * @param amzDate the request time, {@code yyyyMMdd'T'HHmmss'Z'}
 * @param expires for a presigned URL, how long it is valid
 */
public record SigV4Signature(
        String accessKey,
        String scopeDate,
        String region,
        String service,
        List<String> signedHeaders,
        String signature,
        String amzDate,
        Optional<Duration> expires)
{
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern CREDENTIAL = Pattern.compile("([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request");
    private static final Pattern AMZ_DATE = Pattern.compile("\\d{8}T\\d{6}Z");

    public SigV4Signature
    {
        requireNonNull(accessKey, "accessKey is null");
        signedHeaders = List.copyOf(signedHeaders);
        requireNonNull(expires, "expires is null");
    }

    public boolean presigned()
    {
        return expires.isPresent();
    }

    /**
     * The signature of a request, if it has one.
     *
     * @throws MalformedSignatureException when the request tries to sign (an {@code AWS4-HMAC-SHA256} header or
     *         {@code X-Amz-Algorithm} parameter) but the signature cannot be read
     */
    public static Optional<SigV4Signature> of(AwsRequest request)
            throws MalformedSignatureException
    {
        Optional<String> authorization = request.header("authorization");
        if (authorization.isPresent()) {
            return Optional.of(fromHeader(authorization.get(), request));
        }
        if (request.hasQueryParameter("X-Amz-Algorithm") || request.hasQueryParameter("X-Amz-Signature")) {
            return Optional.of(fromQuery(request));
        }
        return Optional.empty();
    }

    /** The signing name a request's credential scope names, without checking anything else; for routing. */
    public static Optional<String> signingNameOf(AwsRequest request)
    {
        String credential = request.header("authorization")
                .map(header -> {
                    int start = header.indexOf("Credential=");
                    if (start < 0) {
                        return "";
                    }
                    int end = header.indexOf(',', start);
                    return header.substring(start + "Credential=".length(), end < 0 ? header.length() : end).trim();
                })
                .orElseGet(() -> request.queryParameter("X-Amz-Credential").orElse(""));
        String[] parts = credential.split("/");
        return parts.length == 5 ? Optional.of(parts[3]) : Optional.empty();
    }

    private static SigV4Signature fromHeader(String header, AwsRequest request)
            throws MalformedSignatureException
    {
        String trimmed = header.trim();
        if (!trimmed.startsWith(ALGORITHM + " ")) {
            String algorithm = trimmed.split(" ", 2)[0];
            throw new MalformedSignatureException("Unsupported Authorization Type: " + algorithm
                    + ". lakestack checks AWS Signature Version 4 (" + ALGORITHM + ") only.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : trimmed.substring(ALGORITHM.length()).split(",")) {
            String item = part.trim();
            int equals = item.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = item.substring(0, equals).trim();
            String value = item.substring(equals + 1).trim();
            switch (name) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> { }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw new MalformedSignatureException("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization="
                    + trimmed.replaceAll("Signature=[0-9a-fA-F]+", "Signature=..."));
        }
        String amzDate = request.header("x-amz-date")
                .orElseThrow(() -> new MalformedSignatureException("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
        return build(credential, signedHeaders, signature, amzDate, Optional.empty());
    }

    private static SigV4Signature fromQuery(AwsRequest request)
            throws MalformedSignatureException
    {
        String algorithm = request.queryParameter("X-Amz-Algorithm").orElse("");
        if (!ALGORITHM.equals(algorithm)) {
            throw new MalformedSignatureException("X-Amz-Algorithm only supports \"" + ALGORITHM + "\", not \"" + algorithm + "\"");
        }
        String credential = required(request, "X-Amz-Credential");
        String signedHeaders = required(request, "X-Amz-SignedHeaders");
        String signature = required(request, "X-Amz-Signature");
        String amzDate = required(request, "X-Amz-Date");
        String expires = required(request, "X-Amz-Expires");
        long seconds;
        try {
            seconds = Long.parseLong(expires);
        }
        catch (NumberFormatException e) {
            throw new MalformedSignatureException("X-Amz-Expires should be a number, not " + expires);
        }
        // its range (0 to 604800 seconds) is checked with the signature's time: S3 answers 403 to a URL out of it
        return build(credential, signedHeaders, signature, amzDate, Optional.of(Duration.ofSeconds(seconds)));
    }

    private static String required(AwsRequest request, String name)
            throws MalformedSignatureException
    {
        return request.queryParameter(name)
                .orElseThrow(() -> new MalformedSignatureException("Query-string authentication requires the " + name + " parameter"));
    }

    private static SigV4Signature build(String credential, String signedHeaders, String signature, String amzDate, Optional<Duration> expires)
            throws MalformedSignatureException
    {
        Matcher matcher = CREDENTIAL.matcher(credential);
        if (!matcher.matches()) {
            throw new MalformedSignatureException("Credential should be scoped to a valid region and service, like "
                    + "<access key>/<yyyyMMdd>/<region>/<service>/aws4_request, not '" + credential + "'");
        }
        if (!AMZ_DATE.matcher(amzDate).matches()) {
            throw new MalformedSignatureException("X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', not '" + amzDate + "'");
        }
        if (!amzDate.startsWith(matcher.group(2))) {
            throw new MalformedSignatureException("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + matcher.group(2) + "' != '" + amzDate.substring(0, 8) + "'");
        }
        List<String> headers = Arrays.stream(signedHeaders.split(";"))
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .toList();
        return new SigV4Signature(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4), headers,
                signature.toLowerCase(Locale.ROOT), amzDate, expires);
    }
}
