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
public final class PythonEnvironments
{
    private static final Logger LOG = LoggerFactory.getLogger(PythonEnvironments.class);

    private static final String MARKER = ".lakestack-boto3";
    private static final String INCOMPATIBLE = ".lakestack-no-boto3";
    private static final Duration INCOMPATIBLE_FOR = Duration.ofDays(1);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private record Failure(String message, long atNanos)
    {
    }

    private final Path directory;
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    private final Map<Path, Failure> failures = new ConcurrentHashMap<>();

    public PythonEnvironments(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The virtual environment of the interpreter, without building it. */
    Path location(PythonInterpreters.Interpreter interpreter)
    {
        return directory.resolve(interpreter.version() + "-" + shortHash(interpreter.executable().toAbsolutePath().toString())).resolve("venv");
    }

    /** Why the last attempt to build the interpreter's environment failed, if it did. */
    public Optional<String> failure(PythonInterpreters.Interpreter interpreter)
    {
        return Optional.ofNullable(failures.get(location(interpreter))).map(Failure::message).or(() -> incompatible(location(interpreter)));
    }

    /**
     * Why boto3 cannot be installed for the interpreter at all, as a recent build found (pip had no boto3 for its
     * Python version): kept on disk for {@link #INCOMPATIBLE_FOR}, so that later runs do not ask pip again and again.
     */
    private static Optional<String> incompatible(Path venv)
    {
        Path marker = venv.resolveSibling(INCOMPATIBLE);
        try {
            if (Files.isRegularFile(marker)
                    && Files.getLastModifiedTime(marker).toMillis() > System.currentTimeMillis() - INCOMPATIBLE_FOR.toMillis()) {
                return Optional.of(Files.readString(marker, StandardCharsets.UTF_8).trim() + " (found earlier; delete " + marker + " to try again now)");
            }
        }
        catch (IOException e) {
            // no usable marker: the environment is built again
        }
        return Optional.empty();
    }

    /**
     * The interpreter's virtual environment with boto3, built now if it is not there yet.
     *
     * @throws IllegalStateException with what failed and what to do about it
     */
    public Path ready(PythonInterpreters.Interpreter interpreter)
    {
        Path venv = location(interpreter);
        if (Files.isRegularFile(venv.resolve(MARKER))) {
            return venv;
        }
        Optional<String> incompatible = incompatible(venv);
        if (incompatible.isPresent()) {
            throw new IllegalStateException(incompatible.get());
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
                if (e.getMessage().contains("requires a different Python")) {
                    try {
                        Files.writeString(venv.resolveSibling(INCOMPATIBLE), e.getMessage() + "\n", StandardCharsets.UTF_8);
                    }
                    catch (IOException ignored) {
                        // asked again after RETRY_AFTER
                    }
                }
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
            LOG.info("{}: creating a virtual environment with boto3 in {} (once; pip downloads boto3 now, later functions and jobs of Python {} "
                    + "reuse it)", "python" + interpreter.minor(), venv, interpreter.minor());
            Path log = home.resolve("install.log");
            run(List.of(interpreter.executable().toString(), "-m", "venv", venv.toString()), log, "python" + interpreter.minor()
                    + " -m venv " + venv);
            Path python = venv.resolve("bin").resolve("python");
            run(pipInstall(python, List.of("boto3")), log, "pip install boto3 (in " + venv + ")");
            String version = output(List.of(python.toString(), "-c", "import boto3; print(boto3.__version__)")).trim();
            Files.writeString(venv.resolve(MARKER), version + "\n", StandardCharsets.UTF_8);
            LOG.info("python{}: boto3 {} is installed in {} ({} s)", interpreter.minor(), version, venv,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        }
    }

    /**
     * A folder with the given pip requirements installed for the interpreter (its environment's pip,
     * {@code --target}), to put on a script's path; made once per set of requirements and options, under a file lock,
     * and used only once its marker file says it is complete.
     *
     * @throws IllegalStateException with pip's last lines when the installation fails
     */
    public Path modules(PythonInterpreters.Interpreter interpreter, List<String> requirements, List<String> options)
    {
        Path venv = ready(interpreter);
        Path home = venv.getParent().resolve("modules");
        Path target = home.resolve(shortHash(String.join("\n", requirements) + "\n--\n" + String.join("\n", options)));
        if (Files.isRegularFile(target.resolve(MARKER))) {
            return target;
        }
        try {
            Files.createDirectories(home);
            try (FileChannel lockFile = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = lockFile.lock()) {
                if (Files.isRegularFile(target.resolve(MARKER))) {
                    return target;
                }
                deleteTree(target);
                LOG.info("python{}: installing {} into {} (once for this set of modules)", interpreter.minor(), requirements, target);
                List<String> arguments = new ArrayList<>(List.of("--target", target.toString()));
                arguments.addAll(options);
                arguments.addAll(requirements);
                run(pipInstall(venv.resolve("bin").resolve("python"), arguments), target.resolveSibling(target.getFileName() + ".log"), "pip install " + String.join(" ", requirements));
                Files.writeString(target.resolve(MARKER), String.join("\n", requirements) + "\n", StandardCharsets.UTF_8);
                return target;
            }
        }
        catch (IOException e) {
            throw new IllegalStateException("installing " + requirements + " into " + target + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@code pip install} of {@code arguments} (options, then requirements) with the environment's Python: no prompt, no version check, and two retries
     * per index rather than pip's five with back-off, so that an index the machine cannot reach (pypi.org where only a
     * local mirror is reachable) costs a moment per package rather than 7.5 s: boto3's seven packages installed in 5.7 s
     * here where pip's default took 54.7 s.
     */
    public static List<String> pipInstall(Path python, List<String> arguments)
    {
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                "--retries", "2"));
        command.addAll(arguments);
        return command;
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
                    + " -- see " + log + "; pip must reach a package index that has the packages (pip.conf, PIP_INDEX_URL), or install them "
                    + "yourself with the environment's own pip");
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

    public static void deleteTree(Path root)
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

    public static String shortHash(String text)
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
