package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.AthenaSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * The batch layer: a loop, on a thread of its own, that recomputes the batch view from scratch over the whole master
 * dataset with {@link ClickstreamView#batchSql} through Athena, one query a run, a run every {@code interval} after the
 * last one ended. A view of a newer high-water mark than the last one written is written to S3 ({@link BatchViewObjects});
 * the same mark gives the same view (every click before it was already in the dataset), so it is not written again. A
 * run that fails is logged and kept ({@link #lastError}), and the loop goes on.
 */
public final class ClickstreamBatchLayer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ClickstreamBatchLayer.class);

    private final AthenaSql athena;
    private final String table;
    private final BatchViewObjects views;
    private final Duration interval;
    private final AtomicLong runs = new AtomicLong();
    private ScheduledExecutorService loop;
    private volatile Optional<BatchView> written = Optional.empty();
    private volatile Optional<Exception> lastError = Optional.empty();

    /** @param table the master table, as Athena names it in the statement's database */
    public ClickstreamBatchLayer(AthenaSql athena, String table, BatchViewObjects views, Duration interval)
    {
        this.athena = requireNonNull(athena, "athena is null");
        this.table = requireNonNull(table, "table is null");
        this.views = requireNonNull(views, "views is null");
        this.interval = requireNonNull(interval, "interval is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the batch layer's interval must be positive: " + interval);
        }
    }

    /** Starts the loop; its first run starts now. */
    public synchronized void start()
    {
        if (loop != null) {
            throw new IllegalStateException("the batch layer is already started");
        }
        loop = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "clickstream-batch-layer"));
        loop.scheduleWithFixedDelay(this::run, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One run: the batch view recomputed now, written when its mark is newer than the last written; none while the dataset is empty. */
    public Optional<BatchView> recompute()
            throws InterruptedException
    {
        Optional<BatchView> view = ClickstreamView.batchView(athena.query(ClickstreamView.batchSql(table)));
        runs.incrementAndGet();
        if (view.isPresent() && (written.isEmpty() || view.get().highWaterMark() > written.get().highWaterMark())) {
            views.write(view.get());
            written = view;
            log.info("batch view up to {}: {} clicks of {} keys", Instant.ofEpochMilli(view.get().highWaterMark()), view.get().clicks(), view.get().totals().size());
        }
        return view;
    }

    /** The newest batch view written. */
    public Optional<BatchView> latest()
    {
        return written;
    }

    /** How many runs completed. */
    public long runs()
    {
        return runs.get();
    }

    /** The failure of the last run that failed; cleared by a run that succeeds. */
    public Optional<Exception> lastError()
    {
        return lastError;
    }

    private void run()
    {
        try {
            recompute();
            lastError = Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            log.warn("the batch view's run failed; retrying in {}", interval, e);
            lastError = Optional.of(e);
        }
    }

    /** Stops the loop: a run under way ends first (a minute at most, then it is interrupted). */
    @Override
    public synchronized void close()
    {
        if (loop != null) {
            loop.shutdown();
            try {
                if (!loop.awaitTermination(1, TimeUnit.MINUTES)) {
                    log.warn("the batch layer's run did not end within a minute; interrupting it");
                    loop.shutdownNow();
                }
            }
            catch (InterruptedException e) {
                loop.shutdownNow();
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
    }
}
