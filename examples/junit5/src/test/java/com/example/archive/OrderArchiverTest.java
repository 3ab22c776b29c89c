package com.example.archive;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The archiver against lakestack's real Kinesis (on Kafka) and S3: no Trino is needed, so none is started. */
@LakestackTest(trino = false)
class OrderArchiverTest
{
    @Test
    void archivesEveryRecordOfTheStreamInShardOrder(TestStack lakestack)
    {
        try (KinesisClient kinesis = lakestack.client(KinesisClient.builder()); S3Client s3 = lakestack.s3()) {
            kinesis.createStream(request -> request.streamName("orders").shardCount(1));
            s3.createBucket(request -> request.bucket("order-archive"));
            for (String order : new String[] {"{\"id\":1,\"total\":12.5}", "{\"id\":2,\"total\":7}", "{\"id\":3,\"total\":30.25}"}) {
                kinesis.putRecord(request -> request.streamName("orders").partitionKey("customer-1").data(SdkBytes.fromUtf8String(order)));
            }

            int archived = new OrderArchiver(kinesis, s3).archive("orders", "order-archive");

            assertThat(archived).isEqualTo(3);
            String object = s3.getObjectAsBytes(request -> request.bucket("order-archive").key("archive/orders.jsonl"))
                    .asString(StandardCharsets.UTF_8);
            assertThat(object).isEqualTo("{\"id\":1,\"total\":12.5}\n{\"id\":2,\"total\":7}\n{\"id\":3,\"total\":30.25}\n");
        }
    }
}
