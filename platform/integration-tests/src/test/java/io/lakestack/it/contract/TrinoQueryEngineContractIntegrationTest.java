package io.lakestack.it.contract;

import io.lakestack.backends.trino.TrinoQueryEngine;
import io.lakestack.spi.athena.QueryEngine;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;

import java.time.Duration;

/** {@link TrinoQueryEngine} on the embedded stack's Trino, over its client protocol, as Athena uses it. */
@LakestackTest
@Order(50)
class TrinoQueryEngineContractIntegrationTest
        extends AbstractQueryEngineContractTest
{
    private final TestStack stack;

    TrinoQueryEngineContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Override
    protected QueryEngine createEngine()
    {
        stack.stack().awaitTrino(Duration.ofMinutes(4));
        return new TrinoQueryEngine(stack.stack().trinoUri(), "lakestack-contract");
    }

    @Override
    protected boolean reportsTypeParameters()
    {
        return true;
    }
}
