package io.lakestack.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Where each part of the stack keeps its data under the data directory. Everything the stack stores (topics,
 * objects, the catalog, query history) lives here and survives a restart.
 *
 * <pre>
 * DATA_DIR/
 *   lakestack.lock      held while a launcher runs the stack on this directory
 *   run/state.json      pid and addresses of the running stack
 *   logs/               one log per component
 *   kafka/              Kafka log directory (formatted on first start)
 *   object-store/       the S3 server's objects
 *   metastore/          the metastore's Derby database and configuration
 *   trino/              Trino's configuration and data directory
 *   firehose/           Firehose buffers on their way to S3 (cleared at start)
 *   tmp/                temporary files of the endpoint and the engines (cleared at start)
 * </pre>
 */
public record StackLayout(Path root)
{
    public StackLayout
    {
        root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    public Path lockFile()
    {
        return root.resolve("lakestack.lock");
    }

    public Path stateFile()
    {
        return root.resolve("run").resolve("state.json");
    }

    public Path logs()
    {
        return root.resolve("logs");
    }

    public Path log(String component)
    {
        return logs().resolve(component + ".log");
    }

    public Path kafka()
    {
        return root.resolve("kafka");
    }

    public Path objectStore()
    {
        return root.resolve("object-store");
    }

    public Path metastore()
    {
        return root.resolve("metastore");
    }

    public Path trino()
    {
        return root.resolve("trino");
    }

    /**
     * Temporary files (S3 upload bodies, Athena results on their way to S3, the engines' {@code java.io.tmpdir}):
     * nothing of the stack's goes to the system's temporary directory. Cleared at every start, so what a killed stack
     * left goes away.
     */
    public Path temporary()
    {
        return root.resolve("tmp");
    }

    /** The temporary directory of one component. */
    public Path temporary(String component)
    {
        return temporary().resolve(component);
    }

    /** Deletes what is in {@link #temporary()}; only while this process holds the data directory's lock. */
    void clearTemporary()
    {
        try {
            EngineCache.delete(temporary());
            Files.createDirectories(temporary());
        }
        catch (IOException e) {
            throw new StackException("data-dir", "cannot clear " + temporary() + ": " + e.getMessage(), e);
        }
    }

    /** Firehose buffers on their way to S3 (temporary files; the records themselves are safe in Kafka). */
    public Path firehose()
    {
        return root.resolve("firehose");
    }

    /**
     * Deletes the data directory's contents, as {@code --fresh} asks; refused while a stack runs on it. Logs nothing:
     * it runs before anything (the launcher's own log included) opens a file in the directory it deletes.
     */
    public void wipe()
    {
        if (!Files.exists(root)) {
            return;
        }
        if (RunState.isRunning(this)) {
            throw new StackException("data-dir", "cannot wipe " + root + " while lakestack runs on it; run 'lakestack down' first");
        }
        try {
            EngineCache.delete(root);
        }
        catch (IOException e) {
            throw new StackException("data-dir", "cannot delete " + root + ": " + e.getMessage(), e);
        }
    }

    /** Creates the directories that every start needs. */
    public void create()
    {
        try {
            Files.createDirectories(root.resolve("run"));
            Files.createDirectories(logs());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root, e);
        }
    }
}
