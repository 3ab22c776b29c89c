package io.lakestack.spi.targets;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The ARN of a resource EventBridge rules and Scheduler schedules deliver to: a Lambda function (qualified or not), an
 * SQS queue, an SNS topic, a Kinesis data stream, a Firehose stream, a Step Functions state machine or a Glue workflow
 * (which EventBridge rules deliver to, the workflow's {@code EVENT} trigger batching the events). Shared by the
 * services that validate targets and the connectors that deliver to them.
 *
 * @param resource the part after the account: {@code function:f}, {@code function:f:live}, {@code orders},
 *         {@code stream/clicks}, {@code deliverystream/to-s3}, {@code stateMachine:etl}, {@code workflow/ingest}
 * @param name the resource's name: the function, queue, topic, stream, state machine or workflow name
 */
public record TargetArn(String arn, Kind kind, String partition, String region, String accountId, String resource, String name)
{
    private static final Pattern ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z0-9-]*):(\\d{12}):(.+)");
    private static final Pattern FUNCTION = Pattern.compile("function:([a-zA-Z0-9_-]{1,64})(:(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?");
    private static final Pattern QUEUE_OR_TOPIC = Pattern.compile("[a-zA-Z0-9_-]{1,80}(\\.fifo)?");
    private static final Pattern STREAM = Pattern.compile("stream/([a-zA-Z0-9_.-]{1,128})");
    private static final Pattern DELIVERY_STREAM = Pattern.compile("deliverystream/([a-zA-Z0-9_.-]{1,64})");
    private static final Pattern STATE_MACHINE = Pattern.compile("stateMachine:([a-zA-Z0-9_-]{1,80})");
    private static final Pattern GLUE_WORKFLOW = Pattern.compile("workflow/([^\\r\\n]{1,255})");

    /** What the ARN names, and so how a target is called. */
    public enum Kind
    {
        LAMBDA("lambda"), SQS("sqs"), SNS("sns"), KINESIS("kinesis"), FIREHOSE("firehose"), STEP_FUNCTIONS("states"), GLUE_WORKFLOW("glue");

        private final String service;

        Kind(String service)
        {
            this.service = service;
        }

        /** The service in the ARN: {@code lambda}, {@code sqs}, {@code sns}, {@code kinesis}, {@code firehose}, {@code states}, {@code glue}. */
        public String service()
        {
            return service;
        }
    }

    public TargetArn
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(partition, "partition is null");
        requireNonNull(region, "region is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(name, "name is null");
    }

    /**
     * @throws IllegalArgumentException saying what is wrong, when the text is not the ARN of a resource of one of the
     *         kinds above
     */
    public static TargetArn parse(String arn)
    {
        requireNonNull(arn, "arn is null");
        Matcher matcher = ARN.matcher(arn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Target ARN " + arn + " is not an ARN of the form arn:aws:<service>:<region>:<12-digit account>:<resource>");
        }
        String service = matcher.group(2);
        String region = matcher.group(3);
        String resource = matcher.group(5);
        if (region.isEmpty()) {
            throw new IllegalArgumentException("Target ARN " + arn + " has no region");
        }
        Kind kind = switch (service) {
            case "lambda" -> Kind.LAMBDA;
            case "sqs" -> Kind.SQS;
            case "sns" -> Kind.SNS;
            case "kinesis" -> Kind.KINESIS;
            case "firehose" -> Kind.FIREHOSE;
            case "states" -> Kind.STEP_FUNCTIONS;
            case "glue" -> Kind.GLUE_WORKFLOW;
            default -> throw new IllegalArgumentException("Target ARN " + arn + " names service " + service
                    + ", which lakestack does not deliver to; targets are Lambda functions, SQS queues, SNS topics, Kinesis streams,"
                    + " Firehose streams, Step Functions state machines and Glue workflows");
        };
        String name = switch (kind) {
            case LAMBDA -> group(FUNCTION, resource, arn, "a function (function:<name>[:<version or alias>])");
            case SQS, SNS -> {
                if (!QUEUE_OR_TOPIC.matcher(resource).matches()) {
                    throw new IllegalArgumentException("Target ARN " + arn + " does not name " + (kind == Kind.SQS ? "a queue" : "a topic")
                            + ": 1 to 80 letters, digits, hyphens and underscores, with .fifo for a FIFO one");
                }
                yield resource;
            }
            case KINESIS -> group(STREAM, resource, arn, "a stream (stream/<name>)");
            case FIREHOSE -> group(DELIVERY_STREAM, resource, arn, "a Firehose stream (deliverystream/<name>)");
            case STEP_FUNCTIONS -> group(STATE_MACHINE, resource, arn, "a state machine (stateMachine:<name>)");
            case GLUE_WORKFLOW -> group(GLUE_WORKFLOW, resource, arn, "a Glue workflow (workflow/<name>)");
        };
        return new TargetArn(arn, kind, matcher.group(1), region, matcher.group(4), resource, name);
    }

    private static String group(Pattern pattern, String resource, String arn, String expected)
    {
        Matcher matcher = pattern.matcher(resource);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Target ARN " + arn + " does not name " + expected);
        }
        return matcher.group(1);
    }
}
