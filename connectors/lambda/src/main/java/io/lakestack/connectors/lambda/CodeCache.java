package io.lakestack.connectors.lambda;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionVersion;
import io.lakestack.spi.s3.ObjectStore;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Deployment packages unpacked on this machine, one directory per {@code CodeSha256}: fetched from the object store
 * with ranged reads, checked against their SHA-256, unpacked (keeping executable bits and symbolic links that stay
 * inside), then moved into place in one step, so that a directory that exists is complete. Shared by every runner
 * using the same cache; nothing is ever changed in place, since a new package has a new hash.
 */
final class CodeCache
{
    static final int READ_BYTES = 8 * 1024 * 1024;

    private final ObjectStore store;
    private final Path directory;
    private final int readBytes;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    CodeCache(ObjectStore store, Path directory)
    {
        this(store, directory, READ_BYTES);
    }

    CodeCache(ObjectStore store, Path directory, int readBytes)
    {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.readBytes = readBytes;
    }

    /**
     * The function's code, unpacked: the task root of its environments.
     *
     * @throws ServiceException when the package cannot be read ({@code ServiceException}, 503), does not match its
     *         {@code CodeSha256} (500) or is not a zip ({@code InvalidZipFileException}, 502)
     */
    Path unpacked(FunctionVersion function)
    {
        String name = directoryName(function.codeSha256());
        Path target = directory.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        synchronized (locks.computeIfAbsent(name, key -> new Object())) {
            if (Files.isDirectory(target)) {
                return target;
            }
            Path zip = directory.resolve(".download-" + UUID.randomUUID() + ".zip");
            Path unpacking = directory.resolve(".unpack-" + UUID.randomUUID());
            try {
                Files.createDirectories(directory);
                download(function, zip);
                unzip(function, zip, unpacking);
                try {
                    Files.move(unpacking, target, StandardCopyOption.ATOMIC_MOVE);
                }
                catch (IOException e) {
                    if (!Files.isDirectory(target)) {
                        throw e;
                    }
                    // another runner on this machine unpacked the same package first
                }
                return target;
            }
            catch (IOException e) {
                throw ServiceException.external("ServiceException", "fetching the code of function " + function.arn() + " from s3://" + function.codeBucket()
                        + "/" + function.codeKey() + " into " + directory + " failed: " + e.getMessage(), e);
            }
            finally {
                deleteQuietly(zip);
                deleteQuietly(unpacking);
            }
        }
    }

    private void download(FunctionVersion function, Path zip)
            throws IOException
    {
        long size = store.head(function.codeBucket(), function.codeKey())
                .orElseThrow(() -> new IOException("there is no object s3://" + function.codeBucket() + "/" + function.codeKey()))
                .size();
        MessageDigest digest = sha256();
        try (OutputStream out = Files.newOutputStream(zip, StandardOpenOption.CREATE_NEW)) {
            long offset = 0;
            while (offset < size) {
                byte[] bytes = store.read(function.codeBucket(), function.codeKey(), offset, (int) Math.min(readBytes, size - offset));
                if (bytes.length == 0) {
                    throw new IOException("s3://" + function.codeBucket() + "/" + function.codeKey() + " ended at " + offset + " of " + size + " bytes");
                }
                digest.update(bytes);
                out.write(bytes);
                offset += bytes.length;
            }
        }
        String actual = Base64.getEncoder().encodeToString(digest.digest());
        if (!actual.equals(function.codeSha256())) {
            throw new ServiceException(ErrorKind.INTERNAL, "ServiceException", 500, "the deployment package s3://" + function.codeBucket() + "/"
                    + function.codeKey() + " of function " + function.arn() + " has the SHA-256 " + actual + ", not the function's CodeSha256 "
                    + function.codeSha256() + ": it was replaced behind the function's back");
        }
    }

    private static void unzip(FunctionVersion function, Path zip, Path target)
            throws IOException
    {
        Files.createDirectories(target);
        Path root = target.toAbsolutePath().normalize();
        ZipFile archive;
        try {
            archive = ZipFile.builder().setPath(zip).get();
        }
        catch (IOException e) {
            throw invalidZip(function, e);
        }
        try (archive) {
            Enumeration<ZipArchiveEntry> entries = archive.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                Path path = root.resolve(entry.getName()).normalize();
                if (!path.startsWith(root)) {
                    throw invalidZip(function, new IOException("the entry " + entry.getName() + " points outside the package"));
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isUnixSymlink()) {
                    String link = archive.getUnixSymlink(entry);
                    if (!path.getParent().resolve(link).normalize().startsWith(root)) {
                        throw invalidZip(function, new IOException("the link " + entry.getName() + " points outside the package"));
                    }
                    Files.createSymbolicLink(path, Path.of(link));
                    continue;
                }
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, path);
                }
                if ((entry.getUnixMode() & 0100) != 0) {
                    path.toFile().setExecutable(true, false);
                }
            }
        }
    }

    private static ServiceException invalidZip(FunctionVersion function, IOException cause)
    {
        return new ServiceException(ErrorKind.USER, "InvalidZipFileException", 502, "Lambda could not unzip the deployment package of function "
                + function.arn() + ": " + cause.getMessage(), cause);
    }

    /** The hex of the package's SHA-256 (as {@code CodeSha256} is its base64), or of the text when it is not one. */
    private static String directoryName(String codeSha256)
    {
        try {
            byte[] sha = Base64.getDecoder().decode(codeSha256);
            if (sha.length == 32) {
                return HexFormat.of().formatHex(sha);
            }
        }
        catch (IllegalArgumentException e) {
            // not base64: name it by its own hash below
        }
        return HexFormat.of().formatHex(sha256().digest(codeSha256.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path path)
    {
        try {
            PythonEnvironments.deleteTree(path);
        }
        catch (IOException e) {
            // a leftover temporary file in the cache; the next unpack does not look at it
        }
    }
}
