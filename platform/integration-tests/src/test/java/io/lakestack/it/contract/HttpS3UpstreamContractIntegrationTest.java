package io.lakestack.it.contract;

import io.lakestack.backends.objectstore.HttpS3Upstream;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.net.URI;

/** {@link HttpS3Upstream} forwarding to the embedded stack's S3 server, as the S3 endpoint does. */
@LakestackTest
@Order(50)
class HttpS3UpstreamContractIntegrationTest
        extends AbstractS3UpstreamContractTest
{
    private final TestStack stack;

    HttpS3UpstreamContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected S3Upstream createUpstream(URI server)
    {
        return new HttpS3Upstream(server);
    }

    @Override
    protected URI s3Server()
    {
        return URI.create(stack.stack().objectStoreUrl());
    }
}
