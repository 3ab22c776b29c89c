package io.lakestack.spi.firehose;

/**
 * Firehose's rules for an S3 destination configuration, as the delivery applies them: what it accepts, the defaults
 * it fills in, and how {@code UpdateDestination} changes a configuration. Configurations are the JSON of the API's
 * {@code ExtendedS3DestinationConfiguration} (or {@code S3DestinationConfiguration}).
 */
public interface DestinationRules
{
    /** How long and how much a delivery buffers before it writes an object. */
    record Buffering(long sizeBytes, long intervalMillis)
    {
    }

    /**
     * @return the buffering the delivery will apply, defaults filled in
     * @throws io.lakestack.spi.ServiceException {@code InvalidArgumentException} saying what Firehose would refuse
     */
    Buffering check(String destination);

    /** The configuration after an {@code ExtendedS3DestinationUpdate}: the update's fields replace the current ones. */
    String merge(String current, String update);
}
