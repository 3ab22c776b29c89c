package io.lakestack.it.contract;

import io.lakestack.spi.logs.LogStore;
import io.lakestack.spi.logs.LogStore.Event;
import io.lakestack.spi.logs.LogStore.StoredEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.lakestack.it.contract.ContractAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link LogStore}: groups and streams with their statistics and errors; events read back by
 * timestamp then put order, in both directions and across streams; pages capped by count and by
 * {@link LogStore#MAX_PAGE_BYTES}; tokens bound to their group; events past the retention no longer read. Event
 * timestamps are chosen by the test relative to the clock read when the suite starts (the store reads retention
 * against its clock); group names are the suite's own. Where a backend differs from lakestack in what a test relies on,
 * a flag below says how.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractLogStoreContractTest
{
    private static final long HOUR = 3_600_000L;

    private LogStore store;
    private final String prefix = "/contract/" + UUID.randomUUID() + "/";
    private long base;

    protected abstract LogStore createStore()
            throws Exception;

    protected abstract void closeResources()
            throws Exception;

    /** The region the suite creates its groups in, which they report. */
    protected String region()
    {
        return "us-west-2";
    }

    /**
     * Whether a stream's first and last event times, last ingestion time and stored bytes, and its group's stored
     * bytes, count an event as soon as {@link LogStore#put} returns. CloudWatch Logs updates a stream's
     * {@code lastEventTimestamp} "on an eventual consistency basis" ("typically in less than an hour"), reports a
     * stream's {@code storedBytes} as 0 (deprecated in 2019), and a group's as its compressed storage, some time later.
     */
    protected boolean updatesStatisticsAtOnce()
    {
        return true;
    }

    /**
     * How far the backend's ingestion times may be from this machine's clock, in milliseconds. CloudWatch Logs stamps
     * {@code ingestionTime} with its own clock.
     */
    protected long ingestionClockSkewMillis()
    {
        return 0;
    }

    /**
     * Whether {@link LogStore#put} takes an event larger than {@link LogStore#MAX_PAGE_BYTES}, which a page then holds
     * alone. CloudWatch Logs takes events of at most 1 MB, in batches of at most 1,048,576 bytes counting 26 bytes for
     * each event: none is larger than a page.
     */
    protected boolean acceptsEventsLargerThanAPage()
    {
        return true;
    }

    /**
     * Whether events older than a group's retention stop being read as soon as the retention is set. CloudWatch Logs
     * "doesn't immediately delete log events when they reach their retention setting. It typically takes up to 72
     * hours", and reads them until then.
     */
    protected boolean expiresEventsAtOnce()
    {
        return true;
    }

    @BeforeAll
    final void open()
            throws Exception
    {
        store = createStore();
        base = (System.currentTimeMillis() / 1000) * 1000 - HOUR;
    }

    @AfterAll
    final void deleteGroupsAndClose()
            throws Exception
    {
        if (store != null) {
            for (LogStore.LogGroup group : store.groups(Optional.of(prefix))) {
                store.deleteGroup(group.name());
            }
        }
        closeResources();
    }

    @Test
    void groupsAndStreamsWithTheirErrors()
    {
        String group = prefix + "defs";
        store.createGroup(group, region(), Optional.of(7), Map.of("team", "data"));
        assertError(() -> store.createGroup(group, region(), Optional.empty(), Map.of()), "ResourceAlreadyExistsException", "The specified log group already exists");
        assertThat(store.group(group)).hasValueSatisfying(found -> {
            assertThat(found.region()).contains(region());
            assertThat(found.retentionDays()).contains(7);
            assertThat(found.tags()).isEqualTo(Map.of("team", "data"));
            assertThat(found.storedBytes()).isEqualTo(0);
        });
        store.setRetention(group, Optional.empty());
        store.setTags(group, Map.of());
        assertThat(store.group(group)).hasValueSatisfying(found -> {
            assertThat(found.region()).contains(region());
            assertThat(found.retentionDays()).isEmpty();
            assertThat(found.tags()).isEmpty();
        });

        store.createStream(group, "b");
        store.createStream(group, "a");
        assertError(() -> store.createStream(group, "a"), "ResourceAlreadyExistsException", "The specified log stream already exists");
        assertThat(store.streams(group, Optional.empty())).extracting(LogStore.LogStream::name).containsExactly("a", "b");
        assertThat(store.streams(group, Optional.of("b"))).extracting(LogStore.LogStream::name).containsExactly("b");
        store.deleteStream(group, "b");
        assertError(() -> store.deleteStream(group, "b"), "ResourceNotFoundException", "The specified log stream does not exist.");
        assertError(() -> store.events(group, "b", Optional.empty(), Optional.empty(), Optional.empty(), true, 10), "ResourceNotFoundException",
                "The specified log stream does not exist.");

        String missing = prefix + "missing";
        for (Runnable call : List.<Runnable>of(
                () -> store.createStream(missing, "s"),
                () -> store.streams(missing, Optional.empty()),
                () -> store.put(missing, "s", List.of(new Event(base, "x"))),
                () -> store.setRetention(missing, Optional.of(1)),
                () -> store.deleteGroup(missing),
                () -> store.filter(missing, name -> true, Optional.empty(), Optional.empty(), event -> true, Optional.empty(), 10))) {
            assertError(call, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        store.deleteGroup(group);
        assertThat(store.group(group)).isEmpty();
        assertThat(store.groups(Optional.of(prefix + "defs"))).isEmpty();
    }

    @Test
    void putCreatesTheStreamAndEventsComeBackByTimestampThenPutOrder()
    {
        String group = prefix + "order";
        store.createGroup(group, region(), Optional.empty(), Map.of());
        long before = System.currentTimeMillis();
        // the store takes events in any order; the API checks a batch's order before it calls put
        store.put(group, "s", List.of(new Event(base + 2, "c"), new Event(base + 1, "a")));
        store.put(group, "s", List.of(new Event(base + 1, "b")));
        long after = System.currentTimeMillis();

        LogStore.StreamPage page = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.empty(), true, 10);
        assertThat(page.events()).extracting(StoredEvent::stream, StoredEvent::timestampMillis, StoredEvent::message)
                .containsExactly(tuple("s", base + 1, "a"), tuple("s", base + 1, "b"), tuple("s", base + 2, "c"));
        long skew = ingestionClockSkewMillis();
        assertThat(page.events()).allSatisfy(event -> assertThat(event.ingestionMillis()).isBetween(before - skew, after + skew));
        assertThat(page.events()).extracting(StoredEvent::eventId).doesNotHaveDuplicates();

        LogStore.LogStream stream = store.stream(group, "s").orElseThrow();
        if (updatesStatisticsAtOnce()) {
            assertThat(stream.firstEventMillis()).contains(base + 1);
            assertThat(stream.lastEventMillis()).contains(base + 2);
            assertThat(stream.lastIngestionMillis()).isBetween(before - skew, after + skew);
            assertThat(stream.storedBytes()).isEqualTo(3);
            assertThat(store.group(group).orElseThrow().storedBytes()).isEqualTo(3);
        }

        // backward from the newest, then on from the page's tokens
        LogStore.StreamPage newest = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.empty(), false, 2);
        assertThat(newest.events()).extracting(StoredEvent::message).containsExactly("b", "c");
        LogStore.StreamPage older = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.of(newest.nextBackwardToken()), false, 2);
        assertThat(older.events()).extracting(StoredEvent::message).containsExactly("a");
        LogStore.StreamPage none = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.of(older.nextBackwardToken()), true, 2);
        assertThat(none.events()).isEmpty();
        assertThat(none.nextBackwardToken()).isEqualTo(older.nextBackwardToken());
        assertThat(store.events(group, "s", Optional.of(base + 2), Optional.of(base + 3), Optional.empty(), true, 10).events())
                .extracting(StoredEvent::message).containsExactly("c");
    }

    @Test
    void aPageHoldsAtMostOneMebibyteOfMessagesButAlwaysItsFirstEvent()
    {
        String group = prefix + "bytes";
        store.createGroup(group, region(), Optional.empty(), Map.of());
        String big = "x".repeat(400 * 1024);
        store.put(group, "s", List.of(new Event(base, "1" + big), new Event(base + 1, "2" + big), new Event(base + 2, "3" + big)));
        if (acceptsEventsLargerThanAPage()) {
            store.put(group, "huge", List.of(new Event(base, "h".repeat(LogStore.MAX_PAGE_BYTES + 1))));
        }

        LogStore.StreamPage first = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.empty(), true, 10);
        assertThat(first.events()).extracting(event -> event.message().charAt(0)).containsExactly('1', '2');
        LogStore.StreamPage second = store.events(group, "s", Optional.empty(), Optional.empty(), Optional.of(first.nextForwardToken()), true, 10);
        assertThat(second.events()).extracting(event -> event.message().charAt(0)).containsExactly('3');
        if (acceptsEventsLargerThanAPage()) {
            assertThat(store.events(group, "huge", Optional.empty(), Optional.empty(), Optional.empty(), true, 10).events())
                    .extracting(event -> event.message().length()).containsExactly(LogStore.MAX_PAGE_BYTES + 1);
        }

        LogStore.Page filtered = store.filter(group, name -> name.equals("s"), Optional.empty(), Optional.empty(), event -> true, Optional.empty(), 10);
        assertThat(filtered.events()).hasSize(2);
        assertThat(filtered.nextToken()).isPresent();
    }

    @Test
    void filterInterleavesTheChosenStreamsAndPagesWithTokens()
    {
        String group = prefix + "filter";
        store.createGroup(group, region(), Optional.empty(), Map.of());
        store.put(group, "web", List.of(new Event(base + 1, "w1"), new Event(base + 3, "w3")));
        store.put(group, "job", List.of(new Event(base + 2, "j2"), new Event(base + 3, "j3")));
        store.put(group, "other", List.of(new Event(base + 2, "o2")));

        List<String> seen = new java.util.ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            LogStore.Page page = store.filter(group, name -> !name.equals("other"), Optional.empty(), Optional.empty(),
                    event -> !event.message().equals("w3"), token, 1);
            page.events().forEach(event -> seen.add(event.stream() + ":" + event.message()));
            token = page.nextToken();
        }
        while (token.isPresent());
        assertThat(seen).containsExactly("web:w1", "job:j2", "job:j3");

        assertThat(store.filter(group, name -> true, Optional.of(base + 2), Optional.of(base + 3), event -> true, Optional.empty(), 10).events())
                .extracting(StoredEvent::message).containsExactly("j2", "o2");
        assertThat(store.filter(group, name -> false, Optional.empty(), Optional.empty(), event -> true, Optional.empty(), 10))
                .isEqualTo(new LogStore.Page(List.of(), Optional.empty()));
    }

    @Test
    void tokensBelongToTheirGroup()
    {
        String one = prefix + "tokens-1";
        String two = prefix + "tokens-2";
        store.createGroup(one, region(), Optional.empty(), Map.of());
        store.createGroup(two, region(), Optional.empty(), Map.of());
        store.put(one, "s", List.of(new Event(base, "a"), new Event(base + 1, "b")));
        store.put(two, "s", List.of(new Event(base, "a"), new Event(base + 1, "b")));

        LogStore.StreamPage page = store.events(one, "s", Optional.empty(), Optional.empty(), Optional.empty(), true, 1);
        assertError(() -> store.events(two, "s", Optional.empty(), Optional.empty(), Optional.of(page.nextForwardToken()), true, 1),
                "InvalidParameterException", two);
        Optional<String> filterToken = store.filter(one, name -> true, Optional.empty(), Optional.empty(), event -> true, Optional.empty(), 1).nextToken();
        assertThat(filterToken).isPresent();
        assertError(() -> store.filter(two, name -> true, Optional.empty(), Optional.empty(), event -> true, filterToken, 1), "InvalidParameterException",
                two);
        assertError(() -> store.events(one, "s", Optional.empty(), Optional.empty(), filterToken, true, 1), "InvalidParameterException", one);
    }

    @Test
    void eventsPastTheRetentionAreNoLongerRead()
    {
        assumeTrue(expiresEventsAtOnce(), "this backend reads events past a new retention for hours after it is set");
        String group = prefix + "retention";
        store.createGroup(group, region(), Optional.empty(), Map.of());
        store.put(group, "s", List.of(new Event(base - 47 * HOUR, "two days old"), new Event(base, "an hour old")));
        assertThat(store.events(group, "s", Optional.empty(), Optional.empty(), Optional.empty(), true, 10).events()).hasSize(2);

        store.setRetention(group, Optional.of(1));

        assertThat(store.events(group, "s", Optional.empty(), Optional.empty(), Optional.empty(), true, 10).events())
                .extracting(StoredEvent::message).containsExactly("an hour old");
        assertThat(store.filter(group, name -> true, Optional.empty(), Optional.empty(), event -> true, Optional.empty(), 10).events())
                .extracting(StoredEvent::message).containsExactly("an hour old");
    }
}
