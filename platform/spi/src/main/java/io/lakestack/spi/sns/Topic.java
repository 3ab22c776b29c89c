package io.lakestack.spi.sns;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An SNS topic as the service keeps it in the record store {@value SnsTopics#TOPICS_STORE}, keyed by its name.
 *
 * @param attributes the attributes set on it ({@code DisplayName}, {@code Policy}, {@code DeliveryPolicy}...), not the
 *         computed ones
 */
public record Topic(String name, String arn, Map<String, String> attributes, Map<String, String> tags, long createdMillis)
{
    public Topic
    {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }
}
