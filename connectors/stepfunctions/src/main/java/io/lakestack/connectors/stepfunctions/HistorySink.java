package io.lakestack.connectors.stepfunctions;

/**
 * Where an execution's history goes. The interpreter appends each event before the step it records takes effect (a
 * {@code TaskScheduled} before the task is invoked, a {@code WaitStateEntered} before the wait), one at a time and in id
 * order, and does not go on until {@link #append} returns: a durable sink (a Kafka topic) returns once the event is
 * stored, and an exception from it stops the execution where it is, to be resumed from the events stored
 * ({@link StateMachineInterpreter#resume}).
 */
@FunctionalInterface
public interface HistorySink
{
    void append(HistoryEvent event);

    static HistorySink discard()
    {
        return event -> {};
    }
}
