package io.lakestack.embedded;

import io.lakestack.spi.stack.ComponentState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** A component that runs as a child JVM: waits for it to answer, and notices when it dies. */
abstract class ChildComponent
        extends Component
{
    private final Path temporaryDirectory;
    private volatile ChildProcess process;
    private volatile boolean stopping;

    /**
     * @param temporaryDirectory the child JVM's {@code java.io.tmpdir}: under the data directory, which the stack clears
     *         when it starts, so that what a killed engine leaves there goes away
     */
    ChildComponent(String name, Path temporaryDirectory, StackListener listener)
    {
        super(name, listener);
        this.temporaryDirectory = temporaryDirectory;
    }

    /** The option that gives the child JVM its own temporary directory (created if missing). */
    String temporaryDirectoryOption()
    {
        try {
            Files.createDirectories(temporaryDirectory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create " + temporaryDirectory, e);
        }
        return "-Djava.io.tmpdir=" + temporaryDirectory;
    }

    /** Starts the process; {@link #awaitReady} then waits for it to answer. */
    abstract ChildProcess launch()
            throws Exception;

    /** Whether the engine answers; may throw while it does not. */
    abstract boolean ready()
            throws Exception;

    abstract Duration startTimeout();

    Duration stopGrace()
    {
        return Duration.ofSeconds(15);
    }

    @Override
    final void doStart()
            throws Exception
    {
        stopping = false;
        process = launch();
        awaitReady(process, this::ready, startTimeout());
        Thread watcher = new Thread(() -> watch(process), "lakestack-watch-" + name());
        watcher.setDaemon(true);
        watcher.start();
    }

    private void awaitReady(ChildProcess child, Callable<Boolean> probe, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new StackException(name(), "exited with code " + child.exitCode().orElse(-1) + " while starting"
                        + child.lastError().map(error -> ": " + error).orElse("") + ". See " + child.log() + dataDirAdvice());
            }
            try {
                if (probe.call()) {
                    return;
                }
            }
            catch (Exception e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        child.stop(Duration.ofSeconds(5));
        throw new StackException(name(), "did not answer within " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (last probe: " + describe(last) + ")") + ". See " + child.log());
    }

    /** Advice appended to start failures; components whose data can be corrupted say how to start over. */
    String dataDirAdvice()
    {
        return "";
    }

    private void watch(ChildProcess child)
    {
        try {
            int code = child.exitCodeWhenDone();
            if (!stopping && state() == ComponentState.READY) {
                fail("exited unexpectedly with code " + code + child.lastError().map(error -> ": " + error).orElse("") + ". See " + child.log());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    final void doStop()
    {
        stopping = true;
        ChildProcess current = process;
        if (current != null) {
            current.stop(stopGrace());
        }
    }

    /** The process id of the engine's JVM, or -1 while it is not running. */
    long pid()
    {
        ChildProcess current = process;
        return current == null || !current.isAlive() ? -1 : current.pid();
    }
}
