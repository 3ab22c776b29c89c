package io.lakestack.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The Lambda runtime of the {@code python3} on the PATH ({@code python3.11} for Python 3.11), which the function runner runs. */
final class PythonRuntimes
{
    private PythonRuntimes()
    {
    }

    static String onPath()
            throws IOException
    {
        Process process = new ProcessBuilder("python3", "-c", "import sys; print('python%d.%d' % sys.version_info[:2])").redirectErrorStream(true).start();
        String runtime = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (process.waitFor() != 0 || !runtime.matches("python3\\.\\d+")) {
                throw new IOException("python3 on the PATH did not say its version: " + runtime);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking python3 its version", e);
        }
        return runtime;
    }
}
