package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaQueues;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.spi.sqs.Queues;
import io.lakestack.spi.testing.FixedInstances;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@link KafkaQueues} on the embedded stack's Kafka, each engine with a {@link KafkaRecordStores} of its own, as
 * separate lakestack processes have.
 */
@LakestackTest
@Order(50)
class KafkaQueuesContractIntegrationTest
        extends AbstractQueuesContractTest
{
    private final TestStack stack;
    private final Map<Queues, KafkaRecordStores> stores = new IdentityHashMap<>();

    KafkaQueuesContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected Queues start(Clock clock)
    {
        KafkaRecordStores recordStores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics());
        // an instance that sees no other come or go: move tasks run on the engine that started them
        KafkaQueues queues = new KafkaQueues(recordStores, stack.kafkaTopics(), stack.kafkaBootstrapServers(), "000000000000", clock,
                new FixedInstances(UUID.randomUUID().toString()));
        stores.put(queues, recordStores);
        return queues;
    }

    @Override
    protected void stop(Queues queues)
    {
        ((KafkaQueues) queues).close();
        KafkaRecordStores recordStores = stores.remove(queues);
        if (recordStores != null) {
            recordStores.close();
        }
    }
}
