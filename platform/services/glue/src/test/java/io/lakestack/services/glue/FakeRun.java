package io.lakestack.services.glue;

import io.lakestack.spi.glue.JobRunner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A job run the tests end themselves: they complete {@link #completion} and count the stops. */
final class FakeRun
        implements JobRunner.RunningJob
{
    final JobRunner.RunSpec spec;
    final CompletableFuture<JobRunner.Result> completion = new CompletableFuture<>();
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final AtomicInteger stops = new AtomicInteger();

    FakeRun(JobRunner.RunSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public CompletableFuture<JobRunner.Result> completion()
    {
        return completion;
    }

    @Override
    public CompletableFuture<Void> started()
    {
        return started;
    }

    @Override
    public void stop()
    {
        stops.incrementAndGet();
    }
}
