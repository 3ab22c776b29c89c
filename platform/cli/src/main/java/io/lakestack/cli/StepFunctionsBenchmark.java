package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.backends.kafka.KafkaTopics;
import io.lakestack.embedded.EmbeddedStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * State transitions per second of Standard executions, durable on Kafka, against Kafka's own produce rate in the same
 * run: the stack runs as {@code lakestack up --no-trino} in a process of its own, the clients in this one.
 *
 * <p>Step Functions: a machine of {@code --states} states, Pass and Choice in turn and a Succeed at the end (each Pass
 * adds its number to the state, each Choice checks the number the Pass before it added, so a skipped state ends the
 * execution {@code FAILED}), is started {@code --executions} times at once by as many client threads, and the round
 * is awaited until {@code ListExecutions} lists none of them running; {@code --rounds} rounds are timed from the first
 * start to the end of the last round. Then every execution must have ended {@code SUCCEEDED} with exactly the expected
 * output, and one execution's history must show exactly {@code --states} states entered, or the benchmark fails. A
 * transition is a state entered, as AWS counts them.
 *
 * <p>Baseline: as many Kafka producers' sends as there are executions, each writing one record per transition and
 * waiting for its acknowledgement (acks=all, idempotent, as the record stores write) before the next, as an
 * execution's history is written: the rate at which Kafka on this machine takes that many chains of durable writes.
 */
@Command(name = "stepfunctions", description = "Measure state transitions per second of Standard executions against Kafka's rate of one acknowledged record per "
        + "transition.")
