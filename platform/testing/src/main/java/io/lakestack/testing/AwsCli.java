package io.lakestack.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The AWS CLI v2, run against the stack's endpoint.
 *
 * <p>Which CLI: the one {@code $LAKESTACK_AWS_CLI} names (a path, or a name looked up on the {@code PATH}), and then
 * it must work: a test that needs the CLI fails when it is missing, is not version 2 or {@code --version} fails. When
 * the variable is not set, the first AWS CLI v2 among {@code /usr/bin/aws} (the Debian package {@code awscli}, which
 * {@code .ci/run} installs and names in {@code LAKESTACK_AWS_CLI}) and {@code aws} on the {@code PATH}; a test that
 * needs the CLI skips itself where there is none.
 */
public final class AwsCli
{
    /** The environment variable naming the CLI; when it is set, a CLI that does not work fails the test. */
    public static final String EXECUTABLE_VARIABLE = "LAKESTACK_AWS_CLI";
    private static final Path DEBIAN_CLI = Path.of("/usr/bin/aws");
    private static final long VERSION_TIMEOUT_SECONDS = 60;
    private static volatile Lookup lookup;

    private final Path executable;
    private final TestStack stack;

    private AwsCli(Path executable, TestStack stack)
    {
        this.executable = requireNonNull(executable, "executable is null");
        this.stack = requireNonNull(stack, "stack is null");
    }

    /**
     * The CLI for a test. Fails the test when {@code $LAKESTACK_AWS_CLI} is set and does not name a working AWS CLI
     * v2; skips it (a JUnit assumption) when the variable is not set and no AWS CLI v2 is installed.
     */
    public static AwsCli required(TestStack stack)
    {
        Lookup found = lookup;
        if (found == null) {
            found = lookup(System.getenv(), List.of(DEBIAN_CLI));
            lookup = found;
        }
        if (found instanceof Lookup.Broken broken) {
            Assertions.fail(broken.reason());
        }
        if (found instanceof Lookup.Absent absent) {
            Assumptions.abort(absent.reason());
        }
        return new AwsCli(((Lookup.Found) found).executable(), stack);
    }

    /** Where the CLI is, or why a test cannot run it. */
    sealed interface Lookup
    {
        /** A working AWS CLI v2, and the first line it printed for {@code --version}. */
        record Found(Path executable, String version)
                implements Lookup
        {
        }

        /** {@code $LAKESTACK_AWS_CLI} is not set and no AWS CLI v2 is installed: the test is skipped. */
        record Absent(String reason)
                implements Lookup
        {
        }

        /** {@code $LAKESTACK_AWS_CLI} is set and is not a working AWS CLI v2: the test fails. */
        record Broken(String reason)
                implements Lookup
        {
        }
    }

