package io.lakestack.spi.s3;

import java.util.Optional;

/**
 * The kinds of destination an S3 bucket notification can name, with the XML element names S3 uses for them
 * and the ARN service each one takes.
 */
public enum DestinationType
{
    QUEUE("QueueConfiguration", "Queue", "sqs"),
    TOPIC("TopicConfiguration", "Topic", "sns"),
    LAMBDA_FUNCTION("CloudFunctionConfiguration", "CloudFunction", "lambda");

    private final String configurationElement;
    private final String arnElement;
    private final String arnService;

    DestinationType(String configurationElement, String arnElement, String arnService)
    {
        this.configurationElement = configurationElement;
        this.arnElement = arnElement;
        this.arnService = arnService;
    }

    /** {@code QueueConfiguration}, {@code TopicConfiguration} or {@code CloudFunctionConfiguration}. */
    public String configurationElement()
    {
        return configurationElement;
    }

    /** {@code Queue}, {@code Topic} or {@code CloudFunction}: the element holding the destination ARN. */
    public String arnElement()
    {
        return arnElement;
    }

    /** The service part of a destination ARN of this type: {@code sqs}, {@code sns} or {@code lambda}. */
    public String arnService()
    {
        return arnService;
    }

    public static Optional<DestinationType> fromConfigurationElement(String element)
    {
        for (DestinationType type : values()) {
            if (type.configurationElement.equals(element)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
