package io.lakestack.endpoint;

import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/1.1 and HTTP/2 cleartext on the endpoint's one port. */
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
}
