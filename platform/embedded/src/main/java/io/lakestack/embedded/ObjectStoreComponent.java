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
                BoundTomcatMain.class.getName(), arguments(),
                root.getParent(), Map.of(), log);
    }

    /**
     * S3Mock's arguments, behind {@link BoundTomcatMain}'s: both its connectors on loopback, the plain-HTTP one
     * ({@code http.port}) on the stack's port and the HTTPS one ({@code server.port}) on any free port.
     */
    private List<String> arguments()
    {
        return List.of(
                LOOPBACK,
                "com.adobe.testing.s3mock.S3MockApplication",
                "--http.port=" + port(),
                "--server.port=0",
                "--server.address=" + LOOPBACK,
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
