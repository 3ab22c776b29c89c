package io.lakestack.spi.eventbridge;

/**
 * Where EventBridge lives on lakestack's engines. Buses and rules (with their targets) are kept in the record stores
 * {@value #BUSES_STORE} and {@value #RULES_STORE}; a bus's events are the Kafka topic {@code lakestack.events.<bus>}
 * ({@link #kafkaTopic}), each record's value the event as EventBridge delivers it ({@code version}, {@code id},
 * {@code detail-type}, {@code source}, {@code account}, {@code time}, {@code region}, {@code resources},
 * {@code detail}); S3 writes its events to the default bus's topic in the same shape. Each enabled rule is read by
 * the consumer group {@link #consumerGroup}.
 */
public final class EventBuses
{
    public static final String BUSES_STORE = "events.buses";
    public static final String RULES_STORE = "events.rules";
    public static final String DEFAULT_BUS = "default";

    private EventBuses() {}

    public static String kafkaTopic(String busName)
    {
        return "lakestack.events." + busName;
    }

    /** The record store key of a rule: its bus and name. */
    public static String ruleKey(String busName, String ruleName)
    {
        return busName + "/" + ruleName;
    }

    public static String busArn(String region, String accountId, String busName)
    {
        return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + busName;
    }

    /** {@code rule/<name>} on the default bus, {@code rule/<bus>/<name>} on another, as AWS names them. */
    public static String ruleArn(String region, String accountId, String busName, String ruleName)
    {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/" + (busName.equals(DEFAULT_BUS) ? "" : busName + "/") + ruleName;
    }

    /**
     * The consumer group of a rule while it is enabled: a rule enabled again (or created again under its name) gets
     * a new group, which starts at that time, so that events sent while it was disabled are not delivered.
     */
    public static String consumerGroup(Rule rule)
    {
        return "lakestack.events.rule." + rule.busName() + "." + rule.name() + "." + rule.activeSinceMillis();
    }
}