final class StepFunctionsBenchmark
        implements Benchmark
{
    /** AWS's default quota of state transitions per second of an account (us-east-1), which lakestack should double. */
    private static final double AWS_QUOTA = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--executions", description = "Executions running at once (default: ${DEFAULT-VALUE}).")
    int executions = 100;

    @Option(names = "--states", description = "States of the machine, Pass and Choice in turn, then a Succeed (default: ${DEFAULT-VALUE}).")
    int states = 20;

    @Option(names = "--rounds", description = "Rounds of --executions executions each (default: ${DEFAULT-VALUE}).")
    int rounds = 10;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        if (states < 2 || states % 2 != 0) {
            throw new IllegalArgumentException("--states is an even number of at least 2, not " + states);
        }
        Path data = Files.createTempDirectory("lakestack-bench-stepfunctions");
        long transitions = (long) rounds * executions * states;
        System.out.printf(Locale.ROOT, "lakestack Step Functions benchmark: %d cores, load average %.1f, %d rounds of %d executions of a %d-state machine "
                        + "(%,d transitions), data dir %s%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), rounds, executions, states, transitions, data);
        try (BenchStack stack = BenchStack.start(data, Optional.empty(), List.of("--no-trino"));
                SfnClient sfn = SfnClient.builder().endpointOverride(URI.create(stack.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(AthenaBenchmark.credentials()).httpClientBuilder(ApacheHttpClient.builder().maxConnections(executions + 4))
                        .build()) {
            ExecutorService clients = Executors.newFixedThreadPool(executions);
            try {
                double kafka = kafka(stack.kafkaBootstrapServers(), clients);
                double stepFunctions = stepFunctions(sfn, clients);
                System.out.println();
                System.out.printf(Locale.ROOT, "load average at the end %.1f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                System.out.printf(Locale.ROOT, "Kafka, %d chains of acknowledged records (baseline)  %,10.0f records/s%n", executions, kafka);
                System.out.printf(Locale.ROOT, "Standard executions, state transitions               %,10.0f transitions/s  (%.2f of the baseline, %.2fx AWS's "
                        + "default quota of %,.0f/s)%n", stepFunctions, stepFunctions / kafka, stepFunctions / AWS_QUOTA, AWS_QUOTA);
                return List.of(
                        Figure.of("stepfunctions", executions + " chains of acknowledged Kafka records", kafka, "records/s"),
                        Figure.of("stepfunctions", "state transitions of " + executions + " Standard executions", stepFunctions, "transitions/s")
                                .against(kafka).target(Figure.Target.valueAtLeast(2 * AWS_QUOTA)));
            }
            finally {
                clients.shutdownNow();
            }
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    /** Records per second of {@code executions} threads each writing {@code rounds * states} records, one after another, each acknowledged. */
    private double kafka(String bootstrap, ExecutorService clients)
            throws Exception
    {
        String topic = "bench-stepfunctions-baseline";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new KafkaTopics(admin, java.time.Duration.ofSeconds(30)).ensureRecords(topic, 8, java.time.Duration.ofHours(24));
        }
        System.out.printf("  baseline: %d threads each writing %,d records to Kafka, each acknowledged before the next...%n", executions, rounds * states);
        byte[] value = "{\"type\":\"PassStateEntered\",\"details\":{\"name\":\"S01\",\"input\":\"{}\"}}".getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer())) {
            List<Future<?>> chains = new ArrayList<>();
            for (int chain = 0; chain < executions; chain++) {
                String key = "execution-" + chain;
                chains.add(clients.submit(() -> {
                    for (int i = 0; i < rounds * states; i++) {
                        producer.send(new ProducerRecord<>(topic, key, value)).get();
                    }
                    return null;
                }));
            }
            for (Future<?> chain : chains) {
                chain.get();
            }
        }
        return (double) executions * rounds * states / ((System.nanoTime() - start) / 1e9);
    }

    private double stepFunctions(SfnClient sfn, ExecutorService clients)
            throws Exception
    {
        String machine = sfn.createStateMachine(request -> request.name("bench-transitions").roleArn("arn:aws:iam::000000000000:role/bench")
                .definition(definition())).stateMachineArn();
        System.out.printf("  Step Functions: %d rounds of %d executions started at once, each round awaited...%n", rounds, executions);
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<Future<String>> starts = new ArrayList<>();
            for (int i = 0; i < executions; i++) {
                String name = "round-" + round + "-" + i;
                starts.add(clients.submit(() -> sfn.startExecution(request -> request.stateMachineArn(machine).name(name).input("{}")).executionArn()));
            }
            for (Future<String> started : starts) {
                started.get();
            }
            while (!sfn.listExecutions(request -> request.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING).maxResults(1)).executions().isEmpty()) {
                Thread.sleep(20);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(sfn, machine);
        System.out.printf(Locale.ROOT, "  every execution SUCCEEDED with the expected output; %.1f s%n", seconds);
        return (double) executions * rounds * states / seconds;
    }

    /** Every execution of the machine succeeded with exactly the expected output, and one entered exactly --states states. */
    private void check(SfnClient sfn, String machine)
            throws Exception
    {
        List<ExecutionListItem> all = sfn.listExecutionsPaginator(request -> request.stateMachineArn(machine)).executions().stream().toList();
        if (all.size() != rounds * executions) {
            throw new IllegalStateException(all.size() + " executions listed, not " + rounds * executions);
        }
        JsonNode expected = expectedOutput();
        for (ExecutionListItem item : all) {
            DescribeExecutionResponse execution = sfn.describeExecution(request -> request.executionArn(item.executionArn()));
            if (execution.status() != ExecutionStatus.SUCCEEDED || !JSON.readTree(execution.output()).equals(expected)) {
                throw new IllegalStateException("execution " + item.executionArn() + " ended " + execution.status() + " with output " + execution.output()
                        + ", error " + execution.error() + ", cause " + execution.cause());
            }
        }
        String last = all.get(0).executionArn();
        long entered = sfn.getExecutionHistoryPaginator(request -> request.executionArn(last)).events().stream()
                .map(HistoryEvent::typeAsString).filter(type -> type.endsWith("StateEntered")).count();
        if (entered != states) {
            throw new IllegalStateException("execution " + last + " entered " + entered + " states, not " + states);
        }
    }

    private static String name(int state)
    {
        return String.format(Locale.ROOT, "S%02d", state);
    }

    /**
     * Pass S01 adds {"s01": 1}, Choice S02 checks it, Pass S03 adds {"s03": 3}, ..., and the last state is a Succeed:
     * {@code --states} states entered by an execution that goes right, a Fail as soon as one goes wrong.
     */
    String definition()
    {
        ObjectNode definition = JSON.createObjectNode().put("StartAt", name(1));
        ObjectNode all = definition.putObject("States");
        for (int state = 1; state < states; state++) {
            ObjectNode node = all.putObject(name(state));
            if (state % 2 == 1) {
                node.put("Type", "Pass").put("ResultPath", "$." + name(state).toLowerCase(Locale.ROOT)).put("Result", state).put("Next", name(state + 1));
            }
            else {
                node.put("Type", "Choice").putArray("Choices").addObject().put("Variable", "$." + name(state - 1).toLowerCase(Locale.ROOT))
                        .put("NumericEquals", state - 1).put("Next", name(state + 1));
                node.put("Default", "Skipped");
            }
        }
        all.putObject(name(states)).put("Type", "Succeed");
        all.putObject("Skipped").put("Type", "Fail").put("Error", "Bench.Skipped").put("Cause", "a Choice did not see the Pass before it");
        return definition.toString();
    }

    JsonNode expectedOutput()
    {
        ObjectNode output = JSON.createObjectNode();
        for (int state = 1; state < states; state += 2) {
            output.put(name(state).toLowerCase(Locale.ROOT), state);
        }
        return output;
    }
}
