package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Which Python runtime the integration tests use: the one of the machine's {@code python3}, when the runner can run it. */
final class TestRuntimes
{
    private TestRuntimes()
    {
    }

    /** {@code python3.X} of the {@code python3} on the PATH; the tests are skipped, with the reason, when it cannot run. */
    static String python(ProcessFunctionRunner runner)
    {
        Optional<String> version = python3Version();
        Assumptions.assumeTrue(version.isPresent(), "no python3 on the PATH");
        String runtime = "python" + version.get();
        Assumptions.assumeTrue(runner.runtimes().contains(runtime), () -> "the machine's python3 is " + version.get() + ", which Lambda has no runtime for");
        Optional<String> unavailable = runner.unavailable(runtime);
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> runtime + " cannot run here: " + unavailable.orElseThrow());
        return runtime;
    }

    private static Optional<String> python3Version()
    {
        try {
            Process process = new ProcessBuilder("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(output);
        }
        catch (Exception e) {
            return Optional.empty();
        }
    }
}
