package io.lakestack.services.kinesis;

import static java.util.Objects.requireNonNull;

/**
 * An enhanced fan-out consumer of a stream, as RegisterStreamConsumer stored it. It belongs to one incarnation of its
 * stream ({@code streamCreationMillis}): a stream deleted and created again under the same name has none of the old
 * one's consumers.
 *
 * @param arn the stream's ARN, {@code /consumer/}, the name, {@code :} and the creation time in epoch seconds, as Kinesis
 *         spells consumer ARNs
 */
public record StreamConsumer(String streamName, long streamCreationMillis, String name, String arn, long creationMillis)
{
    public StreamConsumer
    {
        requireNonNull(streamName, "streamName is null");
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
    }

    /** The key of a consumer in the store: stream names and consumer names hold no {@code /}. */
    static String key(String streamName, String consumerName)
    {
        return streamName + "/" + consumerName;
    }

    /** The prefix of the keys of every consumer of a stream. */
    static String keyPrefix(String streamName)
    {
        return streamName + "/";
    }
}
