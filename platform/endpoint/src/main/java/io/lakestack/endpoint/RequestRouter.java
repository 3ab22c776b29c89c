package io.lakestack.endpoint;

import io.lakestack.endpoint.auth.SigV4Signature;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.query.QueryForms;
import io.lakestack.spi.ServiceException;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recognises which service a request is for, in this order: the service of its SigV4 credential scope, the prefix
 * of its {@code X-Amz-Target}, a Lambda REST path, a Query protocol form; anything else is S3, as on AWS's S3
 * endpoints. The protocol a request is answered in (errors included) follows from the request itself: JSON or CBOR
 * with an {@code X-Amz-Target}, XML for a Query protocol form, else the service's own.
 *
 * <p>Routing reads headers and the query string only, never the body: a request is routed and authenticated before
 * any of its body is read.
 */
final class RequestRouter
{
    /**
     * The body limit of a request for a service lakestack does not emulate: read only to authenticate it and to name
     * its operation in the {@code NotImplemented} error.
     */
    static final long NOT_EMULATED_MAX_REQUEST_BYTES = 1024 * 1024;
    /** Target prefixes of services lakestack does not emulate, to name them in the error. */
    private static final Map<String, String> OTHER_TARGETS = Map.ofEntries(
            Map.entry("DynamoDB_20120810", "dynamodb"),
            Map.entry("DynamoDBStreams_20120810", "dynamodb"),
            Map.entry("AmazonSQS", "sqs"),
            Map.entry("AWSEvents", "events"),
            Map.entry("AmazonSSM", "ssm"),
            Map.entry("secretsmanager", "secretsmanager"),
            Map.entry("TrentService", "kms"),
            Map.entry("AWSStepFunctions", "states"),
            Map.entry("AWSGlue", "glue"),
            Map.entry("AmazonAthena", "athena"),
            Map.entry("Kinesis_20131202", "kinesis"),
            Map.entry("Firehose_20150804", "firehose"));

    private final Map<String, ServiceHandler> bySigningName = new ConcurrentHashMap<>();
    private final Map<String, ServiceHandler> byTargetPrefix = new ConcurrentHashMap<>();

    RequestRouter(List<ServiceHandler> handlers)
    {
        add(handlers);
    }

    /** Adds the handlers of services that started after the others; requests routed from then on reach them. */
    synchronized void add(List<ServiceHandler> handlers)
    {
        Set<String> names = new HashSet<>(bySigningName.keySet());
        for (ServiceHandler handler : handlers) {
            if (!names.add(handler.signingName())) {
                throw new IllegalArgumentException("two handlers for service " + handler.signingName());
            }
        }
        for (ServiceHandler handler : handlers) {
            handler.targetPrefixes().forEach(prefix -> byTargetPrefix.put(prefix, handler));
            bySigningName.put(handler.signingName(), handler);
        }
    }

    /**
     * @param handler empty when the service is recognised but not emulated
     * @param protocol the protocol errors are rendered in
     * @param service the service's signing name, or what names it best
     * @param operation the operation as the headers or the query string name it; empty when only a form body does
     */
    record Route(Optional<ServiceHandler> handler, AwsProtocol protocol, String service, String operation)
    {
        /** Holds the request's body to the limit of its service, before anything reads it. */
        void limitBody(AwsRequest request)
        {
            if (handler.isPresent()) {
                ServiceHandler service = handler.get();
                service.maxRequestBytes().ifPresent(max -> request.limitBody(max, length -> service.requestTooLarge(operation, max, length)));
            }
            else {
                request.limitBody(NOT_EMULATED_MAX_REQUEST_BYTES,
                        length -> ServiceHandler.requestEntityTooLarge(protocol, operation, NOT_EMULATED_MAX_REQUEST_BYTES, length));
            }
        }

        /** The error of a service lakestack does not emulate; for a Query protocol form, it names the operation its body names. */
        ServiceException notEmulated(List<String> emulated, AwsRequest request)
        {
            String named = operation;
            if (named.isEmpty() && protocol == AwsProtocol.QUERY) {
                try {
                    named = QueryForms.parameters(request).getOrDefault("Action", "");
                }
                catch (ServiceException tooLarge) {
                    named = "";
                }
            }
            return new ServiceException(io.lakestack.spi.ErrorKind.USER, "NotImplemented", 501,
                    "lakestack does not emulate the AWS service '" + service + "'" + (named.isEmpty() ? "" : " (operation " + named + ")")
                            + ". Emulated services: " + String.join(", ", emulated) + ".");
        }
    }

