package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaLogStore;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.spi.logs.LogStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.time.Clock;

/**
 * {@link KafkaLogStore} on the embedded stack's Kafka. Its definitions live in the stores the endpoint uses too
 * (their names are fixed); the suite's groups have names of their own and are deleted at the end. The same suite runs
 * on CloudWatch Logs in {@link AwsLogStoreContractIntegrationTest}.
 */
@LakestackTest
@Order(51)
class KafkaLogStoreContractIntegrationTest
        extends AbstractLogStoreContractTest
{
    private final TestStack stack;
    private KafkaRecordStores stores;
    private KafkaLogStore logs;

    KafkaLogStoreContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected LogStore createStore()
    {
        KafkaTopics topics = stack.kafkaTopics();
        stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), topics);
        logs = new KafkaLogStore(stores, topics, stack.kafkaBootstrapServers(), Clock.systemUTC());
        return logs;
    }

    @Override
    protected void closeResources()
    {
        if (logs != null) {
            logs.close();
        }
        if (stores != null) {
            stores.close();
        }
    }
}
