package io.lakestack.connectors.lambda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One virtual environment per Python interpreter, in the cache, with boto3 installed by pip the first time it is
 * needed, so that {@code import boto3} works in handlers as it does on Lambda (whose Python runtimes include it).
 * Building it takes a while once (pip downloads boto3 and botocore); it is said so in the runner's log, and the
 * environment is shared by every function of that Python version and every runner using the same cache. Runners in
 * several processes build it under a file lock; an environment is used only once its marker file says it is complete.
 */
final class PythonEnvironments
{
    private static final Logger LOG = LoggerFactory.getLogger(PythonEnvironments.class);

    private static final String MARKER = ".lakestack-boto3";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private record Failure(String message, long atNanos)
    {
    }

    private final Path directory;
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    private final Map<Path, Failure> failures = new ConcurrentHashMap<>();

    PythonEnvironments(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The virtual environment of the interpreter, without building it. */
    Path location(PythonInterpreters.Interpreter interpreter)
    {
        return directory.resolve(interpreter.version() + "-" + shortHash(interpreter.executable().toAbsolutePath().toString())).resolve("venv");
    }

    /** Why the last attempt to build the interpreter's environment failed, if it did. */
    Optional<String> failure(PythonInterpreters.Interpreter interpreter)
    {
        return Optional.ofNullable(failures.get(location(interpreter))).map(Failure::message);
    }

    /**
     * The interpreter's virtual environment with boto3, built now if it is not there yet.
     *
     * @throws IllegalStateException with what failed and what to do about it
     */
    Path ready(PythonInterpreters.Interpreter interpreter)
    {
        Path venv = location(interpreter);
        if (Files.isRegularFile(venv.resolve(MARKER))) {
            return venv;
        }
        synchronized (locks.computeIfAbsent(venv, key -> new Object())) {
            Failure failure = failures.get(venv);
            if (failure != null && System.nanoTime() - failure.atNanos() < RETRY_AFTER.toNanos()) {
                throw new IllegalStateException(failure.message());
            }
            try {
                build(interpreter, venv);
                failures.remove(venv);
                return venv;
            }
            catch (IllegalStateException e) {
                failures.put(venv, new Failure(e.getMessage(), System.nanoTime()));
                throw e;
            }
            catch (IOException e) {
                String message = "building the Python virtual environment " + venv + " failed: " + e.getMessage();
                failures.put(venv, new Failure(message, System.nanoTime()));
                throw new IllegalStateException(message, e);
            }
        }
    }

    private void build(PythonInterpreters.Interpreter interpreter, Path venv)
            throws IOException
    {
        Path home = venv.getParent();
        Files.createDirectories(home);
        try (FileChannel lockFile = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (Files.isRegularFile(venv.resolve(MARKER))) {
                return;
            }
            deleteTree(venv);
            long start = System.nanoTime();
            LOG.info("Lambda {}: creating a virtual environment with boto3 in {} (once; pip downloads boto3 now, later functions of Python {} reuse it)",
                    "python" + interpreter.minor(), venv, interpreter.minor());
            Path log = home.resolve("install.log");
            run(List.of(interpreter.executable().toString(), "-m", "venv", venv.toString()), log, "python" + interpreter.minor()
                    + " -m venv " + venv);
            Path python = venv.resolve("bin").resolve("python");
            run(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "boto3"), log,
                    "pip install boto3 (in " + venv + ")");
            String version = output(List.of(python.toString(), "-c", "import boto3; print(boto3.__version__)")).trim();
            Files.writeString(venv.resolve(MARKER), version + "\n", StandardCharsets.UTF_8);
            LOG.info("Lambda python{}: boto3 {} is installed in {} ({} s)", interpreter.minor(), version, venv,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        }
    }

    private static void run(List<String> command, Path log, String what)
            throws IOException
    {
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(INSTALL_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + INSTALL_TIMEOUT.toMinutes() + " minutes; see " + log);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(what + " failed (exit status " + process.exitValue() + "): " + lastLines(log, 5)
                    + " -- see " + log + "; pip must reach a package index with boto3 (pip.conf, PIP_INDEX_URL), or install it yourself with "
                    + "the environment's own pip");
        }
    }

    private static String output(List<String> command)
            throws IOException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.trim());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
        return output;
    }

    private static String lastLines(Path log, int count)
    {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
        catch (IOException e) {
            return "(" + log + " cannot be read: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

    static String shortHash(String text)
    {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        }
        catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
