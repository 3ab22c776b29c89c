package io.lakestack.connectors.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.lakestack.connectors.lambda.handlers.KinesisRecordsHandler;
import io.lakestack.spi.lambda.FunctionVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Deployment packages built at test time, as a function's author builds them: the compiled test handlers at the root
 * with {@code aws-lambda-java-core}, {@code aws-lambda-java-events} and its joda-time in {@code lib/} for Java; a folder of
 * {@code src/test/resources/python} for Python. Each is put into the object store and described by a
 * {@link FunctionVersion}.
 */
final class DeploymentPackages
{
    static final String BUCKET = "lambda-code";
    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "000000000000";

    private DeploymentPackages()
    {
    }

    /** The handler classes of {@code io.lakestack.connectors.lambda.handlers}, with the handler libraries in lib/. */
    static byte[] javaHandlers()
    {
        Path classes = location(KinesisRecordsHandler.class);
        Path handlers = classes.resolve("io/lakestack/connectors/lambda/handlers");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(handlers)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                add(zip, classes.relativize(file).toString(), Files.readAllBytes(file));
            }
            // what the events library needs at run time comes along, as Maven's shade or assembly plugins would bring it
            for (Class<?> library : List.of(RequestHandler.class, KinesisEvent.class, Class.forName("org.joda.time.DateTime"))) {
                Path jar = location(library);
                add(zip, "lib/" + jar.getFileName(), Files.readAllBytes(jar));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (ClassNotFoundException e) {
            throw new IllegalStateException("joda-time, a dependency of aws-lambda-java-events, is not on the test classpath", e);
        }
        return bytes.toByteArray();
    }

    /** The files of {@code src/test/resources/python/<folder>} at the package's root. */
    static byte[] python(String folder)
    {
        Path root;
        try {
            root = Path.of(DeploymentPackages.class.getResource("/python/" + folder).toURI());
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                add(zip, root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A function version whose package is put into the store under its own hash. */
    static FunctionVersion function(InMemoryObjectStore store, String name, String runtime, String handler, byte[] zip, int memoryMb, int timeoutSeconds,
            Map<String, String> environment)
    {
        String sha = sha256(zip);
        String key = name + "/" + Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getDecoder().decode(sha)) + ".zip";
        store.createBucket(BUCKET);
        store.put(BUCKET, key, zip);
        return new FunctionVersion(name, FunctionVersion.LATEST, arn(name) + ":" + FunctionVersion.LATEST, runtime, handler, memoryMb, timeoutSeconds,
                environment, sha, zip.length, BUCKET, key, "revision-1");
    }

    static String arn(String name)
    {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    static String sha256(byte[] bytes)
    {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(ZipOutputStream zip, String name, byte[] content)
            throws IOException
    {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static Path location(Class<?> type)
    {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
