package io.lakestack.it.contract;

import io.lakestack.backends.objectstore.S3ObjectStore;
import io.lakestack.spi.s3.ObjectStore;
import org.junit.jupiter.api.AfterAll;

import java.net.URI;

/**
 * The same {@link S3ObjectStore} against S3 itself, in the scratch bucket {@code LAKESTACK_AWS_TEST_BUCKET} (unversioned);
 * skipped unless {@code LAKESTACK_AWS_TESTS=1}, {@code AWS_REGION}, credentials and the bucket are there. The objects
 * it wrote are deleted afterwards.
 */
class AwsObjectStoreContractIntegrationTest
        extends AbstractObjectStoreContractTest
{
    private AwsContractSettings aws;

    @Override
    protected ObjectStore createStore()
    {
        aws = AwsContractSettings.require(AwsContractSettings.BUCKET);
        return new S3ObjectStore(URI.create("https://s3." + aws.region().id() + ".amazonaws.com"), aws.credentials(), aws.region().id());
    }

    @Override
    protected String bucket()
    {
        return aws.bucket();
    }

    /**
     * Bucket names are global and creating one needs rights a test account need not grant, so the suite works in
     * its scratch bucket only (and {@link S3ObjectStore#createBucket} sends no location constraint, which S3 wants
     * outside us-east-1).
     */
    @Override
    protected boolean supportsCreatingBuckets()
    {
        return false;
    }

    @AfterAll
    void deleteObjects()
    {
        if (aws != null) {
            aws.deleteObjects(prefix());
        }
    }
}
