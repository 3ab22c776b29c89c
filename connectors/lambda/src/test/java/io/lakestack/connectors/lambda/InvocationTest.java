package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InvocationTest
{
    @Test
    void logTailIsTheLastFourKilobytesOfTheInvocationsLog()
    {
        Invocation invocation = new Invocation("r-1", new byte[0], "arn", Optional.empty(), "Root=1-0-0", 3);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            String line = "line " + i + " of the invocation's log\n";
            invocation.logged(line);
            all.append(line);
        }

        String tail = new String(Base64.getDecoder().decode(invocation.logTail()), StandardCharsets.UTF_8);

        assertThat(tail).hasSize(4096).isEqualTo(all.substring(all.length() - 4096));
    }

    @Test
    void shortLogIsWhole()
    {
        Invocation invocation = new Invocation("r-1", new byte[0], "arn", Optional.empty(), "Root=1-0-0", 3);
        invocation.logged("START RequestId: r-1 Version: $LATEST\n");
        invocation.logged("END RequestId: r-1\n");

        assertThat(new String(Base64.getDecoder().decode(invocation.logTail()), StandardCharsets.UTF_8))
                .isEqualTo("START RequestId: r-1 Version: $LATEST\nEND RequestId: r-1\n");
    }

    @Test
    void firstOutcomeWins()
    {
        Invocation invocation = new Invocation("r-1", new byte[0], "arn", Optional.empty(), "Root=1-0-0", 3);

        assertThat(invocation.complete(new Outcome.TimedOut())).isTrue();
        assertThat(invocation.complete(new Outcome.Response(new byte[] {'1'}))).isFalse();
        assertThat(invocation.outcome()).isEqualTo(new Outcome.TimedOut());
    }

    @Test
    void deadlineMovedEarlierEndsTheWaitingThen()
            throws Exception
    {
        // a cold start: the invocation may wait for the init phase, then has its own time-out once the runtime takes it
        Invocation invocation = new Invocation("r-1", new byte[0], "arn", Optional.empty(), "Root=1-0-0", 1);
        invocation.deadline(System.nanoTime() + TimeUnit.MINUTES.toNanos(10));
        CompletableFuture<Optional<Outcome>> waited = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                waited.complete(invocation.await());
            }
            catch (InterruptedException | RuntimeException e) {
                waited.completeExceptionally(e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);

        invocation.deadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));

        assertThat(waited.get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void outcomeEndsTheWaiting()
            throws Exception
    {
        Invocation invocation = new Invocation("r-1", new byte[0], "arn", Optional.empty(), "Root=1-0-0", 1);
        invocation.deadline(System.nanoTime() + TimeUnit.MINUTES.toNanos(10));
        CompletableFuture<Optional<Outcome>> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return invocation.await();
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        Outcome answer = new Outcome.Response(new byte[] {'1'});
        invocation.complete(answer);

        assertThat(waited.get(30, TimeUnit.SECONDS)).contains(answer);
    }
}
