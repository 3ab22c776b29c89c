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
     * A request refused before its body is read (here: a service lakestack does not emulate, unsigned) is answered with
     * {@code Connection: close}, and the connection is closed: the body's bytes would otherwise be taken for the next
     * request. The body is never sent, so the answer cannot have read it.
     */
    @Test
    void anAnswerBeforeTheBodyIsReadClosesTheConnection()
            throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                    + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 ");
            assertThat(answer.toLowerCase(Locale.ROOT)).contains("\r\nconnection: close\r\n");
        }
    }
}
