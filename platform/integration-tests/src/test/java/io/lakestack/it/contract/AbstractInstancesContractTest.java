package io.lakestack.it.contract;

import io.lakestack.spi.cluster.Instances;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link Instances}: every instance holds a lease, a clean stop is reported to the others at once,
 * a silent one once its lease has run out as the observer's clock tells.
 *
 * <p>Each instance runs on a {@link ManualClock} that moves only when the test moves it, so that no lease runs out by
 * the wall clock while a test runs: a departure reported while the clocks stand still can only be a clean stop, and
 * one reported after the observer's clock was moved past the lease is the lease running out.
 *
 * <p>There is no AWS subclass: instances are the lakestack processes sharing one set of engines, which exist only
 * in the emulation; AWS runs its services itself.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInstancesContractTest
{
    private static final long LEASE_MILLIS = 1_000;
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    /** One running instance, and what the test needs to end it. */
    protected interface Member
            extends AutoCloseable
    {
        Instances instances();

        /**
         * Stops renewing the lease without a word, as a process killed with {@code kill -9} does, and returns once the
         * other running instances of its group have seen its last renewal.
         */
        void stopSilently();

        /** Leaves cleanly. */
        @Override
        void close();
    }

    /**
     * Starts an instance of the registry {@code group} (instances of one group see each other; each test uses a
     * group of its own), reading time from {@code clock}.
     */
    protected abstract Member start(String group, Clock clock, long leaseMillis);

    private final List<Member> started = new ArrayList<>();

    @AfterEach
    final void closeMembers()
    {
        started.forEach(Member::close);
        started.clear();
    }

    private Member member(String group, Clock clock)
    {
        Member member = start(group, clock, LEASE_MILLIS);
        started.add(member);
        return member;
    }

    private static String group()
    {
        return "contract.instances-" + UUID.randomUUID().toString().replace("-", "");
    }

    private static List<String> departures(Member observer)
    {
        List<String> departed = Collections.synchronizedList(new ArrayList<>());
        observer.instances().onDeparture(departed::add);
        return departed;
    }

    @Test
    void everyInstanceHoldsALeaseTheOthersSee()
    {
        String group = group();
        ManualClock clock = new ManualClock(START);
        Member first = member(group, clock);
        Member second = member(group, clock);
        String firstId = first.instances().self();
        String secondId = second.instances().self();

        assertThat(firstId).isNotEqualTo(secondId);
        assertThat(first.instances().leaseMillis()).isEqualTo(LEASE_MILLIS);
        assertThat(first.instances().holdsLease(firstId)).isTrue();
        await().untilAsserted(() -> {
            assertThat(first.instances().holdsLease(secondId)).isTrue();
            assertThat(second.instances().holdsLease(firstId)).isTrue();
        });
        assertThat(first.instances().holdsLease(UUID.randomUUID().toString())).isFalse();
    }

    @Test
    void aCleanStopIsReportedToEveryOtherInstanceAtOnce()
    {
        String group = group();
        ManualClock clock = new ManualClock(START);
        Member observer = member(group, clock);
        Member bystander = member(group, clock);
        Member leaving = member(group, clock);
        List<String> seenByObserver = departures(observer);
        List<String> seenByBystander = departures(bystander);
        String leavingId = leaving.instances().self();
        String bystanderId = bystander.instances().self();
        await().until(() -> observer.instances().holdsLease(leavingId) && bystander.instances().holdsLease(leavingId)
                && observer.instances().holdsLease(bystanderId));

        leaving.close();
        // the clocks stand still: no lease can run out, so only the clean stop can be reported
        await().untilAsserted(() -> {
            assertThat(seenByObserver).containsExactly(leavingId);
            assertThat(seenByBystander).containsExactly(leavingId);
        });
        assertThat(observer.instances().holdsLease(leavingId)).isFalse();

        // a later departure comes after everything the first one caused: nothing was reported twice
        bystander.close();
        await().untilAsserted(() -> assertThat(seenByObserver).hasSize(2));
        assertThat(seenByObserver).containsExactly(leavingId, bystanderId);
    }

    @Test
    void aSilentStopIsReportedOnceItsLeaseRanOutOnTheObserversClock()
    {
        String group = group();
        ManualClock observerClock = new ManualClock(START);
        ManualClock otherClock = new ManualClock(START);
        Member observer = member(group, observerClock);
        Member silent = member(group, otherClock);
        String silentId = silent.instances().self();
        List<String> departed = departures(observer);
        List<Boolean> heldDuringReport = Collections.synchronizedList(new ArrayList<>());
        observer.instances().onDeparture(id -> heldDuringReport.add(observer.instances().holdsLease(id)));
        await().until(() -> observer.instances().holdsLease(silentId));

        silent.stopSilently();
        // the observer renews its own lease meanwhile, and keeps the silent one's: its clock has not moved
        assertThat(observer.instances().holdsLease(silentId)).isTrue();
        assertThat(departed).isEmpty();

        observerClock.advance(LEASE_MILLIS + 1);
        // reported while its lease is still known, before it is deleted
        await().untilAsserted(() -> {
            assertThat(departed).containsExactly(silentId);
            assertThat(heldDuringReport).containsExactly(true);
        });
        await().until(() -> !observer.instances().holdsLease(silentId));

        // an instance that starts and stops after it is reported after it: the silent one was reported once
        Member later = member(group, otherClock);
        String laterId = later.instances().self();
        await().until(() -> observer.instances().holdsLease(laterId));
        later.close();
        await().untilAsserted(() -> assertThat(departed).hasSize(2));
        assertThat(departed).containsExactly(silentId, laterId);
    }
}
