package io.lakestack.cli;

import io.lakestack.connectors.lambda.PythonEnvironments;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The Python virtual environment that runs ceph/s3-tests, in lakestack's cache ({@code conformance/s3-tests/venv}):
 * created once with {@code python3 -m venv}, the suite's requirements installed by pip. Of the requirements, three are
 * left out: {@code gevent} ({@code test_s3.py} does not import it), {@code tox} (the suite's own runner; lakestack runs
 * pytest itself), and {@code munch}, which is installed on its own: when pip cannot install it (it is not on every
 * package index), a minimal {@code munch} module of lakestack's (a dict with attribute access, {@code munchify},
 * {@code unmunchify}: all the suite uses) is written into the environment instead, and every run says so.
 */
final class S3TestsEnvironment
{
    static final String MUNCH = "munch";
    private static final String MARKER = ".lakestack-s3-tests";
    private static final String MUNCH_SHIM = "conformance/munch.py";
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");
    private static final long INSTALL_MINUTES = 20;

    /** What pip installs, and what is left out of the suite's requirements with the reason. */
    record Requirements(List<String> install, Map<String, String> leftOut)
    {
        Requirements
        {
            install = List.copyOf(install);
            leftOut = Map.copyOf(leftOut);
        }
    }

    /** The environment: its interpreter and whether its munch is lakestack's stand-in. */
    record Environment(Path venv, Path python, boolean munchStandIn)
    {
    }

    private final Path home;
    private final PrintStream out;

    S3TestsEnvironment(Path home, PrintStream out)
    {
        this.home = requireNonNull(home, "home is null");
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * The requirements to install, from the lines of the suite's {@code requirements.txt}: comments and blank lines
     * skipped, each requirement as written (with its version constraint), {@code gevent} and {@code tox} left out with
     * the reason, and {@code munch} left for {@link #ready} to install on its own.
     */
    static Requirements requirements(List<String> lines)
    {
        List<String> install = new ArrayList<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        for (String raw : lines) {
            int comment = raw.indexOf('#');
            String line = (comment < 0 ? raw : raw.substring(0, comment)).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher name = NAME.matcher(line);
            if (!name.find()) {
                throw new IllegalArgumentException("not a requirement pip can install: " + line);
            }
            String normalized = name.group(1).toLowerCase(Locale.ROOT).replace('_', '-');
            switch (normalized) {
                case "gevent" -> leftOut.put(line, "test_s3.py does not import it");
                case "tox" -> leftOut.put(line, "the suite's own runner: lakestack runs pytest itself");
                case MUNCH -> leftOut.put(line, "installed on its own, or lakestack's stand-in when pip cannot");
                default -> install.add(line);
            }
        }
        return new Requirements(install, leftOut);
    }

    /** The environment with the requirements installed, built now if it is missing or was built for other requirements. */
    Environment ready(String pythonCommand, Requirements requirements)
            throws IOException, InterruptedException
    {
        Path venv = home.resolve("venv");
        Path python = venv.resolve("bin").resolve("python");
        String expected = "python " + pythonCommand + "\nrequirements " + String.join(", ", requirements.install()) + "\n";
        Files.createDirectories(home);
        try (FileChannel lockFile = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            Path marker = venv.resolve(MARKER);
            if (Files.isRegularFile(marker)) {
                String built = Files.readString(marker, StandardCharsets.UTF_8);
                if (built.startsWith(expected)) {
                    return new Environment(venv, python, built.contains("munch stand-in"));
                }
            }
            deleteTree(venv);
            Path log = home.resolve("install.log");
            Files.deleteIfExists(log);
            out.println("lakestack: creating a Python environment for s3-tests in " + venv + " (once; pip installs "
                    + requirements.install().size() + " requirements, log in " + log + ")");
            run(List.of(pythonCommand, "-m", "venv", venv.toString()), log, pythonCommand + " -m venv (on Debian: apt install python3-venv)");
            run(PythonEnvironments.pipInstall(python, requirements.install()), log, "pip install of the suite's requirements");
            boolean standIn = false;
            if (!attempt(PythonEnvironments.pipInstall(python, List.of(MUNCH)), log)) {
                writeMunchStandIn(python);
                standIn = true;
                out.println("lakestack: pip cannot install munch here; wrote lakestack's minimal munch module (Munch, munchify, unmunchify: "
                        + "what s3-tests uses) into the environment instead");
            }
            for (Map.Entry<String, String> left : requirements.leftOut().entrySet()) {
                if (!left.getKey().toLowerCase(Locale.ROOT).startsWith(MUNCH)) {
                    out.println("lakestack: not installed: " + left.getKey() + " (" + left.getValue() + ")");
                }
            }
            Files.writeString(marker, expected + (standIn ? "munch stand-in\n" : "munch from pip\n"), StandardCharsets.UTF_8);
            return new Environment(venv, python, standIn);
        }
    }

    private void writeMunchStandIn(Path python)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(python.toString(), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String sitePackages = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || sitePackages.isEmpty()) {
            throw new IOException("cannot find the environment's site-packages: " + sitePackages);
        }
        try (InputStream shim = S3TestsEnvironment.class.getResourceAsStream(MUNCH_SHIM)) {
            if (shim == null) {
                throw new IOException(MUNCH_SHIM + " is missing from lakestack's classpath");
            }
            Files.copy(shim, Path.of(sitePackages).resolve("munch.py"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean attempt(List<String> command, Path log)
            throws IOException, InterruptedException
    {
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + INSTALL_MINUTES + " minutes; see " + log);
        }
        return process.exitValue() == 0;
    }

    private static void run(List<String> command, Path log, String what)
            throws IOException, InterruptedException
    {
        if (!attempt(command, log)) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IOException(what + " failed: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()))
                    + " -- see " + log + "; pip must reach a package index with the suite's requirements (pip.conf, PIP_INDEX_URL)");
        }
    }

    /** Deletes a directory and everything under it; nothing when it does not exist. */
    static void deleteTree(Path root)
            throws IOException
    {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
