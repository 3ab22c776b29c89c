package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code java17}, {@code java21}, {@code java25}: AWS's Java runtime interface client on the closest JDK of at least
 * that version. The client loads the function from its working directory, the task root (classes at the root,
 * {@code lib/*.jar}), in a class loader of its own; handlers are {@code RequestHandler}s, {@code RequestStreamHandler}s
 * or plain methods, as the client resolves them.
 */
final class JavaRuntime
        implements LanguageRuntime
{
    /** Lambda's Java runtimes give the heap about 85% of the function's memory; the rest is metaspace, code, stacks. */
    private static final double HEAP_SHARE = 0.85;

    private final String name;
    private final int feature;
    private final JavaHomes javaHomes;
    private final JavaRuntimeFiles files;

    JavaRuntime(String name, int feature, JavaHomes javaHomes, JavaRuntimeFiles files)
    {
        this.name = requireNonNull(name, "name is null");
        this.feature = feature;
        this.javaHomes = requireNonNull(javaHomes, "javaHomes is null");
        this.files = requireNonNull(files, "files is null");
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public Optional<String> unavailable()
    {
        if (javaHomes.atLeast(feature).isEmpty()) {
            return Optional.of(name + " needs a JDK " + feature + " or newer, and none was found in " + javaHomes.searched() + ": install one (for example "
                    + "apt-get install openjdk-" + feature + "-jdk-headless, or a Temurin " + feature + " JDK under /usr/lib/jvm) or name its directory in "
                    + ProcessFunctionRunnerConfig.JAVA_HOMES);
        }
        return files.unavailable().map(problem -> name + " cannot start: " + problem);
    }

    @Override
    public Launcher prepare()
    {
        Optional<String> problem = unavailable();
        if (problem.isPresent()) {
            throw LambdaErrors.invalidRuntime(problem.get());
        }
        JavaHomes.Jdk jdk = javaHomes.atLeast(feature).orElseThrow();
        Path nativeLibrary;
        try {
            nativeLibrary = files.nativeLibrary();
        }
        catch (IOException e) {
            throw LambdaErrors.invalidRuntime(name + " cannot start: unpacking the Java runtime interface client's native library into "
                    + files.runtimeDirectory("") + " failed: " + e.getMessage());
        }
        String classpath = files.classpath();
        return new Launcher()
        {
            @Override
            public List<String> command(FunctionVersion function)
            {
                List<String> command = new ArrayList<>();
                command.add(jdk.java().toString());
                command.add("-Xmx" + Math.max(16, (int) (function.memoryMb() * HEAP_SHARE)) + "m");
                // Lambda's Java runtimes stop the JIT at C1 and use the serial collector: quicker starts, fewer threads
                command.add("-XX:+UseSerialGC");
                command.add("-XX:TieredStopAtLevel=1");
                command.add("-Xshare:auto");
                command.add("-XX:-UsePerfData");
                command.add("-Dfile.encoding=UTF-8");
                command.add("-Djava.net.preferIPv4Stack=true");
                if (jdk.feature() >= 22) {
                    // the client loads its native library with System.load, which JDK 22+ warns about in every log stream
                    command.add("--enable-native-access=ALL-UNNAMED");
                }
                command.add("-D" + JavaRuntimeFiles.NATIVE_LIBRARY_PROPERTY + "=" + nativeLibrary);
                command.add("-cp");
                command.add(classpath);
                command.add(JavaRuntimeFiles.MAIN_CLASS);
                command.add(function.handler());
                return command;
            }

            @Override
            public Map<String, String> environment()
            {
                return Map.of("JAVA_HOME", jdk.home().toString());
            }

            @Override
            public List<Path> path()
            {
                return List.of(jdk.home().resolve("bin"));
            }

            @Override
            public Path runtimeDirectory()
            {
                return nativeLibrary.getParent();
            }

            @Override
            public String runtimeVersion()
            {
                return "java:" + jdk.version();
            }
        };
    }
}
