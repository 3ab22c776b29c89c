package io.lakestack.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of a stack's own process started from this one (a detached {@code up}, or the stack a benchmark
 * measures): this JVM's options, with the stack's heap, {@code LAKESTACK_STACK_HEAP} as the lakestack script sets it.
 */
final class StackJvm
{
    /** The stack process's heap when the script did not say: the one that keeps the stack under 2.5 GB resident. */
    static final String DEFAULT_HEAP = "512m";

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
                options.add(option);
            }
        }
        options.add("-Xmx" + heap);
        return options;
    }
}
