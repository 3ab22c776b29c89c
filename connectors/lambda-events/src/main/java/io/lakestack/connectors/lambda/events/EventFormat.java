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
    /**
     * A record's element of the event. Its exact size is known as the record comes (batches are cut by it); a format may
     * write its bytes only when an event is assembled, into the event itself, so that a record's element is never a
     * document of its own.
     */
    interface Element
    {
        /** The element of a record that is in no event (a record given up, kept only to be committed). */
        Element NONE = of(new byte[0]);

        int size();

        void writeTo(JsonBytes event);

        /** An element serialized already. */
        static Element of(byte[] bytes)
        {
            return new Element()
            {
                @Override
                public int size()
                {
                    return bytes.length;
                }

                @Override
                public void writeTo(JsonBytes event)
                {
                    event.raw(bytes);
                }
            };
        }

        /** The element's bytes on their own. */
        static byte[] bytes(Element element)
        {
            JsonBytes bytes = new JsonBytes(element.size());
            element.writeTo(bytes);
            return bytes.toByteArray();
        }
    }

    /** The record's element of the event: events are assembled from these. */
    Element element(StreamRecord record);

    /** The event of the elements of one partition (in order), with a tumbling window's fields when there is one. */
    byte[] event(int partition, List<Element> elements, Optional<WindowFields> window);

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
