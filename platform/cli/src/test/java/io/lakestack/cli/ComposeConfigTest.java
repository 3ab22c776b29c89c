package io.lakestack.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.lakestack.cli.ComposeFiles.ALL;
import static io.lakestack.cli.ComposeFiles.COMPOSE;
import static io.lakestack.cli.ComposeFiles.SCALE;
import static io.lakestack.cli.ComposeFiles.services;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose files as a real compose implementation reads them: {@code docker-compose config} (Debian's
 * docker-compose 1.29.2, or Docker's {@code docker compose} plugin) checks a file against the compose schema and
 * resolves it without a Docker engine; and the scale-out's HAProxy config as {@code haproxy -c} reads it. Each tool
 * is shown to refuse a broken copy. Where a tool is missing the test is skipped, except in CI ({@code CI} set), where
 * .ci/run installs both.
 */
class ComposeConfigTest
{
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path directory;

    private record Run(int exit, String output)
    {
    }

    private static Run run(List<String> command)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // the output is small (a file's services, or a few lines of errors): read to its end, then wait
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT_SECONDS + " s");
        }
        return new Run(process.exitValue(), output);
    }

    /** Whether the command runs and exits with 0 (a missing program is no). */
    private static boolean works(String... command)
    {
        try {
            return run(List.of(command)).exit() == 0;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The tool, or the test skipped where it is missing; in CI a missing tool fails the test. */
    private static List<String> required(Optional<List<String>> tool, String what)
    {
        String ci = System.getenv("CI");
        if (tool.isEmpty() && ci != null && !ci.isEmpty()) {
            throw new AssertionError("CI is set and there is no " + what + ": .ci/run installs it (Debian's package)");
        }
        Assumptions.assumeTrue(tool.isPresent(), "no " + what + " here (apt-get install it, as .ci/run does): skipped outside CI");
        return tool.orElseThrow();
    }

    private static List<String> compose()
    {
        Optional<List<String>> tool = Optional.empty();
        if (works("docker-compose", "version")) {
            tool = Optional.of(List.of("docker-compose"));
        }
        else if (works("docker", "compose", "version")) {
            tool = Optional.of(List.of("docker", "compose"));
        }
        return required(tool, "docker-compose (nor docker compose)");
    }

    /** {@code config} on a file, its relative paths taken from compose/ (where a copy may not be). */
    private static Run config(List<String> compose, Path file, String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("--project-directory", COMPOSE.toString(), "-f", file.toString(), "config"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    @Test
    void composeAcceptsEveryFileWithTheServicesTheTestsRead()
            throws Exception
    {
        List<String> compose = compose();
        for (String file : ALL) {
            Run quiet = config(compose, COMPOSE.resolve(file), "-q");
            assertThat(quiet.exit()).as("%s config -q: %s", file, quiet.output()).isZero();
            Run listed = config(compose, COMPOSE.resolve(file), "--services");
            assertThat(listed.exit()).as("%s config --services: %s", file, listed.output()).isZero();
            List<String> expected = new ArrayList<>();
            services(file).fieldNames().forEachRemaining(expected::add);
            assertThat(listed.output().lines().map(String::strip).filter(line -> !line.isEmpty()).toList()).as("services of %s", file)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void composeRefusesABrokenCopyOfTheScaleOut()
            throws Exception
    {
        List<String> compose = compose();
        String text = Files.readString(COMPOSE.resolve(SCALE), StandardCharsets.UTF_8);
        // a misspelt key, a start order on a service the file does not have, a number that is not one
        List<Broken> broken = List.of(
                new Broken("    image: haproxy:", "    imag: haproxy:", "imag"),
                new Broken("      lakestack-2:\n        condition: service_healthy\n    expose:\n      - \"4566\"\n      - \"8404\"",
                        "      lakestack-9:\n        condition: service_healthy\n    expose:\n      - \"4566\"\n      - \"8404\"", "lakestack-9"),
                new Broken("      retries: 30\n\n  jupyter:", "      retries: thirty\n\n  jupyter:", "retries"));
        for (Broken change : broken) {
            assertThat(text).as("the scale-out has %s", change.original()).containsOnlyOnce(change.original());
            Path copy = directory.resolve("broken-" + change.mentioned() + ".yml");
            Files.writeString(copy, text.replace(change.original(), change.replacement()), StandardCharsets.UTF_8);
            Run result = config(compose, copy, "-q");
            assertThat(result.exit()).as("config -q of a copy with %s", change.replacement()).isNotZero();
            assertThat(result.output()).as("what config says of %s", change.replacement()).contains(change.mentioned());
        }
    }

    private record Broken(String original, String replacement, String mentioned)
    {
    }

    @Test
    void haproxyAcceptsTheLoadBalancersConfigAndRefusesABrokenCopy()
            throws Exception
    {
        // Debian's package puts it in /usr/sbin, which a user's PATH may lack
        Optional<List<String>> found = Optional.empty();
        for (String executable : List.of("haproxy", "/usr/sbin/haproxy")) {
            if (found.isEmpty() && works(executable, "-v")) {
                found = Optional.of(List.of(executable));
            }
        }
        List<String> haproxy = required(found, "haproxy");
        Path config = COMPOSE.resolve("haproxy/haproxy.cfg");
        // the servers' names resolve only in the compose network: haproxy says so and starts them disabled, which -c accepts
        Run checked = run(List.of(haproxy.get(0), "-c", "-f", config.toString()));
        assertThat(checked.exit()).as("haproxy -c: %s", checked.output()).isZero();
        assertThat(checked.output()).contains("Configuration file is valid");

        String text = Files.readString(config, StandardCharsets.UTF_8);
        assertThat(text).containsOnlyOnce("    balance roundrobin\n");
        Path copy = directory.resolve("haproxy.cfg");
        Files.writeString(copy, text.replace("    balance roundrobin\n", "    balance round-robin\n"), StandardCharsets.UTF_8);
        Run broken = run(List.of(haproxy.get(0), "-c", "-f", copy.toString()));
        assertThat(broken.exit()).as("haproxy -c of a copy with 'balance round-robin': %s", broken.output()).isNotZero();
        assertThat(broken.output()).contains("haproxy.cfg:" + (text.substring(0, text.indexOf("    balance roundrobin\n")).lines().count() + 1), "balance");
    }
}
