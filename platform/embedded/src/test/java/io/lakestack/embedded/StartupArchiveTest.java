package io.lakestack.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which start-up archive an engine JVM gets, and when a recorded ahead-of-time cache becomes the one later starts load. */
class StartupArchiveTest
{
    private static final FileTime BUILT = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path root;

    @Test
    void aCacheRecordedByAJvmThatExitedOnItsOwnIsLoadedByTheNextStart()
            throws IOException
    {
        JavaRuntimes.Runtime runtime = runtime(25);
        Path cds = root.resolve("cds");
        List<String> classpath = List.of(jar("engine.jar").toString());

        StartupArchive first = StartupArchive.of(runtime, "engine-1.0", classpath, cds);
        assertThat(first.recording()).isTrue();
        assertThat(first.options()).hasSize(3);
        String output = first.options().get(0);
        assertThat(output).startsWith("-XX:AOTCacheOutput=" + cds.resolve("engine-1.0-java25.aot") + ".").endsWith(".recording");
        assertThat(first.options().subList(1, 3)).containsExactly("-Xlog:aot=off", "-Xlog:cds=off");
        // what the JVM writes as it exits
        Path recording = Path.of(output.substring("-XX:AOTCacheOutput=".length()));
        Files.write(recording, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(recording, FileTime.from(BUILT.toInstant().plusSeconds(10)));
        Files.writeString(recording.resolveSibling(recording.getFileName() + ".config"), "left by the JVM");

        first.stopped(true);

        Path cache = cds.resolve("engine-1.0-java25.aot");
        assertThat(Files.readAllBytes(cache)).containsExactly(1, 2, 3);
        try (var files = Files.list(cds)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList()).containsExactly("engine-1.0-java25.aot");
        }
        StartupArchive second = StartupArchive.of(runtime, "engine-1.0", classpath, cds);
        assertThat(second.recording()).isFalse();
        assertThat(second.options()).containsExactly("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    @Test
    void aRecordingOfAJvmThatWasKilledIsNeverLoaded()
            throws IOException
    {
        Path cds = root.resolve("cds");
        StartupArchive first = StartupArchive.of(runtime(25), "engine-1.0", List.of(jar("engine.jar").toString()), cds);
        Path recording = Path.of(first.options().get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.write(recording, new byte[] {1, 2});

        first.stopped(false);

        try (var files = Files.list(cds)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(StartupArchive.of(runtime(25), "engine-1.0", List.of(jar("engine.jar").toString()), cds).recording()).isTrue();
    }

    @Test
    void aCacheIsCurrentWhileNewerThanTheRuntimeAndEveryJarOfTheClasspath()
            throws IOException
    {
        JavaRuntimes.Runtime runtime = runtime(25);
        Path cache = Files.writeString(root.resolve("engine.aot"), "cache");
        Path jar = jar("engine.jar");
        Path lib = Files.createDirectories(root.resolve("lib"));
        Path libJar = Files.writeString(lib.resolve("plugin.jar"), "jar");
        Files.setLastModifiedTime(libJar, BUILT);
        List<String> classpath = List.of(jar.toString(), lib + "/*", root.resolve("missing.jar").toString());

        Files.setLastModifiedTime(cache, FileTime.from(BUILT.toInstant().plusSeconds(1)));
        assertThat(StartupArchive.isCurrent(cache, runtime, classpath)).isTrue();

        Files.setLastModifiedTime(jar, FileTime.from(BUILT.toInstant().plusSeconds(2)));
        assertThat(StartupArchive.isCurrent(cache, runtime, classpath)).isFalse();
        Files.setLastModifiedTime(jar, BUILT);

        Files.setLastModifiedTime(libJar, FileTime.from(BUILT.toInstant().plusSeconds(1)));
        assertThat(StartupArchive.isCurrent(cache, runtime, classpath)).isFalse();
        Files.setLastModifiedTime(libJar, BUILT);

        Files.setLastModifiedTime(runtime.home().resolve("lib").resolve("modules"), FileTime.from(BUILT.toInstant().plusSeconds(5)));
        assertThat(StartupArchive.isCurrent(cache, runtime, classpath)).isFalse();

        assertThat(StartupArchive.isCurrent(root.resolve("absent.aot"), runtime(25), classpath)).isFalse();
    }

    @Test
    void olderRuntimesKeepAClassDataArchiveOrNothing()
            throws IOException
    {
        Path cds = root.resolve("cds");
        List<String> classpath = List.of(jar("engine.jar").toString());

        StartupArchive java21 = StartupArchive.of(runtime(21), "engine-1.0", classpath, cds);
        assertThat(java21.options()).containsExactly("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds.resolve("engine-1.0-java21.jsa"),
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        assertThat(java21.recording()).isFalse();
        assertThat(StartupArchive.of(runtime(17), "engine-1.0", classpath, cds).options()).isEmpty();
    }

    @Test
    void recordingsLeftByAKilledStackGoOnceAnHourOld()
            throws IOException
    {
        Path cds = Files.createDirectories(root.resolve("cds"));
        Path abandoned = Files.writeString(cds.resolve("engine-1.0-java25.aot.0f.recording"), "partial");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path running = Files.writeString(cds.resolve("engine-1.0-java25.aot.1f.recording"), "being written");
        Path classDataArchive = Files.writeString(cds.resolve("engine-1.0-java25.jsa"), "from an earlier version");

        StartupArchive.of(runtime(25), "engine-1.0", List.of(jar("engine.jar").toString()), cds);

        assertThat(abandoned).doesNotExist();
        assertThat(classDataArchive).doesNotExist();
        assertThat(running).exists();
    }

    private Path jar(String name)
            throws IOException
    {
        Path jar = root.resolve(name);
        if (!Files.exists(jar)) {
            Files.writeString(jar, "jar");
            Files.setLastModifiedTime(jar, BUILT);
        }
        return jar;
    }

    private JavaRuntimes.Runtime runtime(int feature)
            throws IOException
    {
        Path home = root.resolve("jdk-" + feature);
        Path modules = home.resolve("lib").resolve("modules");
        if (!Files.exists(modules)) {
            Files.createDirectories(modules.getParent());
            Files.writeString(modules, "modules");
            Files.setLastModifiedTime(modules, BUILT);
        }
        return new JavaRuntimes.Runtime(home, feature);
    }
}
