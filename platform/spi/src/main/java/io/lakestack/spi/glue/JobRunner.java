package io.lakestack.spi.glue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Runs the scripts of Glue jobs: one process per job run, on the machine of the instance that owns the run. The
 * service keeps the runs' states, arguments, time-outs and retries; a runner only runs a script to its end.
 */
public interface JobRunner
{
    /**
     * One run of a job's script.
     *
     * @param scriptLocation the script, {@code s3://bucket/key}
     * @param arguments what follows the script on its command line: the run's arguments and Glue's own, as
     *         {@code --KEY value} pairs
     * @param extraPyFiles {@code s3://} paths of Python modules, packages ({@code .zip}, {@code .egg}, {@code .whl})
     *         to put on the script's path ({@code --extra-py-files})
     * @param additionalModules pip requirements installed for the script ({@code --additional-python-modules})
     * @param installerOptions pip's options for them ({@code --python-modules-installer-option})
     * @param pythonVersion {@code major.minor} of the interpreter
     * @param memoryBytes the largest resident size the process may reach
     */
    record RunSpec(String jobName, String runId, String region, String scriptLocation, List<String> arguments, List<String> extraPyFiles,
            List<String> extraFiles, List<String> additionalModules, List<String> installerOptions, String pythonVersion, long memoryBytes)
    {
        public RunSpec
        {
            requireNonNull(jobName, "jobName is null");
            requireNonNull(runId, "runId is null");
            requireNonNull(region, "region is null");
            requireNonNull(scriptLocation, "scriptLocation is null");
            arguments = List.copyOf(arguments);
            extraPyFiles = List.copyOf(extraPyFiles);
            extraFiles = List.copyOf(extraFiles);
            additionalModules = List.copyOf(additionalModules);
            installerOptions = List.copyOf(installerOptions);
            requireNonNull(pythonVersion, "pythonVersion is null");
        }
    }

    /** How a run's process ended: succeeded, or failed with the message Glue shows as the run's {@code ErrorMessage}. */
    record Result(boolean succeeded, Optional<String> errorMessage)
    {
        public Result
        {
            requireNonNull(errorMessage, "errorMessage is null");
        }

        public static Result success()
        {
            return new Result(true, Optional.empty());
        }

        public static Result failure(String message)
        {
            return new Result(false, Optional.of(message));
        }
    }

    /** A run being prepared or running. */
    interface RunningJob
    {
        /** Completes when the process has ended (or could not start), with how. */
        CompletableFuture<Result> completion();

        /** Completes once the script's process has started (after its files are in place). */
        CompletableFuture<Void> started();

        /** Kills the process (and its children); {@link #completion()} then completes. */
        void stop();
    }

    /** Why runs of that Python version cannot run here (what to install), empty when they can. */
    Optional<String> unavailable(String pythonVersion);

    /** Starts a run: its preparation (script, modules, environment) and its process happen off the caller's thread. */
    RunningJob start(RunSpec spec);
}
