package io.lakestack.cli;

import io.lakestack.embedded.JavaRuntimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The stack's ahead-of-time cache: recorded by one start, made by the next, loaded by every later one, with a real JVM. */
class StackStartupCacheTest
{
    private static final List<String> OPTIONS = List.of("-Xms16m", "-Xmx64m", "-XX:+UseG1GC");

    @Test
    void theCacheIsNamedAfterTheStacksClassDataArchive()
    {
        assertThat(StackStartupCache.of(Path.of("/c/cds/stack-89ff0219528b.jsa"))).isEqualTo(Path.of("/c/cds/stack-89ff0219528b.aot"));
    }

    @Test
    void aStartWithoutACacheRecordsAConfigurationOfItsOwn(@TempDir Path directory)
    {
        Path cache = directory.resolve("stack-1.aot");
        List<String> first = StackStartupCache.options(cache, "java", OPTIONS, "x.jar");
        List<String> second = StackStartupCache.options(cache, "java", OPTIONS, "x.jar");
        assertThat(first).hasSize(4);
        assertThat(first.get(0)).isEqualTo("-XX:AOTMode=record");
        assertThat(first.get(1)).startsWith("-XX:AOTConfiguration=" + cache + ".").endsWith(".aotconf");
        assertThat(first.subList(2, 4)).containsExactly("-Xlog:aot*=off", "-Xlog:cds=off");
        // two stacks recording at once write files of their own
        assertThat(second.get(1)).isNotEqualTo(first.get(1));
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void aConfigurationTheJvmCannotUseIsDeletedAndTheNextStartRecordsAgain(@TempDir Path directory)
            throws Exception
    {
        JavaRuntimes.Runtime java = java25();
        Path cache = directory.resolve("stack-1.aot");
        Files.writeString(cache.resolveSibling("stack-1.aot.cut.aotconf"), "the first bytes of a configuration whose JVM was killed");
        List<String> options = StackStartupCache.options(cache, java.home().resolve("bin/java").toString(), OPTIONS, jar(directory).toString());
        assertThat(options.get(0)).isEqualTo("-XX:AOTMode=record");
        assertThat(directory).isDirectoryNotContaining("glob:**.aotconf").isDirectoryNotContaining("glob:**.aot").isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aRecordedConfigurationBecomesTheCacheLaterStartsLoad(@TempDir Path directory)
            throws Exception
    {
        JavaRuntimes.Runtime runtime = java25();
        String java = runtime.home().resolve("bin/java").toString();
        Path jar = jar(directory.resolve("lib"));
        Path cache = directory.resolve("stack-1.aot");

        List<String> record = StackStartupCache.options(cache, java, OPTIONS, jar.toString());
        // the one line the JVM prints, whatever its logging, once per build
        String configuration = record.get(1).substring("-XX:AOTConfiguration=".length());
        assertThat(run(java, record, jar)).isEqualTo("hello 3\n AOTConfiguration recorded: " + configuration + "\n");
        assertThat(StackStartupCache.configurations(cache)).hasSize(1);

        List<String> load = StackStartupCache.options(cache, java, OPTIONS, jar.toString());
        assertThat(load).containsExactly("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds=off");
        assertThat(cache).isRegularFile();
        assertThat(StackStartupCache.configurations(cache)).isEmpty();
        try (var files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("lib", "stack-1.aot");
        }
        // AOTMode=on: the JVM fails rather than start without the cache
        List<String> strict = new ArrayList<>(load);
        strict.add(0, "-XX:AOTMode=on");
        assertThat(run(java, strict, jar)).isEqualTo("hello 3\n");
    }

    private static JavaRuntimes.Runtime java25()
    {
        JavaRuntimes.Runtime runtime = JavaRuntimes.find(StackStartupCache.FEATURE).orElse(null);
        assumeTrue(runtime != null, "no JDK " + StackStartupCache.FEATURE + "+ installed (a Temurin 25 under /usr/lib/jvm on this project's machines)");
        return runtime;
    }

    private static String run(String java, List<String> cacheOptions, Path jar)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(OPTIONS);
        command.addAll(cacheOptions);
        command.addAll(List.of("-cp", jar.toString(), "Hello"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** A jar of one class (the cache holds classes of jars only), compiled here. */
    private static Path jar(Path directory)
            throws IOException
    {
        Files.createDirectories(directory);
        Path source = directory.resolve("Hello.java");
        Files.writeString(source, """
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("hello " + java.util.List.of(1, 2, 3).size());
                    }
                }
                """);
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", directory.toString(), source.toString())).isZero();
        Path jar = directory.resolve("hello.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out, new Manifest())) {
            entries.putNextEntry(new JarEntry("Hello.class"));
            entries.write(Files.readAllBytes(directory.resolve("Hello.class")));
            entries.closeEntry();
        }
        Files.delete(source);
        Files.delete(directory.resolve("Hello.class"));
        return jar;
    }
}
