package io.lakestack.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.backends.hive.ThriftMetastoreClient;
import io.lakestack.spi.cluster.KafkaClientSettings;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An engine lakestack does not run: it is at an address the user gave. Starting it starts nothing; it checks that the
 * engine answers there, and fails with one line that names the engine, the address and what failed, e.g.
 * {@code Kafka at broker-1:9092 is unreachable: Connection refused}.
 */
final class ExternalEngine
        extends Component
{
    /** How long each check waits for an engine's answer. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @FunctionalInterface
    interface Check
    {
        /** Returns when the engine answers; throws with what failed otherwise. */
        void run()
                throws Exception;
    }

    private final String label;
    private final String address;
    private final Check check;

    private ExternalEngine(String name, String label, String address, Check check, StackListener listener)
    {
        super(name, listener);
        this.label = label;
        this.address = address;
        this.check = check;
    }

    /** The engines of these addresses, in the stack's order: Kafka, the object store, the metastore, Trino (when there is one). */
    static List<ExternalEngine> of(EngineAddresses engines, StackListener listener)
    {
        List<ExternalEngine> all = new ArrayList<>();
        all.add(new ExternalEngine("kafka", "Kafka", engines.kafkaBootstrap(), () -> checkKafka(engines), listener));
        all.add(new ExternalEngine("object-store", "The object store", engines.objectStore().toString(), () -> checkObjectStore(engines.objectStore()),
                listener));
        all.add(new ExternalEngine("metastore", "The Hive Metastore", engines.metastore().toString(),
                () -> checkMetastore(engines.metastoreHost(), engines.metastorePort()), listener));
        engines.trino().ifPresent(trino -> all.add(new ExternalEngine("trino", "Trino", trino.toString(), () -> checkTrino(trino, engines.trinoUser()),
                listener)));
        return List.copyOf(all);
    }

    /** Ready says it is external: lakestack checked it, and runs nothing of it. */
    @Override
    ComponentStatus status()
    {
        ComponentStatus status = super.status();
        if (status.state() != ComponentState.READY) {
            return status;
        }
        return new ComponentStatus(status.name(), status.state(), status.address(), status.startMillis()
                .map(millis -> String.format(Locale.ROOT, "external, answered in %.1f s", millis / 1000.0)).orElse("external"), status.startMillis());
    }

    @Override
    String plannedAddress()
    {
        return address;
    }

    @Override
    void doStart()
    {
        try {
            check.run();
        }
        catch (Exception e) {
            throw new StackException(name(), unreachable(e));
        }
    }

    /** The line that says this engine does not answer, or answers but cannot serve lakestack, and why. */
    String unreachable(Exception e)
    {
        return label + " at " + address + (e instanceof UnusableException ? " is not usable: " : " is unreachable: ") + reason(e);
    }

    /** The engine answers, but not as lakestack needs. */
    private static final class UnusableException
            extends Exception
    {
        UnusableException(String message)
        {
            super(message);
        }
    }

    @Override
    void doStop()
    {
        // nothing of it runs here
    }

    private static String reason(Throwable e)
    {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + CHECK_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof UnusableException) {
            return e.getMessage();
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return describe(e);
    }

    /** Opens a TCP connection to the address and closes it. */
    private static void connect(String host, int port)
            throws IOException
    {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CHECK_TIMEOUT.toMillis());
        }
    }

    private static int port(URI uri)
    {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /** One bootstrap server accepts a connection, and the cluster describes itself to a client with the given settings. */
    private static void checkKafka(EngineAddresses engines)
            throws Exception
    {
        IOException refused = null;
        boolean connected = false;
        for (String server : engines.kafkaBootstrap().split(",")) {
            String trimmed = server.trim();
            int colon = trimmed.lastIndexOf(':');
            try {
                connect(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
                connected = true;
                break;
            }
            catch (IOException e) {
                refused = refused == null ? e : refused;
            }
        }
        if (!connected) {
            throw refused;
        }
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafkaBootstrap());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(KafkaClientSettings.complete(config))) {
            admin.describeCluster().clusterId().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (java.util.concurrent.ExecutionException e) {
            // it answers, but refuses the client (authentication, TLS)
            throw new UnusableException(describe(e.getCause()));
        }
        catch (java.util.concurrent.TimeoutException e) {
            throw new UnusableException("the cluster did not describe itself within " + CHECK_TIMEOUT.toSeconds() + " s (check --kafka-property)");
        }
    }

    /** The object store answers HTTP (any status: lakestack's requests are signed, this one is not). */
    private static void checkObjectStore(URI objectStore)
            throws Exception
    {
        connect(objectStore.getHost(), port(objectStore));
        HttpClient http = HttpClient.newBuilder().connectTimeout(CHECK_TIMEOUT).build();
        http.send(HttpRequest.newBuilder(objectStore.resolve("/")).timeout(CHECK_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** The metastore answers a Thrift call. */
    private static void checkMetastore(String host, int port)
            throws Exception
    {
        connect(host, port);
        try (ThriftMetastoreClient client = ThriftMetastoreClient.connect(host, port, CHECK_TIMEOUT)) {
            client.api().getAllDatabases();
        }
    }

    /** Trino has started, and has the catalog Athena's queries name. */
    private static void checkTrino(URI trino, String user)
            throws Exception
    {
        connect(trino.getHost(), port(trino));
        HttpClient http = HttpClient.newBuilder().connectTimeout(CHECK_TIMEOUT).build();
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(trino.resolve("/v1/info")).timeout(CHECK_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (info.statusCode() != 200) {
            throw new UnusableException("GET /v1/info answered HTTP " + info.statusCode());
        }
        if (JSON.readTree(info.body()).path("starting").asBoolean(true)) {
            throw new UnusableException("it is still starting");
        }
        Properties properties = new Properties();
        properties.put("user", user);
        if ("https".equals(trino.getScheme())) {
            properties.put("SSL", "true");
        }
        String url = "jdbc:trino://" + trino.getHost() + ":" + port(trino);
        try (Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW CATALOGS LIKE '" + TrinoComponent.CATALOG + "'")) {
            if (!result.next()) {
                throw new UnusableException("it has no catalog named " + TrinoComponent.CATALOG + " (Athena's queries name it; give it the Hive "
                        + "connector on the same metastore)");
            }
        }
    }
}
