package io.lakestack.it.contract;

import io.lakestack.spi.glue.GlueCatalog;
import software.amazon.awssdk.services.glue.GlueClient;

/**
 * {@link GlueCatalog} on the AWS Glue Data Catalog, through {@link AwsGlueCatalog}; skipped unless
 * {@code LAKESTACK_AWS_TESTS=1}, {@code AWS_REGION}, credentials and {@code LAKESTACK_AWS_TEST_BUCKET} are there. It
 * creates databases named {@code contract_<run>_<n>} (locations in the scratch bucket, which Glue does not read) and
 * deletes them.
 */
class AwsGlueCatalogContractIntegrationTest
        extends AbstractGlueCatalogContractTest
{
    private AwsContractSettings aws;

    @Override
    protected GlueCatalog createCatalog()
    {
        aws = AwsContractSettings.require(AwsContractSettings.BUCKET);
        return new AwsGlueCatalog(aws.client(GlueClient.builder()));
    }

    @Override
    protected String bucket()
    {
        return aws.bucket();
    }

    /** Glue keeps a column's type as any string given; readers (Athena, Spark) find out when they read it. */
    @Override
    protected boolean checksColumnTypes()
    {
        return false;
    }

    @Override
    protected boolean keepsColumnParameters()
    {
        return true;
    }

    @Override
    protected boolean keepsLocationsAsGiven()
    {
        return true;
    }

    @Override
    protected boolean partitionsInheritTableStorage()
    {
        return false;
    }

    /** GetPartitions documents no order. */
    @Override
    protected boolean listsPartitionsInValueOrder()
    {
        return false;
    }
}
