package io.lakestack.server.athena;

import io.lakestack.server.storage.ObjectStore;
import io.lakestack.spi.athena.QueryEngine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Athena's result files in S3: {@code <id>.csv} for queries (a header row, then every value double-quoted, NULL as
 * an empty unquoted field) and {@code <id>.txt} for DDL and utility statements (one row per line). Pages of
 * {@code GetQueryResults} are read back from the file with ranged reads, from the byte offset the previous page's
 * token carries, so a result of any size is never held in memory.
 */
final class ResultFiles
{
    private static final int READ_CHUNK = 256 * 1024;

    private final ObjectStore store;

    ResultFiles(ObjectStore store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    /** Writes rows as they arrive into a local file, then into S3. */
    static final class CsvWriter
            implements QueryEngine.RowSink, AutoCloseable
    {
        private final Path file;
        private final BufferedWriter out;
        private List<QueryEngine.Column> columns = List.of();
        private long rows;

        CsvWriter()
        {
            try {
                file = Files.createTempFile("lakestack-athena-", ".csv");
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

        /** Uploads the file and deletes it locally. */
        void upload(ObjectStore store, String bucket, String key, String contentType)
                throws IOException
        {
            out.close();
            try {
                store.put(bucket, key, file, contentType);
            }
            finally {
                Files.deleteIfExists(file);
            }
        }

        @Override
        public void close()
        {
            try {
                out.close();
                Files.deleteIfExists(file);
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
     * @param token from the previous page, empty for the first
     */
    Page read(String bucket, String key, boolean csv, Optional<String> token, int maxRows)
            throws IOException
    {
        long size = store.size(bucket, key).orElseThrow(() -> new IOException("the result file s3://" + bucket + "/" + key + " is gone"));
        long offset = token.map(ResultFiles::offset).orElse(0L);
        List<List<String>> rows = new ArrayList<>();
        byte[] pending = new byte[0];
        long position = offset;
        long consumed = offset;
        while (rows.size() < maxRows && position < size) {
            int length = (int) Math.min(READ_CHUNK, size - position);
            byte[] chunk = store.read(bucket, key, position, length);
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
                String record = new String(buffer, start, end - start, StandardCharsets.UTF_8);
                rows.add(csv ? parseCsv(record) : List.of(record));
                start = end + 1;
                consumed += record.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            pending = java.util.Arrays.copyOfRange(buffer, start, buffer.length);
            if (rows.size() >= maxRows) {
                break;
            }
        }
        Optional<String> next = consumed < size ? Optional.of(token(consumed)) : Optional.empty();
        return new Page(rows, next);
    }

    /** The index of the newline that ends the CSV record starting at {@code start}, outside quotes; -1 if not in the buffer. */
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
        for (int i = start; i < buffer.length; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static List<String> parseCsv(String record)
    {
        List<String> values = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i >= record.length()) {
                values.add(null);
                break;
            }
            if (record.charAt(i) == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (i < record.length()) {
                    char c = record.charAt(i);
                    if (c == '"') {
                        if (i + 1 < record.length() && record.charAt(i + 1) == '"') {
                            value.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.append(c);
                    i++;
                }
                values.add(value.toString());
            }
            else {
                int comma = record.indexOf(',', i);
                String raw = comma < 0 ? record.substring(i) : record.substring(i, comma);
                values.add(raw.isEmpty() ? null : raw);
                if (comma < 0) {
                    break;
                }
                i = comma;
            }
            if (i >= record.length()) {
                break;
            }
            // at a comma
            i++;
        }
        return values;
    }

    private static String token(long offset)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static long offset(String token)
    {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith("offset:")) {
                throw new IllegalArgumentException(decoded);
            }
            return Long.parseLong(decoded.substring("offset:".length()));
        }
        catch (IllegalArgumentException e) {
            throw io.lakestack.spi.ServiceException.user("InvalidRequestException", "The NextToken '" + token + "' was not issued for this query's results");
        }
    }
}
