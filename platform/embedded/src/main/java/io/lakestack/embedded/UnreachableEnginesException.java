package io.lakestack.embedded;

import java.util.List;

/**
 * Engines of {@code --engines external} that do not answer: one line for each, naming the engine, its address and
 * what failed. The endpoint was not started.
 */
public final class UnreachableEnginesException
        extends RuntimeException
{
    private final List<String> lines;

    UnreachableEnginesException(List<String> lines)
    {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    /** One line per engine that does not answer, in the stack's order: Kafka, the object store, the metastore, Trino. */
    public List<String> lines()
    {
        return lines;
    }
}
