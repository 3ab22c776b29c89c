package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * How one kind of event source shows its records to a function: the event document, the identifier a function reports
 * a failed item by, the record as event filters see it, and the batch description of an on-failure invocation record.
 * One implementation per source: {@link KinesisEventFormat}, {@link KafkaEventFormat}.
 */
interface EventFormat
{
    /** The record's element of the event, serialized once: events are assembled from these. */
    byte[] element(StreamRecord record);

    /** The event of the elements of one partition (in order), with a tumbling window's fields when there is one. */
    byte[] event(int partition, List<byte[]> elements, Optional<WindowFields> window);

    /**
     * What {@link #event} adds to the elements, but for the separators between them (one byte after each element but the
     * first): the size of an event of this partition is {@code envelopeSize + sum(element sizes) + (records - 1)}.
     */
    int envelopeSize(int partition, Optional<WindowFields> window);

    /** The {@code itemIdentifier} of the record in a {@code batchItemFailures} response. */
    String itemIdentifier(StreamRecord record);

    /** The key that orders records: records of one key are processed in order, whatever the parallelization. */
    String orderingKey(StreamRecord record);

    /** The record as an event filter sees it. */
    FilterCriteria.Candidate filterView(StreamRecord record);

    /** The name of the batch description in an on-failure invocation record: {@code KinesisBatchInfo}, {@code KafkaBatchInfo}. */
    String batchInfoField();

    /** The batch description of records of one partition, in order. */
    ObjectNode batchInfo(List<StreamRecord> records, int payloadSize);

    /** The shard or partition, as Lambda names it in on-failure object names: {@code shardId-000000000000}, {@code <topic>-<partition>}. */
    String partitionName(int partition);

    /**
     * The fields a tumbling window adds to an event.
     *
     * @param state the state the function returned last in the window, {@code {}} at its start
     */
    record WindowFields(long startMillis, long endMillis, JsonNode state, String shardId, String eventSourceArn, boolean finalInvoke, boolean terminatedEarly)
    {
    }
}
