/**
 * An Amazon States Language interpreter, as a library that runs inside lakestack and outside it.
 *
 * <p>{@link io.lakestack.connectors.stepfunctions.StateMachineDefinition#parse(String)} validates a definition the way
 * {@code CreateStateMachine} does; {@link io.lakestack.connectors.stepfunctions.StateMachineInterpreter} runs it. The
 * interpreter owns no thread, clock, randomness, task or storage of its own; each is a seam for the slices that follow:
 * <ul>
 *     <li>{@link io.lakestack.connectors.stepfunctions.TaskInvoker}: the service integrations (request-response,
 *     {@code .sync}, {@code .waitForTaskToken} with the request's task token and heartbeat) and activities;</li>
 *     <li>{@link io.lakestack.connectors.stepfunctions.HistorySink}: durable executions, each event written (to Kafka)
 *     before the step it records takes effect; {@code GetExecutionHistory} reads the same events;</li>
 *     <li>{@link io.lakestack.connectors.stepfunctions.Waiter} and {@link java.time.Clock}: Wait states, retry intervals
 *     and timeouts, real or fake;</li>
 *     <li>{@link io.lakestack.connectors.stepfunctions.RandomSource}: {@code States.MathRandom}, {@code States.UUID},
 *     retry jitter.</li>
 * </ul>
 *
 * <p>An execution stopped anywhere resumes from a prefix of its history
 * ({@link io.lakestack.connectors.stepfunctions.StateMachineInterpreter#resume}): recorded steps are matched, not done
 * again, and it goes on from where each branch and iteration stood.
 *
 * <p>lakestack's Step Functions service runs it in {@code connectors/stepfunctions-engine}: a durable
 * {@link io.lakestack.connectors.stepfunctions.HistorySink} on Kafka, request-response task integrations, and
 * {@link io.lakestack.connectors.stepfunctions.StateMachineDefinition#taskResources()} checked against them when a machine
 * is created. Not here yet: the distributed Map (refused at validation).
 */
package io.lakestack.connectors.stepfunctions;
