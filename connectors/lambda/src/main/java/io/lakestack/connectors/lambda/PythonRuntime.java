package io.lakestack.connectors.lambda;

import io.lakestack.spi.lambda.FunctionVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * {@code python3.9} ... {@code python3.13}: lakestack's own bootstrap (a resource of this module, written into the
 * cache), run by an interpreter of exactly that version from a virtual environment with boto3. The bootstrap speaks the
 * Lambda Runtime API, imports {@code module.function} from the task root and reports errors in the shapes of AWS's
 * Python runtime. {@code MemorySize} bounds the process: the runner kills an environment whose peak resident size goes
 * over it ({@code Runtime.OutOfMemory}), as Lambda does.
 */
final class PythonRuntime
        implements LanguageRuntime
{
    static final String BOOTSTRAP_RESOURCE = "lakestack_python_bootstrap.py";

    private final String name;
    private final String minor;
    private final PythonInterpreters interpreters;
    private final PythonEnvironments environments;
    private final Path cacheDirectory;

    PythonRuntime(String minor, PythonInterpreters interpreters, PythonEnvironments environments, Path cacheDirectory)
    {
        this.minor = requireNonNull(minor, "minor is null");
        this.name = "python" + minor;
        this.interpreters = requireNonNull(interpreters, "interpreters is null");
        this.environments = requireNonNull(environments, "environments is null");
        this.cacheDirectory = requireNonNull(cacheDirectory, "cacheDirectory is null");
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public Optional<String> unavailable()
    {
        Optional<PythonInterpreters.Interpreter> interpreter = interpreters.find(minor);
        if (interpreter.isEmpty()) {
            return Optional.of(name + " needs a Python " + minor + " interpreter, and none was found (looked at " + interpreters.searched(minor)
                    + "): install Python " + minor + " (for example apt-get install python" + minor + " python" + minor + "-venv, or pyenv install "
                    + minor + ") or name the interpreter in " + ProcessFunctionRunnerConfig.PYTHON_EXECUTABLES);
        }
        if (!interpreter.get().venv()) {
            return Optional.of(name + " runs on " + interpreter.get().executable() + ", which cannot create virtual environments (boto3 is "
                    + "installed into one): install its venv and ensurepip modules (for example apt-get install python" + minor + "-venv)");
        }
        return environments.failure(interpreter.get()).map(failure -> name + " cannot have boto3: " + failure);
    }

    @Override
    public Launcher prepare()
    {
        Optional<PythonInterpreters.Interpreter> found = interpreters.find(minor);
        if (found.isEmpty() || !found.get().venv()) {
            throw LambdaErrors.invalidRuntime(unavailable().orElseThrow());
        }
        PythonInterpreters.Interpreter interpreter = found.get();
        Path venv;
        try {
            venv = environments.ready(interpreter);
        }
        catch (IllegalStateException e) {
            throw LambdaErrors.invalidRuntime(name + " cannot have boto3: " + e.getMessage());
        }
        Path bootstrap = bootstrap();
        Path python = venv.resolve("bin").resolve("python");
        Path pycache = cacheDirectory.resolve("python").resolve("pycache");
        return new Launcher()
        {
            @Override
            public List<String> command(FunctionVersion function)
            {
                return List.of(python.toString(), bootstrap.toString());
            }

            @Override
            public Map<String, String> environment()
            {
                // compiled modules go to the cache, not next to the function's code (a read-only /var/task on Lambda)
                return Map.of("PYTHONPYCACHEPREFIX", pycache.toString());
            }

            @Override
            public List<Path> path()
            {
                return List.of(venv.resolve("bin"));
            }

            @Override
            public Path runtimeDirectory()
            {
                return bootstrap.getParent();
            }

            @Override
            public String runtimeVersion()
            {
                return "python:" + interpreter.version();
            }
        };
    }

    /** The bootstrap written into the cache, under a name that changes with its content. */
    private Path bootstrap()
    {
        byte[] content;
        try (InputStream in = PythonRuntime.class.getResourceAsStream(BOOTSTRAP_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(BOOTSTRAP_RESOURCE + " is missing from lakestack-lambda's jar");
            }
            content = in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = cacheDirectory.resolve("python").resolve("runtime-" + PythonEnvironments.shortHash(new String(content, StandardCharsets.UTF_8)))
                .resolve("bootstrap.py");
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(".bootstrap-" + UUID.randomUUID() + ".py");
            Files.write(temporary, content);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
        catch (IOException e) {
            throw LambdaErrors.invalidRuntime(name + " cannot start: writing its bootstrap into " + file.getParent() + " failed: " + e.getMessage());
        }
    }
}
