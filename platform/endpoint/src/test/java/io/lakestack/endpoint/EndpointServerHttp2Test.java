package io.lakestack.endpoint;

import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/1.1 and HTTP/2 cleartext on the endpoint's one port, and its connections. */
class EndpointServerHttp2Test
{
    private static EndpointServer server;

    @BeforeAll
    static void start()
    {
        server = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0")), List.of(),
                () -> List.of(new ComponentStatus("kafka", ComponentState.READY, "127.0.0.1:9092", "", Optional.empty()))).start();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void http11ClientIsAnsweredInHttp11()
            throws Exception
    {
        assertAnsweredIn(HttpClient.Version.HTTP_1_1);
    }

    /** Java's client asks for h2c with an HTTP/1.1 Upgrade on an http:// address; the SDKs' Netty client uses prior knowledge (KinesisFanOutSdkTest). */
    @Test
    void upgradeToHttp2IsTaken()
            throws Exception
    {
        assertAnsweredIn(HttpClient.Version.HTTP_2);
    }

    private static void assertAnsweredIn(HttpClient.Version version)
            throws Exception
    {
        HttpResponse<String> response = health(version);
        assertThat(response.version()).isEqualTo(version);
        assertThat(response.body()).contains("\"status\" : \"ready\"");
    }

    private static HttpResponse<String> health(HttpClient.Version version)
            throws Exception
    {
        HttpClient client = HttpClient.newBuilder().version(version).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + EndpointServer.HEALTH_PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request refused before its body is read (here: a service lakestack does not emulate, unsigned) whose body is
     * larger than the endpoint reads and drops is answered with {@code Connection: close}, and the connection is closed:
     * the body's bytes would otherwise be taken for the next request. The body is never sent, so the answer cannot have
     * read it.
     */
    @Test
    void anAnswerBeforeALargeBodyIsReadClosesTheConnection()
            throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                    + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 ");
            assertThat(answer.toLowerCase(Locale.ROOT)).contains("\r\nconnection: close\r\n");
        }
    }

    /**
     * A refused request with a body of a few MiB at most has its body read and dropped before the answer: a client still
     * sending it is not cut off (a reset could lose the answer), and the connection serves the next request.
     */
    @Test
    void aRefusedRequestsSmallBodyIsReadSoTheConnectionServesTheNext()
            throws Exception
    {
        byte[] body = new byte[300_000];
        java.util.Arrays.fill(body, (byte) 'x');
        String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (int request = 0; request < 2; request++) {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                String answer = readResponse(socket.getInputStream());
                // unsigned: refused before the body is read
                assertThat(answer).startsWith("HTTP/1.1 403 ").contains("\r\nx-amzn-ErrorType: MissingAuthenticationTokenException\r\n")
                        .endsWith("{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing Authentication Token\"}");
                assertThat(answer.toLowerCase(Locale.ROOT)).doesNotContain("\r\nconnection: close\r\n");
            }
        }
    }

    /** One HTTP/1.1 response with a {@code Content-Length}, head and body. */
    private static String readResponse(java.io.InputStream in)
            throws java.io.IOException
    {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new java.io.EOFException("the connection closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(next);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
        assertThat(length.find()).as("a Content-Length in %s", text).isTrue();
        return text + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.ISO_8859_1);
    }
}
