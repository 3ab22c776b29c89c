package io.lakestack.cli.bench.handlers;

/**
 * The baseline of {@code lakestack bench lambda}'s Java cold start: a JVM that starts, runs an empty main and ends
 * ({@code java -cp <dir> io.lakestack.cli.bench.handlers.Noop}).
 */
public final class Noop
{
    private Noop()
    {
    }

    public static void main(String[] args)
    {
    }
}
