package io.lakestack.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.lambda.PythonEnvironments;
import io.lakestack.embedded.EngineCache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the notebooks under {@code notebooks/} as a person would, with {@code jupyter nbconvert --execute}, in a
 * Python virtual environment of lakestack's cache ({@code notebooks/venv}) that pip fills once with what the notebooks
 * import: nbconvert, ipykernel, matplotlib, pandas and boto3.
 */
final class Notebooks
{
    static final List<String> PACKAGES = List.of("nbconvert", "ipykernel", "matplotlib", "pandas", "boto3");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Notebooks()
    {
    }

    /** The repository's notebook of that name. */
    static Path notebook(String name)
    {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isDirectory(directory.resolve("notebooks"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("no notebooks/ directory above " + Path.of("").toAbsolutePath());
        }
        return directory.resolve("notebooks").resolve(name);
    }

    /**
     * Executes a copy of the notebook in {@code directory} (the cells' working directory) with the environment variables
     * added; the executed notebook. A cell that raises fails the run, with nbconvert's output.
     */
    static JsonNode execute(Path notebook, Path directory, Map<String, String> environment)
            throws IOException, InterruptedException
    {
        Path python = python();
        Files.createDirectories(directory);
        Path log = directory.resolve(notebook.getFileName() + ".log");
        // a copy, executed in place: the kernel runs in the notebook's directory, where the cells write their files
        Path copy = Files.copy(notebook, directory.resolve(notebook.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                "--ExecutePreprocessor.timeout=600", copy.toString())
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("nbconvert did not finish " + notebook + " in 15 minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("nbconvert failed on " + notebook + " (exit " + process.exitValue() + "):\n" + Files.readString(log));
        }
        return JSON.readTree(copy.toFile());
    }

    /** Every line the executed notebook's cells printed, in order. */
    static List<String> printed(JsonNode notebook)
    {
        List<String> lines = new ArrayList<>();
        for (JsonNode cell : notebook.path("cells")) {
            // the kernel may send one print in several stream outputs ("saved x.png", then "\n"): a cell's stdout is
            // their text together, as Jupyter shows it
            StringBuilder text = new StringBuilder();
            for (JsonNode output : cell.path("outputs")) {
                if (output.path("output_type").asText().equals("stream") && output.path("name").asText().equals("stdout")) {
                    output.path("text").forEach(part -> text.append(part.asText()));
                }
            }
            text.toString().lines().forEach(lines::add);
        }
        return lines;
    }

    /** The virtual environment's python, the environment built first when it is not complete. */
    private static Path python()
            throws IOException, InterruptedException
    {
        Path home = EngineCache.cacheRoot().resolve("notebooks");
        Path venv = home.resolve("venv");
        Path python = venv.resolve("bin").resolve("python");
        Path marker = venv.resolve(".lakestack-notebooks");
        String expected = String.join("\n", PACKAGES) + "\n";
        Files.createDirectories(home);
        try (FileChannel channel = FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).equals(expected)) {
                return python;
            }
            Path log = home.resolve("install.log");
            Files.deleteIfExists(log);
            run(List.of("python3", "-m", "venv", "--clear", venv.toString()), log);
            run(PythonEnvironments.pipInstall(python, PACKAGES), log);
            Files.writeString(marker, expected, StandardCharsets.UTF_8);
            return python;
        }
    }

    private static void run(List<String> command, Path log)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 20 minutes; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + "); see " + log
                    + "; pip must reach a package index with " + String.join(", ", PACKAGES));
        }
    }
}
