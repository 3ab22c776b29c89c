package io.lakestack.spi.scheduler;

/**
 * Where EventBridge Scheduler keeps its definitions: the record store {@value #SCHEDULES_STORE} of {@link Schedule}s,
 * keyed by {@link #key}, and the record store {@value #GROUPS_STORE} of {@link ScheduleGroup}s, keyed by name. The
 * service writes both; the scheduler connector reads schedules and deletes those whose {@code ActionAfterCompletion} is
 * {@code DELETE} after their last occurrence.
 */
public final class Schedules
{
    public static final String SCHEDULES_STORE = "scheduler.schedules";
    public static final String GROUPS_STORE = "scheduler.groups";
    /** The group every account has, which cannot be deleted. */
    public static final String DEFAULT_GROUP = "default";

    private Schedules() {}

    /** A schedule's key in {@value #SCHEDULES_STORE}: {@code <group>/<name>} (neither may contain a slash). */
    public static String key(String groupName, String name)
    {
        return groupName + "/" + name;
    }

    public static String scheduleArn(String region, String accountId, String groupName, String name)
    {
        return "arn:aws:scheduler:" + region + ":" + accountId + ":schedule/" + groupName + "/" + name;
    }

    public static String groupArn(String region, String accountId, String groupName)
    {
        return "arn:aws:scheduler:" + region + ":" + accountId + ":schedule-group/" + groupName;
    }
}
