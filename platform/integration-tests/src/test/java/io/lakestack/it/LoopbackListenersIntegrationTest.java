package io.lakestack.it;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import io.lakestack.it.ListeningSockets.Socket;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only the endpoint, which checks every caller's signature, listens where {@code --bind} says; every engine (Kafka's
 * broker and controller, the S3 server, the metastore, Trino), none of which checks who calls, listens on loopback
 * only. Read from /proc for the launcher's JVM and each engine's.
 */
@LakestackTest
@Order(4)
class LoopbackListenersIntegrationTest
{
    private static final String LOOPBACK = "127.0.0.1";

    @Test
    void everyProcessOfTheStackListensOnLoopback(TestStack test)
    {
        EmbeddedStack stack = test.stack();
        stack.awaitTrino(Duration.ofMinutes(4));
        StackPorts ports = stack.ports();
        Map<String, Long> children = stack.childProcessIds();
        assertThat(children.keySet()).containsExactlyInAnyOrder("object-store", "metastore", "trino");

        // this JVM runs the launcher's part: Kafka and the endpoint (bound to 127.0.0.1 by default); other tests may listen here too
        List<Socket> launcher = ListeningSockets.of(ProcessHandle.current().pid());
        assertThat(launcher).contains(Socket.of(LOOPBACK, ports.kafka()), Socket.of(LOOPBACK, ports.kafkaController()),
                Socket.of(LOOPBACK, ports.endpoint()));
        assertThat(launcher).allMatch(socket -> socket.address().isLoopbackAddress(), "on loopback");

        assertThat(ListeningSockets.of(children.get("metastore"))).containsExactly(Socket.of(LOOPBACK, ports.metastore()));
        assertThat(ListeningSockets.of(children.get("trino"))).containsExactly(Socket.of(LOOPBACK, ports.trino()));
        // S3Mock's plain-HTTP connector on the stack's port, and its HTTPS one on a port of its choosing
        List<Socket> objectStore = ListeningSockets.of(children.get("object-store"));
        assertThat(objectStore).hasSize(2).contains(Socket.of(LOOPBACK, ports.objectStore()))
                .allMatch(socket -> socket.address().getHostAddress().equals(LOOPBACK), "on 127.0.0.1");
    }

    @Test
    void onlyTheEndpointFollowsTheBindAddress(@TempDir Path dataDirectory)
            throws Exception
    {
        try (StackProcess stack = StackProcess.start(dataDirectory, "0.0.0.0")) {
            StackPorts ports = stack.ports();
            List<Socket> launcher = ListeningSockets.of(stack.pid());
            assertThat(launcher).extracting(Socket::port).containsExactlyInAnyOrder(ports.kafka(), ports.kafkaController(), ports.endpoint());
            // the wildcard address: 0.0.0.0, or :: on a dual-stack socket
            assertThat(launcher).filteredOn(socket -> socket.port() == ports.endpoint()).singleElement()
                    .satisfies(endpoint -> assertThat(endpoint.address().isAnyLocalAddress()).as("%s on every interface", endpoint).isTrue());
            assertThat(launcher).filteredOn(socket -> socket.port() != ports.endpoint())
                    .containsExactlyInAnyOrder(Socket.of(LOOPBACK, ports.kafka()), Socket.of(LOOPBACK, ports.kafkaController()));
            assertThat(stack.children().keySet()).containsExactlyInAnyOrder("object-store", "metastore");
            assertThat(ListeningSockets.of(stack.children().get("metastore"))).containsExactly(Socket.of(LOOPBACK, ports.metastore()));
            List<Socket> objectStore = ListeningSockets.of(stack.children().get("object-store"));
            assertThat(objectStore).hasSize(2).contains(Socket.of(LOOPBACK, ports.objectStore()))
                    .allMatch(socket -> socket.address().getHostAddress().equals(LOOPBACK), "on 127.0.0.1");
        }
    }
}
