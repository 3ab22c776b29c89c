package io.lakestack.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM options of a stack's own process started from this one (a detached {@code up}, or the stack a benchmark
 * measures): this JVM's options, with the stack's heap, {@code LAKESTACK_STACK_HEAP} as the lakestack script sets it,
 * and the class-data archive of the stack's processes (beside this JVM's, named {@code stack-} and the same fingerprint
 * of the build), which the stack's classes (Kafka's broker, the endpoint, the AWS SDK) are archived in, not those of a
 * short command; on Java 25 and newer, the stack's ahead-of-time cache in its place ({@link StackStartupCache}).
 */
final class StackJvm
{
    /** The stack process's heap when the script did not say: the one that keeps the stack under 2.5 GB resident. */
    static final String DEFAULT_HEAP = "512m";
    private static final String LAUNCHER_ARCHIVE = "launcher-";
    private static final String STACK_ARCHIVE = "stack-";
    private static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";

    private StackJvm() {}

    static List<String> options()
    {
        return options(System.getenv().getOrDefault("LAKESTACK_STACK_HEAP", DEFAULT_HEAP));
    }

    static List<String> options(String heap)
    {
        List<String> options = new ArrayList<>();
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-Xmx")) {
                options.add(forStack(option));
            }
        }
        options.add("-Xmx" + heap);
        Optional<Path> archive = options.stream().filter(option -> option.startsWith(ARCHIVE_OPTION))
                .map(option -> Path.of(option.substring(ARCHIVE_OPTION.length()))).reduce((first, second) -> second);
        if (!StackStartupCache.supported() || archive.isEmpty()) {
            return options;
        }
        // Java 25+: the stack's ahead-of-time cache in place of its class-data archive
        options.removeIf(option -> option.equals("-XX:+AutoCreateSharedArchive") || option.startsWith(ARCHIVE_OPTION) || option.startsWith("-Xlog:cds"));
        List<String> cache = StackStartupCache.options(StackStartupCache.of(archive.get()), ProcessHandle.current().info().command().orElse("java"),
                options, System.getProperty("java.class.path"));
        options.addAll(cache);
        return options;
    }

    /** An option of this JVM as the stack's process takes it: the launcher's class-data archive becomes the stack's. */
    static String forStack(String option)
    {
        if (!option.startsWith(ARCHIVE_OPTION)) {
            return option;
        }
        Path archive = Path.of(option.substring(ARCHIVE_OPTION.length()));
        String name = archive.getFileName().toString();
        return name.startsWith(LAUNCHER_ARCHIVE) ? ARCHIVE_OPTION + archive.resolveSibling(STACK_ARCHIVE + name.substring(LAUNCHER_ARCHIVE.length())) : option;
    }
}
