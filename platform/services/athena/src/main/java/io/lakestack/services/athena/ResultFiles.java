package io.lakestack.services.athena;

import io.lakestack.spi.OffsetTokens;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.athena.QueryEngine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Athena's result files in S3: {@code <id>.csv} for queries (a header row, then every value double-quoted, NULL as
 * an empty unquoted field) and {@code <id>.txt} for DDL and utility statements (one row per line). Pages of
 * {@code GetQueryResults} are read back from the file, from the byte offset the previous page's token carries, so a
 * result of any size is never held in memory.
 *
 * <p>The local copy of a recent result stays in a bounded cache on disk ({@value #CACHE_BYTES} bytes, least recently
 * read first out), so that paging it costs no S3 round trip; anything else is read from S3 with ranged reads.
 */
final class ResultFiles
        implements AutoCloseable
{
    private static final int READ_CHUNK = 256 * 1024;
    static final long CACHE_BYTES = 512L * 1024 * 1024;

    private final ObjectStore store;
    private final Path directory;
    private final Path cacheDirectory;
    private final long cacheBytes;
    private final Map<String, Path> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    /**
     * @param directory where results are written before they go to S3, and where the cache keeps them: a directory
     *         of lakestack's own, cleared when the stack starts
     */
    ResultFiles(ObjectStore store, Path directory)
    {
        this(store, directory, CACHE_BYTES);
    }

    ResultFiles(ObjectStore store, Path directory, long cacheBytes)
    {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.cacheBytes = cacheBytes;
        try {
            this.cacheDirectory = Files.createTempDirectory(Files.createDirectories(directory), "results-");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for Athena results", e);
        }
    }

    /** A source of bytes of one result file. */
    @FunctionalInterface
    private interface Chunks
    {
        byte[] read(long position, int length)
                throws IOException;
    }

    /** A writer of a new result file. */
    CsvWriter newWriter()
    {
        return new CsvWriter(directory);
    }

    /** Uploads a finished result to S3 and keeps its local file in the cache; returns its size in bytes. */
    long publish(CsvWriter writer, String bucket, String key, String contentType)
            throws IOException
    {
        Path file = writer.finish();
        long size = Files.size(file);
        try {
            store.put(bucket, key, file, contentType);
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        keep(bucket + "/" + key, file, size);
        return size;
    }

    private synchronized void keep(String name, Path file, long size)
            throws IOException
    {
        if (size > cacheBytes) {
            Files.deleteIfExists(file);
            return;
        }
        Path cached = cacheDirectory.resolve(Integer.toHexString(name.hashCode()) + "-" + System.nanoTime());
        Files.move(file, cached);
        Path previous = cache.put(name, cached);
        if (previous != null) {
            cachedBytes -= Files.size(previous);
            Files.deleteIfExists(previous);
        }
        cachedBytes += size;
        var oldest = cache.entrySet().iterator();
        while (cachedBytes > cacheBytes && oldest.hasNext()) {
            Path evicted = oldest.next().getValue();
            cachedBytes -= Files.size(evicted);
            Files.deleteIfExists(evicted);
            oldest.remove();
        }
    }

    private synchronized Optional<Path> cached(String name)
    {
        return Optional.ofNullable(cache.get(name));
    }

    /** Writes rows as they arrive into a local file, then into S3. */
    static final class CsvWriter
            implements QueryEngine.RowSink, AutoCloseable
    {
        private final Path file;
        private final BufferedWriter out;
        private List<QueryEngine.Column> columns = List.of();
        private long rows;
        private boolean finished;

        private CsvWriter(Path directory)
        {
            try {
                file = Files.createTempFile(directory, "result-", ".csv");
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void columns(List<QueryEngine.Column> names)
        {
            columns = List.copyOf(names);
            write(names.stream().map(QueryEngine.Column::name).toList());
            rows = 0;
        }

        @Override
        public void row(List<String> values)
        {
            write(values);
            rows++;
        }

        /** A plain line, for the .txt results of DDL. */
        void line(String text)
        {
            try {
                out.write(text);
                out.write('\n');
                rows++;
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void write(List<String> values)
        {
            try {
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    String value = values.get(i);
                    if (value != null) {
                        out.write('"');
                        out.write(value.replace("\"", "\"\""));
                        out.write('"');
                    }
                }
                out.write('\n');
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<QueryEngine.Column> columns()
        {
            return columns;
        }

        long rows()
        {
            return rows;
        }

        /** Ends the file; it is the caller's from now on. */
        Path finish()
                throws IOException
        {
            out.close();
            finished = true;
            return file;
        }

        @Override
        public void close()
        {
            try {
                out.close();
                if (!finished) {
                    Files.deleteIfExists(file);
                }
            }
            catch (IOException e) {
                // the temporary file is gone with the process anyway
            }
        }
    }

    /** A page of rows and the token of the next one. */
    record Page(List<List<String>> rows, Optional<String> nextToken)
    {
    }

    /**
     * @param csv whether the file is CSV (else one value per line)
     * @param size the file's size, as {@link #publish} gave it
     * @param token from the previous page, empty for the first
     */
    Page read(String bucket, String key, long size, boolean csv, Optional<String> token, int maxRows)
            throws IOException
    {
        Optional<Path> local = cached(bucket + "/" + key);
        if (local.isPresent()) {
            try (RandomAccessFile file = new RandomAccessFile(local.get().toFile(), "r")) {
                return read(size, csv, token, maxRows, (position, length) -> {
                    byte[] bytes = new byte[length];
                    file.seek(position);
                    file.readFully(bytes);
                    return bytes;
                });
            }
            catch (java.io.FileNotFoundException e) {
                // evicted meanwhile: read it from S3
            }
        }
        return read(size, csv, token, maxRows, (position, length) -> store.read(bucket, key, position, length));
    }

    private static Page read(long size, boolean csv, Optional<String> token, int maxRows, Chunks chunks)
            throws IOException
    {
        long offset = OffsetTokens.position(token, "InvalidRequestException");
        if (offset > size) {
            throw ServiceException.user("InvalidRequestException", "The NextToken '" + token.orElse("") + "' was not issued for this query's results");
        }
        List<List<String>> rows = new ArrayList<>();
        byte[] pending = new byte[0];
        long position = offset;
        long consumed = offset;
        while (rows.size() < maxRows && position < size) {
            int length = (int) Math.min(READ_CHUNK, size - position);
            byte[] chunk = chunks.read(position, length);
            position += chunk.length;
            byte[] buffer = new byte[pending.length + chunk.length];
            System.arraycopy(pending, 0, buffer, 0, pending.length);
            System.arraycopy(chunk, 0, buffer, pending.length, chunk.length);
            int start = 0;
            while (rows.size() < maxRows) {
                int end = csv ? csvRecordEnd(buffer, start) : lineEnd(buffer, start);
                if (end < 0) {
                    break;
                }
                rows.add(csv ? csvRecord(buffer, start, end - start + 1) : List.of(new String(buffer, start, end - start, StandardCharsets.UTF_8)));
                consumed += end - start + 1;
                start = end + 1;
            }
            pending = Arrays.copyOfRange(buffer, start, buffer.length);
        }
        Optional<String> next = consumed < size ? Optional.of(OffsetTokens.token(consumed)) : Optional.empty();
        return new Page(rows, next);
    }

    /**
     * The index of the newline that ends the CSV record starting at {@code start}, outside quotes; -1 if not in the
     * buffer. Records are found here, in bytes, because page tokens are byte offsets into the file and the CSV parser
     * counts characters; a doubled quote inside quotes turns quoting off and on again.
     */
    private static int csvRecordEnd(byte[] buffer, int start)
    {
        boolean quoted = false;
        for (int i = start; i < buffer.length; i++) {
            if (buffer[i] == '"') {
                quoted = !quoted;
            }
            else if (buffer[i] == '\n' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static int lineEnd(byte[] buffer, int start)
    {
        int end = indexOf(buffer, (byte) '\n', start, buffer.length);
        return end == buffer.length ? -1 : end;
    }

    /**
     * The values of one record of Athena's CSV ({@code length} bytes from {@code start}, the newline that ends it
     * included): separated by commas, each in double quotes with its quotes doubled, NULL an empty unquoted value. A
     * value without quotes (Athena writes none but NULL) is read up to the next comma, as CSV readers do.
     */
    static List<String> csvRecord(byte[] buffer, int start, int length)
    {
        int end = start + length;
        if (end > start && buffer[end - 1] == '\n') {
            end--;
        }
        List<String> values = new ArrayList<>();
        int position = start;
        while (true) {
            if (position < end && buffer[position] == '"') {
                // quoted: up to the quote that no second quote follows
                int from = position + 1;
                int to = from;
                boolean doubled = false;
                while (to < end && (buffer[to] != '"' || (to + 1 < end && buffer[to + 1] == '"'))) {
                    if (buffer[to] == '"') {
                        doubled = true;
                        to++;
                    }
                    to++;
                }
                String value = new String(buffer, from, to - from, StandardCharsets.UTF_8);
                values.add(doubled ? value.replace("\"\"", "\"") : value);
                position = to + 1;
                // anything between the closing quote and the comma belongs to the value, as lenient readers take it
                int comma = indexOf(buffer, (byte) ',', position, end);
                if (comma > position) {
                    values.set(values.size() - 1, values.get(values.size() - 1) + new String(buffer, position, comma - position, StandardCharsets.UTF_8));
                }
                position = comma;
            }
            else {
                int comma = indexOf(buffer, (byte) ',', position, end);
                values.add(comma == position ? null : new String(buffer, position, comma - position, StandardCharsets.UTF_8));
                position = comma;
            }
            if (position >= end) {
                return values;
            }
            position++;
        }
    }

    /** The index of {@code value} in {@code buffer[from, to)}, or {@code to}. */
    private static int indexOf(byte[] buffer, byte value, int from, int to)
    {
        for (int i = from; i < to; i++) {
            if (buffer[i] == value) {
                return i;
            }
        }
        return to;
    }

    @Override
    public synchronized void close()
    {
        try (java.util.stream.Stream<Path> files = Files.walk(cacheDirectory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            // what is left is cleared with the temporary directory when the stack starts next
        }
        cache.clear();
        cachedBytes = 0;
    }
}
