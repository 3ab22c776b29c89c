package io.lakestack.it;

import io.lakestack.connectors.demo.DemoPipeline;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo pipeline, as {@code ./lakestack demo} runs it: S3 upload -> S3 event -> Kafka Streams -> metastore -> Trino. */
@LakestackTest
@Order(4)
class DemoPipelineIntegrationTest
{
    private static final List<List<String>> EXPECTED = List.of(
            List.of("2026-11-20", "5", "9", "865.20"),
            List.of("2026-11-21", "4", "8", "1496.30"));

    private final TestStack stack;

    DemoPipelineIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void demoAnswersRevenuePerDayAndAgainWhenRunTwice()
            throws Exception
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        DemoPipeline.Environment environment = new DemoPipeline.Environment(stack.endpoint(), TestStack.REGION, TestStack.ACCESS_KEY,
                TestStack.SECRET_KEY, stack.kafkaBootstrapServers(), stack.stack().trinoJdbcUrl());

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        DemoPipeline.Result first = new DemoPipeline(environment, new PrintStream(output, true, StandardCharsets.UTF_8)).run(Duration.ofMinutes(2));
        assertThat(first.columns()).containsExactly("dt", "orders", "items", "revenue");
        assertThat(first.rows()).isEqualTo(EXPECTED);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("registered partition dt=2026-11-20 from its S3 event")
                .contains("registered partition dt=2026-11-21 from its S3 event");
        assertThat(first.format()).isEqualTo("""
                dt         | orders | items | revenue
                -----------+--------+-------+--------
                2026-11-20 |      5 |     9 |  865.20
                2026-11-21 |      4 |     8 | 1496.30
                """);

        DemoPipeline.Result second = new DemoPipeline(environment, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(Duration.ofMinutes(2));
        assertThat(second.rows()).isEqualTo(EXPECTED);
    }
}
