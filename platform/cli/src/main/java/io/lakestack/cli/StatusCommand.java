package io.lakestack.cli;

import io.lakestack.embedded.RunState;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Show each component of the running stack: starting, ready or failed (with the reason). "
        + "Exit code 0 when all are ready, 1 when some are not, 3 when no stack runs.")
final class StatusCommand
        implements Callable<Integer>
{
    static final int NOT_RUNNING = 3;

    @Mixin
    StackOptions location;

    @Override
    public Integer call()
            throws InterruptedException
    {
        Optional<RunState> state = RunState.readIfRunning(location.layout());
        if (state.isEmpty()) {
            System.out.println("lakestack: not running on " + location.layout().root() + " (start it with './lakestack up')");
            return NOT_RUNNING;
        }
        List<ComponentStatus> components;
        try {
            components = HealthClient.fetch(state.get().endpoint());
        }
        catch (IOException e) {
            System.out.println("lakestack: pid " + state.get().pid() + " holds " + location.layout().root() + " but its endpoint "
                    + state.get().endpoint() + " does not answer (" + e.getMessage() + "); see " + location.layout().log("lakestack"));
            return 1;
        }
        System.out.println("lakestack: pid " + state.get().pid() + ", data dir " + location.layout().root());
        HealthClient.print(System.out, components);
        return components.stream().allMatch(component -> component.state() == ComponentState.READY) ? 0 : 1;
    }
}
