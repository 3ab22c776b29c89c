package io.lakestack.embedded;

import io.lakestack.child.BoundTomcatMain;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The S3-compatible object store: S3Mock in a child JVM, keeping its objects under the data directory. Only the
 * lakestack endpoint talks to it; clients use the endpoint.
 */
final class ObjectStoreComponent
        extends HttpChildComponent
{
    /**
     * The auto-configurations of Spring Boot's Actuator, health checks, metrics and observations that S3Mock's jar
     * carries: they set up beans nothing reads (S3Mock turns every management endpoint off), and took about 0.45 of the
     * 2.9 CPU-seconds S3Mock needed to answer on two cores. Spring Boot ignores a name that is not on the classpath; each
     * is checked against the jar's own list of auto-configurations by a test, so that a new S3Mock does not bring them back unseen.
     */
    static final List<String> UNUSED_AUTO_CONFIGURATIONS = List.of(
            "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration",
            "org.springframework.boot.servlet.autoconfigure.actuate.web.ServletManagementContextAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.application.SslHealthContributorAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.logging.logback.LogbackMetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.ssl.SslMetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.startup.StartupTimeMetricsListenerAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.task.TaskExecutorMetricsAutoConfiguration",
            "org.springframework.boot.tomcat.autoconfigure.metrics.TomcatMetricsAutoConfiguration",
            "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
            "org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration",
            "org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final EngineArtifacts artifacts;
    private final JavaRuntimes.Runtime runtime;
    private final Path root;
    private final Path log;

    ObjectStoreComponent(EngineArtifacts artifacts, JavaRuntimes.Runtime runtime, Path root, Path log, Path temporaryDirectory, int port,
            StackListener listener)
    {
        super("object-store", temporaryDirectory, port, listener);
        this.artifacts = artifacts;
        this.runtime = runtime;
        this.root = root;
        this.log = log;
    }


    @Override
    ChildProcess launch()
    {
        Path application = EngineCache.objectStore(artifacts, runtime);
        List<String> jvm = new ArrayList<>(JvmOptions.small("384m"));
        jvm.add(temporaryDirectoryOption());
        return ChildProcess.start(name(), runtime, List.of(application.toString()), jvm, "s3mock-" + artifacts.objectStoreJar().getFileName(),
                BoundTomcatMain.class.getName(), arguments(port(), root),
                root.getParent(), Map.of(), log);
    }

    /**
     * S3Mock's arguments, behind {@link BoundTomcatMain}'s: both its connectors on loopback, the one lakestack talks to
     * ({@code http.port}) on the stack's port and its main one ({@code server.port}), which nothing uses, on any free
     * port, plain HTTP rather than HTTPS (no keystore to load and TLS to set up at each start); without the auto-configurations it
     * brings along for Spring Boot's Actuator, health checks, metrics and observations ({@link #UNUSED_AUTO_CONFIGURATIONS}).
     */
    static List<String> arguments(int port, Path root)
    {
        return List.of(
                LOOPBACK,
                "com.adobe.testing.s3mock.S3MockApplication",
                "--http.port=" + port,
                "--server.port=0",
                "--server.ssl.enabled=false",
                "--server.address=" + LOOPBACK,
                "--spring.autoconfigure.exclude=" + String.join(",", UNUSED_AUTO_CONFIGURATIONS),
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--com.adobe.testing.s3mock.store.region=us-east-1",
                "--com.adobe.testing.s3mock.max-payload-size=5GB",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.com.adobe.testing.s3mock=WARN");
    }

    @Override
    boolean ready()
            throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(uri().resolve("/")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200;
    }

    @Override
    Duration startTimeout()
    {
        return Duration.ofSeconds(90);
    }

    @Override
    String dataDirAdvice()
    {
        return ". If the data directory is damaged, start over with --fresh (this deletes all objects)";
    }
}
