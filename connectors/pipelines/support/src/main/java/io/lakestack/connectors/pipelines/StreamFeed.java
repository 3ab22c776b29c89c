package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Puts a pipeline's records on its Kinesis stream as a producer does: PutRecords, 500 records or 4 MiB a call; entries
 * the stream refuses (throughput exceeded) are put again, with backoff, until every one is acknowledged, for at most
 * {@link #RETRY_TIME} a batch: a record still refused then fails the feed with the stream's error.
 */
public final class StreamFeed
{
    private static final int BATCH_RECORDS = 500;
    private static final int BATCH_BYTES = 4 * 1024 * 1024;
    /** How long a batch's refused records are put again before the feed fails. */
    public static final Duration RETRY_TIME = Duration.ofMinutes(5);

    /** A record to put: its partition key and its bytes. */
    public record StreamRecord(String partitionKey, byte[] data)
    {
        public StreamRecord
        {
            requireNonNull(partitionKey, "partitionKey is null");
            requireNonNull(data, "data is null");
        }
    }

    private final KinesisClient kinesis;
    private final String streamName;

    public StreamFeed(KinesisClient kinesis, String streamName)
    {
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.streamName = requireNonNull(streamName, "streamName is null");
    }

    /** Puts every record; how many were put. */
    public long feed(Iterator<StreamRecord> records)
            throws InterruptedException
    {
        long put = 0;
        List<PutRecordsRequestEntry> batch = new ArrayList<>(BATCH_RECORDS);
        int bytes = 0;
        while (records.hasNext()) {
            StreamRecord record = records.next();
            if (batch.size() == BATCH_RECORDS || bytes + record.data().length + record.partitionKey().length() > BATCH_BYTES) {
                put += putAll(batch);
                batch = new ArrayList<>(BATCH_RECORDS);
                bytes = 0;
            }
            batch.add(PutRecordsRequestEntry.builder().partitionKey(record.partitionKey()).data(SdkBytes.fromByteArray(record.data())).build());
            bytes += record.data().length + record.partitionKey().length();
        }
        if (!batch.isEmpty()) {
            put += putAll(batch);
        }
        return put;
    }

    private int putAll(List<PutRecordsRequestEntry> entries)
            throws InterruptedException
    {
        List<PutRecordsRequestEntry> pending = entries;
        long backoff = 50;
        long deadline = System.nanoTime() + RETRY_TIME.toNanos();
        while (true) {
            List<PutRecordsRequestEntry> sent = pending;
            PutRecordsResponse response = kinesis.putRecords(request -> request.streamName(streamName).records(sent));
            if (response.failedRecordCount() == 0) {
                return entries.size();
            }
            List<PutRecordsRequestEntry> retry = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            PutRecordsResultEntry refused = null;
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    retry.add(sent.get(i));
                    refused = refused == null ? results.get(i) : refused;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(retry.size() + " records are still refused by stream " + streamName + " after " + RETRY_TIME
                        + " of retries: " + refused.errorCode() + ": " + refused.errorMessage());
            }
            pending = retry;
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 2_000);
        }
    }
}
