package io.lakestack.endpoint;

import io.lakestack.endpoint.protocol.Xml;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * Answers what the HTTP server refuses before a request reaches a service (a path that cannot be decoded, with an
 * encoded NUL or dot segments it will not take, headers too large) with an S3 {@code <Error>} document, as S3 does,
 * instead of the server's HTML page: such requests address paths, and S3 is the service of paths. The server gives
 * this handler neither the path nor the headers of such a request, so it cannot answer in the shape of another
 * service. The answer says {@code Connection: close}, as the server closes the connection after it: a client that
 * kept the connection would send its next request into a closed one and get no answer.
 */
final class BadRequestErrorHandler
        extends ErrorHandler
{
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
    {
        String reason = message == null || message.isBlank() ? "the request could not be read" : message;
        String lower = reason.toLowerCase(Locale.ROOT);
        String errorCode = switch (code) {
            case 400 -> lower.contains("uri") || lower.contains("path") || lower.contains("segment") || lower.contains("encod") ? "InvalidURI" : "BadRequest";
            case 414 -> "InvalidURI";
            case 431 -> "RequestHeaderSectionTooLarge";
            default -> "BadRequest";
        };
        String requestId = UUID.randomUUID().toString();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + errorCode + "</Code><Message>"
                + Xml.escape("lakestack could not read the request (" + reason + "); encode the path as S3 clients do (UTF-8, percent-encoded)")
                + "</Message><RequestId>" + requestId + "</RequestId></Error>";
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.getHeaders().put("x-amz-request-id", requestId);
        response.write(true, ByteBuffer.wrap(xml.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
