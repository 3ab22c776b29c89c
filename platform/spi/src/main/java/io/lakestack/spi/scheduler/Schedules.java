package io.lakestack.spi.scheduler;

import io.lakestack.spi.store.RecordStore;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

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

    /**
     * The schedules one engine runs: those of {@code schedules} and those of {@code extra}, all of whose keys start with
     * {@code prefix} (the start of group names no Scheduler group can have, such as {@code #glue-}); a write goes to the
     * store its key is of.
     */
    public static RecordStore<Schedule> union(RecordStore<Schedule> schedules, RecordStore<Schedule> extra, String prefix)
    {
        return new RecordStore<>()
        {
            private RecordStore<Schedule> of(String key)
            {
                return key.startsWith(prefix) ? extra : schedules;
            }

            @Override
            public Optional<Schedule> get(String key)
            {
                return of(key).get(key);
            }

            @Override
            public void catchUp()
            {
                schedules.catchUp();
                extra.catchUp();
            }

            @Override
            public void put(String key, Schedule record)
            {
                of(key).put(key, record);
            }

            @Override
            public void delete(String key)
            {
                of(key).delete(key);
            }

            @Override
            public SortedMap<String, Schedule> all()
            {
                SortedMap<String, Schedule> all = new TreeMap<>(schedules.all());
                extra.all().forEach((key, schedule) -> {
                    if (key.startsWith(prefix)) {
                        all.put(key, schedule);
                    }
                });
                return all;
            }

            @Override
            public void subscribe(Listener<Schedule> listener)
            {
                schedules.subscribe(listener);
                extra.subscribe((key, schedule) -> {
                    if (key.startsWith(prefix)) {
                        listener.changed(key, schedule);
                    }
                });
            }
        };
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
