package io.lakestack.endpoint.query;

import io.lakestack.endpoint.ServiceHandler;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsProtocol;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ServiceException;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A service speaking AWS's Query protocol: the operation is the {@code Action} parameter of a form-encoded POST (or
 * of a GET's query string), the answer an XML document
 * {@code <ActionResponse xmlns="..."><ActionResult>...</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>}.
 */
public abstract class QueryProtocolService
        implements ServiceHandler
{
    private final String signingName;
    private final String namespace;
    private final String validationError;
    private final Map<String, Operation> operations = new TreeMap<>();

    /** An operation: reads its input, writes the inside of its {@code <ActionResult>} element. */
    @FunctionalInterface
    public interface Operation
    {
        void apply(QueryInput input, Authenticator.Caller caller, XmlWriter result)
                throws Exception;
    }

    /**
     * @param namespace the XML namespace of the service's answers, e.g. {@code http://sns.amazonaws.com/doc/2010-03-31/}
     * @param validationError the error code invalid input is answered with, e.g. {@code InvalidParameterValue}
     */
    protected QueryProtocolService(String signingName, String namespace, String validationError)
    {
        this.signingName = requireNonNull(signingName, "signingName is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.validationError = requireNonNull(validationError, "validationError is null");
    }

    protected final void operation(String action, Operation operation)
    {
        if (operations.put(action, operation) != null) {
            throw new IllegalArgumentException("operation " + action + " registered twice");
        }
    }

    @Override
    public final String signingName()
    {
        return signingName;
    }

    @Override
    public AwsProtocol protocol()
    {
        return AwsProtocol.QUERY;
    }

    public final Set<String> operationNames()
    {
        return operations.keySet();
    }

    @Override
    public final void handle(AwsRequest request, Authenticator.Caller caller, AwsResponse response)
            throws Exception
    {
        Map<String, String> parameters = QueryForms.parameters(request);
        String action = parameters.get("Action");
        if (action == null || action.isEmpty()) {
            throw ServiceException.user("MissingAction", "The request has no Action parameter naming the operation");
        }
        Operation operation = operations.get(action);
        if (operation == null) {
            throw ServiceException.user("InvalidAction", "The action " + action + " is not valid for this endpoint: lakestack's " + signingName
                    + " supports " + String.join(", ", operations.keySet()));
        }
        XmlWriter result = new XmlWriter();
        operation.apply(new QueryInput(parameters, validationError), caller, result);
        String document = "<?xml version=\"1.0\"?>\n<" + action + "Response xmlns=\"" + Xml.escape(namespace) + "\"><" + action + "Result>" + result
                + "</" + action + "Result><ResponseMetadata><RequestId>" + request.requestId() + "</RequestId></ResponseMetadata></" + action + "Response>";
        byte[] body = document.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/xml");
        response.setHeader("x-amzn-RequestId", request.requestId());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Writes elements of an answer, escaping text. */
    public static final class XmlWriter
    {
        private final StringBuilder xml = new StringBuilder();

        public XmlWriter element(String name, String text)
        {
            xml.append('<').append(name).append('>').append(Xml.escape(text)).append("</").append(name).append('>');
            return this;
        }

        public XmlWriter start(String name)
        {
            xml.append('<').append(name).append('>');
            return this;
        }

        public XmlWriter end(String name)
        {
            xml.append("</").append(name).append('>');
            return this;
        }

        @Override
        public String toString()
        {
            return xml.toString();
        }
    }
}
