package io.lakestack.services.glue;

import io.lakestack.spi.glue.JobRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link JobRunner} that runs nothing: it keeps each run's spec and a {@link FakeRun} the test ends. */
final class FakeRunner
        implements JobRunner
{
    final List<JobRunner.RunSpec> specs = new ArrayList<>();
    final List<FakeRun> runs = new ArrayList<>();

    @Override
    public Optional<String> unavailable(String pythonVersion)
    {
        return Optional.empty();
    }

    @Override
    public RunningJob start(RunSpec spec)
    {
        specs.add(spec);
        FakeRun run = new FakeRun(spec);
        runs.add(run);
        return run;
    }

    FakeRun last()
    {
        return runs.get(runs.size() - 1);
    }
}
