package io.lakestack.connectors.firehose;

import io.lakestack.spi.glue.Column;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The buffer of one source partition: records go into a {@link Batch} until the stream's buffering hints say it is
 * due (its source bytes reach {@code SizeInMBs}, or {@code IntervalInSeconds} passed since its first record), then it
 * is delivered and the offset after its last record may be committed.
 */
final class PartitionDelivery
        implements Closeable
{
    private final DeliveryStreamSettings settings;
    private final Path directory;
    private final Optional<MetadataExtractor> extractor;
    private final TableSchemas schemas;
    private final Optional<LambdaTransformer> lambda;
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
     * @throws TableSchemas.SchemaUnavailableException when the catalog does not answer: nothing was added, the record
     *         must be offered again later
     */
    void add(SourceRecord record, long nowMillis)
            throws IOException, TableSchemas.SchemaUnavailableException
    {
        if (batch == null) {
            batch = newBatch();
            firstAddMillis = nowMillis;
        }
        batch.add(record);
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

    boolean isEmpty()
    {
        return batch == null || batch.isEmpty();
    }

    /** Whether the buffer is to be delivered now: full, or held as long as the buffering interval allows. */
    boolean due(long nowMillis)
    {
        if (isEmpty()) {
            return false;
        }
        return batch.sourceBytes() >= settings.destination().bufferBytes() || nowMillis - firstAddMillis >= settings.destination().bufferMillis();
    }

    /** When the buffer becomes due by time, or {@link Long#MAX_VALUE} when it is empty. */
    long dueAtMillis()
    {
        return isEmpty() ? Long.MAX_VALUE : firstAddMillis + settings.destination().bufferMillis();
    }

    long records()
    {
        return batch == null ? 0 : batch.sourceRecords();
    }

    /**
     * Uploads the buffer's objects and empties it. The result tells what was written and the offset to commit; after
     * a failure the buffer is gone as well, and its records must be read again from the last committed offset.
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
