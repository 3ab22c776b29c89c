package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.EndpointServer;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code /_lakestack/health} of a running stack and prints it. */
final class HealthClient
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HealthClient() {}

    /**
     * @throws IOException when the endpoint does not answer
     */
    static List<ComponentStatus> fetch(String endpoint)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + EndpointServer.HEALTH_PATH))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the endpoint answered " + response.statusCode() + " to " + EndpointServer.HEALTH_PATH);
        }
        List<ComponentStatus> components = new ArrayList<>();
        for (JsonNode node : JSON.readTree(response.body()).path("components")) {
            components.add(new ComponentStatus(
                    node.path("name").asText(),
                    ComponentState.valueOf(node.path("state").asText().toUpperCase(Locale.ROOT)),
                    node.path("address").asText(),
                    node.path("detail").asText(),
                    node.has("startMillis") ? Optional.of(node.path("startMillis").asLong()) : Optional.empty()));
        }
        return components;
    }

    static void print(PrintStream out, List<ComponentStatus> components)
    {
        out.printf("  %-13s %-9s %-34s %s%n", "COMPONENT", "STATE", "ADDRESS", "DETAIL");
        for (ComponentStatus component : components) {
            String detail = component.detail().isEmpty()
                    ? component.startMillis().map(millis -> String.format(Locale.ROOT, "ready in %.1f s", millis / 1000.0)).orElse("")
                    : component.detail();
            out.printf("  %-13s %-9s %-34s %s%n", component.name(), component.state().label(), component.address(), detail);
        }
    }
}
