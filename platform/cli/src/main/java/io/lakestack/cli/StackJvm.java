package io.lakestack.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of a stack's own process started from this one (a detached {@code up}, or the stack a benchmark
 * measures): this JVM's options, with the stack's heap, {@code LAKESTACK_STACK_HEAP} as the lakestack script sets it,
 * and the class-data archive of the stack's processes (beside this JVM's, named {@code stack-} and the same fingerprint
 * of the build), which the stack's classes (Kafka's broker, the endpoint, the AWS SDK) are archived in, not those of a
 * short command.
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
