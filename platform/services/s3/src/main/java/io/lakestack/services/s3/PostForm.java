package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@code multipart/form-data} body of an S3 browser upload: its fields (names are case-insensitive, as S3 takes
 * them) and the {@code file} field's content, spooled to a file. S3 ignores the fields after {@code file}, and so
 * does this.
 *
 * @param fields the fields before the file, by lower-case name
 * @param file where the file's content was written
 * @param fileName the file field's file name, for {@code ${filename}} in the key
 * @param fileSize its size in bytes
 */
record PostForm(Map<String, String> fields, Path file, String fileName, long fileSize)
        implements AutoCloseable
{
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern NAME = Pattern.compile("(?i)\\bname=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)\\bfilename=\"([^\"]*)\"");

    PostForm
    {
        fields = Map.copyOf(fields);
        requireNonNull(file, "file is null");
        requireNonNull(fileName, "fileName is null");
    }

    /** The boundary of a {@code multipart/form-data} content type. */
    static Optional<String> boundary(String contentType)
    {
        Matcher matcher = BOUNDARY.matcher(contentType);
        return matcher.find() ? Optional.of(matcher.group(1) != null ? matcher.group(1) : matcher.group(2)) : Optional.empty();
    }

    /**
     * Reads a form, spooling the body to {@code spoolDirectory} first.
     *
     * @throws ServiceException 400 {@code MalformedPOSTRequest} when the body is not such a form, {@code InvalidArgument}
     *         when it has no file
     */
    static PostForm read(InputStream body, String boundary, Path spoolDirectory)
            throws IOException
    {
        Files.createDirectories(spoolDirectory);
        Path raw = Files.createTempFile(spoolDirectory, "post-", ".form");
        Path file = Files.createTempFile(spoolDirectory, "post-", ".file");
        boolean done = false;
        try {
            try (InputStream in = body) {
                Files.copy(in, raw, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            PostForm form = parse(raw, boundary, file);
            done = true;
            return form;
        }
        finally {
            Files.deleteIfExists(raw);
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static PostForm parse(Path raw, String boundary, Path file)
            throws IOException
    {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        try (FileChannel channel = FileChannel.open(raw, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw ServiceException.user("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size: a browser upload through lakestack "
                        + "is at most 2 GiB; use PutObject or a multipart upload");
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            int position = indexOf(buffer, delimiter, 0);
            if (position < 0) {
                throw malformed("the body does not start with the boundary of its Content-Type");
            }
            position += delimiter.length;
            Map<String, String> fields = new LinkedHashMap<>();
            while (true) {
                if (position + 2 <= size && buffer.get(position) == '-' && buffer.get(position + 1) == '-') {
                    break;
                }
                position = skipLineEnd(buffer, position);
                int headersEnd = indexOf(buffer, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), position);
                if (headersEnd < 0) {
                    throw malformed("a part has no end of its headers");
                }
                String headers = text(buffer, position, headersEnd, StandardCharsets.UTF_8);
                int contentStart = headersEnd + 4;
                int contentEnd = indexOf(buffer, nextDelimiter, contentStart);
                if (contentEnd < 0) {
                    throw malformed("a part has no closing boundary");
                }
                Matcher name = NAME.matcher(headers);
                if (!name.find()) {
                    throw malformed("a part has no Content-Disposition name");
                }
                String fieldName = name.group(1).toLowerCase(Locale.ROOT);
                if (fieldName.equals("file")) {
                    Matcher fileName = FILE_NAME.matcher(headers);
                    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                        long written = 0;
                        while (written < contentEnd - contentStart) {
                            written += channel.transferTo(contentStart + written, contentEnd - contentStart - written, out);
                        }
                    }
                    return new PostForm(fields, file, fileName.find() ? fileName.group(1) : "", contentEnd - contentStart);
                }
                fields.putIfAbsent(fieldName, text(buffer, contentStart, contentEnd, StandardCharsets.UTF_8));
                position = contentEnd + nextDelimiter.length;
            }
            throw ServiceException.user("InvalidArgument", "POST requires exactly one file upload per request: the form has no field named file");
        }
    }

    private static int skipLineEnd(MappedByteBuffer buffer, int position)
    {
        int at = position;
        while (at < buffer.limit() && (buffer.get(at) == ' ' || buffer.get(at) == '\t')) {
            at++;
        }
        if (at + 1 < buffer.limit() && buffer.get(at) == '\r' && buffer.get(at + 1) == '\n') {
            return at + 2;
        }
        throw malformed("a boundary is not followed by a line end");
    }

    private static String text(MappedByteBuffer buffer, int from, int to, java.nio.charset.Charset charset)
    {
        byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        return new String(bytes, charset);
    }

    private static int indexOf(MappedByteBuffer buffer, byte[] pattern, int from)
    {
        int last = buffer.limit() - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buffer.get(i + j) != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data: " + detail);
    }

    @Override
    public void close()
            throws IOException
    {
        Files.deleteIfExists(file);
    }
}
