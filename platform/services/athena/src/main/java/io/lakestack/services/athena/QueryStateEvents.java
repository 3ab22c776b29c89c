package io.lakestack.services.athena;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.endpoint.json.JsonProtocolService;
import io.lakestack.services.athena.QueryExecution.Failure;
import io.lakestack.services.athena.QueryExecution.State;
import io.lakestack.spi.eventbridge.EventBuses;
import io.lakestack.spi.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Athena's {@code Athena Query State Change} events on EventBridge's default bus, one for each state a query enters:
 * {@code QUEUED} (sequence number 1, no previous state), {@code RUNNING} (2) and the state it ends in (3) with its
 * {@code athenaError} when it ends {@code FAILED}. Each is made after the state is stored (a {@code RUNNING} query
 * is kept in its owner's memory only) and put by the {@code publisher}, one after the other in the order the states
 * changed, off the query's path: as AWS delivers its services' events on a best-effort basis, a query does not wait
 * for its events, and an endpoint stopped before a put loses that event. A put that fails is logged and never fails
 * the query.
 */
final class QueryStateEvents
{
    static final String DETAIL_TYPE = "Athena Query State Change";
    private static final Logger log = LoggerFactory.getLogger(QueryStateEvents.class);

    private final EventSink sink;
    private final String accountId;
    private final Function<String, Optional<String>> workGroupRegion;
    private final String defaultRegion;
    private final Executor publisher;

    /**
     * @param workGroupRegion the region of a work group, which its queries' events name; the primary work group (and a
     *         work group stored before work groups kept their region) has none, and its events name {@code defaultRegion}
     * @param publisher puts the events, one at a time, in the order it is given them
     */
    QueryStateEvents(EventSink sink, String accountId, Function<String, Optional<String>> workGroupRegion, String defaultRegion, Executor publisher)
    {
        this.publisher = requireNonNull(publisher, "publisher is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.workGroupRegion = requireNonNull(workGroupRegion, "workGroupRegion is null");
        this.defaultRegion = requireNonNull(defaultRegion, "defaultRegion is null");
    }

    /** The query entered {@code execution.state()} at {@code millis}, leaving {@code previous}. */
    void changed(QueryExecution execution, Optional<State> previous, long millis)
    {
        ObjectNode event;
        try {
            event = event(execution, previous, millis, UUID.randomUUID().toString());
        }
        catch (RuntimeException e) {
            log.error("query {}: its {} event for {} could not be made", execution.id(), DETAIL_TYPE, execution.state(), e);
            return;
        }
        try {
            publisher.execute(() -> {
                try {
                    sink.publish(EventBuses.kafkaTopic(EventBuses.DEFAULT_BUS), execution.id(), event.toString().getBytes(StandardCharsets.UTF_8));
                }
                catch (RuntimeException e) {
                    log.error("query {}: its {} event for {} could not be put on the default bus: {}", execution.id(), DETAIL_TYPE, execution.state(), event, e);
                }
            });
        }
        catch (RejectedExecutionException e) {
            log.error("query {}: its {} event for {} was not put on the default bus (the endpoint is stopping): {}", execution.id(), DETAIL_TYPE,
                    execution.state(), event, e);
        }
    }

    ObjectNode event(QueryExecution execution, Optional<State> previous, long millis, String id)
    {
        ObjectNode event = JsonProtocolService.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", DETAIL_TYPE);
        event.put("source", "aws.athena");
        event.put("account", accountId);
        event.put("time", Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", workGroupRegion.apply(execution.workGroup()).orElse(defaultRegion));
        event.putArray("resources");
        ObjectNode detail = event.putObject("detail");
        if (execution.state() == State.FAILED) {
            Failure failure = execution.failure().orElse(new Failure(false));
            ObjectNode error = detail.putObject("athenaError");
            error.put("errorCategory", (double) failure.category());
            error.put("errorType", (double) failure.type());
            error.put("errorMessage", execution.stateChangeReason().orElse(""));
            error.put("retryable", !failure.userError());
        }
        detail.put("versionId", "0");
        detail.put("currentState", execution.state().name());
        previous.ifPresent(state -> detail.put("previousState", state.name()));
        detail.put("statementType", execution.statementType());
        detail.put("queryExecutionId", execution.id());
        detail.put("workgroupName", execution.workGroup());
        detail.put("sequenceNumber", String.valueOf(sequenceNumber(execution.state())));
        return event;
    }

    private static int sequenceNumber(State state)
    {
        return switch (state) {
            case QUEUED -> 1;
            case RUNNING -> 2;
            default -> 3;
        };
    }
}
