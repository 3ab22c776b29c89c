package io.lakestack.services.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.services.athena.QueryExecution.State;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.spi.testing.FixedInstances;
import io.lakestack.spi.testing.ManualClock;
import io.lakestack.spi.glue.BatchError;
import io.lakestack.spi.glue.CatalogDatabase;
import io.lakestack.spi.glue.CatalogPartition;
import io.lakestack.spi.glue.CatalogTable;
import io.lakestack.spi.glue.Column;
import io.lakestack.spi.glue.GlueCatalog;
import io.lakestack.spi.glue.Page;
import io.lakestack.spi.glue.SerDeInfo;
import io.lakestack.spi.glue.StorageDescriptor;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.testing.RecordingEventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every query ends: an Error ends it FAILED, and a stop ends running DDL CANCELLED between its steps. */
class QueryExecutionsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final QueryEngine.Outcome ONE_ROW = new QueryEngine.Outcome(0, 1, 0, 0, Optional.empty(), Optional.empty());

    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final MemoryObjectStore objects = new MemoryObjectStore();
    private final GatedCatalog catalog = new GatedCatalog();
    private final RecordingEventSink sink = new RecordingEventSink();
    private final List<String> published = sink.published();
    private Clock clock = Clock.systemUTC();
    private QueryExecutions executions;
    @TempDir
    Path temporary;

    @AfterEach
    void close()
    {
        catalog.release.countDown();
        if (executions != null) {
            executions.close();
        }
    }

    @Test
    void aStackOverflowInTheEngineEndsTheQueryFailedAndThePoolRunsTheNextQuery()
    {
        executions = executions((query, sink, cancelled) -> {
            if (query.sql().contains("deep")) {
                throw new StackOverflowError();
            }
            sink.columns(List.of(new QueryEngine.Column("answer", "integer")));
            sink.row(List.of("42"));
            return ONE_ROW;
        }, 1);

        QueryExecution deep = awaitEnd(executions.start(request("SELECT 'deep'")));
        assertThat(deep.state()).isEqualTo(State.FAILED);
        assertThat(deep.stateChangeReason()).contains("INTERNAL_ERROR: the query is nested too deeply for lakestack to process it "
                + "(java.lang.StackOverflowError)");
        assertThat(deep.failure()).as("not retryable").contains(new QueryExecution.Failure(true));

        QueryExecution next = awaitEnd(executions.start(request("SELECT 42")));
        assertThat(next.state()).as("the one pool thread runs on after the error").isEqualTo(State.SUCCEEDED);
    }

    @Test
    void anyOtherErrorEndsTheQueryFailedWithIt()
    {
        executions = executions((query, sink, cancelled) -> {
            throw new OutOfMemoryError("Java heap space");
        }, 1);

        QueryExecution failed = awaitEnd(executions.start(request("SELECT 1")));

        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.stateChangeReason()).contains("INTERNAL_ERROR: java.lang.OutOfMemoryError: Java heap space");
        assertThat(failed.failure()).contains(new QueryExecution.Failure(false));
    }

    @Test
    void aTwentyThousandLevelTypeEndsTheDdlFailedWithTheNestingLimit()
    {
        executions = executions(QueryExecutionsTest::noEngine, 1);
        String type = "array<".repeat(20_000) + "int" + ">".repeat(20_000);

        QueryExecution failed = awaitEnd(executions.start(request("CREATE EXTERNAL TABLE t (c " + type + ") LOCATION 's3://b/p/'")));

        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.stateChangeReason()).contains("FAILED: ParseException line 1:28: column c: invalid type '" + "array<".repeat(16)
                + "arra... (140003 characters)' at position 605: arrays, maps, structs and uniontypes nest more than 100 levels deep; lakestack accepts at "
                + "most 100 levels");
    }

    @Test
    void stopEndsRunningDdlBeforeItsNextStep()
            throws Exception
    {
        executions = executions(QueryExecutionsTest::noEngine, 1);
        String id = executions.start(request("SHOW PARTITIONS sales.events"));
        assertThat(catalog.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the first page of partitions is being read").isTrue();
        assertThat(executions.get(id).state()).isEqualTo(State.RUNNING);

        executions.stop(id);
        assertThat(executions.get(id).state()).as("a stop only asks; the statement notices it between its steps").isEqualTo(State.RUNNING);
        catalog.release.countDown();

        QueryExecution stopped = awaitEnd(id);
        assertThat(stopped.state()).isEqualTo(State.CANCELLED);
        assertThat(stopped.stateChangeReason()).contains("Query cancelled by user");
        assertThat(catalog.pagesRead.get()).as("the second page is never read").isEqualTo(1);
    }

    @Test
    void aQueryPutsAnEventForEachStateItEnters()
            throws Exception
    {
        clock = new ManualClock(1_790_000_000_000L);
        executions = executions((query, sink, cancelled) -> {
            sink.columns(List.of(new QueryEngine.Column("answer", "integer")));
            sink.row(List.of("42"));
            return ONE_ROW;
        }, 1);

        String id = executions.start(request("SELECT 42"));
        assertThat(awaitEnd(id).state()).isEqualTo(State.SUCCEEDED);

        assertThat(events(id)).containsExactly(
                event("""
                        {"versionId": "0", "currentState": "QUEUED", "statementType": "DML", "queryExecutionId": "%s", "workgroupName": "primary",
                         "sequenceNumber": "1"}""".formatted(id)),
                event("""
                        {"versionId": "0", "currentState": "RUNNING", "previousState": "QUEUED", "statementType": "DML", "queryExecutionId": "%s",
                         "workgroupName": "primary", "sequenceNumber": "2"}""".formatted(id)),
                event("""
                        {"versionId": "0", "currentState": "SUCCEEDED", "previousState": "RUNNING", "statementType": "DML", "queryExecutionId": "%s",
                         "workgroupName": "primary", "sequenceNumber": "3"}""".formatted(id)));
    }

    @Test
    void aFailedQuerysEventCarriesItsAthenaError()
            throws Exception
    {
        clock = new ManualClock(1_790_000_000_000L);
        executions = executions(QueryExecutionsTest::noEngine, 1);

        String id = executions.start(new QueryExecutions.Request("SELECT 1", "primary", Optional.empty(), Optional.of("other"), "s3://results/athena/",
                List.of(), Optional.empty(), Optional.empty()));
        assertThat(awaitEnd(id).state()).isEqualTo(State.FAILED);

        assertThat(events(id)).hasSize(3).last().isEqualTo(event("""
                {"athenaError": {"errorCategory": 2.0, "errorType": 1301.0, "errorMessage": "CATALOG_NOT_FOUND: line 1:1: Catalog 'other' does not exist; \
                lakestack's Athena has the AwsDataCatalog catalog only", "retryable": false},
                 "versionId": "0", "currentState": "FAILED", "previousState": "RUNNING", "statementType": "DML", "queryExecutionId": "%s",
                 "workgroupName": "primary", "sequenceNumber": "3"}""".formatted(id)));
    }

    @Test
    void aQueryStoppedWhileQueuedPutsItsCancelledEventAfterQueued()
            throws Exception
    {
        clock = new ManualClock(1_790_000_000_000L);
        executions = executions(QueryExecutionsTest::noEngine, 1);
        String blocking = executions.start(request("SHOW PARTITIONS sales.events"));
        assertThat(catalog.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String queued = executions.start(request("SELECT 1"));

        executions.stop(queued);
        catalog.release.countDown();
        awaitEnd(blocking);
        assertThat(awaitEnd(queued).state()).isEqualTo(State.CANCELLED);

        published.removeIf(event -> !event.startsWith("lakestack.events.default " + queued + " "));
        assertThat(events(queued)).containsExactly(
                event("""
                        {"versionId": "0", "currentState": "QUEUED", "statementType": "DML", "queryExecutionId": "%s", "workgroupName": "primary",
                         "sequenceNumber": "1"}""".formatted(queued)),
                event("""
                        {"versionId": "0", "currentState": "CANCELLED", "previousState": "QUEUED", "statementType": "DML", "queryExecutionId": "%s",
                         "workgroupName": "primary", "sequenceNumber": "3"}""".formatted(queued)));
    }

    @Test
    void aQueryThatEndsBeforeItsFirstWriteIsReadBackEndsAllTheSame()
            throws Exception
    {
        clock = new ManualClock(1_790_000_000_000L);
        UnreadWrites unread = new UnreadWrites();
        executions = executions(unread, (query, sink, cancelled) -> {
            sink.columns(List.of(new QueryEngine.Column("answer", "integer")));
            sink.row(List.of("42"));
            return ONE_ROW;
        }, 1);

        String id = executions.start(request("SELECT 42"));
        assertThat(unread.held).as("StartQueryExecution answered once its record was durable, before the store read it back").containsExactly(id);

        QueryExecution done = awaitEnd(id);
        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(done.result().orElseThrow().rows()).isEqualTo(1);
        assertThat(events(id)).extracting(event -> event.path("detail").path("currentState").asText()).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
    }

    /**
     * Record stores whose query store acknowledges an asynchronous write at once and shows it only when the next
     * write is made, as a store does that reads its writes back from a log later than they are durable.
     */
    private final class UnreadWrites
            implements io.lakestack.spi.store.RecordStores
    {
        final List<String> held = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        @SuppressWarnings("unchecked")
        public <T> io.lakestack.spi.store.RecordStore<T> open(String name, Class<T> type)
        {
            io.lakestack.spi.store.RecordStore<T> store = stores.open(name, type);
            if (!name.equals(QueryExecutions.STORE)) {
                return store;
            }
            Map<String, T> pending = new java.util.LinkedHashMap<>();
            return new io.lakestack.spi.store.RecordStore<T>()
            {
                @Override
                public Optional<T> get(String key)
                {
                    return store.get(key);
                }

                @Override
                public synchronized java.util.concurrent.CompletableFuture<Void> putAsync(String key, T record)
                {
                    pending.put(key, record);
                    held.add(key);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }

                @Override
                public synchronized void put(String key, T record)
                {
                    pending.forEach(store::put);
                    pending.clear();
                    store.put(key, record);
                }

                @Override
                public synchronized void delete(String key)
                {
                    store.delete(key);
                }

                @Override
                public java.util.SortedMap<String, T> all()
                {
                    return store.all();
                }

                @Override
                public void subscribe(Listener<T> listener)
                {
                    store.subscribe(listener);
                }
            };
        }
    }

    @Test
    void showPartitionsReadsEveryPageWhenNotStopped()
    {
        executions = executions(QueryExecutionsTest::noEngine, 1);
        catalog.release.countDown();

        QueryExecution done = awaitEnd(executions.start(request("SHOW PARTITIONS sales.events")));

        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(catalog.pagesRead.get()).isEqualTo(2);
        assertThat(done.result().orElseThrow().rows()).isEqualTo(2);
    }

    private QueryExecutions executions(QueryEngine engine, int concurrency)
    {
        return executions(stores, engine, concurrency);
    }

    private QueryExecutions executions(io.lakestack.spi.store.RecordStores stores, QueryEngine engine, int concurrency)
    {
        WorkGroups workGroups = new WorkGroups(stores, clock);
        QueryStateEvents events = new QueryStateEvents(sink, "000000000000", workGroup -> workGroups.get(workGroup).region(), "eu-west-1", Runnable::run);
        return new QueryExecutions(stores, engine, new HiveDdlExecutor(catalog, objects), workGroups, objects, clock,
                new FixedInstances("instance-1"), events, concurrency, temporary);
    }

    /** The events published for the query, without their ids (each a UUID), in the order published. */
    private List<JsonNode> events(String queryId)
            throws Exception
    {
        String prefix = "lakestack.events.default " + queryId + " ";
        List<JsonNode> documents = new ArrayList<>();
        for (String event : published) {
            assertThat(event).startsWith(prefix);
            ObjectNode document = (ObjectNode) JSON.readTree(event.substring(prefix.length()));
            assertThat(document.path("id").asText()).matches("[0-9a-f-]{36}");
            document.remove("id");
            documents.add(document);
        }
        return documents;
    }

    private static JsonNode event(String detail)
            throws Exception
    {
        return JSON.readTree("""
                {"version": "0", "detail-type": "Athena Query State Change", "source": "aws.athena", "account": "000000000000",
                 "time": "2026-09-21T14:13:20Z", "region": "eu-west-1", "resources": [], "detail": %s}""".formatted(detail));
    }

    private static QueryExecutions.Request request(String query)
    {
        return new QueryExecutions.Request(query, "primary", Optional.of("sales"), Optional.empty(), "s3://results/athena/", List.of(), Optional.empty(),
                Optional.empty());
    }

    private QueryExecution awaitEnd(String id)
    {
        await().atMost(TIMEOUT).until(() -> executions.get(id).state().isDone());
        return executions.get(id);
    }

    private static QueryEngine.Outcome noEngine(QueryEngine.Query query, QueryEngine.RowSink sink, java.util.function.BooleanSupplier cancelled)
    {
        throw new AssertionError("the engine was asked to run " + query.sql());
    }

    /**
     * The table {@code sales.events}, partitioned by {@code dt}, with two pages of partitions; reading the first page
     * waits until the test releases it.
     */
    private static final class GatedCatalog
            implements GlueCatalog
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger pagesRead = new AtomicInteger();

        @Override
        public CatalogTable getTable(String database, String name)
        {
            StorageDescriptor storage = new StorageDescriptor(List.of(Column.of("id", "string")), Optional.of("s3://data/events/"), Optional.empty(),
                    Optional.empty(), false, -1, SerDeInfo.NONE, List.of(), List.of(), Map.of(), false);
            return new CatalogTable(database, name, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, storage,
                    List.of(Column.of("dt", "string")), Optional.empty(), Optional.empty(), Optional.of("EXTERNAL_TABLE"), Map.of(), Optional.empty());
        }

        @Override
        public Page<CatalogPartition> getPartitions(String database, String table, Optional<String> expression, Optional<String> nextToken, int maxResults)
        {
            int page = pagesRead.incrementAndGet();
            if (page == 1) {
                entered.countDown();
                try {
                    if (!release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the first page");
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            CatalogPartition partition = new CatalogPartition(database, table, List.of("2026-11-2" + page), Optional.empty(), Optional.empty(),
                    getTable(database, table).storage(), Map.of());
            return new Page<>(List.of(partition), page == 1 ? Optional.of("page-2") : Optional.empty());
        }

        @Override
        public void createDatabase(CatalogDatabase database)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public CatalogDatabase getDatabase(String name)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<CatalogDatabase> getDatabases(Optional<String> nextToken, int maxResults)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void updateDatabase(String name, CatalogDatabase database)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteDatabase(String name)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void createTable(CatalogTable table)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page<CatalogTable> getTables(String database, Optional<String> expression, Optional<String> nextToken, int maxResults)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void updateTable(CatalogTable table)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteTable(String database, String name)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void createPartition(CatalogPartition partition)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<BatchError<List<String>>> createPartitions(String database, String table, List<CatalogPartition> partitions)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public CatalogPartition getPartition(String database, String table, List<String> values)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CatalogPartition> getPartitions(String database, String table, List<List<String>> values)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void updatePartition(String database, String table, List<String> values, CatalogPartition partition)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deletePartition(String database, String table, List<String> values)
        {
            throw new UnsupportedOperationException();
        }
    }
}
