package io.lakestack.endpoint.auth;

import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.DetailedServiceException;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Checks that a request is signed with SigV4 by a known access key, and answers the AWS error a client of that
 * protocol expects when it is not: S3's {@code AccessDenied} / {@code InvalidAccessKeyId} /
 * {@code SignatureDoesNotMatch} / {@code RequestTimeTooSkewed}, or the JSON services'
 * {@code MissingAuthenticationTokenException} / {@code UnrecognizedClientException} /
 * {@code InvalidSignatureException} / {@code IncompleteSignatureException}.
 *
 * <p>Everything a signature says is checked from the headers (or the query) before the body is read: that the
 * signature can be read, that its date is a real time, that its access key is known, that it is not expired. Only
 * then is the body read, bounded by the service's limit ({@link AwsRequest#limitBody}), for the payload hash the
 * signature covers; a request that fails a header check is answered without any of its body being read.
 *
 * <p>S3 also takes URLs presigned with Signature Version 2 ({@link SigV2QuerySignature}), boto3's default for S3
 * presigned URLs; no other SigV2 form is taken.
 *
 * <p>Any region is accepted. With verification turned off, a signature is still parsed (to know the caller's
 * region and access key) but never checked, and unsigned requests are let through.
 */
public final class Authenticator
{
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /** A SigV4 presigned URL lives at most a week. */
    private static final long MAX_PRESIGNED_SECONDS = 604800;
    /** Strict: a date of the right shape naming no real time (month 13, February 30, hour 25) does not parse. */
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withResolverStyle(ResolverStyle.STRICT);

    private final Map<String, String> secretsByAccessKey;
    private final TemporaryCredentials temporary;
    private final boolean verify;
    private final Clock clock;
    private final String defaultRegion;

    public Authenticator(Map<String, String> secretsByAccessKey, boolean verify, String defaultRegion, Clock clock)
    {
        this(secretsByAccessKey, TemporaryCredentials.NONE, verify, defaultRegion, clock);
    }

