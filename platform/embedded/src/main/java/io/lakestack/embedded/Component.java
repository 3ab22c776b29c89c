package io.lakestack.embedded;

import io.lakestack.spi.stack.ComponentState;
import io.lakestack.spi.stack.ComponentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One engine of the stack with its life cycle: starting, ready, failed or stopped. */
abstract class Component
{
    /** The address every engine listens on, whatever address the endpoint is bound to: only the endpoint checks who calls. */
    static final String LOOPBACK = "127.0.0.1";
    private static final Logger log = LoggerFactory.getLogger(Component.class);

    private final String name;
    private final StackListener listener;
    private volatile ComponentState state = ComponentState.STOPPED;
    private volatile String address = "";
    private volatile String detail = "";
    private volatile Long startMillis;

    Component(String name, StackListener listener)
    {
        this.name = requireNonNull(name, "name is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    String name()
    {
        return name;
    }

    ComponentState state()
    {
        return state;
    }

    ComponentStatus status()
    {
        return new ComponentStatus(name, state, address, detail, Optional.ofNullable(startMillis));
    }

    /** Starts the engine and returns once it answers. */
    final void start()
    {
        long begin = System.nanoTime();
        address = plannedAddress();
        detail = "";
        startMillis = null;
        change(ComponentState.STARTING);
        try {
            doStart();
            startMillis = (System.nanoTime() - begin) / 1_000_000;
            change(ComponentState.READY);
        }
        catch (RuntimeException e) {
            StackException failure = e instanceof StackException stack ? stack : new StackException(name, describe(e), e);
            fail(failure.getMessage().substring(name.length() + 2));
            log.error("{} failed to start", name, e);
            throw failure;
        }
        catch (Exception e) {
            StackException failure = new StackException(name, describe(e), e);
            fail(failure.getMessage().substring(name.length() + 2));
            log.error("{} failed to start", name, e);
            throw failure;
        }
    }

    final void stop()
    {
        if (state == ComponentState.STOPPED) {
            return;
        }
        try {
            doStop();
        }
        catch (RuntimeException e) {
            log.warn("stopping {} failed", name, e);
        }
        if (state != ComponentState.FAILED) {
            change(ComponentState.STOPPED);
        }
    }

    /** Marks the component failed after it was started, e.g. when its process exited. */
    final void fail(String reason)
    {
        detail = reason;
        change(ComponentState.FAILED);
    }

    private void change(ComponentState next)
    {
        state = next;
        listener.componentChanged(status());
    }

    static String describe(Throwable e)
    {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }

    /** Where clients will reach the component, known before it starts. */
    abstract String plannedAddress();

    abstract void doStart()
            throws Exception;

    abstract void doStop();
}
