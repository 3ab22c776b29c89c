package io.lakestack.connectors.lambda.events;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest
{
    @Test
    void thePositionPassesOnlyAContiguousRunOfDoneRecords()
    {
        OffsetTracker tracker = new OffsetTracker();
        assertThat(tracker.position()).isEmpty();
        for (long offset : List.of(10L, 11L, 13L, 14L)) {
            tracker.track(offset);
        }
        assertThat(tracker.position()).isEqualTo(OptionalLong.of(10));

        tracker.done(11);
        tracker.done(14);
        assertThat(tracker.position()).isEqualTo(OptionalLong.of(10));
        assertThat(tracker.pending()).isEqualTo(4);

        tracker.done(10);
        assertThat(tracker.position()).isEqualTo(OptionalLong.of(13));
        assertThat(tracker.pending()).isEqualTo(2);

        tracker.done(12);
        tracker.done(10);
        assertThat(tracker.position()).as("an offset never tracked, or passed already, changes nothing").isEqualTo(OptionalLong.of(13));

        tracker.done(13);
        assertThat(tracker.position()).as("past the last record taken").isEqualTo(OptionalLong.of(15));
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void recordsDoneInAnyOrderAcrossTheRingsGrowthGiveThePositionOfTheFirstNotDone()
    {
        Random random = new Random(7);
        OffsetTracker tracker = new OffsetTracker();
        TreeSet<Long> open = new TreeSet<>();
        long nextOffset = 1_000;
        for (int round = 0; round < 200; round++) {
            int taken = random.nextInt(50);
            for (int i = 0; i < taken; i++) {
                // gaps, as compacted or transactional topics have
                nextOffset += 1 + random.nextInt(3);
                tracker.track(nextOffset);
                open.add(nextOffset);
            }
            List<Long> finishing = new ArrayList<>(open);
            Collections.shuffle(finishing, random);
            for (long offset : finishing.subList(0, random.nextInt(finishing.size() + 1))) {
                tracker.done(offset);
                open.remove(offset);
            }
            long expected = open.isEmpty() ? nextOffset + 1 : open.first();
            assertThat(tracker.position()).isEqualTo(OptionalLong.of(expected));
        }
    }
}
