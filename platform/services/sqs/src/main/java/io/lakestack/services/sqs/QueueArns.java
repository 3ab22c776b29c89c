package io.lakestack.services.sqs;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Queue ARNs ({@code arn:aws:sqs:<region>:<account>:<name>}) and queue URLs of this region and account. A queue URL
 * is read in any of its forms ({@code https://sqs.<region>.amazonaws.com/<account>/<name>},
 * {@code http://localhost:4566/<account>/<name>}, {@code https://queue.amazonaws.com/<account>/<name>}): its last two
 * path segments name the account and the queue. A URL is answered with the host of the request, so that it works
 * against the endpoint that answered.
 */
final class QueueArns
{
    static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:sqs:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9_.-]{1,80})");

    private final String region;
    private final String accountId;

    QueueArns(String region, String accountId)
    {
        this.region = requireNonNull(region, "region is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    String accountId()
    {
        return accountId;
    }

    String arn(String queueName)
    {
        return "arn:aws:sqs:" + region + ":" + accountId + ":" + queueName;
    }

    /** The queue an ARN of this region and account names; empty for anything else. */
    Optional<String> queueName(String arn)
    {
        Matcher matcher = ARN.matcher(arn);
        if (!matcher.matches() || !matcher.group(1).equals(region) || !matcher.group(2).equals(accountId)) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(3));
    }

    String url(String host, String queueName)
    {
        return "http://" + host + "/" + accountId + "/" + queueName;
    }

    /** The account and queue a URL's path (or a request's path) names: its last two segments; empty when it has fewer. */
    static Optional<String[]> accountAndName(String urlOrPath)
    {
        String path;
        try {
            path = urlOrPath.startsWith("/") ? urlOrPath : URI.create(urlOrPath).getRawPath();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null) {
            return Optional.empty();
        }
        String[] segments = path.replaceAll("/+$", "").split("/");
        if (segments.length < 3 || segments[segments.length - 1].isEmpty() || segments[segments.length - 2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {segments[segments.length - 2], segments[segments.length - 1]});
    }
}
