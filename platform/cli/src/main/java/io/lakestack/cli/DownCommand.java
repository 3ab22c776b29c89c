package io.lakestack.cli;

import io.lakestack.embedded.RunState;
import io.lakestack.embedded.StackException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "down", description = "Stop the stack running on the data directory, and every process it started.")
final class DownCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Override
    public Integer call()
            throws Exception
    {
        Optional<RunState> state = RunState.readIfRunning(location.layout());
        if (state.isEmpty()) {
            System.out.println("lakestack: not running on " + location.layout().root());
            return 0;
        }
        ProcessHandle launcher = ProcessHandle.of(state.get().pid())
                .filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new StackException("launcher", "the data directory is locked but pid " + state.get().pid()
                        + " is not running; another user's process may hold " + location.layout().lockFile()));
        // /proc cuts long command lines, so the main class may not show; its classpath does
        String command = launcher.info().commandLine().orElse("");
        if (!command.isEmpty() && !command.contains("lakestack")) {
            throw new StackException("launcher", "pid " + launcher.pid() + " is not a lakestack launcher (" + command + "); not stopping it");
        }
        System.out.println("lakestack: stopping pid " + launcher.pid() + " (" + state.get().endpoint() + ")");
        CompletableFuture<ProcessHandle> exited = launcher.onExit();
        launcher.destroy();
        try {
            exited.get(90, TimeUnit.SECONDS);
        }
        catch (TimeoutException e) {
            System.out.println("lakestack: still running after 90 s, killing it");
            launcher.destroyForcibly();
            exited.get(10, TimeUnit.SECONDS);
        }
        System.out.println("lakestack: stopped");
        return 0;
    }
}
