package io.lakestack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The AWS CLI v2, run against the stack's endpoint. Found as {@code $LAKESTACK_AWS_CLI}, {@code /usr/bin/aws} (the
 * Debian package {@code awscli}, which {@code .ci/run} installs) or {@code aws} on the PATH, if it is version 2.
 */
public final class AwsCli
{
    private final Path executable;
    private final TestStack stack;

    private AwsCli(Path executable, TestStack stack)
    {
        this.executable = executable;
        this.stack = stack;
    }

    /** The CLI, or empty when no AWS CLI v2 is installed. */
    public static Optional<AwsCli> find(TestStack stack)
    {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("LAKESTACK_AWS_CLI")).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of("/usr/bin/aws"));
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            candidates.add(Path.of(directory, "aws"));
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                AwsCli cli = new AwsCli(candidate, stack);
                try {
                    if (cli.run("--version").stdout().startsWith("aws-cli/2.")) {
                        return Optional.of(cli);
                    }
                }
                catch (IOException | RuntimeException e) {
                    // not a working CLI
                }
            }
        }
        return Optional.empty();
    }

    /** The CLI; a test that calls this is skipped (not failed) where no AWS CLI v2 is installed. */
    public static AwsCli required(TestStack stack)
    {
        Optional<AwsCli> cli = find(stack);
        org.junit.jupiter.api.Assumptions.assumeTrue(cli.isPresent(), "AWS CLI v2 is not installed (Debian: apt install awscli; .ci/run installs it)");
        return cli.get();
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

    /** Runs a command signed with other credentials. */
    public Result runAs(String accessKey, String secretKey, String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        if (!(arguments.length == 1 && arguments[0].equals("--version"))) {
            command.add("--endpoint-url");
            command.add(stack.endpoint());
        }
        command.addAll(List.of(arguments));
        Path stdout = Files.createTempFile("aws-cli", ".out");
        Path stderr = Files.createTempFile("aws-cli", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
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
