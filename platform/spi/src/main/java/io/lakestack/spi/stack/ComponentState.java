package io.lakestack.spi.stack;

/** Life cycle of one engine of the stack, as {@code lakestack status} and {@code /_lakestack/health} show it. */
public enum ComponentState
{
    STARTING,
    READY,
    FAILED,
    STOPPED;

    /** The lower-case name used in JSON and on the terminal. */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
