package io.lakestack.connectors.stepfunctions.engine;

import io.lakestack.spi.stepfunctions.MapRun;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MapRunsTest
{
    private static MapRun run(double percentage, long count)
    {
        return new MapRun("arn:aws:states:us-east-1:000000000000:mapRun:m/l:1", "arn:aws:states:us-east-1:000000000000:execution:m:e", MapRun.RUNNING,
                0, 0, 0, percentage, count, List.of(1, 1, 1, 1), 0, 0, 0);
    }

    @Test
    void withoutToleranceAnyFailureFailsTheMapRun()
    {
        assertThat(MapRuns.exceeded(run(-1, -1), 0, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(-1, -1), 1, 4)).isTrue();
    }

    @Test
    void aToleratedCountAloneIsTheLimit()
    {
        assertThat(MapRuns.exceeded(run(-1, 1), 1, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(-1, 1), 2, 4)).isTrue();
    }

    @Test
    void aToleratedPercentageAloneIsTheLimit()
    {
        assertThat(MapRuns.exceeded(run(50, -1), 2, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(50, -1), 3, 4)).isTrue();
    }

    @Test
    void withBothEitherLimitExceededFails()
    {
        assertThat(MapRuns.exceeded(run(50, 1), 1, 4)).isFalse();
        assertThat(MapRuns.exceeded(run(50, 1), 2, 4)).isTrue();
        assertThat(MapRuns.exceeded(run(20, 3), 1, 4)).isTrue();
    }
}
