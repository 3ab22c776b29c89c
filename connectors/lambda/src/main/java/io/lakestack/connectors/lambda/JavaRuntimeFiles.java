package io.lakestack.connectors.lambda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static java.util.Objects.requireNonNull;

/**
 * AWS's Java runtime interface client as the Java runtimes start it: its jars (the client, {@code aws-lambda-java-core},
 * {@code aws-lambda-java-serialization} and what they need), listed by the build in
 * {@value #CLASSPATH_RESOURCE} or configured, and its native library, unpacked once into the cache. The client would
 * unpack that library itself to a fixed {@code /tmp} path on every start, where environments starting together (or
 * other users' runners) overwrite each other's copy: the runner names its own copy with the client's system property.
 */
final class JavaRuntimeFiles
{
    static final String CLASSPATH_RESOURCE = "META-INF/lakestack/lambda-java-runtime.classpath";
    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String NATIVE_LIBRARY_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final List<Path> configured;
    private final Path cacheDirectory;

    JavaRuntimeFiles(List<Path> configured, Path cacheDirectory)
    {
        this.configured = List.copyOf(configured);
        this.cacheDirectory = requireNonNull(cacheDirectory, "cacheDirectory is null");
    }

    /** The jars, or why they cannot be had. */
    Optional<String> unavailable()
    {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("AWS's Java runtime interface client ships its native library for Linux only; this machine runs "
                    + System.getProperty("os.name"));
        }
        if (nativeLibraryEntry().isEmpty()) {
            return Optional.of("AWS's Java runtime interface client has no native library for the architecture " + System.getProperty("os.arch"));
        }
        List<Path> jars;
        try {
            jars = jars();
        }
        catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
        List<Path> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).toList();
        if (!missing.isEmpty()) {
            return Optional.of("the Java runtime interface client's jars " + missing + " are missing: build lakestack-lambda again "
                    + "(mvn -DskipTests install), which puts them in the local Maven repository, or name them in "
                    + ProcessFunctionRunnerConfig.JAVA_RUNTIME_CLASSPATH);
        }
        if (jars.stream().noneMatch(JavaRuntimeFiles::isClientJar)) {
            return Optional.of("no jar of the Java runtime interface client (aws-lambda-java-runtime-interface-client) is among " + jars);
        }
        return Optional.empty();
    }

    List<Path> jars()
    {
        if (!configured.isEmpty()) {
            return configured;
        }
        URL resource = JavaRuntimeFiles.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(CLASSPATH_RESOURCE + " is not on the classpath: build lakestack-lambda (mvn -DskipTests install) or name the "
                    + "runtime interface client's jars in " + ProcessFunctionRunnerConfig.JAVA_RUNTIME_CLASSPATH);
        }
        List<Path> jars = new ArrayList<>();
        try (InputStream in = resource.openStream()) {
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    jars.add(Path.of(entry.trim()));
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return jars;
    }

    String classpath()
    {
        return String.join(File.pathSeparator, jars().stream().map(Path::toString).toList());
    }

    /** The client's native library for this machine, unpacked into the cache the first time. */
    Path nativeLibrary()
            throws IOException
    {
        Path clientJar = jars().stream().filter(JavaRuntimeFiles::isClientJar).findFirst()
                .orElseThrow(() -> new IOException("no jar of the Java runtime interface client among " + jars()));
        String entryName = nativeLibraryEntry().orElseThrow(() -> new IOException("no native library for " + System.getProperty("os.arch")));
        String jarName = clientJar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path library = runtimeDirectory(jarName).resolve("libaws-lambda-jni.so");
        if (Files.isRegularFile(library)) {
            return library;
        }
        Files.createDirectories(library.getParent());
        Path temporary = library.resolveSibling(".libaws-lambda-jni-" + UUID.randomUUID() + ".so");
        try (ZipFile zip = new ZipFile(clientJar.toFile())) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(clientJar + " has no " + entryName);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, temporary);
            }
            Files.move(temporary, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
        return library;
    }

    /** {@code LAMBDA_RUNTIME_DIR} of Java functions: where the client's own files are. */
    Path runtimeDirectory(String clientJarName)
    {
        return cacheDirectory.resolve("java-runtime").resolve(clientJarName);
    }

    private static boolean isClientJar(Path jar)
    {
        return jar.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client");
    }

    private static Optional<String> nativeLibraryEntry()
    {
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> null;
        };
        if (arch == null) {
            return Optional.empty();
        }
        return Optional.of("jni/libaws-lambda-jni." + (isMusl() ? "linux_musl-" : "linux-") + arch + ".so");
    }

    private static boolean isMusl()
    {
        try (var files = Files.list(Path.of("/lib"))) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith("ld-musl-"));
        }
        catch (IOException e) {
            return false;
        }
    }
}
