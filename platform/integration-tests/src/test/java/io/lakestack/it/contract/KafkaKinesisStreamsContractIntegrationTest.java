package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaKinesisStreams;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.spi.kinesis.KinesisStreams;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link KafkaKinesisStreams} on the embedded stack's Kafka, with its definitions in a store of its own (the stack's
 * endpoint does not see these streams). Records expire by Kafka deleting the start of a partition, which is what
 * {@link #trim} does at once.
 */
@LakestackTest
@Order(50)
class KafkaKinesisStreamsContractIntegrationTest
        extends AbstractKinesisStreamsContractTest
{
    private final TestStack stack;
    private KafkaRecordStores stores;

    KafkaKinesisStreamsContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected KinesisStreams createStreams()
    {
        KafkaTopics topics = stack.kafkaTopics();
        stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), topics);
        return new KafkaKinesisStreams(stores.open("contract.kinesis-" + UUID.randomUUID().toString().replace("-", ""), KinesisStreams.Stream.class),
                topics, stack.kafkaBootstrapServers(), "000000000000", Clock.systemUTC());
    }

    @Override
    protected String region()
    {
        return TestStack.REGION;
    }

    @Override
    protected boolean supportsRecords()
    {
        return true;
    }

    @Override
    protected void trim(KinesisStreams.Stream stream, int shard, long position)
            throws Exception
    {
        stack.kafkaAdmin().deleteRecords(Map.of(new TopicPartition(KafkaKinesisStreams.topic(stream.name()), shard), RecordsToDelete.beforeOffset(position)))
                .all().get(30, TimeUnit.SECONDS);
    }

    @Override
    protected void closeResources()
    {
        stores.close();
    }
}
