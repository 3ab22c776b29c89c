package io.lakestack.spi.s3;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where lakestack publishes S3 event notifications: one Kafka topic per destination.
 *
 * <ul>
 *   <li>queue {@code arn:aws:sqs:<region>:<account>:<name>} -> {@code lakestack.sqs.<name>}</li>
 *   <li>topic {@code arn:aws:sns:<region>:<account>:<name>} -> {@code lakestack.sns.<name>}</li>
 *   <li>function {@code arn:aws:lambda:<region>:<account>:function:<name>} (or {@code :$LATEST}) -> {@code lakestack.lambda.<name>},
 *       and {@code ...:function:<name>:<version or alias>} -> {@code lakestack.lambda.<name>.<version or alias>}: the queue of
 *       the function's asynchronous invocations, which invoke that qualifier</li>
 *   <li>{@code EventBridgeConfiguration} -> {@value #EVENTBRIDGE_TOPIC}</li>
 * </ul>
 *
 * Each record's key is {@code <bucket>/<key>} (so events on one object stay in order on one partition) and its
 * value is the event exactly as AWS delivers it to that kind of destination: the S3 event JSON
 * ({@code {"Records":[...]}}) for queues, topics and functions, the EventBridge event for EventBridge.
 * Region and account are not part of the name: lakestack runs one account.
 */
public final class NotificationTopics
{
    public static final String EVENTBRIDGE_TOPIC = "lakestack.events.default";
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:(sqs|sns|lambda):[^:]*:[^:]*:(?:function:)?([^:]+)(?::(.*))?");

    private NotificationTopics() {}

    /** The Kafka topic for a destination ARN; the ARN must already be valid ({@link NotificationConfiguration#validate()}). */
    public static String topicFor(String destinationArn)
    {
        Matcher matcher = ARN.matcher(destinationArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a queue, topic or function ARN: " + destinationArn);
        }
        String qualifier = matcher.group(1).equals("lambda") && matcher.group(3) != null && !matcher.group(3).equals("$LATEST")
                ? "." + matcher.group(3)
                : "";
        return "lakestack." + matcher.group(1) + "." + matcher.group(2) + qualifier;
    }
}
