package io.lakestack.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JVM options shared by the engines' child JVMs. */
final class JvmOptions
{
    private JvmOptions() {}

    /**
     * Options for a small engine JVM: a fixed heap, the serial collector (one core's worth of GC threads), the
     * client compiler only (these engines wait on I/O, and C1 alone halves their start-up), and on Java 19+ an
     * application class-data archive, created on the first start and reused on every later one.
     */
    static List<String> small(JavaRuntimes.Runtime runtime, String heap, String archiveName)
    {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Dfile.encoding=UTF-8", "-Djava.awt.headless=true"));
        options.addAll(classDataArchive(runtime, archiveName));
        return options;
    }

    static List<String> classDataArchive(JavaRuntimes.Runtime runtime, String archiveName)
    {
        if (runtime.feature() < 19) {
            return List.of();
        }
        Path archive = EngineCache.cacheRoot().resolve("cds").resolve(archiveName + "-java" + runtime.feature() + ".jsa");
        archive.getParent().toFile().mkdirs();
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }
}
