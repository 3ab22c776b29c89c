package io.lakestack.spi.stepfunctions;

import io.lakestack.spi.store.RecordStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Step Functions keeps its state: the record stores {@value #STATE_MACHINES_STORE} ({@link StateMachine}s by
 * ARN), {@value #EXECUTIONS_STORE} ({@link StateMachineExecution}s by ARN) and {@value #HISTORY_STORE}
 * ({@link HistoryPage}s of {@link HistoryRecord}s by the {@link #historyKey} of their first event), {@value #ACTIVITIES_STORE} ({@link Activity}s by ARN),
 * {@value #MAP_RUNS_STORE} ({@link MapRun}s of distributed Maps by ARN), {@value #VERSIONS_STORE} ({@link StateMachineVersion}s
 * by ARN), {@value #ALIASES_STORE} ({@link StateMachineAlias}es by ARN), and the forms of its ARNs.
 */
public final class StepFunctions
{
    public static final String STATE_MACHINES_STORE = "stepfunctions.state-machines";
    public static final String EXECUTIONS_STORE = "stepfunctions.executions";
    public static final String HISTORY_STORE = "stepfunctions.history-pages";
    public static final String ACTIVITIES_STORE = "stepfunctions.activities";
    public static final String MAP_RUNS_STORE = "stepfunctions.map-runs";
    public static final String VERSIONS_STORE = "stepfunctions.versions";
    public static final String ALIASES_STORE = "stepfunctions.aliases";
    public static final String STANDARD = "STANDARD";
    public static final String EXPRESS = "EXPRESS";

    private static final Pattern STATE_MACHINE_ARN = Pattern.compile("arn:aws:states:([a-z0-9-]+):([0-9]{12}):stateMachine:([^:]+)");
    /** A version's ARN ({@code <machine ARN>:<number>}) or an alias's ({@code <machine ARN>:<alias name>}). */
    private static final Pattern QUALIFIED_ARN = Pattern.compile("(arn:aws:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^:]+):([^:]+)");
    private static final Pattern ACTIVITY_ARN = Pattern.compile("arn:aws:states:([a-z0-9-]+):([0-9]{12}):activity:([^:]+)");
    private static final Pattern MAP_RUN_ARN = Pattern.compile("arn:aws:states:([a-z0-9-]+):([0-9]{12}):mapRun:([^:/]+)/([^:]+):([^:]+)");
    private static final Pattern EXECUTION_ARN = Pattern.compile("arn:aws:states:([a-z0-9-]+):([0-9]{12}):(execution|express):([^:]+):([^:]+)");

    private StepFunctions() {}

    public static String stateMachineArn(String region, String accountId, String name)
    {
        return "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + name;
    }

    public static String activityArn(String region, String accountId, String name)
    {
        return "arn:aws:states:" + region + ":" + accountId + ":activity:" + name;
    }

    /** Whether the text has the form of an activity ARN, the {@code Resource} of a Task state that runs an activity. */
    public static boolean isActivityArn(String arn)
    {
        return ACTIVITY_ARN.matcher(arn).matches();
    }

    /** A standard execution's ARN ({@code ...:execution:<machine>:<name>}); an express one's says {@code express}. */
    public static String executionArn(String stateMachineArn, String name, boolean express)
    {
        Matcher matcher = STATE_MACHINE_ARN.matcher(stateMachineArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        return "arn:aws:states:" + matcher.group(1) + ":" + matcher.group(2) + ":" + (express ? "express" : "execution") + ":" + matcher.group(3)
                + ":" + name;
    }

    /** Whether the text has the form of a state machine ARN. */
    public static boolean isStateMachineArn(String arn)
    {
        return STATE_MACHINE_ARN.matcher(arn).matches();
    }

    public static String versionArn(String stateMachineArn, int number)
    {
        return stateMachineArn + ":" + number;
    }

    public static String aliasArn(String stateMachineArn, String aliasName)
    {
        return stateMachineArn + ":" + aliasName;
    }

    /** Whether the text has the form of a version ARN: a state machine ARN, a colon and a number. */
    public static boolean isVersionArn(String arn)
    {
        Matcher matcher = QUALIFIED_ARN.matcher(arn);
        return matcher.matches() && matcher.group(2).chars().allMatch(Character::isDigit);
    }

    /** Whether the text has the form of an alias ARN: a state machine ARN, a colon and a name that is not a number. */
    public static boolean isAliasArn(String arn)
    {
        Matcher matcher = QUALIFIED_ARN.matcher(arn);
        return matcher.matches() && !matcher.group(2).chars().allMatch(Character::isDigit);
    }

    /** The state machine ARN of a version's or alias's ARN, when it has the form of one. */
    public static Optional<String> stateMachineOfQualified(String arn)
    {
        Matcher matcher = QUALIFIED_ARN.matcher(arn);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The ARN of the state machine an execution ARN names, when it has the form of one. */
    public static Optional<String> stateMachineOfExecution(String executionArn)
    {
        Matcher matcher = EXECUTION_ARN.matcher(executionArn);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(stateMachineArn(matcher.group(1), matcher.group(2), matcher.group(4)));
    }

    /**
     * The ARN of a Map Run: {@code arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>}, the label being the
     * Map state's {@code Label} or, without one, its name.
     */
    public static String mapRunArn(String executionArn, String label, String id)
    {
        Matcher matcher = EXECUTION_ARN.matcher(executionArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an execution ARN: " + executionArn);
        }
        return "arn:aws:states:" + matcher.group(1) + ":" + matcher.group(2) + ":mapRun:" + matcher.group(4) + "/" + label + ":" + id;
    }

    /** Whether the text has the form of a Map Run ARN. */
    public static boolean isMapRunArn(String arn)
    {
        return MAP_RUN_ARN.matcher(arn).matches();
    }

    /** The machine of a Map Run's child executions: {@code arn:aws:states:<region>:<account>:stateMachine:<machine>/<label>}. */
    public static String mapRunChildMachineArn(String mapRunArn)
    {
        Matcher matcher = MAP_RUN_ARN.matcher(mapRunArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a Map Run ARN: " + mapRunArn);
        }
        return stateMachineArn(matcher.group(1), matcher.group(2), matcher.group(3) + "/" + matcher.group(4));
    }

    /** The name of a Map Run's child execution {@code index}: the Map Run's id and the index ({@code <id>-<index>}). */
    public static String mapRunChildName(String mapRunArn, int index)
    {
        Matcher matcher = MAP_RUN_ARN.matcher(mapRunArn);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a Map Run ARN: " + mapRunArn);
        }
        return matcher.group(5) + "-" + index;
    }

    /**
     * Every stored event of the execution's history, in the order of their ids (an event a page holds again after an
     * earlier page, which a writer never does, is read once).
     */
    public static List<HistoryRecord> history(RecordStore<HistoryPage> store, String executionArn)
    {
        List<HistoryRecord> events = new ArrayList<>();
        for (HistoryPage page : store.range(historyKey(executionArn, 0), historyEnd(executionArn)).values()) {
            for (HistoryRecord event : page.events()) {
                if (events.isEmpty() || event.id() > events.get(events.size() - 1).id()) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    /** A history page's key in {@value #HISTORY_STORE}: the execution's ARN and its first event's id, so that keys sort by id. */
    public static String historyKey(String executionArn, long eventId)
    {
        if (eventId < 0) {
            throw new IllegalArgumentException("event ids are not negative: " + eventId);
        }
        String id = Long.toString(eventId);
        return executionArn + "#" + "0".repeat(Math.max(0, 10 - id.length())) + id;
    }

    /** The first key after every event of the execution, for a range of {@value #HISTORY_STORE}. */
    public static String historyEnd(String executionArn)
    {
        return executionArn + "$";
    }
}
