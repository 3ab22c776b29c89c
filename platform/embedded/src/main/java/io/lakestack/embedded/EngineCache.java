package io.lakestack.embedded;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.file.PathUtils;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static java.util.Objects.requireNonNull;

/**
 * The engines as they run, unpacked once from what the build fetched, in a cache directory shared by every data
 * directory: {@code $LAKESTACK_CACHE}, else {@code $XDG_CACHE_HOME/lakestack}, else {@code ~/.cache/lakestack}.
 * Class-data archives of the engine JVMs live there too ({@code cds/}).
 *
 * <ul>
 *   <li>Trino: only what lakestack uses is unpacked, the server's {@code lib/} and the Hive connector (as
 *       {@code plugin/hive}); skipping the bundled plugins lakestack does not configure saves start-up time.</li>
 *   <li>The S3 server: its Spring Boot jar extracted into plain jars, whose classes a class-data archive can hold
 *       (classes in nested jars it cannot), which halves its start-up time.</li>
 * </ul>
 * Unpacking goes to a temporary directory that is renamed into place when complete, so an interrupted unpack is
 * never mistaken for a finished one.
 */
public final class EngineCache
{
    static final String UNPACK_STEP = "unpacking Trino";
    private static final String COMPLETE_MARKER = ".lakestack-complete";
    private static final Set<String> PLUGINS = Set.of();

    private EngineCache() {}

    /** The cache directory, shared by every data directory and by commands that keep tools there. */
    public static Path cacheRoot()
    {
        String explicit = System.getenv("LAKESTACK_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "lakestack");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lakestack");
    }

    /** The Trino installation directory, unpacking it first if needed. */
    static Path trino(EngineArtifacts artifacts, StackListener listener)
    {
        Path target = cacheRoot().resolve("trino-server-" + artifacts.trinoVersion());
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        Path temporary = target.resolveSibling(target.getFileName() + ".unpacking-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(temporary);
            long total = Files.size(artifacts.trinoServerArchive()) + Files.size(artifacts.trinoHiveArchive());
            long[] done = {0};
            try (InputStream raw = counting(Files.newInputStream(artifacts.trinoServerArchive()), done, total, listener);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String name = stripTopDirectory(entry.getName());
                    if (name.isEmpty() || !wanted(name)) {
                        continue;
                    }
                    Path out = safeResolve(temporary, name);
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                        continue;
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            Path hive = temporary.resolve("plugin").resolve("hive");
            Files.createDirectories(hive);
            try (InputStream raw = counting(Files.newInputStream(artifacts.trinoHiveArchive()), done, total, listener);
                    ZipInputStream zip = new ZipInputStream(raw)) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    String name = stripTopDirectory(entry.getName());
                    if (entry.isDirectory() || name.isEmpty()) {
                        continue;
                    }
                    Path out = safeResolve(hive, name);
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(temporary.resolve(COMPLETE_MARKER), artifacts.trinoServerArchive() + "\n" + artifacts.trinoHiveArchive() + "\n");
            moveIntoPlace(temporary, target);
            listener.stepDone(UNPACK_STEP);
            return target;
        }
        catch (IOException e) {
            deleteQuietly(temporary);
            throw new StackException("trino", "cannot unpack the Trino distribution into " + target + ": " + e.getMessage()
                    + " (is the disk full? set LAKESTACK_CACHE to another directory)", e);
        }
    }

    /**
     * The S3 server's application jar, extracted with Spring Boot's own tool ({@code -Djarmode=tools extract}); its
     * manifest lists the {@code lib/} jars beside it.
     */
    static Path objectStore(EngineArtifacts artifacts, JavaRuntimes.Runtime runtime)
    {
        Path jar = artifacts.objectStoreJar();
        String name = jar.getFileName().toString().replace(".jar", "");
        Path target = cacheRoot().resolve(name);
        Path application = target.resolve(jar.getFileName());
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return application;
        }
        Path temporary = target.resolveSibling(name + ".unpacking-" + ProcessHandle.current().pid());
        try {
            deleteQuietly(temporary);
            Process extract = new ProcessBuilder(runtime.java().toString(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
                    "--destination", temporary.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(extract.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (extract.waitFor() != 0) {
                throw new IOException("extracting " + jar + " failed: " + output.strip());
            }
            Files.writeString(temporary.resolve(COMPLETE_MARKER), jar + "\n");
            moveIntoPlace(temporary, target);
            return application;
        }
        catch (IOException e) {
            deleteQuietly(temporary);
            throw new StackException("object-store", "cannot extract " + jar + " into " + target + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("object-store", "interrupted while extracting " + jar);
        }
    }

    private static void moveIntoPlace(Path temporary, Path target)
            throws IOException
    {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                throw e;
            }
            // another launcher finished first
            deleteQuietly(temporary);
        }
    }

    static void delete(Path directory)
            throws IOException
    {
        if (Files.exists(directory)) {
            PathUtils.deleteDirectory(directory);
        }
    }

    private static void deleteQuietly(Path directory)
    {
        try {
            delete(directory);
        }
        catch (IOException ignored) {
            // a leftover temporary directory is overwritten by the next attempt
        }
    }

    private static boolean wanted(String name)
    {
        if (name.startsWith("lib/")) {
            return true;
        }
        if (name.startsWith("plugin/")) {
            String[] parts = name.split("/");
            return parts.length < 2 || PLUGINS.contains(parts[1]);
        }
        return false;
    }

    private static String stripTopDirectory(String name)
    {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(slash + 1);
    }

    private static Path safeResolve(Path root, String name)
    {
        Path resolved = root.resolve(name).normalize();
        if (!resolved.startsWith(root)) {
            throw new UncheckedIOException(new IOException("archive entry escapes its directory: " + name));
        }
        return resolved;
    }

    private static InputStream counting(InputStream in, long[] done, long total, StackListener listener)
    {
        requireNonNull(listener, "listener is null");
        return new FilterInputStream(in)
        {
            private long lastReported;

            @Override
            public int read()
                    throws IOException
            {
                int value = super.read();
                if (value >= 0) {
                    advance(1);
                }
                return value;
            }

            @Override
            public int read(byte[] buffer, int offset, int length)
                    throws IOException
            {
                int read = super.read(buffer, offset, length);
                if (read > 0) {
                    advance(read);
                }
                return read;
            }

            private void advance(long bytes)
            {
                done[0] += bytes;
                if (done[0] - lastReported >= 4 << 20 || done[0] == total) {
                    lastReported = done[0];
                    listener.progress(UNPACK_STEP, done[0], total, "bytes");
                }
            }
        };
    }

}
