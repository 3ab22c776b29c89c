package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the runs of a redriven execution go on: each {@code ExecutionRedriven} event of a history makes the state that
 * failed, timed out or was aborted before it start again after it. The run that ended is found by walking back from
 * the event that ended it ({@code ExecutionFailed}, {@code ExecutionTimedOut}, {@code ExecutionAborted}) to the state
 * it was in, the innermost one (a Task in a Parallel branch or a Map iteration, not the Parallel or Map). That state's
 * {@code ...StateEntered} is written again after {@code ExecutionRedriven}, and what it entered after stands: the states
 * that had succeeded, the other branches and iterations, are replayed, not run again. An execution that ended between
 * two states (timed out or aborted) goes on with the next one.
 *
 * <p>The branches and iterations that were stopped because another one failed ({@code TaskStateAborted},
 * {@code WaitStateAborted}, a distributed Map's {@code MapRunAborted}) start their state again after
 * {@code ExecutionRedriven} too (the Map with a new Map Run); one stopped between two states goes on with the next.
 *
 * <p>An execution that failed, timed out or was aborted in a distributed Map goes on after its {@code MapRunStarted}:
 * the interpreter writes {@code MapRunRedriven} and has the {@link MapRunner} redrive the Map Run (its unsuccessful
 * children redriven, the others standing), then waits for it again.
 */
final class Redrives
{
    static final String REDRIVEN = "ExecutionRedriven";
    /** The events of a state stopped where it waited because another branch or iteration failed. */
    private static final Set<String> ABORTED_STATES = Set.of("TaskStateAborted", "WaitStateAborted", "MapRunAborted");

    /** After the event {@code from}, what follows {@code target} instead; for the state {@code stateName} only when present. */
    private record Redirect(Optional<String> stateName, long target) {}

    private final Map<Long, List<Redirect>> redirects;
    /** The {@code redriveCount} of each {@code ExecutionRedriven} event, by its id. */
    private final Map<Long, Integer> counts;
    private final int count;
    private final Optional<Instant> last;

    private Redrives(Map<Long, List<Redirect>> redirects, Map<Long, Integer> counts, int count, Optional<Instant> last)
    {
        this.redirects = redirects;
        this.counts = counts;
        this.count = count;
        this.last = last;
    }

    static Redrives of(List<HistoryEvent> history)
    {
        Map<Long, HistoryEvent> byId = new HashMap<>();
        history.forEach(event -> byId.put(event.id(), event));
        List<HistoryEvent> redriven = history.stream().filter(event -> event.type().equals(REDRIVEN)).sorted(Comparator.comparingLong(HistoryEvent::id)).toList();
        Map<Long, List<Redirect>> redirects = new HashMap<>();
        Map<Long, Integer> counts = new HashMap<>();
        redriven.forEach(redrive -> counts.put(redrive.id(), redrive.details().path("redriveCount").asInt()));
        long after = 0;
        for (HistoryEvent redrive : redriven) {
            for (HistoryEvent event : history) {
                if (event.id() > after && event.id() < redrive.id() && ABORTED_STATES.contains(event.type())) {
                    HistoryEvent entered = entered(byId, event);
                    if (entered != null) {
                        redirects.computeIfAbsent(entered.previousEventId(), id -> new ArrayList<>())
                                .add(new Redirect(Optional.of(entered.details().path("name").asText()), redrive.id()));
                    }
                }
            }
            after = redrive.id();
            HistoryEvent resumeAt = resumePoint(byId, redrive.previousEventId());
            if (resumeAt == null) {
                continue;
            }
            if (resumeAt.type().endsWith("StateEntered")) {
                redirects.computeIfAbsent(resumeAt.previousEventId(), id -> new ArrayList<>())
                        .add(new Redirect(Optional.of(resumeAt.details().path("name").asText()), redrive.id()));
            }
            else {
                redirects.computeIfAbsent(resumeAt.id(), id -> new ArrayList<>()).add(new Redirect(Optional.empty(), redrive.id()));
            }
        }
        Optional<Instant> last = redriven.isEmpty() ? Optional.empty() : Optional.of(redriven.get(redriven.size() - 1).timestamp());
        return new Redrives(redirects, counts, redriven.size(), last);
    }

    /**
     * Why a history that ended with its last event cannot be redriven by this interpreter, empty when it can: it must end
     * {@code ExecutionFailed}, {@code ExecutionTimedOut} or {@code ExecutionAborted} (then perhaps an
     * {@code ExecutionRedriven} whose redrive was cut short), not in a distributed Map.
     */
    static Optional<String> refusal(List<HistoryEvent> history)
    {
        Map<Long, HistoryEvent> byId = new HashMap<>();
        history.forEach(event -> byId.put(event.id(), event));
        Optional<HistoryEvent> end = history.stream().max(Comparator.comparingLong(HistoryEvent::id));
        if (end.isPresent() && end.get().type().equals(REDRIVEN)) {
            // a redrive cut short before the execution's record said so: the next one takes its event
            end = Optional.ofNullable(byId.get(end.get().previousEventId()));
        }
        if (end.isEmpty() || !List.of("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted").contains(end.get().type())) {
            return Optional.of("its history does not end with ExecutionFailed, ExecutionTimedOut or ExecutionAborted");
        }
        return Optional.empty();
    }

    /** The state the run was in when it ended with the event {@code endId}, or the event after which it was between states. */
    private static HistoryEvent resumePoint(Map<Long, HistoryEvent> byId, long endId)
    {
        HistoryEvent end = byId.get(endId);
        if (end == null) {
            return null;
        }
        for (HistoryEvent event = byId.get(end.previousEventId()); event != null; event = byId.get(event.previousEventId())) {
            if (isResumePoint(event)) {
                return event;
            }
        }
        return null;
    }

    /** The {@code ...StateEntered} event of the state whose event this is. */
    private static HistoryEvent entered(Map<Long, HistoryEvent> byId, HistoryEvent event)
    {
        for (HistoryEvent before = byId.get(event.previousEventId()); before != null; before = byId.get(before.previousEventId())) {
            if (before.type().endsWith("StateEntered")) {
                return before;
            }
        }
        return null;
    }

    private static boolean isResumePoint(HistoryEvent event)
    {
        // an execution that ended in a distributed Map goes on from its Map Run's start: the Map Run is redriven
        return event.type().endsWith("StateEntered") || event.type().endsWith("StateExited") || event.type().equals("ExecutionStarted")
                || event.type().equals(REDRIVEN) || event.type().equals("MapRunStarted");
    }

    /** The event that an event of this type (of the state {@code name}) written after {@code previous} follows. */
    long previous(long previous, String type, JsonNode name)
    {
        for (Redirect redirect : redirects.getOrDefault(previous, List.of())) {
            if (redirect.stateName().isEmpty() || type.endsWith("StateEntered") && redirect.stateName().get().equals(name.asText())) {
                return previous(redirect.target(), type, name);
            }
        }
        return previous;
    }

    int count()
    {
        return count;
    }

    /**
     * When the execution ended in the Map Run started by the event {@code mapRunStarted} and was redriven from there: the
     * {@code redriveCount} of the last such redrive, with which the Map Run is redriven.
     */
    Optional<Integer> mapRunRedrive(long mapRunStarted)
    {
        Optional<Long> target = Optional.empty();
        long at = mapRunStarted;
        while (true) {
            long from = at;
            Optional<Long> next = redirects.getOrDefault(from, List.of()).stream().filter(redirect -> redirect.stateName().isEmpty())
                    .map(Redirect::target).findFirst();
            if (next.isEmpty()) {
                return target.map(counts::get);
            }
            target = next;
            at = next.get();
        }
    }

    /** When the execution was last redriven: its {@code TimeoutSeconds} count from then. */
    Optional<Instant> last()
    {
        return last;
    }
}