    List<String> emulated()
    {
        return bySigningName.keySet().stream().sorted().toList();
    }

    Route route(AwsRequest request)
    {
        Optional<String> target = request.header("x-amz-target");
        boolean query = target.isEmpty() && AwsProtocol.isQuery(request);
        String operation = query
                ? request.queryParameter("Action").orElse("")
                : target.map(value -> value.contains(".") ? value.substring(value.indexOf('.') + 1) : "").orElse("");
        Optional<String> signingName = SigV4Signature.signingNameOf(request);
        if (signingName.isPresent()) {
            ServiceHandler handler = bySigningName.get(signingName.get());
            if (handler != null) {
                return new Route(Optional.of(handler), protocolOf(handler, request), handler.signingName(), operation);
            }
            return new Route(Optional.empty(), unknownProtocol(signingName.get(), request), signingName.get(), operation);
        }
        if (target.isPresent()) {
            String prefix = target.get().contains(".") ? target.get().substring(0, target.get().indexOf('.')) : target.get();
            ServiceHandler handler = byTargetPrefix.get(prefix);
            if (handler != null) {
                return new Route(Optional.of(handler), protocolOf(handler, request), handler.signingName(), operation);
            }
            return new Route(Optional.empty(), AwsProtocol.forTargetContentType(request.header("content-type").orElse(null)),
                    OTHER_TARGETS.getOrDefault(prefix, prefix), operation);
        }
        if (query) {
            for (ServiceHandler handler : bySigningName.values()) {
                if (handler.authenticatesItself(request)) {
                    return new Route(Optional.of(handler), AwsProtocol.QUERY, handler.signingName(), operation);
                }
            }
            return new Route(Optional.empty(), AwsProtocol.QUERY, "(an unsigned Query protocol request names no service)", operation);
        }
        if (isLambdaPath(request.rawPath())) {
            ServiceHandler handler = bySigningName.get("lambda");
            return new Route(Optional.ofNullable(handler), AwsProtocol.REST_JSON, "lambda", "");
        }
        ServiceHandler s3 = bySigningName.get("s3");
        return new Route(Optional.ofNullable(s3), AwsProtocol.REST_XML, "s3", "");
    }

    private static AwsProtocol protocolOf(ServiceHandler handler, AwsRequest request)
    {
        if (handler.protocol() == AwsProtocol.REST_XML || handler.protocol() == AwsProtocol.REST_JSON) {
            return handler.protocol();
        }
        if (request.header("x-amz-target").isPresent()) {
            return AwsProtocol.forTargetContentType(request.header("content-type").orElse(null));
        }
        // a form for a service that speaks both (SQS: JSON 1.0 for current SDKs, Query for the AWS CLI v2 of Debian) is answered in Query
        if (handler.protocol().isTargetBased() && !AwsProtocol.isQuery(request)) {
            return AwsProtocol.forTargetContentType(request.header("content-type").orElse(null));
        }
        return AwsProtocol.QUERY;
    }

    private static AwsProtocol unknownProtocol(String signingName, AwsRequest request)
    {
        if (request.header("x-amz-target").isPresent()) {
            return AwsProtocol.forTargetContentType(request.header("content-type").orElse(null));
        }
        if (AwsProtocol.isQuery(request)) {
            return AwsProtocol.QUERY;
        }
        return switch (signingName.toLowerCase(Locale.ROOT)) {
            case "s3" -> AwsProtocol.REST_XML;
            default -> AwsProtocol.REST_JSON;
        };
    }

    private static boolean isLambdaPath(String path)
    {
        return path.startsWith("/2015-03-31/") || path.startsWith("/2016-08-19/") || path.startsWith("/2017-03-31/")
                || path.startsWith("/2017-10-31/") || path.startsWith("/2018-10-31/") || path.startsWith("/2019-09-25/")
                || path.startsWith("/2019-09-30/") || path.startsWith("/2020-04-22/") || path.startsWith("/2020-06-30/")
                || path.startsWith("/2021-10-31/");
    }
}
