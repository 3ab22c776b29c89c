package io.lakestack.embedded;

import static java.util.Objects.requireNonNull;

/**
 * The stack cannot start or run: {@link #getMessage()} is one line naming the component, the cause and what to do,
 * fit to print as it is.
 */
public final class StackException
        extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String component;

    public StackException(String component, String message)
    {
        this(component, message, null);
    }

    public StackException(String component, String message, Throwable cause)
    {
        super(component + ": " + requireNonNull(message, "message is null"), cause);
        this.component = requireNonNull(component, "component is null");
    }

    public String component()
    {
        return component;
    }
}
