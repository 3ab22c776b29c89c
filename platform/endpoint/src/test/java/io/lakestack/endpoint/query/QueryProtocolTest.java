package io.lakestack.endpoint.query;

import io.lakestack.endpoint.EndpointConfig;
import io.lakestack.endpoint.EndpointServer;
import io.lakestack.endpoint.testing.SignedForms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Query protocol end to end over HTTP: a form-encoded request, an XML answer, XML errors in the Query shape. */
class QueryProtocolTest
{
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern REQUEST_ID = Pattern.compile("<RequestId>([0-9A-F]{16})</RequestId>");
    private static EndpointServer server;

    /** A Query protocol service with one operation, {@code Echo}, that answers its {@code Message} and its list. */
    private static final class EchoService
            extends QueryProtocolService
    {
        EchoService()
        {
            super("echo", "http://echo.example/doc/2026-11-29/", "InvalidParameterValue");
            operation("Echo", (input, caller, result) -> {
                result.element("Message", input.requiredString("Message"));
                result.start("Items");
                input.list("Item").forEach(item -> result.element("member", item));
                result.end("Items");
                result.element("Caller", caller.accessKey());
            });
        }

        @Override
        public OptionalLong maxRequestBytes()
        {
            return OptionalLong.of(1024);
        }
    }

    @BeforeAll
    static void start()
    {
        EndpointConfig config = EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0"));
        server = new EndpointServer(config, List.of(new EchoService()), List::of).start();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void answersAnOperationInXml()
            throws Exception
    {
        HttpResponse<String> response = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=a+b%26c&Item.member.1=x&Item.member.2=y%3Cz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml");
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<EchoResponse xmlns=\"http://echo.example/doc/2026-11-29/\"><EchoResult>"
                + "<Message>a b&amp;c</Message><Items><member>x</member><member>y&lt;z</member></Items><Caller>test</Caller></EchoResult>"
                + "<ResponseMetadata><RequestId>" + requestId(response) + "</RequestId></ResponseMetadata></EchoResponse>");
    }

    @Test
    void unknownActionIsInvalidActionInTheQueryErrorShape()
            throws Exception
    {
        HttpResponse<String> response = post("echo", "test", "Action=Shout&Version=2026-11-29");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                + "<Message>The action Shout is not valid for this endpoint: lakestack&apos;s echo supports Echo</Message></Error>"
                + "<RequestId>" + requestId(response) + "</RequestId></ErrorResponse>");
    }

    @Test
    void missingParameterIsAnXmlError()
            throws Exception
    {
        HttpResponse<String> response = post("echo", "test", "Action=Echo");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MissingParameter</Code><Message>The request must contain the parameter Message.</Message>");
    }

    @Test
    void aFormThatIsNotPercentEncodedUtf8IsMalformedQueryString()
            throws Exception
    {
        HttpResponse<String> badEscape = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=100%");
        assertThat(badEscape.statusCode()).isEqualTo(400);
        assertThat(badEscape.body()).contains("<Code>MalformedQueryString</Code><Message>The query string contains a syntax error: the value of Message "
                + "has a % that does not begin a %XX sequence.</Message>");

        HttpResponse<String> notUtf8 = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=fuzz%C3%28");
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(notUtf8.body()).contains("<Code>MalformedQueryString</Code><Message>The query string contains a syntax error: the value of Message "
                + "is not UTF-8 once percent-decoded.</Message>");

        // characters beyond the BMP, encoded or not, are read as sent
        HttpResponse<String> emoji = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=%F0%9F%98%80\uD83D\uDE00");
        assertThat(emoji.statusCode()).isEqualTo(200);
        assertThat(emoji.body()).contains("<Message>\uD83D\uDE00\uD83D\uDE00</Message>");
    }

    @Test
    void listMembersOutOfSequenceAreRefused()
            throws Exception
    {
        HttpResponse<String> fromZero = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=m&Item.member.0=x&Item.member.1=y");
        assertThat(fromZero.statusCode()).isEqualTo(400);
        assertThat(fromZero.body()).contains("<Code>InvalidParameterValue</Code><Message>The parameter Item.member.0 is not a member of Item: members are "
                + "numbered 1, 2, 3... without gaps, and each map entry has its key and value</Message>");

        HttpResponse<String> gap = post("echo", "test", "Action=Echo&Version=2026-11-29&Message=m&Item.member.1=x&Item.member.3=y");
        assertThat(gap.statusCode()).isEqualTo(400);
        assertThat(gap.body()).contains("<Message>The parameter Item.member.3 is not a member of Item");
    }

    @Test
    void serviceNotEmulatedIsNotImplementedInTheQueryErrorShape()
            throws Exception
    {
        HttpResponse<String> response = post("sns", "test", "Action=ListTopics&Version=2010-03-31");

        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml");
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code>"
                + "<Message>lakestack does not emulate the AWS service &apos;sns&apos; (operation ListTopics). Emulated services: echo.</Message></Error>"
                + "<RequestId>" + requestId(response) + "</RequestId></ErrorResponse>");
    }

    @Test
    void bodyOverTheServicesLimitIsRequestEntityTooLargeInTheQueryErrorShape()
            throws Exception
    {
        HttpResponse<String> response = post("echo", "test", "Action=Echo&Message=" + "m".repeat(1024));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/xml");
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code>"
                + "<Message>Request must be at most 1024 bytes; this one is 1044 bytes</Message></Error>"
                + "<RequestId>" + requestId(response) + "</RequestId></ErrorResponse>");
    }

    @Test
    void signatureErrorsHaveTheQueryProtocolsNames()
            throws Exception
    {
        HttpResponse<String> wrongSecret = post("echo", "not-the-secret", "Action=Echo&Message=m");
        assertThat(wrongSecret.statusCode()).isEqualTo(403);
        assertThat(wrongSecret.body()).contains("<Type>Sender</Type><Code>SignatureDoesNotMatch</Code>");

        HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("Action=Echo&Message=m")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>");
    }

    private static String requestId(HttpResponse<String> response)
    {
        Matcher matcher = REQUEST_ID.matcher(response.body());
        assertThat(matcher.find()).as("a request id in %s", response.body()).isTrue();
        assertThat(response.headers().firstValue("x-amzn-RequestId")).hasValue(matcher.group(1));
        return matcher.group(1);
    }

    /** A form-encoded POST, signed for {@code service} as the AWS SDK signs it. */
    private static HttpResponse<String> post(String service, String secret, String form)
            throws IOException, InterruptedException
    {
        return SignedForms.post(server.port(), service, secret, form);
    }
}
