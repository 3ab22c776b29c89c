package io.lakestack.connectors.lambda.events;

import java.util.Map;

/**
 * Where invocation records and dead letters go: Kafka topics of lakestack (the queues, topics, event buses and
 * asynchronous invocation queues, named as {@link io.lakestack.spi.s3.NotificationTopics} names them) and objects put
 * through the S3 API. {@link DestinationRouter} decides which, from a destination ARN.
 */
public interface Destinations
{
    /** Returns once the record is durable. */
    void publish(String topic, String key, byte[] value, Map<String, String> headers)
            throws DestinationException;

    /** Returns once the object is stored. */
    void putObject(String bucket, String key, byte[] body)
            throws DestinationException;

    /** A destination did not take the record; the caller keeps it and tries again. */
    final class DestinationException
            extends Exception
    {
        public DestinationException(String message, Throwable cause)
        {
            super(message, cause);
        }
    }
}
