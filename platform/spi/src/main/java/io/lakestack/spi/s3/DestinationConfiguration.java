package io.lakestack.spi.s3;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One destination of a bucket's notification configuration: a queue, topic or function, the event types it
 * receives and the key filter.
 *
 * @param id the configuration id S3 reports in each event's {@code s3.configurationId}
 * @param type queue, topic or function
 * @param arn the destination ARN
 * @param events configured event types, e.g. {@code s3:ObjectCreated:*}
 * @param prefix the {@code prefix} filter rule, if any
 * @param suffix the {@code suffix} filter rule, if any
 */
public record DestinationConfiguration(
        String id,
        DestinationType type,
        String arn,
        List<String> events,
        Optional<String> prefix,
        Optional<String> suffix)
{
    public DestinationConfiguration
    {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(arn, "arn is null");
        events = List.copyOf(requireNonNull(events, "events is null"));
        requireNonNull(prefix, "prefix is null");
        requireNonNull(suffix, "suffix is null");
    }

    /** Whether an event named {@code eventName} (e.g. {@code ObjectCreated:Put}) on {@code key} goes to this destination. */
    public boolean matches(String eventName, String key)
    {
        return prefix.map(key::startsWith).orElse(true)
                && suffix.map(key::endsWith).orElse(true)
                && events.stream().anyMatch(configured -> S3EventTypes.matches(configured, eventName));
    }

    /**
     * Whether some event on some key would match both this and {@code other}. S3 refuses a configuration in which
     * two destinations overlap.
     */
    public boolean overlaps(DestinationConfiguration other)
    {
        boolean eventsOverlap = events.stream()
                .anyMatch(mine -> other.events.stream().anyMatch(theirs -> S3EventTypes.overlap(mine, theirs)));
        boolean prefixesOverlap = prefix.isEmpty() || other.prefix.isEmpty()
                || prefix.get().startsWith(other.prefix.get()) || other.prefix.get().startsWith(prefix.get());
        boolean suffixesOverlap = suffix.isEmpty() || other.suffix.isEmpty()
                || suffix.get().endsWith(other.suffix.get()) || other.suffix.get().endsWith(suffix.get());
        return eventsOverlap && prefixesOverlap && suffixesOverlap;
    }
}
