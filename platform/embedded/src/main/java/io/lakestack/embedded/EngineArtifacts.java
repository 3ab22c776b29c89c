package io.lakestack.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where the build put the engines: the Trino server and Hive plugin archives and the S3 server jar (from
 * {@code lakestack-engines}), and the metastore's classpath (from {@code lakestack-metastore}). All are files in the
 * local Maven repository, the cache the build downloaded them into.
 */
public record EngineArtifacts(String trinoVersion, Path trinoServerArchive, Path trinoHiveArchive, Path objectStoreJar, List<String> metastoreClasspath)
{
    private static final String ENGINES = "META-INF/lakestack/engines.properties";
    private static final String METASTORE_CLASSPATH = "META-INF/lakestack/metastore.classpath";

    public EngineArtifacts
    {
        metastoreClasspath = List.copyOf(metastoreClasspath);
    }

    public static EngineArtifacts load()
    {
        Properties engines = new Properties();
        try (InputStream in = resource(ENGINES).openStream()) {
            engines.load(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        URL classpathFile = resource(METASTORE_CLASSPATH);
        List<String> metastore = new ArrayList<>();
        metastore.add(locationOf(classpathFile, METASTORE_CLASSPATH).toString());
        try (InputStream in = classpathFile.openStream()) {
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    metastore.add(entry.trim());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EngineArtifacts artifacts = new EngineArtifacts(
                engines.getProperty("trino.version"),
                Path.of(engines.getProperty("trino.server.archive")),
                Path.of(engines.getProperty("trino.hive.archive")),
                Path.of(engines.getProperty("s3mock.jar")),
                metastore);
        artifacts.check();
        return artifacts;
    }

    private void check()
    {
        for (Path path : List.of(trinoServerArchive, trinoHiveArchive, objectStoreJar)) {
            if (!Files.isRegularFile(path)) {
                throw new StackException("build", path + " is missing from the local Maven repository; run the build again "
                        + "(./lakestack builds what is missing, or: mvn -DskipTests install)");
            }
        }
        for (String entry : metastoreClasspath) {
            if (!Files.exists(Path.of(entry))) {
                throw new StackException("build", "the metastore classpath names " + entry + ", which does not exist; rebuild lakestack-metastore "
                        + "(mvn -DskipTests install)");
            }
        }
    }

    private static URL resource(String name)
    {
        URL url = EngineArtifacts.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new StackException("build", name + " is not on the classpath: lakestack-engines and lakestack-metastore must be built "
                    + "(mvn -DskipTests install)");
        }
        return url;
    }

    /** The jar or directory that holds a resource. */
    private static Path locationOf(URL url, String resourceName)
    {
        try {
            String text = url.toString();
            if (text.startsWith("jar:")) {
                return Path.of(new java.net.URI(text.substring(4, text.indexOf("!/"))));
            }
            Path file = Path.of(url.toURI());
            Path root = file;
            for (int i = 0; i < resourceName.split("/").length; i++) {
                root = root.getParent();
            }
            return root;
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + url, e);
        }
    }
}
