package io.lakestack.spi.s3;

import io.lakestack.spi.ServiceException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A bucket's notification configuration, as set by {@code PutBucketNotificationConfiguration}.
 *
 * @param destinations queue, topic and function configurations, in the order given
 * @param eventBridge whether {@code EventBridgeConfiguration} is present
 */
public record NotificationConfiguration(List<DestinationConfiguration> destinations, boolean eventBridge)
{
    public static final NotificationConfiguration EMPTY = new NotificationConfiguration(List.of(), false);

    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:(sqs|sns|lambda):[a-z0-9-]+:\\d{12}:(.+)");
    private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
    private static final Pattern FUNCTION_RESOURCE = Pattern.compile("function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9$_-]{1,128})?");

    public NotificationConfiguration
    {
        destinations = List.copyOf(requireNonNull(destinations, "destinations is null"));
    }

    public boolean isEmpty()
    {
        return destinations.isEmpty() && !eventBridge;
    }

    /**
     * Checks the configuration as S3 does: known event types, well-formed ARNs of the right service, unique ids,
     * no two destinations overlapping.
     *
     * @throws ServiceException {@code InvalidArgument} naming the offending part
     */
    public void validate()
    {
        Set<String> ids = new HashSet<>();
        for (DestinationConfiguration destination : destinations) {
            if (!ids.add(destination.id())) {
                throw ServiceException.user("InvalidArgument", "Two notification configurations have the same Id: " + destination.id());
            }
            if (destination.events().isEmpty()) {
                throw ServiceException.user("InvalidArgument", "The notification configuration " + destination.id() + " names no Event");
            }
            for (String event : destination.events()) {
                if (!S3EventTypes.isConfigurable(event)) {
                    throw ServiceException.user("InvalidArgument", "The event is not supported for notifications: " + event);
                }
            }
            validateArn(destination);
        }
        for (int i = 0; i < destinations.size(); i++) {
            for (int j = i + 1; j < destinations.size(); j++) {
                if (destinations.get(i).overlaps(destinations.get(j))) {
                    throw ServiceException.user("InvalidArgument",
                            "Configurations overlap. Configurations on the same bucket cannot share a common event type. ("
                                    + destinations.get(i).id() + " and " + destinations.get(j).id() + ")");
                }
            }
        }
    }

    private static void validateArn(DestinationConfiguration destination)
    {
        var matcher = ARN.matcher(destination.arn());
        if (!matcher.matches()) {
            throw ServiceException.user("InvalidArgument", "The ARN is not well formed: " + destination.arn());
        }
        if (!matcher.group(1).equals(destination.type().arnService())) {
            throw ServiceException.user("InvalidArgument", "A " + destination.type().configurationElement() + " needs an "
                    + destination.type().arnService() + " ARN, not " + destination.arn());
        }
        String resource = matcher.group(2);
        boolean valid = destination.type() == DestinationType.LAMBDA_FUNCTION
                ? FUNCTION_RESOURCE.matcher(resource).matches()
                : RESOURCE_NAME.matcher(resource).matches();
        if (!valid) {
            throw ServiceException.user("InvalidArgument", "The ARN is not well formed: " + destination.arn());
        }
        if (destination.type() == DestinationType.TOPIC && resource.endsWith(".fifo")) {
            // as on AWS: only standard SNS topics take S3 event notifications
            throw ServiceException.user("InvalidArgument", "Unable to validate the following destination configurations: " + destination.arn()
                    + " is an SNS FIFO topic, which cannot be an S3 event notification destination; use a standard topic");
        }
    }
}
