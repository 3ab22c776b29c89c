package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.spi.store.RecordStores;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;

import java.time.Duration;
import java.util.Map;

/** {@link KafkaRecordStores} on the embedded stack's Kafka: each instance a {@link KafkaRecordStores} of its own. */
@LakestackTest
@Order(50)
class KafkaRecordStoresContractIntegrationTest
        extends AbstractRecordStoresContractTest
{
    private final TestStack stack;
    private final Admin admin;

    KafkaRecordStoresContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
    }

    @Override
    protected RecordStores newInstance()
    {
        return new KafkaRecordStores(stack.kafkaBootstrapServers(), new KafkaTopics(admin, Duration.ofSeconds(30)));
    }

    @AfterAll
    void closeAdmin()
    {
        admin.close();
    }
}
