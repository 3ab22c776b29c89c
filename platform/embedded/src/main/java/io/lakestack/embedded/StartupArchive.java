package io.lakestack.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What an engine JVM keeps between starts to start faster, under {@code <cache>/cds}.
 *
 * <p>On Java 25 and newer, an ahead-of-time cache (JEP 483, 514, 515: the classes of the classpath loaded and linked,
 * with their method profiles): a start without a current cache records one, which the JVM writes when it exits after
 * the stack asked it to stop, to a file of its own; only a JVM that exited on its own within its grace makes it the
 * cache later starts load ({@link #stopped}), so that a cache cut short by a kill is never used. A cache is current
 * while it is newer than every jar of the classpath and than the runtime's modules; a rebuilt jar makes the next start
 * record again. S3Mock answers in about half the time with it (see the README's start-up figures).
 *
 * <p>On Java 19 to 24, an application class-data archive that the JVM itself creates at the first exit and checks at
 * every start ({@code -XX:+AutoCreateSharedArchive}). Older runtimes keep nothing.
 */
final class StartupArchive
{
    /** A recording its JVM left behind (the stack was killed) is deleted once it is this old. */
    private static final Duration ABANDONED = Duration.ofHours(1);
    static final int AOT_CACHE_FEATURE = 25;

    private final List<String> options;
    private final Optional<Path> recording;
    private final Path cache;

    private StartupArchive(List<String> options, Optional<Path> recording, Path cache)
    {
        this.options = List.copyOf(options);
        this.recording = recording;
        this.cache = cache;
    }

    /**
     * @param name names the archive among the engines' (the engine and its version)
     * @param classpath the JVM's classpath, as given to {@code -cp} ({@code dir/*} entries included)
     */
    static StartupArchive of(JavaRuntimes.Runtime runtime, String name, List<String> classpath)
    {
        return of(runtime, name, classpath, EngineCache.cacheRoot().resolve("cds"));
    }

    static StartupArchive of(JavaRuntimes.Runtime runtime, String name, List<String> classpath, Path directory)
    {
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        if (runtime.feature() < 19) {
            return new StartupArchive(List.of(), Optional.empty(), directory);
        }
        if (runtime.feature() < AOT_CACHE_FEATURE) {
            Path archive = directory.resolve(name + "-java" + runtime.feature() + ".jsa");
            return new StartupArchive(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    Optional.empty(), archive);
        }
        Path cache = directory.resolve(name + "-java" + runtime.feature() + ".aot");
        deleteAbandoned(directory, cache.getFileName() + ".");
        try {
            // the class-data archive earlier versions of lakestack kept on this runtime
            Files.deleteIfExists(directory.resolve(name + "-java" + runtime.feature() + ".jsa"));
        }
        catch (IOException ignored) {
            // left for later
        }
        if (isCurrent(cache, runtime, classpath)) {
            return new StartupArchive(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off"), Optional.empty(), cache);
        }
        Path recording = cache.resolveSibling(cache.getFileName() + "." + UUID.randomUUID() + ".recording");
        return new StartupArchive(List.of("-XX:AOTCacheOutput=" + recording, "-Xlog:aot=off", "-Xlog:cds=off"), Optional.of(recording), cache);
    }

    /** The JVM options that load, record or create the archive. */
    List<String> options()
    {
        return options;
    }

    /** Whether this start records a cache, which the JVM writes as it exits: its stop takes that much longer. */
    boolean recording()
    {
        return recording.isPresent();
    }

    /**
     * After the JVM has ended: a cache it recorded becomes the one later starts load when it exited on its own (having
     * written all of it), and is deleted otherwise.
     */
    void stopped(boolean exitedOnItsOwn)
    {
        if (recording.isEmpty()) {
            return;
        }
        Path recorded = recording.get();
        try {
            if (exitedOnItsOwn && Files.isRegularFile(recorded) && Files.size(recorded) > 0) {
                Files.move(recorded, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            else {
                Files.deleteIfExists(recorded);
            }
            Files.deleteIfExists(recorded.resolveSibling(recorded.getFileName() + ".config"));
        }
        catch (IOException e) {
            // the next start records again
        }
    }

    /** Whether {@code cache} exists and is newer than the runtime's modules and every jar of the classpath. */
    static boolean isCurrent(Path cache, JavaRuntimes.Runtime runtime, List<String> classpath)
    {
        try {
            if (!Files.isRegularFile(cache)) {
                return false;
            }
            FileTime made = Files.getLastModifiedTime(cache);
            List<Path> inputs = new ArrayList<>();
            inputs.add(runtime.home().resolve("lib").resolve("modules"));
            for (String entry : classpath) {
                if (entry.endsWith("/*")) {
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(entry.substring(0, entry.length() - 2)), "*.jar")) {
                        jars.forEach(inputs::add);
                    }
                }
                else {
                    inputs.add(Path.of(entry));
                }
            }
            for (Path input : inputs) {
                if (Files.isRegularFile(input) && Files.getLastModifiedTime(input).compareTo(made) >= 0) {
                    return false;
                }
            }
            return true;
        }
        catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Deletes the recordings of JVMs that were killed before the stack could keep or delete them. */
    private static void deleteAbandoned(Path directory, String prefix)
    {
        Instant before = Instant.now().minus(ABANDONED);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith(prefix)).toList()) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                        Files.deleteIfExists(file);
                    }
                }
                catch (IOException ignored) {
                    // another stack deleted it
                }
            }
        }
        catch (IOException ignored) {
            // nothing to delete
        }
    }
}
