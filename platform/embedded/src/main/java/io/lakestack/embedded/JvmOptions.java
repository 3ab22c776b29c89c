package io.lakestack.embedded;

import java.util.List;

/** JVM options shared by the engines' child JVMs. */
final class JvmOptions
{
    private JvmOptions() {}

    /**
     * Options for a small engine JVM: a fixed heap, the serial collector (one core's worth of GC threads) and the
     * client compiler only (these engines wait on I/O, and C1 alone halves their start-up). Each also keeps a
     * {@link StartupArchive}.
     */
    static List<String> small(String heap)
    {
        return List.of("-Xms32m", "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8", "-Djava.awt.headless=true");
    }
}
