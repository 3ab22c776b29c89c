package io.lakestack.embedded;

import io.lakestack.child.ChildMain;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;


/**
 * An engine running in its own JVM, started through {@link ChildMain} with its standard input a pipe from this
 * process: when this process ends, however it ends, the child reads end-of-file and exits. Its output goes to its
 * log file.
 */
final class ChildProcess
        implements AutoCloseable
{
    private static final Path NICE = Path.of("/usr/bin/nice");
    /** How much longer a child that records its start-up archive may take to exit: it writes the archive as it exits. */
    static final Duration RECORDING_GRACE = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final OutputStream lifeline;
    private final Path log;
    private final StartupArchive archive;

    private ChildProcess(String name, Process process, Path log, StartupArchive archive)
    {
        this.name = name;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.log = log;
        this.archive = archive;
    }

    /**
     * @param classpath the engine's classpath; the {@link ChildMain} jar is put in front of it
     * @param jvmOptions options before the main class, e.g. {@code -Xmx256m}
     * @param archiveName names the engine's {@link StartupArchive} (the engine and its version)
     */
    static ChildProcess start(String name, JavaRuntimes.Runtime runtime, List<String> classpath, List<String> jvmOptions, String archiveName,
            String mainClass, List<String> arguments, Path workingDirectory, Map<String, String> environment, Path log)
    {
        return start(name, runtime, classpath, jvmOptions, archiveName, mainClass, arguments, workingDirectory, environment, log, 0);
    }

    /**
     * @param niceness a positive value lowers the child's CPU priority (where {@code nice} exists), so that it takes
     *         the CPU time the other engines leave; 0 keeps the normal priority
     */
    static ChildProcess start(String name, JavaRuntimes.Runtime runtime, List<String> classpath, List<String> jvmOptions, String archiveName,
            String mainClass, List<String> arguments, Path workingDirectory, Map<String, String> environment, Path log, int niceness)
    {
        List<String> command = new ArrayList<>();
        if (niceness > 0 && Files.isExecutable(NICE)) {
            command.addAll(List.of(NICE.toString(), "-n", String.valueOf(niceness)));
        }
        List<String> fullClasspath = new ArrayList<>();
        fullClasspath.add(childMainLocation());
        fullClasspath.addAll(classpath);
        StartupArchive archive = StartupArchive.of(runtime, archiveName, fullClasspath);
        command.add(runtime.java().toString());
        command.addAll(jvmOptions);
        command.addAll(archive.options());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, fullClasspath));
        command.add(ChildMain.class.getName());
        command.add(mainClass);
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(workingDirectory);
            Files.writeString(log, "== lakestack: starting " + name + " at " + Instant.now() + "\n== " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            // two malloc arenas, not eight per core: the engines' many threads otherwise keep memory in arenas of their own
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            builder.environment().putAll(environment);
            return new ChildProcess(name, builder.start(), log, archive);
        }
        catch (IOException e) {
            throw new StackException(name, "cannot start " + runtime.java() + ": " + e.getMessage(), e);
        }
    }

    private static String childMainLocation()
    {
        try {
            return Path.of(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    long pid()
    {
        return process.pid();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    Optional<Integer> exitCode()
    {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    Path log()
    {
        return log;
    }

    /** Waits until the process exits and returns its exit code. */
    int exitCodeWhenDone()
            throws InterruptedException
    {
        return process.waitFor();
    }

    /** The last lines of the log, to explain a failure. */
    String logTail(int lines)
    {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException | UncheckedIOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** The last log line that looks like an error, to put in a one-line message. */
    Optional<String> lastError()
    {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = all.size() - 1; i >= 0; i--) {
                String line = all.get(i);
                if (line.contains("Exception") || line.contains("ERROR") || line.contains("Error:")) {
                    return Optional.of(line.strip());
                }
            }
            return Optional.empty();
        }
        catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * Asks the child to exit (end of its input) and waits; kills it if it does not exit in time. A child that records
     * its {@link StartupArchive} gets {@link #RECORDING_GRACE} more, to write it.
     */
    void stop(Duration grace)
    {
        try {
            lifeline.close();
        }
        catch (IOException ignored) {
            // the pipe is already closed: the child is exiting
        }
        boolean exitedOnItsOwn = false;
        try {
            exitedOnItsOwn = process.waitFor(grace.plus(archive.recording() ? RECORDING_GRACE : Duration.ZERO).toMillis(), TimeUnit.MILLISECONDS);
            if (!exitedOnItsOwn) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (!process.isAlive()) {
            archive.stopped(exitedOnItsOwn);
        }
    }

    @Override
    public void close()
    {
        stop(Duration.ofSeconds(20));
    }
}
