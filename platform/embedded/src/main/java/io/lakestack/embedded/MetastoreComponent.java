package io.lakestack.embedded;

import io.lakestack.backends.hive.ThriftMetastoreClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hive Metastore (standalone, Thrift) in a child JVM, with its catalog in an embedded Derby database under the
 * data directory. Table locations in {@code s3://} are checked through the lakestack endpoint.
 */
final class MetastoreComponent
        extends ChildComponent
{
    private final EngineArtifacts artifacts;
    private final JavaRuntimes.Runtime runtime;
    private final Path directory;
    private final Path log;
    private final int port;
    private final Map<String, String> settings;

    /**
     * @param s3Endpoint the lakestack endpoint, which the metastore's S3 file system signs requests for
     * @param warehouse where databases without a location keep their tables, e.g. {@code s3://lakestack-warehouse/}
     */
    MetastoreComponent(EngineArtifacts artifacts, JavaRuntimes.Runtime runtime, Path directory, Path log, Path temporaryDirectory, int port,
            String s3Endpoint, String accessKey, String secretKey, String region, String warehouse, StackListener listener)
    {
        super("metastore", temporaryDirectory, listener);
        this.artifacts = artifacts;
        this.runtime = runtime;
        this.directory = directory;
        this.log = log;
        this.port = port;
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + directory.resolve("metastore_db") + ";create=true");
        conf.put("javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver");
        // Thrift on loopback only: the metastore checks no caller (Hive 4 reads this key, or hive.metastore.thrift.bind.host)
        conf.put("metastore.thrift.bind.host", LOOPBACK);
        conf.put("metastore.warehouse.dir", warehouse);
        conf.put("metastore.warehouse.external.dir", warehouse);
        // keep tables as created: no conversion of managed tables to external ones, no ACID by default
        conf.put("metastore.metadata.transformer.class", " ");
        conf.put("metastore.create.as.acid", "false");
        conf.put("metastore.client.capability.check", "false");
        conf.put("hive.metastore.disallow.incompatible.col.type.changes", "false");
        conf.put("metastore.async.log.enabled", "false");
        conf.put("metastore.event.db.notification.api.auth", "false");
        conf.put("metastore.task.threads.always", "org.apache.hadoop.hive.metastore.events.EventCleanerTask");
        conf.put("metastore.stats.autogather", "false");
        conf.put("metastore.server.min.threads", "4");
        conf.put("fs.s3.impl", "io.lakestack.metastore.S3ObjectFileSystem");
        conf.put("fs.s3a.impl", "io.lakestack.metastore.S3ObjectFileSystem");
        conf.put("fs.s3n.impl", "io.lakestack.metastore.S3ObjectFileSystem");
        conf.put("fs.trash.interval", "0");
        conf.put("lakestack.s3.endpoint", s3Endpoint);
        conf.put("lakestack.s3.access-key", accessKey);
        conf.put("lakestack.s3.secret-key", secretKey);
        conf.put("lakestack.s3.region", region);
        this.settings = Map.copyOf(conf);
    }

    String uri()
    {
        return "thrift://" + LOOPBACK + ":" + port;
    }

    int port()
    {
        return port;
    }

    @Override
    String plannedAddress()
    {
        return uri();
    }

    @Override
    ChildProcess launch()
            throws IOException
    {
        Path conf = directory.resolve("conf");
        Files.createDirectories(conf);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!-- written by lakestack at each start -->\n<configuration>\n");
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> xml.append("  <property><name>").append(entry.getKey())
                .append("</name><value>").append(io.lakestack.endpoint.protocol.Xml.escape(entry.getValue())).append("</value></property>\n"));
        xml.append("</configuration>\n");
        Files.deleteIfExists(conf.resolve("metastore-site.jar"));
        Files.writeString(conf.resolve("metastore-site.xml"), xml);

        // the configuration is found through METASTORE_CONF_DIR, not the classpath: the classpath is then the same for
        // every data directory, and so is the engine's start-up archive
        List<String> classpath = new ArrayList<>(artifacts.metastoreClasspath());
        List<String> jvm = new ArrayList<>(JvmOptions.small("384m"));
        jvm.add(temporaryDirectoryOption());
        jvm.add("-Dderby.stream.error.file=" + log.resolveSibling("metastore-derby.log"));
        jvm.add("-Dlog4j2.configurationFile=metastore-log4j2.properties");
        jvm.add("-Dhive.log.dir=" + log.getParent());
        // its S3 client uses HttpURLConnection, which reuses kept-alive connections the object store may have closed
        jvm.add("-Dhttp.keepAlive=false");
        return ChildProcess.start(name(), runtime, classpath, jvm, "metastore", "io.lakestack.metastore.MetastoreMain",
                List.of(String.valueOf(port), directory.toString()), directory, Map.of("METASTORE_CONF_DIR", conf.toString()), log);
    }

    @Override
    boolean ready()
            throws Exception
    {
        try (ThriftMetastoreClient client = ThriftMetastoreClient.connect(LOOPBACK, port, Duration.ofSeconds(5))) {
            return client.api().getAllDatabases().contains("default");
        }
    }

    @Override
    Duration startTimeout()
    {
        return Duration.ofSeconds(120);
    }

    @Override
    String dataDirAdvice()
    {
        return ". If the data directory is damaged, start over with --fresh (this deletes the catalog)";
    }
}
