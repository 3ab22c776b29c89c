package io.lakestack.services.sqs;

import io.lakestack.spi.Arn;
import io.lakestack.spi.sqs.Queue;
import io.lakestack.spi.sqs.Queues;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Queue ARNs ({@code arn:aws:sqs:<region>:<account>:<name>}) and queue URLs of this account. A queue's ARN names the
 * region of the request that created it ({@link Queue#region()}; the configured region for a queue stored before
 * queues kept it), and an ARN names a queue only with that region. Queue names are one namespace across regions, so a
 * queue URL, which names no region lakestack reads, reaches the queue from any region. A queue URL is read in any of its
 * forms ({@code https://sqs.<region>.amazonaws.com/<account>/<name>}, {@code http://localhost:4566/<account>/<name>},
 * {@code https://queue.amazonaws.com/<account>/<name>}): its last two path segments name the account and the queue. A
 * URL is answered with the host of the request, so that it works against the endpoint that answered.
 */
final class QueueArns
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,80}");

    private final Queues queues;
    private final String defaultRegion;
    private final String accountId;

    /**
     * @param defaultRegion the stack's configured region: that of queues stored before queues kept their region
     */
    QueueArns(Queues queues, String defaultRegion, String accountId)
    {
        this.queues = requireNonNull(queues, "queues is null");
        this.defaultRegion = requireNonNull(defaultRegion, "defaultRegion is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
    }

    String accountId()
    {
        return accountId;
    }

    String region(Queue queue)
    {
        return queue.region().orElse(defaultRegion);
    }

    String arn(Queue queue)
    {
        return arn(region(queue), queue.name());
    }

    String arn(String region, String queueName)
    {
        return Arn.of("sqs", region, accountId, queueName).toString();
    }

    /** The ARN of the queue of that name; for a queue that is no longer there, the ARN it has in the configured region. */
    String arn(String queueName)
    {
        return queues.get(queueName).map(this::arn).orElseGet(() -> arn(defaultRegion, queueName));
    }

    /** Whether the text is a queue ARN of any region and account. */
    static boolean isArn(String text)
    {
        return Arn.parse(text, "sqs").filter(arn -> !arn.region().isEmpty() && !arn.accountId().isEmpty() && NAME.matcher(arn.resource()).matches()).isPresent();
    }

    /** The name a queue ARN of this account names, in any region; empty for anything else. */
    Optional<String> queueName(String text)
    {
        return Arn.parse(text, "sqs").filter(arn -> isArn(text) && arn.accountId().equals(accountId)).map(Arn::resource);
    }

    /** The queue an ARN names: one of its name, region and account; empty for anything else. */
    Optional<Queue> queue(String text)
    {
        return queueName(text).flatMap(queues::get).filter(queue -> arn(queue).equals(text));
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