    /**
     * Finds the CLI as the class comment says.
     *
     * @param environment the variables {@value #EXECUTABLE_VARIABLE} and {@code PATH} are read from it
     * @param wellKnown where an AWS CLI is looked for, before the {@code PATH}, when the variable is not set
     */
    static Lookup lookup(Map<String, String> environment, List<Path> wellKnown)
    {
        List<Path> path = new ArrayList<>();
        for (String directory : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                path.add(Path.of(directory));
            }
        }
        String configured = environment.get(EXECUTABLE_VARIABLE);
        if (configured != null) {
            return configured(configured, path);
        }
        List<Path> candidates = new ArrayList<>(wellKnown);
        path.forEach(directory -> candidates.add(directory.resolve("aws")));
        List<String> rejected = new ArrayList<>();
        for (Path candidate : candidates) {
            if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
                continue;
            }
            Lookup probed = probe(candidate);
            if (probed instanceof Lookup.Found) {
                return probed;
            }
            rejected.add(((Lookup.Broken) probed).reason());
        }
        return new Lookup.Absent("no AWS CLI v2 is installed (Debian: apt install awscli; .ci/run installs it and sets " + EXECUTABLE_VARIABLE + ")"
                + (rejected.isEmpty() ? "" : "; rejected: " + String.join("; ", rejected)));
    }

    private static Lookup configured(String configured, List<Path> path)
    {
        String what = EXECUTABLE_VARIABLE + "=" + configured;
        if (configured.isBlank()) {
            return new Lookup.Broken(EXECUTABLE_VARIABLE + " is set but empty; unset it to skip the AWS CLI tests where there is no CLI");
        }
        Path executable = Path.of(configured);
        if (!configured.contains(File.separator)) {
            executable = path.stream().map(directory -> directory.resolve(configured)).filter(Files::isExecutable).findFirst().orElse(executable);
        }
        if (!Files.isRegularFile(executable)) {
            return new Lookup.Broken(what + ": there is no such file" + (configured.contains(File.separator) ? "" : " (nor on the PATH)"));
        }
        if (!Files.isExecutable(executable)) {
            return new Lookup.Broken(what + ": the file is not executable");
        }
        Lookup probed = probe(executable);
        return probed instanceof Lookup.Broken broken ? new Lookup.Broken(what + ": " + broken.reason()) : probed;
    }

    /** Runs {@code <executable> --version}: a {@link Lookup.Found} or a {@link Lookup.Broken} that says why not. */
    private static Lookup probe(Path executable)
    {
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("aws-cli-version", ".out");
            stderr = Files.createTempFile("aws-cli-version", ".err");
            Process process = new ProcessBuilder(executable.toString(), "--version")
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Lookup.Broken(executable + " --version did not finish in " + VERSION_TIMEOUT_SECONDS + " s");
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8).strip();
            String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return new Lookup.Broken(executable + " --version exited with " + process.exitValue() + ": " + (err.isEmpty() ? out : err));
            }
            String version = (out.isEmpty() ? err : out).lines().findFirst().orElse("");
            if (!version.startsWith("aws-cli/2.")) {
                return new Lookup.Broken(executable + " is not the AWS CLI v2: --version printed '" + version + "'");
            }
            return new Lookup.Found(executable, version);
        }
        catch (IOException e) {
            return new Lookup.Broken(executable + " --version cannot be run: " + e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Broken(executable + " --version was interrupted");
        }
        finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static void deleteQuietly(Path file)
    {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            }
            catch (IOException e) {
                // a temporary file
            }
        }
    }

    /** What a CLI command printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr)
    {
    }

    /** Runs {@code aws --endpoint-url <endpoint> <arguments>} with the stack's credentials. */
    public Result run(String... arguments)
            throws IOException
    {
        return runAs(TestStack.ACCESS_KEY, TestStack.SECRET_KEY, arguments);
    }

    /**
     * Starts {@code aws --endpoint-url <endpoint> <arguments>} with the stack's credentials and leaves it running (for
     * commands that do not end by themselves, such as {@code logs tail --follow}); the caller stops the process.
     */
    public Process start(Path stdout, Path stderr, String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add("--endpoint-url");
        command.add(stack.endpoint());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(stack.awsCliEnvironment());
        builder.environment().put("HOME", Files.createTempDirectory("aws-cli-home").toString());
        return builder.start();
    }

    /** Runs a command signed with other credentials. */
    public Result runAs(String accessKey, String secretKey, String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add("--endpoint-url");
        command.add(stack.endpoint());
        command.addAll(List.of(arguments));
        Path stdout = Files.createTempFile("aws-cli", ".out");
        Path stderr = Files.createTempFile("aws-cli", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(stack.awsCliEnvironment());
            builder.environment().put("AWS_ACCESS_KEY_ID", accessKey);
            builder.environment().put("AWS_SECRET_ACCESS_KEY", secretKey);
            builder.environment().put("HOME", Files.createTempDirectory("aws-cli-home").toString());
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("aws " + String.join(" ", arguments) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
