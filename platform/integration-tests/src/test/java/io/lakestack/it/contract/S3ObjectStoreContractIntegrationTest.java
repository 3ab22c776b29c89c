package io.lakestack.it.contract;

import io.lakestack.backends.objectstore.S3ObjectStore;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.net.URI;

/** {@link S3ObjectStore} on the embedded stack's S3 server, reached directly (not through the endpoint), as the services use it. */
@LakestackTest
@Order(50)
class S3ObjectStoreContractIntegrationTest
        extends AbstractObjectStoreContractTest
{
    private static final String BUCKET = "contract-objects";

    private final TestStack stack;

    S3ObjectStoreContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected ObjectStore createStore()
            throws Exception
    {
        S3ObjectStore store = new S3ObjectStore(URI.create(stack.stack().objectStoreUrl()), TestStack.ACCESS_KEY, TestStack.SECRET_KEY, TestStack.REGION);
        store.createBucket(BUCKET);
        return store;
    }

    @Override
    protected String bucket()
    {
        return BUCKET;
    }

    @Override
    protected boolean supportsCreatingBuckets()
    {
        return true;
    }
}
