package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

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
}
