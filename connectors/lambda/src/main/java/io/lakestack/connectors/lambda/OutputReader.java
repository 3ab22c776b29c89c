package io.lakestack.connectors.lambda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads what an environment's process wrote to its output file (standard output and standard error, both appended to
 * one file) from where the last read ended. The process writes to a file rather than a pipe so that the runner can
 * read everything written before a given moment: whatever a handler printed before its runtime posted the result is
 * in the file by the time the result arrives, so it lands in the invocation's log, before {@code END}.
 *
 * <p>Lines keep their {@code \n}, as Lambda's log events do; a line still being written is held back until its end
 * arrives or {@link #read(boolean) read(true)} takes it as it is. Not thread-safe: the environment serialises reads.
 */
final class OutputReader
        implements AutoCloseable
{
    /** A line longer than this is cut into pieces (a log event cannot hold more anyway). */
    private static final int MAX_LINE_BYTES = LogShipper.MAX_EVENT_BYTES;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;

    OutputReader(Path file)
            throws IOException
    {
        requireNonNull(file, "file is null");
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * The complete lines written since the last call; with {@code all}, also the unfinished last line.
     */
    List<String> read(boolean all)
            throws IOException
    {
        List<String> lines = new ArrayList<>();
        while (true) {
            buffer.clear();
            int read = channel.read(buffer, position);
            if (read <= 0) {
                break;
            }
            position += read;
            byte[] bytes = buffer.array();
            for (int i = 0; i < read; i++) {
                partial.write(bytes[i]);
                if (bytes[i] == '\n' || partial.size() >= MAX_LINE_BYTES) {
                    lines.add(take());
                }
            }
        }
        if (all && partial.size() > 0) {
            lines.add(take());
        }
        return lines;
    }

    @Override
    public void close()
            throws IOException
    {
        channel.close();
    }

    private String take()
    {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        return line;
    }
}
