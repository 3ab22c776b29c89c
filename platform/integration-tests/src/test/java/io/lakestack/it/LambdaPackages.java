package io.lakestack.it;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Deployment packages of the functions the tests create, the Python runtime they run on, and their creation. */
final class LambdaPackages
{
    /** The execution role of the tests' functions. */
    private static final String ROLE = "arn:aws:iam::000000000000:role/it-role";

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

    /**
     * Creates a Python function whose package is one file, {@code index.py} holding {@code source} (handler
     * {@code index.handler}), with these environment variables, and waits until it is Active.
     */
    static void createPythonFunction(LambdaClient lambda, String name, String source, int timeoutSeconds, Map<String, String> variables)
            throws IOException
    {
        SdkBytes code = SdkBytes.fromByteArray(zip("index.py", source));
        String runtime = pythonRuntime();
        lambda.createFunction(request -> request.functionName(name).runtime(runtime).handler("index.handler").role(ROLE).timeout(timeoutSeconds)
                .environment(environment -> environment.variables(variables))
                .code(function -> function.zipFile(code)));
        lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName(name));
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
