package io.lakestack.endpoint;

import io.lakestack.endpoint.query.QueryProtocolService;
import io.lakestack.endpoint.testing.SignedForms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint that listens before all its services have started: the services it has answer at once, a request for one
 * still to come waits for it and is answered by it, and is answered {@code ServiceUnavailable} when it cannot start.
 */
class EndpointServerLaterServicesTest
{
    private EndpointServer server;

    /** A Query protocol service whose one operation, {@code Name}, answers the service's name. */
    private static final class NamedService
            extends QueryProtocolService
    {
        NamedService(String name)
        {
            super(name, "http://" + name + ".example/doc/2026-12-01/", "InvalidParameterValue");
            operation("Name", (input, caller, result) -> result.element("Name", name));
        }

        @Override
        public OptionalLong maxRequestBytes()
        {
            return OptionalLong.of(1024);
        }
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void aRequestForAServiceStillToComeIsAnsweredByItOnceItIsAdded()
            throws Exception
    {
        server = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0")), List.of(new NamedService("first")), true,
                io.lakestack.endpoint.auth.TemporaryCredentials.NONE, List::of).start();

        HttpResponse<String> first = post("first");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("<Name>first</Name>");

        CompletableFuture<HttpResponse<String>> later = CompletableFuture.supplyAsync(() -> post("later"));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.waitingForServices() == 1);
        assertThat(later).isNotDone();
        server.addServices(List.of(new NamedService("later")));

        HttpResponse<String> answered = later.get();
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("<NameResult><Name>later</Name></NameResult>");
        assertThat(server.waitingForServices()).isZero();
        // a service lakestack does not emulate is named as such once every service is there
        HttpResponse<String> other = post("other");
        assertThat(other.statusCode()).isEqualTo(501);
        assertThat(other.body()).contains("<Code>NotImplemented</Code>").contains("Emulated services: first, later.");
    }

    @Test
    void aRequestForAServiceThatCannotStartIsAnsweredServiceUnavailable()
            throws Exception
    {
        server = new EndpointServer(EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "0")), List.of(new NamedService("first")), true,
                io.lakestack.endpoint.auth.TemporaryCredentials.NONE, List::of).start();

        CompletableFuture<HttpResponse<String>> later = CompletableFuture.supplyAsync(() -> post("later"));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.waitingForServices() == 1);
        server.servicesFailed(new IllegalStateException("the metastore did not answer"));

        HttpResponse<String> answered = later.get();
        assertThat(answered.statusCode()).isEqualTo(503);
        assertThat(answered.body()).contains("<Code>ServiceUnavailable</Code>")
                .contains("<Message>lakestack&apos;s services could not start (the metastore did not answer); see ./lakestack status</Message>");
    }

    private HttpResponse<String> post(String service)
    {
        try {
            return SignedForms.post(server.port(), service, "test", "Action=Name&Version=2026-12-01");
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
