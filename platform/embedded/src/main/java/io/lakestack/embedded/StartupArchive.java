package io.lakestack.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an engine JVM keeps between starts to start faster, under {@code <cache>/cds}, one for each runtime and
 * classpath the engine is started with ({@link #fingerprint}).
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
    /**
     * An archive of another runtime or classpath is deleted once it was made this long ago: it belongs to a build that
     * moved or went, or, at worst, to one that records it again at its next start.
     */
    private static final Duration UNUSED = Duration.ofDays(7);
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
        return of(runtime, name, classpath, EngineCache.cacheRoot().resolve("cds"), Clock.systemUTC());
    }

    static StartupArchive of(JavaRuntimes.Runtime runtime, String name, List<String> classpath, Path directory, Clock clock)
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
        String stem = name + "-" + fingerprint(runtime, classpath) + "-java" + runtime.feature();
        deleteUnused(directory, name, stem, clock.instant());
        if (runtime.feature() < AOT_CACHE_FEATURE) {
            Path archive = directory.resolve(stem + ".jsa");
            return new StartupArchive(List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    Optional.empty(), archive);
        }
        Path cache = directory.resolve(stem + ".aot");
        if (isCurrent(cache, runtime, classpath)) {
            return new StartupArchive(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off"), Optional.empty(), cache);
        }
        Path recording = cache.resolveSibling(cache.getFileName() + "." + UUID.randomUUID() + ".recording");
        return new StartupArchive(List.of("-XX:AOTCacheOutput=" + recording, "-Xlog:aot=off", "-Xlog:cds=off"), Optional.of(recording), cache);
    }

    /**
     * Names a runtime and a classpath: the JVM loads an archive only on the runtime and the classpath (its entries, in
     * order, at the same paths) it was made with, and ignores it, silently with the options here, on any other. The
     * same engine is started from more than one classpath (a Maven build's test JVMs find lakestack's own jars in the
     * local repository, {@code ./lakestack} in the build's {@code target} directories), so each gets an archive of
     * its own rather than one that the others could never load.
     */
    static String fingerprint(JavaRuntimes.Runtime runtime, List<String> classpath)
    {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((runtime.home().toAbsolutePath() + "\n" + String.join(File.pathSeparator, classpath)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * Deletes what no start of the engine {@code name} loads: recordings of JVMs that were killed before the stack could
     * keep or delete them (once an hour old), archives of other runtimes or classpaths (once a week old: another build
     * may still be starting from its own), and archives named without a fingerprint, by earlier versions of lakestack.
     */
    private static void deleteUnused(Path directory, String name, String stem, Instant now)
    {
        String engine = Pattern.quote(name);
        Pattern archive = Pattern.compile(engine + "-[0-9a-f]{12}-java\\d+\\.(aot|jsa)");
        Pattern recording = Pattern.compile(engine + "(-[0-9a-f]{12})?-java\\d+\\.aot\\..+\\.recording(\\.config)?");
        Pattern unnamed = Pattern.compile(engine + "-java\\d+\\.(aot|jsa)");
        Instant hourAgo = now.minus(ABANDONED);
        Instant unusedSince = now.minus(UNUSED);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                try {
                    Instant modified = Files.getLastModifiedTime(file).toInstant();
                    if (unnamed.matcher(fileName).matches()
                            || recording.matcher(fileName).matches() && modified.isBefore(hourAgo)
                            || archive.matcher(fileName).matches() && !fileName.startsWith(stem + ".") && modified.isBefore(unusedSince)) {
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
