package io.lakestack.spi.lambda;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An event source mapping as defined through the Lambda API: which records go to which function, in batches of what
 * size, and what happens when the function fails. Every lakestack instance runs a poller of each enabled mapping;
 * the pollers are the members of one consumer group ({@link #consumerGroup}), which share the source's partitions.
 *
 * <p>An SQS queue ({@link Kind#SQS}) is not read through Kafka: its pollers receive through the SQS API, which hands
 * each message to one receiver, so every instance polls it and {@link #consumerGroup}, {@link #sourceTopics} and the
 * stream settings do not apply.
 *
 * @param functionArn the function as the mapping names it (qualified or not); the pollers invoke exactly this
 * @param eventSourceArn the Kinesis stream's or SQS queue's ARN, or empty for a self-managed Kafka source
 * @param sourceTopics the topics the records are read from: the Kinesis stream's record log, or the Kafka topics; empty
 *         for an SQS queue
 * @param bootstrapServers the Kafka cluster of a self-managed source; empty for lakestack's own
 * @param sourceCreationMillis the Kinesis stream's creation time, which its sequence numbers carry (0 for Kafka)
 * @param startingPosition {@code TRIM_HORIZON}, {@code LATEST} or {@code AT_TIMESTAMP}: where a new mapping starts
 * @param maximumRetryAttempts -1 retries until the record expires
 * @param maximumRecordAgeSeconds -1 has no limit
 * @param onFailureDestination where a batch that is given up goes, as an invocation record (an SQS queue, an SNS
 *         topic or an S3 bucket ARN)
 * @param filterPatterns Lambda's event filter patterns (JSON); a record that matches none is skipped
 * @param queueName SQS: the queue's name
 * @param maximumConcurrency SQS: {@code ScalingConfig.MaximumConcurrency}, how many batches are invoked at once; 0 when
 *         not set
 */
public record EventSourceMapping(
        String uuid,
        String functionArn,
        Kind kind,
        Optional<String> eventSourceArn,
        List<String> sourceTopics,
        Optional<String> bootstrapServers,
        long sourceCreationMillis,
        String consumerGroup,
        boolean enabled,
        int batchSize,
        int maximumBatchingWindowSeconds,
        String startingPosition,
        Optional<Long> startingPositionTimestampMillis,
        int parallelizationFactor,
        boolean bisectBatchOnFunctionError,
        int maximumRetryAttempts,
        int maximumRecordAgeSeconds,
        Optional<String> onFailureDestination,
        boolean reportBatchItemFailures,
        int tumblingWindowSeconds,
        List<String> filterPatterns,
        long lastModifiedMillis,
        Optional<String> queueName,
        int maximumConcurrency)
{
    public enum Kind
    {
        KINESIS, KAFKA, SQS
    }

    public EventSourceMapping
    {
        requireNonNull(uuid, "uuid is null");
        requireNonNull(functionArn, "functionArn is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(eventSourceArn, "eventSourceArn is null");
        sourceTopics = List.copyOf(sourceTopics);
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        requireNonNull(consumerGroup, "consumerGroup is null");
        requireNonNull(startingPosition, "startingPosition is null");
        requireNonNull(startingPositionTimestampMillis, "startingPositionTimestampMillis is null");
        requireNonNull(onFailureDestination, "onFailureDestination is null");
        filterPatterns = List.copyOf(filterPatterns);
        // definitions stored before SQS sources existed have neither field
        queueName = queueName == null ? Optional.empty() : queueName;
    }
}
