package io.lakestack.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The ahead-of-time cache of the stack's own process (Kafka's broker, the endpoint, the AWS SDK) on Java 25 and newer
 * (JEP 483, 514, 515: the classes of the classpath loaded and linked, with their method profiles), in place of the
 * class-data archive older runtimes get. Its name is the stack's class-data archive's with {@code .aot} for
 * {@code .jsa}, so it carries the same fingerprint of the runtime and the jars of the build.
 *
 * <p>In two steps, each of which either completes or leaves nothing that is used: a stack started without a cache
 * records which classes it loads and how its methods run ({@code -XX:AOTMode=record}), and writes that configuration to
 * a file of its own when it exits; the next start makes the cache from it ({@code -XX:AOTMode=create}, some seconds,
 * once per build) into a file of its own, which becomes the cache only when the JVM that made it succeeded. A
 * configuration the JVM could not use (its stack was killed while writing it) is deleted, and the next stack records
 * again. The {@code lakestack} script does the same for the stacks it starts itself ({@code up}, {@code demo}).
 */
final class StackStartupCache
{
    static final int FEATURE = 25;
    private static final String CONFIGURATION_SUFFIX = ".aotconf";
    private static final long CREATE_MINUTES = 5;

    private StackStartupCache() {}

    /** The cache beside a stack's class-data archive ({@code stack-<fingerprint>.jsa}). */
    static Path of(Path archive)
    {
        String name = archive.getFileName().toString();
        return archive.resolveSibling((name.endsWith(".jsa") ? name.substring(0, name.length() - 4) : name) + ".aot");
    }

    /**
     * The options of a stack's JVM that load its cache, first making it from a configuration an earlier stack
     * recorded, or that record one.
     *
     * @param java the stack's {@code java}
     * @param jvmOptions the stack's other JVM options (its heap and collector), which the cache is made with
     * @param classpath the stack's classpath
     */
    static List<String> options(Path cache, String java, List<String> jvmOptions, String classpath)
    {
        if (!Files.isRegularFile(cache)) {
            configurations(cache).stream().findFirst().ifPresent(configuration -> create(cache, configuration, java, jvmOptions, classpath));
        }
        if (Files.isRegularFile(cache)) {
            return List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds=off");
        }
        Path configuration = cache.resolveSibling(cache.getFileName() + "." + UUID.randomUUID() + CONFIGURATION_SUFFIX);
        return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration, "-Xlog:aot*=off", "-Xlog:cds=off");
    }

    /** The configurations stacks recorded for this cache, newest first. */
    static List<Path> configurations(Path cache)
    {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cache.getParent(), cache.getFileName() + ".*" + CONFIGURATION_SUFFIX)) {
            files.forEach(found::add);
        }
        catch (IOException e) {
            return List.of();
        }
        found.sort((a, b) -> Long.compare(modified(b), modified(a)));
        return found;
    }

    private static long modified(Path file)
    {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (IOException e) {
            return 0;
        }
    }

    /** Makes the cache from a recorded configuration; whatever happens, the configurations are gone afterwards. */
    private static void create(Path cache, Path configuration, String java, List<String> jvmOptions, String classpath)
    {
        Path made = cache.resolveSibling(cache.getFileName() + "." + UUID.randomUUID() + ".tmp");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration, "-XX:AOTCache=" + made, "-Xlog:aot*=off",
                "-Xlog:cds=off", "-cp", classpath));
        System.err.println("lakestack: making the start-up cache of this build from its first run (once; some seconds)");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean ended = process.waitFor(CREATE_MINUTES, TimeUnit.MINUTES);
            if (!ended) {
                process.destroyForcibly();
            }
            if (ended && process.exitValue() == 0 && Files.isRegularFile(made) && Files.size(made) > 0) {
                Files.move(made, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        catch (IOException e) {
            // the stack starts without the cache and records again
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            delete(made);
            configurations(cache).forEach(StackStartupCache::delete);
        }
    }

    private static void delete(Path file)
    {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ignored) {
            // left for the script's clean-up of old caches
        }
    }

    /** Whether the runtime this process runs on, which the stacks it starts run on too, has ahead-of-time caches. */
    static boolean supported()
    {
        return Runtime.version().feature() >= FEATURE;
    }
}
