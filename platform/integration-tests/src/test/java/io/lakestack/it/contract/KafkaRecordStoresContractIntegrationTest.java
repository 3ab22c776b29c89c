package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.spi.store.RecordStores;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;


/** {@link KafkaRecordStores} on the embedded stack's Kafka: each instance a {@link KafkaRecordStores} of its own. */
@LakestackTest
@Order(50)
class KafkaRecordStoresContractIntegrationTest
        extends AbstractRecordStoresContractTest
{
    private final TestStack stack;

    KafkaRecordStoresContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected RecordStores newInstance()
    {
        return new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics());
    }

}
