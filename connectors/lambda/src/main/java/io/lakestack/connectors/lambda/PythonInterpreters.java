package io.lakestack.connectors.lambda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The Python interpreters on this machine, by {@code major.minor} version: those configured, else {@code python3.X} and
 * {@code python3} on the {@code PATH}, then pyenv's installed versions. Each candidate is asked for its version (a
 * pyenv shim for a version that is not selected fails, and is passed over); answers are kept while the file is
 * unchanged.
 */
public final class PythonInterpreters
{
    private static final String PROBE = String.join("\n",
            "import sys",
            "print('%d.%d.%d' % sys.version_info[:3])",
            "try:",
            "    import venv, ensurepip",
            "    print('venv')",
            "except ImportError:",
            "    print('no-venv')");

    /** An interpreter: its path as found, its full version, and whether it can create virtual environments. */
    public record Interpreter(Path executable, String version, boolean venv)
    {
        public Interpreter
        {
            requireNonNull(executable, "executable is null");
            requireNonNull(version, "version is null");
        }

        public String minor()
        {
            String[] parts = version.split("\\.");
            return parts[0] + "." + parts[1];
        }
    }

    private record Probe(FileTime modified, Optional<Interpreter> interpreter)
    {
    }

    private final List<Path> configured;
    private final Map<Path, Probe> probes = new ConcurrentHashMap<>();

    public PythonInterpreters(List<Path> configured)
    {
        this.configured = List.copyOf(configured);
    }

    /** The first interpreter of that {@code major.minor} version, preferring one that can create virtual environments. */
    public Optional<Interpreter> find(String minor)
    {
        Optional<Interpreter> withoutVenv = Optional.empty();
        for (Path candidate : candidates(minor)) {
            Optional<Interpreter> interpreter = probe(candidate).filter(found -> found.minor().equals(minor));
            if (interpreter.isPresent()) {
                if (interpreter.get().venv()) {
                    return interpreter;
                }
                if (withoutVenv.isEmpty()) {
                    withoutVenv = interpreter;
                }
            }
        }
        return withoutVenv;
    }

    /** Where interpreters were looked for, for a message that says what to install and where. */
    public String searched(String minor)
    {
        if (!configured.isEmpty()) {
            return "the interpreters configured in " + ProcessFunctionRunnerConfig.PYTHON_EXECUTABLES + " (" + configured + ")";
        }
        return "python" + minor + " and python3 on the PATH, and pyenv's versions";
    }

    private List<Path> candidates(String minor)
    {
        if (!configured.isEmpty()) {
            return configured;
        }
        List<Path> candidates = new ArrayList<>();
        List<Path> pathDirectories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (!directory.isBlank()) {
                    pathDirectories.add(Path.of(directory));
                }
            }
        }
        for (String name : List.of("python" + minor, "python3")) {
            for (Path directory : pathDirectories) {
                Path executable = directory.resolve(name);
                if (Files.isExecutable(executable)) {
                    candidates.add(executable);
                }
            }
        }
        String pyenvRoot = System.getenv("PYENV_ROOT");
        Path versions = (pyenvRoot == null || pyenvRoot.isBlank() ? Path.of(System.getProperty("user.home"), ".pyenv") : Path.of(pyenvRoot)).resolve("versions");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> installed = Files.list(versions)) {
                installed.filter(version -> version.getFileName().toString().startsWith(minor + "."))
                        .sorted(Comparator.comparing((Path version) -> version.getFileName().toString()).reversed())
                        .map(version -> version.resolve("bin").resolve("python" + minor))
                        .filter(Files::isExecutable)
                        .forEach(candidates::add);
            }
            catch (IOException e) {
                // no pyenv versions to offer
            }
        }
        return candidates;
    }

    private Optional<Interpreter> probe(Path executable)
    {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(executable);
        }
        catch (IOException e) {
            return Optional.empty();
        }
        Probe known = probes.get(executable);
        if (known != null && known.modified().equals(modified)) {
            return known.interpreter();
        }
        Optional<Interpreter> interpreter = ask(executable);
        probes.put(executable, new Probe(modified, interpreter));
        return interpreter;
    }

    private static Optional<Interpreter> ask(Path executable)
    {
        try {
            Process process = new ProcessBuilder(executable.toString(), "-c", PROBE).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                return Optional.empty();
            }
            String[] lines = new String(output, StandardCharsets.UTF_8).trim().split("\\R");
            if (lines.length != 2 || !lines[0].matches("\\d+\\.\\d+\\.\\d+")) {
                return Optional.empty();
            }
            return Optional.of(new Interpreter(executable, lines[0], lines[1].equals("venv")));
        }
        catch (IOException e) {
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
