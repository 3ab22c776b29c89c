package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.RunState;
import io.lakestack.embedded.StackException;
import io.lakestack.embedded.UnreachableEnginesException;
import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "up", description = "Start the embedded stack and print each component and its address. Runs until Ctrl-C or 'lakestack down'.")
final class UpCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Option(names = {"-d", "--detach"}, description = "Start in the background and return once the stack is ready.")
    boolean detach;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
            throws Exception
    {
        start.wipeIfFresh(location);
        Lakestack.logTo(location.dataDirectory);
        PrintStream out = System.out;
        if (detach) {
            return detached(out);
        }
        long begin = System.nanoTime();
        EmbeddedStack stack = start.build(location, new TerminalListener(out));
        out.println("lakestack: starting " + (stack.externalEngines() ? "the endpoint on external engines" : "the embedded stack") + " on "
                + location.layout().root());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("lakestack: stopping");
            stack.close();
            out.println("lakestack: stopped");
        }, "lakestack-shutdown"));
        try {
            stack.start();
        }
        catch (UnreachableEnginesException e) {
            // the listener printed one line per engine that does not answer
            out.println("lakestack: the endpoint was not started: " + e.lines().size() + (e.lines().size() == 1 ? " engine does" : " engines do")
                    + " not answer");
            return 1;
        }
        out.printf(Locale.ROOT, "lakestack: ready in %.1f s%n", (System.nanoTime() - begin) / 1e9);
        Summary.print(out, stack, !start.noTrino);
        if (!start.noTrino) {
            try {
                stack.awaitTrino(Duration.ofMinutes(4));
                out.printf(Locale.ROOT, "lakestack: Trino answering after %.1f s%n", (System.nanoTime() - begin) / 1e9);
            }
            catch (StackException e) {
                out.println("lakestack: " + e.getMessage() + " (the rest of the stack keeps running)");
            }
        }
        out.println("lakestack: running; Ctrl-C or './lakestack down' stops it");
        Thread.currentThread().join();
        return 0;
    }

    /**
     * Starts {@code lakestack up} again as a background process in its own session, and waits until it is ready. The
     * data directory was wiped already ({@code --fresh}), before the background launcher's output file was opened in it.
     */
    private int detached(PrintStream out)
            throws IOException, InterruptedException
    {
        if (RunState.readIfRunning(location.layout()).isPresent()) {
            throw new StackException("launcher", "already running on " + location.layout().root() + "; see './lakestack status'");
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(StackJvm.options());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Lakestack.class.getName());
        command.add("up");
        for (String argument : spec.commandLine().getParseResult().originalArgs()) {
            if (!argument.equals("-d") && !argument.equals("--detach") && !argument.equals("up") && !argument.equals("--fresh")) {
                command.add(argument);
            }
        }
        location.layout().create();
        Path output = location.layout().log("launcher");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        out.println("lakestack: starting in the background (pid " + process.pid() + ", output in " + output + ")");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                out.println(tail(output, 15));
                throw new StackException("launcher", "the background launcher exited with code " + process.exitValue() + "; see " + output);
            }
            Optional<RunState> state = RunState.readIfRunning(location.layout());
            if (state.isPresent()) {
                try {
                    List<ComponentStatus> components = HealthClient.fetch(state.get().endpoint());
                    boolean settled = components.stream().noneMatch(component -> component.state() == ComponentState.STARTING);
                    if (settled) {
                        HealthClient.print(out, components);
                        boolean failed = components.stream().anyMatch(component -> component.state() == ComponentState.FAILED);
                        out.println(failed ? "lakestack: running, but not every component started" : "lakestack: ready; './lakestack down' stops it");
                        return failed ? 1 : 0;
                    }
                }
                catch (IOException e) {
                    // not answering yet
                }
            }
            Thread.sleep(250);
        }
        throw new StackException("launcher", "not ready after 5 minutes; see " + output);
    }

    static String tail(Path file, int lines)
    {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException e) {
            return "";
        }
    }
}