    /**
     * @param temporary the credentials STS issued, accepted with their session token until they expire
     */
    public Authenticator(Map<String, String> secretsByAccessKey, TemporaryCredentials temporary, boolean verify, String defaultRegion, Clock clock)
    {
        this.secretsByAccessKey = Map.copyOf(secretsByAccessKey);
        this.temporary = requireNonNull(temporary, "temporary is null");
        this.verify = verify;
        this.defaultRegion = requireNonNull(defaultRegion, "defaultRegion is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Who sent a request: the access key and the region it signed for.
     *
     * @param chunkSignatures for a signed aws-chunked upload whose seed signature was verified, what its chunk
     *         signatures are checked with ({@link AwsChunkedInputStream}); empty for any other request, and when
     *         signatures are not verified
     */
    public record Caller(String accessKey, String region, Optional<ChunkSignatures> chunkSignatures)
    {
        public Caller
        {
            requireNonNull(accessKey, "accessKey is null");
            requireNonNull(region, "region is null");
            requireNonNull(chunkSignatures, "chunkSignatures is null");
        }

        public Caller(String accessKey, String region)
        {
            this(accessKey, region, Optional.empty());
        }
    }

    /**
     * @param protocol decides the error names and shapes
     * @param signingName the service the request is for, as its credential scope names it ({@code s3} signs paths differently)
     * @throws ServiceException when the request is not signed, or not signed right
     */
    public Caller authenticate(AwsRequest request, AwsProtocol protocol, String signingName)
    {
        boolean s3 = protocol == AwsProtocol.REST_XML;
        boolean query = protocol == AwsProtocol.QUERY;
        Optional<SigV4Signature> parsed;
        try {
            parsed = SigV4Signature.of(request);
        }
        catch (MalformedSignatureException e) {
            if (!verify) {
                return new Caller("anonymous", defaultRegion);
            }
            if (s3) {
                throw ServiceException.user(request.hasQueryParameter("X-Amz-Algorithm") ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed",
                        e.getMessage());
            }
            throw ServiceException.user(query ? "IncompleteSignature" : "IncompleteSignatureException", e.getMessage());
        }
        if (parsed.isEmpty() && s3) {
            Optional<SigV2QuerySignature> version2;
            try {
                version2 = SigV2QuerySignature.of(request);
            }
            catch (MalformedSignatureException e) {
                if (!verify) {
                    return new Caller("anonymous", defaultRegion);
                }
                throw ServiceException.user("AccessDenied", 403, e.getMessage());
            }
            if (version2.isPresent()) {
                return authenticate(request, version2.get());
            }
        }
        if (parsed.isEmpty()) {
            if (!verify) {
                return new Caller("anonymous", defaultRegion);
            }
            throw s3
                    ? ServiceException.user("AccessDenied", 403, "Access Denied: the request is not signed. Sign it with AWS Signature Version 4 "
                            + "using a configured access key (default 'test' / secret 'test'), or start lakestack with --no-verify-signatures.")
                    : ServiceException.user(query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException", 403,
                            query ? "Request is missing Authentication Token" : "Missing Authentication Token");
        }
        SigV4Signature signature = parsed.get();
        Caller caller = new Caller(signature.accessKey(), signature.region());
        if (!verify) {
            return caller;
        }
        Instant signed = requestTime(signature, s3, query);
        String secret = secretsByAccessKey.get(signature.accessKey());
        if (secret == null) {
            secret = temporary.find(signature.accessKey()).map(session -> sessionSecret(request, session, s3, query)).orElse(null);
        }
        if (secret == null) {
            throw s3
                    ? ServiceException.user("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.")
                    : query
                            ? ServiceException.user("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
                            : ServiceException.user("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        checkTime(signature, signed, s3, query);
        String payloadHash = payloadHash(request, signature, s3);
        SigV4Verifier.Computation expected = SigV4Verifier.compute(request, signature, secret, payloadHash);
        if (!expected.matches(signature.signature())) {
            log.debug("{}: signature mismatch; canonical request:\n{}\nstring to sign:\n{}", request.requestId(), expected.canonicalRequest(),
                    expected.stringToSign());
            if (s3) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("AWSAccessKeyId", signature.accessKey());
                details.put("StringToSign", expected.stringToSign());
                details.put("SignatureProvided", signature.signature());
                details.put("CanonicalRequest", expected.canonicalRequest());
                throw new DetailedServiceException(ErrorKind.USER, "SignatureDoesNotMatch", 403,
                        "The request signature we calculated does not match the signature you provided. Check your key and signing method.", details);
            }
            throw ServiceException.user(query ? "SignatureDoesNotMatch" : "InvalidSignatureException", query ? 403 : 400,
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and "
                            + "signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'"
                            + expected.canonicalRequest() + "'\n\nThe String-to-Sign should have been\n'" + expected.stringToSign() + "'\n");
        }
        if (s3 && !signature.presigned() && AwsChunkedInputStream.Format.of(payloadHash).map(AwsChunkedInputStream.Format::signed).orElse(false)) {
            return new Caller(caller.accessKey(), caller.region(), Optional.of(new ChunkSignatures(SigV4Verifier.signingKey(secret, signature),
                    signature.amzDate(), SigV4Verifier.scope(signature), signature.signature())));
        }
        return caller;
    }

    /**
     * An S3 browser upload ({@code POST} of an HTML form): its fields carry the credentials, and the signature covers
     * the base64 policy document, with SigV4 ({@code x-amz-algorithm}, {@code x-amz-credential}, {@code x-amz-date},
     * {@code x-amz-signature}, and {@code x-amz-security-token} for temporary credentials) or with SigV2
     * ({@code AWSAccessKeyId}, {@code signature}: an HMAC-SHA1). The policy's own conditions are the caller's to check.
     *
     * @param fields the form's fields by lower-case name
     * @throws ServiceException S3's error: 400 {@code InvalidArgument} when a credential field is missing, 403
     *         {@code InvalidAccessKeyId} or {@code SignatureDoesNotMatch}
     */
    public Caller authenticatePostPolicy(Map<String, String> fields, String policy)
    {
        Optional<String> algorithm = Optional.ofNullable(fields.get("x-amz-algorithm"));
        if (algorithm.isPresent()) {
            if (!algorithm.get().equals("AWS4-HMAC-SHA256")) {
                throw ServiceException.user("InvalidArgument", "x-amz-algorithm only supports AWS4-HMAC-SHA256, not '" + algorithm.get() + "'");
            }
            String credential = requiredField(fields, "x-amz-credential");
            String amzDate = requiredField(fields, "x-amz-date");
            String signatureField = requiredField(fields, "x-amz-signature");
            String[] scope = credential.split("/", -1);
            if (scope.length != 5 || !scope[4].equals("aws4_request") || !amzDate.startsWith(scope[1])) {
                throw ServiceException.user("InvalidArgument", "x-amz-credential should be <access key>/<yyyyMMdd>/<region>/<service>/aws4_request "
                        + "of the day of x-amz-date, not '" + credential + "'");
            }
            Caller caller = new Caller(scope[0], scope[2]);
            if (!verify) {
                return caller;
            }
            String secret = secretsByAccessKey.get(scope[0]);
            if (secret == null) {
                secret = temporary.find(scope[0])
                        .filter(session -> MessageDigest.isEqual(fields.getOrDefault("x-amz-security-token", "").getBytes(StandardCharsets.UTF_8),
                                session.sessionToken().getBytes(StandardCharsets.UTF_8)))
                        .filter(session -> clock.millis() < session.expirationMillis())
                        .map(TemporaryCredentials.Session::secretKey)
                        .orElseThrow(() -> ServiceException.user("InvalidAccessKeyId", 403,
                                "The AWS Access Key Id you provided does not exist in our records."));
            }
            byte[] key = SigV4Verifier.hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
            key = SigV4Verifier.hmac(key, scope[2]);
            key = SigV4Verifier.hmac(key, scope[3]);
            key = SigV4Verifier.hmac(key, "aws4_request");
            String expected = java.util.HexFormat.of().formatHex(SigV4Verifier.hmac(key, policy));
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signatureField.toLowerCase(java.util.Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8))) {
                throw policySignatureMismatch(scope[0], policy, signatureField);
            }
            return caller;
        }
        String accessKey = requiredField(fields, "awsaccesskeyid");
        String signatureField = requiredField(fields, "signature");
        Caller caller = new Caller(accessKey, defaultRegion);
        if (!verify) {
            return caller;
        }
        String secret = secretsByAccessKey.get(accessKey);
        if (secret == null) {
            throw ServiceException.user("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
        }
        byte[] provided;
        try {
            provided = java.util.Base64.getDecoder().decode(signatureField);
        }
        catch (IllegalArgumentException notBase64) {
            provided = new byte[0];
        }
        if (!MessageDigest.isEqual(provided, SigV2QuerySignature.hmacSha1(secret, policy))) {
            throw policySignatureMismatch(accessKey, policy, signatureField);
        }
        return caller;
    }

    private static String requiredField(Map<String, String> fields, String name)
    {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw ServiceException.user("InvalidArgument", "Bucket POST must contain a field named '" + name + "'. If it is specified, please check the "
                    + "order of the fields.");
        }
        return value;
    }

    private static ServiceException policySignatureMismatch(String accessKey, String policy, String provided)
    {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("AWSAccessKeyId", accessKey);
        details.put("StringToSign", policy);
        details.put("SignatureProvided", provided);
        return new DetailedServiceException(ErrorKind.USER, "SignatureDoesNotMatch", 403,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.", details);
    }

    /**
     * An S3 URL presigned with Signature Version 2: the access key must be one of the configured ones (temporary
     * credentials sign with SigV4), the URL must not have expired, and the HMAC-SHA1 must match.
     */
    private Caller authenticate(AwsRequest request, SigV2QuerySignature signature)
    {
        Caller caller = new Caller(signature.accessKey(), defaultRegion);
        if (!verify) {
            return caller;
        }
        String secret = secretsByAccessKey.get(signature.accessKey());
        if (secret == null) {
            throw ServiceException.user("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
        }
        long now = clock.instant().getEpochSecond();
        if (now > signature.expires()) {
            throw ServiceException.user("AccessDenied", 403, "Request has expired (Expires " + signature.expires() + ", now " + now + ")");
        }
        if (!signature.matches(request, secret)) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("AWSAccessKeyId", signature.accessKey());
            details.put("StringToSign", signature.stringToSign(request));
            details.put("SignatureProvided", signature.signature());
            throw new DetailedServiceException(ErrorKind.USER, "SignatureDoesNotMatch", 403,
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.", details);
        }
        return caller;
    }

    /**
     * The secret of temporary credentials, once the request carries their session token ({@code X-Amz-Security-Token},
     * a header or a presigned URL's parameter) and they have not expired.
     */
    private String sessionSecret(AwsRequest request, TemporaryCredentials.Session session, boolean s3, boolean query)
    {
        Optional<String> token = request.header("x-amz-security-token").or(() -> request.queryParameter("X-Amz-Security-Token"));
        if (token.isEmpty() || !MessageDigest.isEqual(token.get().getBytes(StandardCharsets.UTF_8), session.sessionToken().getBytes(StandardCharsets.UTF_8))) {
            throw s3
                    ? ServiceException.user("InvalidToken", 400, "The provided token is malformed or otherwise invalid.")
                    : query
                            ? ServiceException.user("InvalidClientTokenId", 403, "The security token included in the request is invalid.")
                            : ServiceException.user("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (clock.millis() >= session.expirationMillis()) {
            throw s3
                    ? ServiceException.user("ExpiredToken", 400, "The provided token has expired.")
                    : ServiceException.user(query ? "ExpiredToken" : "ExpiredTokenException", query ? 403 : 400,
                            "The security token included in the request is expired");
        }
        return session.secretKey();
    }

    /**
     * The time a signature names. Its shape was checked when it was parsed; a date of that shape that names no real
     * time is refused as AWS refuses it: S3 with {@code AccessDenied} (in a header) or
     * {@code AuthorizationQueryParametersError} (in a presigned URL), the other services with
     * {@code IncompleteSignatureException}, since the signature cannot be read.
     */
    private static Instant requestTime(SigV4Signature signature, boolean s3, boolean query)
    {
        String text = signature.amzDate();
        try {
            // SigV4Signature checked the form, yyyyMMdd'T'HHmmss'Z' in ASCII digits; LocalDateTime.of checks the fields' ranges
            return LocalDateTime.of(digits(text, 0, 4), digits(text, 4, 6), digits(text, 6, 8), digits(text, 9, 11), digits(text, 11, 13),
                    digits(text, 13, 15)).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeException | IndexOutOfBoundsException e) {
            if (s3) {
                throw signature.presigned()
                        ? ServiceException.user("AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
                        : ServiceException.user("AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header");
            }
            throw ServiceException.user(query ? "IncompleteSignature" : "IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '"
                    + signature.amzDate() + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
    }

    private static int digits(String text, int from, int to)
    {
        int value = 0;
        for (int i = from; i < to; i++) {
            char digit = text.charAt(i);
            if (digit < '0' || digit > '9') {
                throw new DateTimeException("not a digit at " + i + " of " + text);
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    private void checkTime(SigV4Signature signature, Instant signed, boolean s3, boolean query)
    {
        Instant now = clock.instant();
        if (signature.presigned()) {
            long seconds = signature.expires().orElseThrow().toSeconds();
            if (seconds < 0) {
                throw ServiceException.user("AuthorizationQueryParametersError", 403, "X-Amz-Expires must be non-negative, not " + seconds);
            }
            if (seconds > MAX_PRESIGNED_SECONDS) {
                throw ServiceException.user("AuthorizationQueryParametersError", 403, "X-Amz-Expires must be less than a week (in seconds); that is, "
                        + "the given X-Amz-Expires must be less than " + MAX_PRESIGNED_SECONDS + " seconds (it is " + seconds + ")");
            }
            Instant expiry = signed.plus(signature.expires().orElseThrow());
            if (!now.isBefore(expiry)) {
                throw ServiceException.user("AccessDenied", 403, "Request has expired (X-Amz-Date " + signature.amzDate()
                        + ", X-Amz-Expires " + signature.expires().get().toSeconds() + ", now " + AMZ_DATE.format(now.atOffset(ZoneOffset.UTC)) + ")");
            }
            if (signed.isAfter(now.plus(MAX_SKEW))) {
                throw ServiceException.user("AccessDenied", 403, "Request is not valid yet (X-Amz-Date " + signature.amzDate() + ")");
            }
            return;
        }
        if (Duration.between(signed, now).abs().compareTo(MAX_SKEW) > 0) {
            String nowText = AMZ_DATE.format(now.atOffset(ZoneOffset.UTC));
            if (s3) {
                throw ServiceException.user("RequestTimeTooSkewed", 403, "The difference between the request time (" + signature.amzDate()
                        + ") and the current time (" + nowText + ") is too large.");
            }
            throw ServiceException.user(query ? "SignatureDoesNotMatch" : "InvalidSignatureException", query ? 403 : 400, "Signature expired: "
                    + signature.amzDate()
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " (" + nowText + " - 15 min.)");
        }
    }

    private static String payloadHash(AwsRequest request, SigV4Signature signature, boolean s3)
    {
        if (s3) {
            if (signature.presigned()) {
                return request.queryParameter("X-Amz-Content-Sha256").orElse(SigV4Verifier.UNSIGNED_PAYLOAD);
            }
            return request.header("x-amz-content-sha256")
                    .orElseThrow(() -> ServiceException.user("InvalidRequest", "Missing required header for this request: x-amz-content-sha256"));
        }
        String computed = SigV4Verifier.sha256Hex(request.body());
        Optional<String> declared = request.header("x-amz-content-sha256");
        if (declared.isPresent() && !declared.get().equals(computed) && !declared.get().equals(SigV4Verifier.UNSIGNED_PAYLOAD)) {
            throw ServiceException.user("InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided: the body's SHA-256 is "
                            + computed + " but its x-amz-content-sha256 header says " + declared.get());
        }
        return declared.orElse(computed);
    }
}
