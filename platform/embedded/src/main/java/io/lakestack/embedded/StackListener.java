package io.lakestack.embedded;

import io.lakestack.spi.stack.ComponentStatus;

/** What the stack reports while it starts and runs: to a terminal, a log, or a test. */
public interface StackListener
{
    StackListener NONE = new StackListener() {};

    /** A component changed state. */
    default void componentChanged(ComponentStatus status) {}

    /** A long step made progress, e.g. unpacking the Trino distribution: {@code done} of {@code total} units. */
    default void progress(String step, long done, long total, String unit) {}

    /** A long step finished. */
    default void stepDone(String step) {}
}
