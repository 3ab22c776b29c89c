package io.lakestack.endpoint.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Renders a {@link ServiceException} in the error shape of a protocol, as the AWS SDKs parse it:
 * <ul>
 *   <li>JSON 1.0/1.1: {@code {"__type":"Code","message":"..."}} and header {@code x-amzn-ErrorType};</li>
 *   <li>CBOR: the same map, CBOR-encoded;</li>
 *   <li>REST-JSON: {@code {"Type":"User","message":"...","Message":"..."}} and header {@code x-amzn-ErrorType};</li>
 *   <li>REST-XML (S3): {@code <Error><Code/><Message/><Resource/><RequestId/></Error>}, no body for HEAD;</li>
 *   <li>Query (SNS, SQS): {@code <ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>}.</li>
 * </ul>
 * A {@link QueryCompatibleServiceException} carries both names of its error: the Query code goes in {@code <Code>} of
 * a Query error and in header {@code x-amzn-query-error} of a JSON one.
 */
public final class ErrorResponses
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR_MAPPER = new ObjectMapper(new CBORFactory());

    private ErrorResponses() {}

    public static void write(AwsResponse response, AwsProtocol protocol, AwsRequest request, ServiceException error)
            throws IOException
    {
        write(response, protocol, request, error,
                error instanceof DetailedServiceException detailed ? detailed.xmlDetails() : Map.of());
    }

    /**
     * @param extraXmlElements additional elements of an S3 error, in order (e.g. {@code StringToSign},
     *         {@code CanonicalRequest} for {@code SignatureDoesNotMatch}); ignored by the other protocols
     */
    public static void write(AwsResponse response, AwsProtocol protocol, AwsRequest request, ServiceException error,
            Map<String, String> extraXmlElements)
            throws IOException
    {
        response.setStatus(error.httpStatus());
        response.setHeader("x-amzn-RequestId", request.requestId());
        byte[] body;
        switch (protocol) {
            case REST_XML -> {
                response.setHeader("x-amz-request-id", request.requestId());
                response.setHeader("x-amz-id-2", request.hostId());
                response.setContentType("application/xml");
                if (request.method().equals("HEAD")) {
                    return;
                }
                StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>")
                        .append(Xml.escape(error.errorCode()))
                        .append("</Code><Message>").append(Xml.escape(error.getMessage())).append("</Message>");
                extraXmlElements.forEach((name, value) -> xml.append('<').append(name).append('>')
                        .append(Xml.escape(value)).append("</").append(name).append('>'));
                xml.append("<Resource>").append(Xml.escape(request.rawPath())).append("</Resource>")
                        .append("<RequestId>").append(request.requestId()).append("</RequestId>")
                        .append("<HostId>").append(request.hostId()).append("</HostId></Error>");
                body = xml.toString().getBytes(StandardCharsets.UTF_8);
            }
            case QUERY -> {
                response.setContentType("text/xml");
                String code = error instanceof QueryCompatibleServiceException compatible ? compatible.queryErrorCode() : error.errorCode();
                String xml = "<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>" + fault(error)
                        + "</Type><Code>" + Xml.escape(code) + "</Code><Message>" + Xml.escape(error.getMessage())
                        + "</Message></Error><RequestId>" + request.requestId() + "</RequestId></ErrorResponse>";
                body = xml.getBytes(StandardCharsets.UTF_8);
            }
            case REST_JSON -> {
                response.setHeader("x-amzn-ErrorType", error.errorCode());
                response.setContentType("application/json");
                ObjectNode node = JSON.createObjectNode();
                node.put("Type", error.kind() == ErrorKind.USER ? "User" : "Service");
                node.put("message", error.getMessage());
                node.put("Message", error.getMessage());
                body = JSON.writeValueAsBytes(node);
            }
            default -> {
                response.setHeader("x-amzn-ErrorType", error.errorCode());
                response.setContentType(protocol.contentType());
                ObjectNode node = JSON.createObjectNode();
                if (error instanceof QueryCompatibleServiceException compatible) {
                    response.setHeader("x-amzn-query-error", compatible.queryErrorCode() + ";" + fault(error));
                    node.put("__type", compatible.jsonType());
                }
                else {
                    node.put("__type", error.errorCode());
                }
                node.put("message", error.getMessage());
                body = protocol == AwsProtocol.CBOR ? CBOR_MAPPER.writeValueAsBytes(node) : JSON.writeValueAsBytes(node);
            }
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String fault(ServiceException error)
    {
        return error.kind() == ErrorKind.USER ? "Sender" : "Receiver";
    }
}
