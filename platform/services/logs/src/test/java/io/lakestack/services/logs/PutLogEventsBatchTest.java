package io.lakestack.services.logs;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PutLogEventsBatchTest
{
    private static final long NOW = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @Test
    void aBatchWithinTheWindowIsTakenWhole()
    {
        List<Event> events = List.of(new Event(NOW - 2 * HOUR, "a"), new Event(NOW - 2 * HOUR, "b"), new Event(NOW, "c"));

        PutLogEventsBatch batch = PutLogEventsBatch.check(events, NOW, Optional.empty());

        assertThat(batch.accepted()).isEqualTo(events);
        assertThat(batch.rejectedAny()).isFalse();
    }

    @Test
    void eventsTooOldAndTooNewAreRejectedAndTheRestTaken()
    {
        List<Event> events = List.of(
                new Event(NOW - 14 * DAY - 1, "too old"),
                new Event(NOW - 14 * DAY, "oldest taken"),
                new Event(NOW + 2 * HOUR, "newest taken"),
                new Event(NOW + 2 * HOUR + 1, "too new"),
                new Event(NOW + 3 * HOUR, "too new"));

        // the accepted events span more than 24 hours: refused as a whole
        assertThatThrownBy(() -> PutLogEventsBatch.check(events, NOW, Optional.empty()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidParameterException"))
                .hasMessage("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");

        List<Event> recent = List.of(
                new Event(NOW - 14 * DAY - 1, "too old"),
                new Event(NOW - 20 * HOUR, "taken"),
                new Event(NOW + 2 * HOUR, "taken"),
                new Event(NOW + 2 * HOUR + 1, "too new"));
        PutLogEventsBatch batch = PutLogEventsBatch.check(recent, NOW, Optional.empty());

        assertThat(batch.accepted()).containsExactly(new Event(NOW - 20 * HOUR, "taken"), new Event(NOW + 2 * HOUR, "taken"));
        assertThat(batch.tooOldEndIndex()).contains(1);
        assertThat(batch.tooNewStartIndex()).contains(3);
        assertThat(batch.expiredEndIndex()).isEmpty();
    }

    @Test
    void eventsOlderThanTheRetentionAreExpired()
    {
        List<Event> events = List.of(new Event(NOW - DAY - 1, "expired"), new Event(NOW - DAY - 1, "expired"), new Event(NOW - DAY, "kept"));

        PutLogEventsBatch batch = PutLogEventsBatch.check(events, NOW, Optional.of(1));

        assertThat(batch.accepted()).containsExactly(new Event(NOW - DAY, "kept"));
        assertThat(batch.expiredEndIndex()).contains(2);
        assertThat(batch.tooOldEndIndex()).isEmpty();
        assertThat(batch.tooNewStartIndex()).isEmpty();
    }

    @Test
    void aBatchOfOnlyRejectedEventsTakesNothing()
    {
        PutLogEventsBatch batch = PutLogEventsBatch.check(List.of(new Event(NOW + 5 * HOUR, "x")), NOW, Optional.empty());

        assertThat(batch.accepted()).isEmpty();
        assertThat(batch.tooNewStartIndex()).contains(0);
    }

    @Test
    void eventsOutOfOrderAreRefused()
    {
        assertInvalid(List.of(new Event(NOW, "b"), new Event(NOW - 1, "a")), "Log events in a single PutLogEvents request must be in chronological order.");
    }

    @Test
    void theBatchSizeCountsMessageBytesAnd26BytesAnEvent()
    {
        // 1,048,576 = 2 * (524,262 + 26): exactly the limit
        String half = "x".repeat(524_262);
        assertThat(PutLogEventsBatch.check(List.of(new Event(NOW, half), new Event(NOW, half)), NOW, Optional.empty()).accepted()).hasSize(2);
        assertInvalid(List.of(new Event(NOW, half), new Event(NOW, half + "y")), "Upload too large: 1048577 bytes exceeds limit of 1048576");
        // UTF-8 bytes, not characters: 'é' is two
        assertInvalid(List.of(new Event(NOW, "é".repeat(524_276))), "Upload too large: 1048578 bytes exceeds limit of 1048576");
    }

    @Test
    void aBatchHoldsOneToTenThousandEvents()
    {
        List<Event> most = new ArrayList<>(Collections.nCopies(10_000, new Event(NOW, "m")));
        assertThat(PutLogEventsBatch.check(most, NOW, Optional.empty()).accepted()).hasSize(10_000);
        most.add(new Event(NOW, "m"));
        assertInvalid(most, "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or "
                + "equal to 10000");
        assertInvalid(List.of(), "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length greater "
                + "than or equal to 1");
    }

    private static void assertInvalid(List<Event> events, String message)
    {
        assertThatThrownBy(() -> PutLogEventsBatch.check(events, NOW, Optional.empty()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidParameterException"))
                .hasMessage(message);
    }
}
