package io.lakestack.endpoint.protocol;

/**
 * The wire protocols AWS services speak. Each decides how a request is recognised and how an error is shaped.
 */
public enum AwsProtocol
{
    /** {@code X-Amz-Target} + {@code application/x-amz-json-1.0} (DynamoDB, SQS since 2023, ...). */
    JSON_1_0("application/x-amz-json-1.0"),
    /** {@code X-Amz-Target} + {@code application/x-amz-json-1.1}: Kinesis, Firehose, Glue, Athena, Step Functions. */
    JSON_1_1("application/x-amz-json-1.1"),
    /** {@code X-Amz-Target} + {@code application/x-amz-cbor-1.1}: Kinesis from the Java SDK v2. */
    CBOR("application/x-amz-cbor-1.1"),
    /** Resource paths with JSON bodies: Lambda. */
    REST_JSON("application/json"),
    /** Resource paths with XML bodies: S3. */
    REST_XML("application/xml"),
    /**
     * {@code Action=<Operation>&Version=...} form-encoded in the body (or the query string), XML answers: SNS, and SQS
     * from clients older than its JSON protocol.
     */
    QUERY("text/xml");

    /** The content type of a Query protocol request. */
    public static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

    private final String contentType;

    AwsProtocol(String contentType)
    {
        this.contentType = contentType;
    }

    public String contentType()
    {
        return contentType;
    }

    public boolean isTargetBased()
    {
        return this == JSON_1_0 || this == JSON_1_1 || this == CBOR;
    }

    /** Whether a request is in the Query protocol: a POST of a form, or a GET with an {@code Action} in its query. */
    public static boolean isQuery(AwsRequest request)
    {
        return switch (request.method()) {
            case "POST" -> request.header("content-type").map(type -> type.toLowerCase(java.util.Locale.ROOT).startsWith(FORM_CONTENT_TYPE)).orElse(false);
            case "GET" -> request.hasQueryParameter("Action");
            default -> false;
        };
    }

    /** The target-based protocol a request's {@code Content-Type} names; JSON 1.1 when it names none. */
    public static AwsProtocol forTargetContentType(String contentType)
    {
        if (contentType != null) {
            String lower = contentType.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith(CBOR.contentType)) {
                return CBOR;
            }
            if (lower.startsWith(JSON_1_0.contentType)) {
                return JSON_1_0;
            }
        }
        return JSON_1_1;
    }
}
