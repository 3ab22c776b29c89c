package io.lakestack.metastore;

import org.apache.commons.io.file.PathUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HiveMetaStore;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf;
import org.apache.hadoop.hive.metastore.tools.schematool.MetastoreSchemaTool;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Starts the Hive Metastore on a Derby database under the data directory, creating its schema on first start.
 *
 * <p>Arguments: {@code <thrift port> <metastore directory>}. The configuration is the {@code metastore-site.xml}
 * that the launcher writes into {@code <metastore directory>/conf}, which {@code METASTORE_CONF_DIR} names.
 * The schema is created once, with the metastore's own schema tool and scripts; the file
 * {@value #SCHEMA_MARKER} records that it completed, so that a first start that was interrupted half-way is
 * started over rather than left with a partial schema.
 */
public final class MetastoreMain
{
    static final String SCHEMA_MARKER = "schema-initialised";
    static final String DATABASE_DIRECTORY = "metastore_db";
    private static final List<String> SCHEMA_SCRIPTS = List.of("hive-schema-4.0.0.derby.sql", "upgrade.order.derby");

    private MetastoreMain() {}

    public static void main(String[] args)
            throws Throwable
    {
        if (args.length != 2) {
            System.err.println("usage: MetastoreMain <thrift port> <metastore directory>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path directory = Path.of(args[1]);
        Configuration conf = MetastoreConf.newMetastoreConf();
        ensureSchema(directory, conf);
        HiveMetaStore.main(new String[] {"-p", String.valueOf(port)});
    }

    private static void ensureSchema(Path directory, Configuration conf)
            throws Exception
    {
        Path marker = directory.resolve(SCHEMA_MARKER);
        if (Files.exists(marker)) {
            return;
        }
        Path database = directory.resolve(DATABASE_DIRECTORY);
        if (Files.exists(database)) {
            System.err.println("lakestack metastore: schema creation did not complete last time, starting it over in " + database);
            PathUtils.deleteDirectory(database);
        }
        Path home = directory.resolve("home");
        Path scripts = home.resolve("scripts/metastore/upgrade/derby");
        Files.createDirectories(scripts);
        for (String script : SCHEMA_SCRIPTS) {
            try (InputStream in = MetastoreMain.class.getResourceAsStream("/lakestack/metastore-scripts/" + script)) {
                if (in == null) {
                    throw new IllegalStateException("metastore schema script " + script + " is missing from the classpath; rebuild lakestack-metastore");
                }
                Files.copy(in, scripts.resolve(script), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        long start = System.nanoTime();
        int result = new MetastoreSchemaTool().run(home.toString(), new String[] {"-initSchema", "-dbType", "derby"}, null, conf);
        if (result != 0) {
            throw new IllegalStateException("metastore schema creation failed with exit code " + result + "; see the log above");
        }
        Files.writeString(marker, "schema created in " + (System.nanoTime() - start) / 1_000_000 + " ms\n");
    }

}
