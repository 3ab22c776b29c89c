package io.lakestack.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * What {@code run/state.json} says about the stack running on a data directory: its launcher's pid and addresses.
 * It is only trusted while the data directory's lock is held: a launcher that was killed leaves the file behind,
 * but not the lock.
 */
public record RunState(long pid, String endpoint, String kafka, String metastore, Optional<String> trinoJdbcUrl)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of a running stack, or empty when none runs on this data directory. */
    public static Optional<RunState> readIfRunning(StackLayout layout)
    {
        return isRunning(layout) ? read(layout) : Optional.empty();
    }

    static Optional<RunState> read(StackLayout layout)
    {
        if (!Files.exists(layout.stateFile())) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(layout.stateFile().toFile());
            return Optional.of(new RunState(node.path("pid").asLong(), node.path("endpoint").asText(), node.path("kafka").asText(),
                    node.path("metastore").asText(), Optional.ofNullable(node.get("trinoJdbcUrl")).map(JsonNode::asText)));
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether some process holds the data directory's lock. */
    public static boolean isRunning(StackLayout layout)
    {
        if (!Files.exists(layout.lockFile())) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
        catch (OverlappingFileLockException e) {
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
