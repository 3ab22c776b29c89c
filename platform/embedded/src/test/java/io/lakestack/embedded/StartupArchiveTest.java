package io.lakestack.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which start-up archive an engine JVM gets, and when a recorded ahead-of-time cache becomes the one later starts load. */
class StartupArchiveTest
{
    private static final FileTime BUILT = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    /** An hour after the jars were built. */
    private static final Clock CLOCK = Clock.fixed(BUILT.toInstant().plusSeconds(3600), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void aCacheRecordedByAJvmThatExitedOnItsOwnIsLoadedByTheNextStart()
            throws IOException
    {
        JavaRuntimes.Runtime runtime = runtime(25);
        Path cds = root.resolve("cds");
        List<String> classpath = List.of(jar("engine.jar").toString());

        String stem = "engine-1.0-" + StartupArchive.fingerprint(runtime, classpath) + "-java25";
        StartupArchive first = StartupArchive.of(runtime, "engine-1.0", classpath, cds, CLOCK);
        assertThat(first.recording()).isTrue();
        assertThat(first.options()).hasSize(3);
        String output = first.options().get(0);
        assertThat(output).startsWith("-XX:AOTCacheOutput=" + cds.resolve(stem + ".aot") + ".").endsWith(".recording");
        assertThat(first.options().subList(1, 3)).containsExactly("-Xlog:aot=off", "-Xlog:cds=off");
        // what the JVM writes as it exits
        Path recording = Path.of(output.substring("-XX:AOTCacheOutput=".length()));
        Files.write(recording, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(recording, FileTime.from(BUILT.toInstant().plusSeconds(10)));
        Files.writeString(recording.resolveSibling(recording.getFileName() + ".config"), "left by the JVM");

        first.stopped(true);

        Path cache = cds.resolve(stem + ".aot");
        assertThat(Files.readAllBytes(cache)).containsExactly(1, 2, 3);
        try (var files = Files.list(cds)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList()).containsExactly(stem + ".aot");
        }
        StartupArchive second = StartupArchive.of(runtime, "engine-1.0", classpath, cds, CLOCK);
        assertThat(second.recording()).isFalse();
        assertThat(second.options()).containsExactly("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    @Test
    void aRecordingOfAJvmThatWasKilledIsNeverLoaded()
            throws IOException
    {
        Path cds = root.resolve("cds");
        StartupArchive first = StartupArchive.of(runtime(25), "engine-1.0", List.of(jar("engine.jar").toString()), cds, CLOCK);
        Path recording = Path.of(first.options().get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.write(recording, new byte[] {1, 2});

        first.stopped(false);

        try (var files = Files.list(cds)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(StartupArchive.of(runtime(25), "engine-1.0", List.of(jar("engine.jar").toString()), cds, CLOCK).recording()).isTrue();
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

        StartupArchive java21 = StartupArchive.of(runtime(21), "engine-1.0", classpath, cds, CLOCK);
        String archive = "engine-1.0-" + StartupArchive.fingerprint(runtime(21), classpath) + "-java21.jsa";
        assertThat(java21.options()).containsExactly("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + cds.resolve(archive),
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        assertThat(java21.recording()).isFalse();
        assertThat(StartupArchive.of(runtime(17), "engine-1.0", classpath, cds, CLOCK).options()).isEmpty();
    }

    @Test
    void eachClasspathAndRuntimeHasACacheOfItsOwn()
            throws IOException
    {
        Path cds = root.resolve("cds");
        List<String> fromTheBuild = List.of(jar("child.jar").toString(), jar("engine.jar").toString());
        List<String> fromTheRepository = List.of(jar("repository-child.jar").toString(), jar("engine.jar").toString());
        StartupArchive built = StartupArchive.of(runtime(25), "engine-1.0", fromTheBuild, cds, CLOCK);
        record(built);
        built.stopped(true);

        // the same engine on another classpath: the JVM would not load the first cache, so it records one of its own
        StartupArchive repository = StartupArchive.of(runtime(25), "engine-1.0", fromTheRepository, cds, CLOCK);
        assertThat(repository.recording()).isTrue();
        record(repository);
        repository.stopped(true);

        String builtCache = "engine-1.0-" + StartupArchive.fingerprint(runtime(25), fromTheBuild) + "-java25.aot";
        String repositoryCache = "engine-1.0-" + StartupArchive.fingerprint(runtime(25), fromTheRepository) + "-java25.aot";
        assertThat(builtCache).isNotEqualTo(repositoryCache);
        try (var files = Files.list(cds)) {
            assertThat(files.map(file -> file.getFileName().toString()).toList()).containsExactlyInAnyOrder(builtCache, repositoryCache);
        }
        assertThat(StartupArchive.of(runtime(25), "engine-1.0", fromTheBuild, cds, CLOCK).options())
                .containsExactly("-XX:AOTCache=" + cds.resolve(builtCache), "-Xlog:aot=off", "-Xlog:cds=off");
        assertThat(StartupArchive.of(runtime(25), "engine-1.0", fromTheRepository, cds, CLOCK).options())
                .containsExactly("-XX:AOTCache=" + cds.resolve(repositoryCache), "-Xlog:aot=off", "-Xlog:cds=off");
        // the order of the entries is part of the classpath, and so is the runtime
        assertThat(StartupArchive.fingerprint(runtime(25), List.of(fromTheBuild.get(1), fromTheBuild.get(0)))).isNotEqualTo(StartupArchive.fingerprint(runtime(25), fromTheBuild));
        assertThat(StartupArchive.fingerprint(runtime(26), fromTheBuild)).isNotEqualTo(StartupArchive.fingerprint(runtime(25), fromTheBuild));
        assertThat(StartupArchive.fingerprint(runtime(25), fromTheBuild)).matches("[0-9a-f]{12}");
    }

    @Test
    void whatNoStartLoadsGoes()
            throws IOException
    {
        Path cds = Files.createDirectories(root.resolve("cds"));
        List<String> classpath = List.of(jar("engine.jar").toString());
        String current = "engine-1.0-" + StartupArchive.fingerprint(runtime(25), classpath) + "-java25";
        Path currentCache = old(Files.writeString(cds.resolve(current + ".aot"), "cache"), "2020-01-01T00:00:00Z");
        Path abandoned = old(Files.writeString(cds.resolve(current + ".aot.0f.recording"), "partial"), "2020-01-01T00:00:00Z");
        Path abandonedConfig = old(Files.writeString(cds.resolve(current + ".aot.0f.recording.config"), "partial"), "2020-01-01T00:00:00Z");
        Path running = old(Files.writeString(cds.resolve(current + ".aot.1f.recording"), "being written"), "2026-01-01T00:10:00Z");
        Path otherClasspath = old(Files.writeString(cds.resolve("engine-1.0-0123456789ab-java25.aot"), "cache"), "2025-12-24T00:00:00Z");
        Path otherClasspathInUse = old(Files.writeString(cds.resolve("engine-1.0-ba9876543210-java25.aot"), "cache"), "2025-12-26T00:00:00Z");
        Path otherRecording = old(Files.writeString(cds.resolve("engine-1.0-0123456789ab-java25.aot.2f.recording"), "partial"), "2020-01-01T00:00:00Z");
        Path unnamedCache = Files.writeString(cds.resolve("engine-1.0-java25.aot"), "from an earlier version");
        Path unnamedRecording = old(Files.writeString(cds.resolve("engine-1.0-java25.aot.3f.recording"), "partial"), "2020-01-01T00:00:00Z");
        Path classDataArchive = Files.writeString(cds.resolve("engine-1.0-java21.jsa"), "from an earlier version");
        Path anotherEngine = old(Files.writeString(cds.resolve("engine-1.01-0123456789ab-java25.aot"), "cache"), "2020-01-01T00:00:00Z");
        Path anotherEngineUnnamed = Files.writeString(cds.resolve("other-java25.aot"), "cache");

        StartupArchive.of(runtime(25), "engine-1.0", classpath, cds, CLOCK);

        assertThat(abandoned).doesNotExist();
        assertThat(abandonedConfig).doesNotExist();
        assertThat(otherClasspath).doesNotExist();
        assertThat(otherRecording).doesNotExist();
        assertThat(unnamedCache).doesNotExist();
        assertThat(unnamedRecording).doesNotExist();
        assertThat(classDataArchive).doesNotExist();
        assertThat(currentCache).exists();
        assertThat(running).exists();
        assertThat(otherClasspathInUse).exists();
        assertThat(anotherEngine).exists();
        assertThat(anotherEngineUnnamed).exists();
    }

    private static void record(StartupArchive archive)
            throws IOException
    {
        Path recording = Path.of(archive.options().get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.write(recording, new byte[] {1});
        Files.setLastModifiedTime(recording, FileTime.from(BUILT.toInstant().plusSeconds(10)));
    }

    private static Path old(Path file, String modified)
            throws IOException
    {
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(modified)));
        return file;
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
