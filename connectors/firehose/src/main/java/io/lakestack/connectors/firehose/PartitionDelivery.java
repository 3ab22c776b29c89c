package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.Column;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The buffer of one source partition: records go into a {@link Batch} until the stream's buffering hints say it is
 * due (its bytes reach {@code SizeInMBs}, or {@code IntervalInSeconds} passed since its first record), then it is
 * delivered and the offset after its last record may be committed.
 *
 * <p>With a Lambda processor the records first wait in the Lambda buffer, as Firehose buffers them for the function:
 * until they hold the processor's {@code BufferSizeInMBs} of data (a record that would take them over waits for the
 * next invocation), or its {@code BufferIntervalInSeconds} passed since the first of them, whichever comes first.
 * Then the function is invoked on them and its answers go into the batch, the destination's buffer, whose size is
 * counted on the data the function answered and whose interval starts when the first of them comes in. The batch
 * always holds the records before those of the Lambda buffer, so the offset after its last record is what may be
 * committed when it is delivered; the Lambda buffer's records wait on, for the next batch.
 */
final class PartitionDelivery
        implements Closeable
{
    private final DeliveryStreamSettings settings;
    private final Path directory;
    private final Optional<MetadataExtractor> extractor;
    private final TableSchemas schemas;
    private final Optional<LambdaTransformer> lambda;
    private final List<Batch.Pending> waiting = new ArrayList<>();
    private long waitingBytes;
    private long waitingPayloadBytes;
    private long waitingSinceMillis;
    private Batch batch;
    private long firstAddMillis;

    PartitionDelivery(DeliveryStreamSettings settings, Path directory, Optional<MetadataExtractor> extractor, TableSchemas schemas)
    {
        this(settings, directory, extractor, schemas, Optional.empty());
    }

    PartitionDelivery(DeliveryStreamSettings settings, Path directory, Optional<MetadataExtractor> extractor, TableSchemas schemas,
            Optional<LambdaTransformer> lambda)
    {
        this.lambda = requireNonNull(lambda, "lambda is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.extractor = requireNonNull(extractor, "extractor is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
    }

    /**
     * Buffers a record: into the batch or, with a Lambda processor, into the Lambda buffer, which goes to the function
     * here when the record fills it (or would take it over {@code BufferSizeInMBs}, then without the record).
     *
     * @throws TableSchemas.SchemaUnavailableException when the catalog does not answer: nothing was added to the batch,
     *         the record must be offered again later (with a Lambda processor, after the buffers are discarded)
     */
    void add(SourceRecord record, long nowMillis)
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        if (lambda.isEmpty()) {
            startBatch(nowMillis);
            batch.add(record);
            return;
        }
        Batch.Pending pending = Batch.pending(settings, record);
        if (!waiting.isEmpty() && lambda.get().over(waitingBytes + pending.dataBytes(), waitingPayloadBytes + pending.payloadBytes())) {
            transformWaiting(nowMillis);
        }
        if (waiting.isEmpty()) {
            waitingSinceMillis = nowMillis;
        }
        waiting.add(pending);
        waitingBytes += pending.dataBytes();
        waitingPayloadBytes += pending.payloadBytes();
        if (lambda.get().full(waitingBytes, waitingPayloadBytes)) {
            transformWaiting(nowMillis);
        }
    }

    /** Invokes the Lambda function on its buffer if {@code BufferIntervalInSeconds} passed since the buffer's first record. */
    void transformIfDue(long nowMillis)
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        if (!waiting.isEmpty() && nowMillis - waitingSinceMillis >= lambda.orElseThrow().processor().bufferMillis()) {
            transformWaiting(nowMillis);
        }
    }

    /**
     * Invokes the Lambda function on what its buffer holds, whatever its size and age (a stopping delivery delivers
     * everything it read), and puts the answers into the batch.
     */
    void transformWaiting(long nowMillis)
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        if (waiting.isEmpty()) {
            return;
        }
        startBatch(nowMillis);
        batch.transform(waiting);
        waiting.clear();
        waitingBytes = 0;
        waitingPayloadBytes = 0;
    }

    private void startBatch(long nowMillis)
            throws TableSchemas.SchemaUnavailableException
    {
        if (batch == null) {
            batch = newBatch();
        }
        if (batch.isEmpty()) {
            firstAddMillis = nowMillis;
        }
    }

    private Batch newBatch()
            throws TableSchemas.SchemaUnavailableException
    {
        Optional<S3Destination.FormatConversion> conversion = settings.destination().conversion();
        if (conversion.isEmpty()) {
            return new Batch(settings, directory, extractor, Optional.empty(), Optional.empty(), lambda);
        }
        try {
            List<Column> columns = schemas.columns(conversion.get().database(), conversion.get().table(), conversion.get().versionId());
            return new Batch(settings, directory, extractor, Optional.of(columns), Optional.empty(), lambda);
        }
        catch (TableSchemas.SchemaUnavailableException e) {
            if (!e.missing()) {
                throw e;
            }
            // as Firehose does, the records of a stream whose table is gone go to the error output
            return new Batch(settings, directory, extractor, Optional.empty(), Optional.of(e.getMessage()), lambda);
        }
    }

    /** Whether nothing is buffered, in the batch or the Lambda buffer. */
    boolean isEmpty()
    {
        return (batch == null || batch.isEmpty()) && waiting.isEmpty();
    }

    /**
     * Whether the batch is to be delivered now: full, or held as long as the buffering interval allows. The
     * records of the Lambda buffer do not count: they are not in the batch yet.
     */
    boolean due(long nowMillis)
    {
        if (batch == null || batch.isEmpty()) {
            return false;
        }
        return batch.bufferedBytes() >= settings.destination().bufferBytes() || nowMillis - firstAddMillis >= settings.destination().bufferMillis();
    }

    /**
     * When the next thing is due by time: the batch's delivery or the Lambda buffer's invocation; {@link Long#MAX_VALUE}
     * when nothing is buffered.
     */
    long dueAtMillis()
    {
        long dueAt = Long.MAX_VALUE;
        if (batch != null && !batch.isEmpty()) {
            dueAt = firstAddMillis + settings.destination().bufferMillis();
        }
        if (!waiting.isEmpty()) {
            dueAt = Math.min(dueAt, waitingSinceMillis + lambda.orElseThrow().processor().bufferMillis());
        }
        return dueAt;
    }

    /** The records buffered, in the batch and the Lambda buffer. */
    long records()
    {
        return (batch == null ? 0 : batch.sourceRecords()) + waiting.size();
    }

    /**
     * Uploads the batch's objects and empties it. The result tells what was written and the offset to commit; after
     * a failure the batch is gone as well, and its records must be read again from the last committed offset. The
     * Lambda buffer's records are not delivered here: they wait on for the next batch (see {@link #transformWaiting}).
     */
    Delivery deliver(ObjectSink sink)
            throws IOException
    {
        Batch delivering = requireNonNull(batch, "nothing to deliver");
        batch = null;
        try (delivering) {
            List<DeliveredObject> objects = delivering.deliver(sink);
            return new Delivery(objects, delivering.sourceRecords(), delivering.droppedRecords(), delivering.nextOffset());
        }
    }

    /** Forgets the buffered records (they are read again from the committed offset). */
    void discard()
    {
        if (batch != null) {
            batch.close();
            batch = null;
        }
        waiting.clear();
        waitingBytes = 0;
        waitingPayloadBytes = 0;
    }

    @Override
    public void close()
    {
        discard();
    }

    /** A delivered buffer: its objects, its source records, those the Lambda function dropped, the offset after its last record. */
    record Delivery(List<DeliveredObject> objects, long sourceRecords, long droppedRecords, long nextOffset)
    {
    }
}
