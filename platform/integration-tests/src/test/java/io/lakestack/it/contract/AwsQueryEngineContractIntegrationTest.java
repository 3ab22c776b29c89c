package io.lakestack.it.contract;

import io.lakestack.spi.athena.QueryEngine;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;
import java.util.UUID;

/**
 * {@link QueryEngine} on Amazon Athena (engine v3, the work group {@code primary}), through {@link AthenaQueryEngine};
 * skipped unless {@code LAKESTACK_AWS_TESTS=1}, {@code AWS_REGION}, credentials and {@code LAKESTACK_AWS_TEST_BUCKET}
 * (for the results, deleted afterwards) are there. The queries scan no data.
 */
class AwsQueryEngineContractIntegrationTest
        extends AbstractQueryEngineContractTest
{
    private final String prefix = "contract/athena/" + UUID.randomUUID() + "/";
    private AwsContractSettings aws;

    @Override
    protected QueryEngine createEngine()
    {
        aws = AwsContractSettings.require(AwsContractSettings.BUCKET);
        return new AthenaQueryEngine(aws.client(AthenaClient.builder()), "s3://" + aws.bucket() + "/" + prefix);
    }

    /** Athena's result metadata names a column's type without its parameters (and gives a decimal's precision apart). */
    @Override
    protected boolean reportsTypeParameters()
    {
        return false;
    }

    @AfterAll
    void deleteResults()
    {
        if (aws == null) {
            return;
        }
        try (S3Client s3 = aws.client(S3Client.builder())) {
            s3.listObjectsV2Paginator(request -> request.bucket(aws.bucket()).prefix(prefix)).forEach(page -> {
                List<ObjectIdentifier> keys = page.contents().stream().map(S3Object::key).map(key -> ObjectIdentifier.builder().key(key).build()).toList();
                if (!keys.isEmpty()) {
                    s3.deleteObjects(request -> request.bucket(aws.bucket()).delete(delete -> delete.objects(keys).quiet(true)));
                }
            });
        }
    }
}
