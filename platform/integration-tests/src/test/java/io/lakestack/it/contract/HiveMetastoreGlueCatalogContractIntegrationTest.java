package io.lakestack.it.contract;

import io.lakestack.backends.hive.HiveMetastoreGlueCatalog;
import io.lakestack.backends.hive.ThriftMetastorePool;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;

/** {@link HiveMetastoreGlueCatalog} on the embedded stack's Hive Metastore, over Thrift, as the Glue service uses it. */
@LakestackTest
@Order(50)
class HiveMetastoreGlueCatalogContractIntegrationTest
        extends AbstractGlueCatalogContractTest
{
    private static final String BUCKET = "contract-glue";

    private final TestStack stack;
    private ThriftMetastorePool metastore;

    HiveMetastoreGlueCatalogContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected GlueCatalog createCatalog()
    {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(BUCKET));
        }
        metastore = new ThriftMetastorePool("127.0.0.1", stack.metastorePort(), Duration.ofSeconds(60), 4);
        return new HiveMetastoreGlueCatalog(metastore);
    }

    @Override
    protected void closeResources()
    {
        metastore.close();
    }

    @Override
    protected String bucket()
    {
        return BUCKET;
    }

    /** The metastore needs Hive types; lakestack checks them and writes them as the metastore would (HiveTypes). */
    @Override
    protected boolean checksColumnTypes()
    {
        return true;
    }

    /** The metastore's columns (Thrift FieldSchema) have a name, a type and a comment, and nowhere to keep parameters. */
    @Override
    protected boolean keepsColumnParameters()
    {
        return false;
    }

    /** The metastore keeps locations as Hadoop paths, which have no trailing '/'; lakestack refuses what S3 could not hold. */
    @Override
    protected boolean keepsLocationsAsGiven()
    {
        return false;
    }

    /** Hive readers take a partition's schema and SerDe from its own storage descriptor, so lakestack fills in the table's. */
    @Override
    protected boolean partitionsInheritTableStorage()
    {
        return true;
    }

    @Override
    protected boolean listsPartitionsInValueOrder()
    {
        return true;
    }
}
