package io.lakestack.it.contract;

import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link RecordStores} and {@link RecordStore}: typed round trips, reading one's own writes, other
 * instances seeing every change in order, records of another shape skipped.
 *
 * <p>There is no AWS subclass: the record store is where lakestack keeps the state of the services it emulates
 * (stream definitions, crawler state, query history), which AWS keeps inside each service; no AWS API offers it.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRecordStoresContractTest
{
    enum Tier
    {
        FREE, PAID
    }

    record Address(String city, Optional<String> postcode)
    {
    }

    record Customer(String name, int age, long balanceCents, double score, boolean active, Tier tier, Optional<String> nickname,
            Optional<Address> address, List<String> tags, Map<String, Integer> counts, List<Address> previousAddresses, Map<String, Address> byLabel)
    {
    }

    /** A record whose field {@code name} cannot hold a {@link Customer}'s name. */
    record Labelled(Tier name)
    {
    }

    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * A new, independent instance of the stores, as another lakestack process on the same engines would open: its
     * own connections, its own copy of what it read. Each call gives another.
     */
    protected abstract RecordStores newInstance();

    @AfterAll
    final void closeInstances()
            throws Exception
    {
        for (AutoCloseable instance : opened) {
            instance.close();
        }
    }

    private RecordStores instance()
    {
        RecordStores stores = newInstance();
        if (stores instanceof AutoCloseable closeable) {
            opened.add(closeable);
        }
        return stores;
    }

    private static String storeName()
    {
        return "contract.records-" + UUID.randomUUID().toString().replace("-", "");
    }

    private static Customer ada()
    {
        return new Customer("ada", 36, 12_345_678_901L, 0.25, true, Tier.PAID, Optional.of("countess"),
                Optional.of(new Address("London", Optional.of("W1"))), List.of("math", "engines"), Map.of("orders", 3, "returns", 0),
                List.of(new Address("Marylebone", Optional.empty()), new Address("Ockham", Optional.of("GU23"))),
                Map.of("home", new Address("London", Optional.of("W1")), "work", new Address("Cambridge", Optional.empty())));
    }

    private static Customer alan()
    {
        return new Customer("alan", 41, -5, -1.5e-3, false, Tier.FREE, Optional.empty(), Optional.empty(), List.of(), Map.of(), List.of(), Map.of());
    }

    @Test
    void recordsRoundTripWithEveryKindOfField()
    {
        String name = storeName();
        RecordStore<Customer> store = instance().open(name, Customer.class);
        store.put("ada", ada());
        store.put("alan", alan());

        assertThat(store.get("ada")).contains(ada());
        assertThat(store.get("alan")).contains(alan());
        assertThat(store.get("grace")).isEmpty();
        assertThat(store.all()).containsExactly(Map.entry("ada", ada()), Map.entry("alan", alan()));

        // and as another instance reads them from the store
        RecordStore<Customer> other = instance().open(name, Customer.class);
        assertThat(other.all()).containsExactly(Map.entry("ada", ada()), Map.entry("alan", alan()));
    }

    @Test
    void aWriterReadsItsOwnWritesAtOnceAndItsListenerHearsThemBeforeTheCallReturns()
    {
        String name = storeName();
        RecordStore<Customer> store = instance().open(name, Customer.class);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        store.subscribe((key, record) -> heard.add(key + "=" + record.map(Customer::age).map(String::valueOf).orElse("deleted")));

        store.put("ada", ada());
        assertThat(store.get("ada")).contains(ada());
        assertThat(heard).containsExactly("ada=36");

        Customer older = new Customer("ada", 37, 0, 0, true, Tier.PAID, Optional.empty(), Optional.empty(), List.of(), Map.of(), List.of(), Map.of());
        store.put("ada", older);
        assertThat(store.get("ada")).contains(older);
        assertThat(heard).containsExactly("ada=36", "ada=37");

        store.delete("ada");
        assertThat(store.get("ada")).isEmpty();
        assertThat(store.all()).isEmpty();
        assertThat(heard).containsExactly("ada=36", "ada=37", "ada=deleted");

        // deleting a key that is not there does nothing
        store.delete("nobody");
        assertThat(store.all()).isEmpty();
        assertThat(heard).containsExactly("ada=36", "ada=37", "ada=deleted");
    }

    @Test
    void changesSentWithoutWaitingAreDurableInOrderOnceALaterPutReturns()
    {
        String name = storeName();
        RecordStore<Customer> store = instance().open(name, Customer.class);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        store.subscribe((key, record) -> heard.add(key + "=" + record.map(Customer::age).map(String::valueOf).orElse("deleted")));

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Customer customer = new Customer("c" + i, i, 0, 0, true, Tier.FREE, Optional.empty(), Optional.empty(), List.of(), Map.of(), List.of(), Map.of());
            sent.add(store.putAsync(String.format("c%02d", i), customer));
        }
        store.put("last", alan());

        // the put that returned came after them: every one of them is done, stored, read back and heard in order
        assertThat(sent).allMatch(future -> future.isDone() && !future.isCompletedExceptionally());
        assertThat(store.all()).hasSize(51);
        assertThat(store.get("c49").map(Customer::age)).contains(49);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(String.format("c%02d=%d", i, i));
        }
        expected.add("last=41");
        assertThat(heard).containsExactlyElementsOf(expected);

        // and another instance reads them from the store
        assertThat(instance().open(name, Customer.class).all()).hasSize(51);
    }

    @Test
    void anotherInstanceSeesEveryChangeAndItsListenerHearsThemInOrder()
    {
        String name = storeName();
        RecordStore<Customer> writer = instance().open(name, Customer.class);
        RecordStore<Customer> reader = instance().open(name, Customer.class);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        reader.subscribe((key, record) -> heard.add(key + "=" + record.map(Customer::name).orElse("deleted")));

        writer.put("a", ada());
        writer.put("b", alan());
        writer.put("a", alan());
        writer.delete("b");
        writer.put("c", ada());

        await().untilAsserted(() -> assertThat(heard).hasSize(5));
        assertThat(heard).containsExactly("a=ada", "b=alan", "a=alan", "b=deleted", "c=ada");
        assertThat(reader.all()).containsExactly(Map.entry("a", alan()), Map.entry("c", ada()));
        assertThat(reader.get("b")).isEmpty();
    }

    @Test
    void anInstanceThatCatchesUpReadsEveryChangeMadeBeforeWithoutWaiting()
    {
        String name = storeName();
        RecordStore<Customer> writer = instance().open(name, Customer.class);
        RecordStore<Customer> reader = instance().open(name, Customer.class);

        // getLatest finds a record another instance has just written: no await, the read goes up to the store's end
        writer.put("first", ada());
        assertThat(reader.getLatest("first")).contains(ada());
        assertThat(reader.getLatest("never written")).isEmpty();

        for (int i = 0; i < 100; i++) {
            writer.put("key-" + i, alan());
        }
        writer.delete("first");
        reader.catchUp();
        assertThat(reader.all()).hasSize(100).containsOnlyKeys(writer.all().keySet());
        assertThat(reader.get("key-99")).contains(alan());
        assertThat(reader.get("first")).isEmpty();
    }

    @Test
    void readersCatchingUpAtOnceEachReadWhatWasWrittenBeforeTheyAsked()
    {
        String name = storeName();
        RecordStore<Customer> writer = instance().open(name, Customer.class);
        RecordStore<Customer> reader = instance().open(name, Customer.class);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            // 16 at a time: each written by one instance, then asked of the other, which shares requests for the store's end
            List<CompletableFuture<Optional<Customer>>> reads = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String key = "key-" + i;
                reads.add(CompletableFuture.supplyAsync(() -> {
                    writer.put(key, ada());
                    return reader.getLatest(key);
                }, threads));
            }
            assertThat(reads.stream().map(CompletableFuture::join).toList()).hasSize(64).containsOnly(Optional.of(ada()));
        }
        finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aStoreOpensOneTypeUnderOneName()
    {
        RecordStores stores = instance();
        String name = storeName();
        RecordStore<Customer> store = stores.open(name, Customer.class);
        assertThat(stores.open(name, Customer.class)).isSameAs(store);
        assertThatThrownBy(() -> stores.open(name, Labelled.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
    }

    @Test
    void aRecordOfAnotherShapeIsSkippedWithoutFailingTheStore()
    {
        String name = storeName();
        RecordStore<Customer> customers = instance().open(name, Customer.class);
        customers.put("x", ada());

        // another lakestack version reads the same store as another type: "ada" is no Tier
        RecordStore<Labelled> labels = instance().open(name, Labelled.class);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        labels.subscribe((key, record) -> heard.add(key + "=" + record.map(Labelled::name).map(Tier::name).orElse("deleted")));
        assertThat(labels.get("x")).isEmpty();
        assertThat(labels.all()).isEmpty();

        labels.put("y", new Labelled(Tier.PAID));
        customers.put("z", alan());
        // written after z was: once it is read back, z has been read (and skipped) too
        labels.put("w", new Labelled(Tier.FREE));

        assertThat(labels.get("z")).isEmpty();
        assertThat(labels.all()).containsExactly(Map.entry("w", new Labelled(Tier.FREE)), Map.entry("y", new Labelled(Tier.PAID)));
        assertThat(heard).containsExactly("y=PAID", "w=FREE");
        assertThat(customers.get("x")).contains(ada());
        assertThat(customers.get("z")).contains(alan());
    }

    @Test
    void aRangeIsTheRecordsOfItsKeysInOrder()
    {
        RecordStore<Customer> store = instance().open(storeName(), Customer.class);
        for (String key : List.of("a", "b#2", "b#1", "b", "c", "b$")) {
            store.put(key, alan());
        }

        assertThat(store.range("b#", "b$").keySet()).containsExactly("b#1", "b#2");
        assertThat(store.range("a", "c").keySet()).containsExactly("a", "b", "b#1", "b#2", "b$");
        assertThat(store.range("d", "e")).isEmpty();
    }
}
