package io.lakestack.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Deployment packages of the functions the tests create, and the Python runtime they run on. */
final class LambdaPackages
{
    private LambdaPackages()
    {
    }

    /** The Lambda runtime of the {@code python3} on the PATH ({@code python3.11} for Python 3.11), which the function runner runs. */
    static String pythonRuntime()
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

    /** A package of one file, {@code name}, holding {@code text}. */
    static byte[] zip(String name, String text)
            throws IOException
    {
        return zip(Map.of(name, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A package of these files, by path inside it. */
    static byte[] zip(Map<String, byte[]> files)
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
