package io.lakestack.cli;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A {@code lakestack bench} command: it measures, prints what it measured as it goes, and returns its figures, which
 * it prints as one table at the end; it exits 1 when a figure misses its target. {@code lakestack bench all} runs each
 * one and prints every figure in one table.
 */
interface Benchmark
        extends Callable<Integer>
{
    List<Figure> measure()
            throws Exception;

    @Override
    default Integer call()
            throws Exception
    {
        List<Figure> figures = measure();
        System.out.println();
        Figure.printTable(System.out, figures);
        return Figure.exitStatus(figures);
    }
}
