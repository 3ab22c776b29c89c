package io.lakestack.connectors.lambda.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.spi.lambda.EventSourceMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What a mapping does with a batch it gives up (retries exhausted, records too old, a record too large for a payload):
 * sends AWS's invocation record for stream sources to the mapping's {@code DestinationConfig.OnFailure} (<a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html">Kinesis</a>, <a
 * href="https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-on-failure.html">Kafka</a>): as the message of an SQS
 * queue or SNS topic, or as an object {@code aws/lambda/<mapping>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>} with the
 * whole event as {@code payload} in an S3 bucket.
 *
 * <p>Where lakestack differs: with no destination, Lambda discards the batch; lakestack logs it with its topic, partition
 * and offsets and also keeps the record (with its payload) on the topic {@value #DEAD_LETTER_PREFIX}{@code <mapping>.failed},
 * so that nothing is lost without a trace.
 */
final class StreamFailures
{
    static final String DEAD_LETTER_PREFIX = "lakestack.lambda-esm.";
    static final String RETRIES_EXHAUSTED = "RetryAttemptsExhausted";
    static final String RECORD_AGE_EXCEEDED = "RecordAgeExceeded";
    static final String PAYLOAD_SIZE_EXCEEDED = "MaximumPayloadSizeExceeded";
    private static final Logger log = LoggerFactory.getLogger(StreamFailures.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH.mm.ss").withZone(ZoneOffset.UTC);

    private final EventSourceMapping mapping;
    private final EventFormat format;
    private final DestinationRouter router;
    private final Clock clock;
    private final Supplier<UUID> ids;

    StreamFailures(EventSourceMapping mapping, EventFormat format, DestinationRouter router, Clock clock, Supplier<UUID> ids)
    {
        this.mapping = requireNonNull(mapping, "mapping is null");
        this.format = requireNonNull(format, "format is null");
        this.router = requireNonNull(router, "router is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ids = requireNonNull(ids, "ids is null");
    }

    /**
     * A batch given up.
     *
     * @param records the records given up, in order, of one partition
     * @param invocations how many times the function was invoked with these records
     * @param lastResponse the function's last answer to them, if it answered
     */
    record GiveUp(int partition, List<StreamRecord> records, byte[] event, String condition, int invocations, Optional<Invoker.Invocation> lastResponse)
    {
        GiveUp
        {
            records = List.copyOf(records);
            requireNonNull(event, "event is null");
            requireNonNull(condition, "condition is null");
            requireNonNull(lastResponse, "lastResponse is null");
        }
    }

    /** The invocation record, without the {@code payload} only S3 destinations get. */
    ObjectNode document(GiveUp giveUp)
    {
        ObjectNode document = Json.object();
        ObjectNode request = document.putObject("requestContext");
        request.put("requestId", giveUp.lastResponse().map(Invoker.Invocation::requestId).orElseGet(() -> ids.get().toString()));
        request.put("functionArn", mapping.functionArn());
        request.put("condition", giveUp.condition());
        request.put("approximateInvokeCount", giveUp.invocations());
        if (giveUp.lastResponse().isPresent()) {
            Invoker.Invocation last = giveUp.lastResponse().get();
            ObjectNode response = document.putObject("responseContext");
            response.put("statusCode", last.statusCode());
            response.put("executedVersion", last.executedVersion());
            last.functionError().ifPresent(error -> response.put("functionError", error));
        }
        else {
            document.putNull("responseContext");
        }
        document.put("version", "1.0");
        document.put("timestamp", Json.isoMillis(clock.millis()));
        document.set(format.batchInfoField(), format.batchInfo(giveUp.records(), giveUp.event().length));
        return document;
    }

    /** The object name Lambda gives an invocation record in an S3 destination. */
    String objectKey(int partition, UUID unique)
    {
        Instant now = clock.instant();
        return "aws/lambda/" + mapping.uuid() + "/" + format.partitionName(partition) + "/" + DAY.format(now) + "/" + SECOND.format(now) + "-" + unique;
    }

    static String deadLetterTopic(String mappingUuid)
    {
        return DEAD_LETTER_PREFIX + mappingUuid + ".failed";
    }

    /**
     * Sends the invocation record where the mapping says.
     *
     * @throws Destinations.DestinationException when the destination did not take it: the batch is not given up yet
     */
    void deliver(GiveUp giveUp)
            throws Destinations.DestinationException
    {
        ObjectNode document = document(giveUp);
        StreamRecord first = giveUp.records().get(0);
        StreamRecord last = giveUp.records().get(giveUp.records().size() - 1);
        String partitionName = format.partitionName(giveUp.partition());
        Optional<String> destination = mapping.onFailureDestination();
        if (destination.isEmpty()) {
            log.warn("event source mapping {} gave up records of {} partition {} offsets {}-{} ({}); no OnFailure destination, kept on {}", mapping.uuid(),
                    first.topic(), first.partition(), first.offset(), last.offset(), giveUp.condition(), deadLetterTopic(mapping.uuid()));
            document.put("payload", new String(giveUp.event(), StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("lakestack.source-topic", first.topic());
            headers.put("lakestack.source-partition", Integer.toString(first.partition()));
            headers.put("lakestack.source-offset", Long.toString(first.offset()));
            headers.put("lakestack.source-last-offset", Long.toString(last.offset()));
            router.toTopic(deadLetterTopic(mapping.uuid()), partitionName, Json.bytes(document), headers);
            return;
        }
        log.info("event source mapping {} gave up records of {} partition {} offsets {}-{} ({}), sent to {}", mapping.uuid(), first.topic(),
                first.partition(), first.offset(), last.offset(), giveUp.condition(), destination.get());
        switch (DestinationRouter.kind(destination.get())) {
            case QUEUE, TOPIC -> router.toQueueOrTopic(destination.get(), partitionName, Json.bytes(document), Map.of());
            case BUCKET -> {
                document.put("payload", new String(giveUp.event(), StandardCharsets.UTF_8));
                router.toBucket(destination.get(), objectKey(giveUp.partition(), ids.get()), Json.bytes(document));
            }
            default -> throw new Destinations.DestinationException("Lambda sends stream failures to SQS, SNS or S3 only, not to " + destination.get(),
                    null);
        }
    }
}
