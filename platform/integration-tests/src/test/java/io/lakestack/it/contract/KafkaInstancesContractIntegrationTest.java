package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaInstances;
import io.lakestack.backends.kafka.KafkaRecordStores;
import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

/**
 * {@link KafkaInstances} on the embedded stack's Kafka, each instance with a {@link KafkaRecordStores} of its own (as
 * separate processes have), its leases in a store of the test's group rather than the stack's. A silent stop is a
 * lease store that drops every write from then on: the instance runs on but its renewals never reach Kafka.
 */
@LakestackTest
@Order(50)
class KafkaInstancesContractIntegrationTest
        extends AbstractInstancesContractTest
{
    private final TestStack stack;
    private final Map<String, List<LocalMember>> groups = new ConcurrentHashMap<>();

    KafkaInstancesContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }


    @Override
    protected Member start(String group, Clock clock, long leaseMillis)
    {
        KafkaRecordStores stores = new KafkaRecordStores(stack.kafkaBootstrapServers(), stack.kafkaTopics());
        SilenceableLeaseStore leases = new SilenceableLeaseStore(stores.open(group, KafkaInstances.Lease.class));
        KafkaInstances instances = new KafkaInstances(leases, clock, leaseMillis).start();
        LocalMember member = new LocalMember(group, stores, leases, instances);
        groups.computeIfAbsent(group, ignored -> new CopyOnWriteArrayList<>()).add(member);
        return member;
    }

    private final class LocalMember
            implements Member
    {
        private final String group;
        private final KafkaRecordStores stores;
        private final SilenceableLeaseStore leases;
        private final KafkaInstances instances;
        private boolean closed;

        LocalMember(String group, KafkaRecordStores stores, SilenceableLeaseStore leases, KafkaInstances instances)
        {
            this.group = group;
            this.stores = stores;
            this.leases = leases;
            this.instances = instances;
        }

        @Override
        public Instances instances()
        {
            return instances;
        }

        @Override
        public void stopSilently()
        {
            Optional<KafkaInstances.Lease> last = leases.silence().get(instances.self());
            for (LocalMember other : groups.get(group)) {
                if (other != this && !other.closed) {
                    await().until(() -> other.leases.get(instances.self()).equals(last));
                }
            }
        }

        @Override
        public synchronized void close()
        {
            if (!closed) {
                closed = true;
                instances.close();
                stores.close();
            }
        }
    }

    /** A lease store that writes through until it is silenced, and drops every write after. */
    private static final class SilenceableLeaseStore
            implements RecordStore<KafkaInstances.Lease>
    {
        private final RecordStore<KafkaInstances.Lease> store;
        private boolean silenced;

        SilenceableLeaseStore(RecordStore<KafkaInstances.Lease> store)
        {
            this.store = requireNonNull(store, "store is null");
        }

        /** Drops every write from now on; returns the store as the last write left it. */
        synchronized RecordStore<KafkaInstances.Lease> silence()
        {
            silenced = true;
            return store;
        }

        @Override
        public Optional<KafkaInstances.Lease> get(String key)
        {
            return store.get(key);
        }

        @Override
        public synchronized void put(String key, KafkaInstances.Lease record)
        {
            if (!silenced) {
                store.put(key, record);
            }
        }

        @Override
        public synchronized void delete(String key)
        {
            if (!silenced) {
                store.delete(key);
            }
        }

        @Override
        public SortedMap<String, KafkaInstances.Lease> all()
        {
            return store.all();
        }

        @Override
        public void subscribe(Listener<KafkaInstances.Lease> listener)
        {
            store.subscribe(listener);
        }
    }
}
