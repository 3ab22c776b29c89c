package io.lakestack.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Records 0 to n - 1 put in batches by several client threads, each taking the next batch, as a benchmark's clients put them. */
final class ParallelBatches
{
    /** One batch put: records {@code from} (inclusive) to {@code to} (exclusive); how many of them failed. */
    interface Put
    {
        int put(int from, int to)
                throws Exception;
    }

    private ParallelBatches()
    {
    }

    /** Puts every record and returns how many failed, once every thread is done. */
    static int put(int threads, int records, int batchSize, Put put)
            throws Exception
    {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<Integer>> putters = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                putters.add(pool.submit(() -> {
                    int failed = 0;
                    while (true) {
                        int from = next.getAndAdd(batchSize);
                        if (from >= records) {
                            return failed;
                        }
                        failed += put.put(from, Math.min(records, from + batchSize));
                    }
                }));
            }
            int failed = 0;
            for (Future<Integer> putter : putters) {
                failed += putter.get();
            }
            return failed;
        }
        finally {
            pool.shutdown();
        }
    }
}
