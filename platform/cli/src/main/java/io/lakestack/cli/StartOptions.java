package io.lakestack.cli;

import io.lakestack.embedded.CompilerThreads;
import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackListener;
import io.lakestack.embedded.StackPorts;
import io.lakestack.endpoint.EndpointConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Options of the commands that start a stack. */
final class StartOptions
{
    static final String DEFAULT_TRINO_HEAP = "640M";

    @Option(names = "--port", paramLabel = "N", description = "The AWS endpoint's port; Kafka, the object store, the metastore, Trino and the "
            + "Kafka controller take the next five (default: ${DEFAULT-VALUE}).")
    int port = EndpointConfig.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address the endpoint listens on (default: ${DEFAULT-VALUE}, loopback only).")
    String bind = "127.0.0.1";

    @Option(names = "--fresh", description = "Delete the data directory's contents first: all topics, objects, tables and query history.")
    boolean fresh;

    @Option(names = "--no-trino", description = "Start without Trino: no SQL, and no Java 24+ needed.")
    boolean noTrino;

    @Option(names = "--no-verify-signatures", description = "Accept unsigned and wrongly signed requests.")
    boolean noVerifySignatures;

    @Option(names = "--access-key", paramLabel = "ID", description = "Access key id requests must be signed with (default: $LAKESTACK_ACCESS_KEY, else test).")
    String accessKey = System.getenv().getOrDefault("LAKESTACK_ACCESS_KEY", "test");

    @Option(names = "--secret-key", paramLabel = "SECRET", description = "Its secret access key (default: $LAKESTACK_SECRET_KEY, else test).")
    String secretKey = System.getenv().getOrDefault("LAKESTACK_SECRET_KEY", "test");

    @Option(names = "--trino-heap", paramLabel = "SIZE", description = "The embedded Trino's maximum heap (default: " + DEFAULT_TRINO_HEAP + ").")
    String trinoHeap;

    @Option(names = "--sequential-start", hidden = true, description = "Start the components one after another (the start-up benchmark's baseline).")
    boolean sequentialStart;

    @Mixin
    EngineOptions engines = new EngineOptions();

    Map<String, String> endpointSettings()
    {
        Map<String, String> settings = new HashMap<>();
        settings.put(EndpointConfig.BIND, bind);
        settings.put(EndpointConfig.ACCESS_KEY, accessKey);
        settings.put(EndpointConfig.SECRET_KEY, secretKey);
        settings.put(EndpointConfig.VERIFY_SIGNATURES, String.valueOf(!noVerifySignatures));
        return settings;
    }

    /**
     * With {@code --fresh}, deletes the data directory's contents. Called before anything opens a file there: a log
     * opened before it would be written, for the whole run, to a file that no longer has a name.
     */
    void wipeIfFresh(StackOptions location)
    {
        if (fresh && EngineOptions.external(engines.settings())) {
            throw new IllegalArgumentException("--fresh deletes the embedded engines' topics, objects and tables; with --engines external they are on "
                    + "engines lakestack does not run, and it deletes none of them");
        }
        if (fresh) {
            location.layout().wipe();
        }
    }

    /**
     * A stack on the data directory ({@link #wipeIfFresh} comes first), on the embedded engines or the external ones
     * asked for.
     *
     * @throws IllegalArgumentException naming a setting that cannot apply to the engines chosen
     */
    EmbeddedStack build(StackOptions location, StackListener listener)
    {
        // this process runs the stack: its start-up is bound by CPU, which its JIT compilers should not take first
        CompilerThreads.lowerPriority(System.getenv());
        EmbeddedStack.Builder builder = EmbeddedStack.builder()
                .dataDirectory(location.dataDirectory)
                .ports(StackPorts.from(port))
                .endpointSettings(endpointSettings())
                .withTrino(!noTrino)
                .trinoHeap(trinoHeap == null ? DEFAULT_TRINO_HEAP : trinoHeap)
                .sequentialStart(sequentialStart)
                .listener(listener);
        Map<String, String> settings = engines.settings();
        if (EngineOptions.external(settings)) {
            if (trinoHeap != null || sequentialStart) {
                throw new IllegalArgumentException((trinoHeap != null ? "--trino-heap" : "--sequential-start")
                        + " applies to the embedded engines only; with --engines external lakestack starts none");
            }
            builder.externalEngines(EngineOptions.externalEngines(settings, !noTrino, accessKey, secretKey));
        }
        else {
            EngineOptions.requireNoneForEmbedded(settings);
            builder.kafkaProperties(EngineOptions.kafkaProperties(settings));
        }
        return builder.build();
    }
}
