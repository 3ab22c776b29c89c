package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.StreamFeed;
import io.lakestack.connectors.pipelines.agentevents.AgentEventsPipeline;
import io.lakestack.fixtures.agentevents.AgentEvent;
import io.lakestack.fixtures.agentevents.AgentEventGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "agent-events", description = "Agent events to Parquet: Amazon Connect agent events on a Kinesis stream, Firehose converting "
        + "them to Parquet (SNAPPY) by the kfhconnectblog table's schema under date prefixes, the analysts' queries through Athena.")
final class RunAgentEventsCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Mixin
    PipelineTarget where;

    @Option(names = "--records", paramLabel = "N", description = "How many agent events to generate and put (default: ${DEFAULT-VALUE}).")
    long records = 2_000;

    @Option(names = "--seed", paramLabel = "N", description = "The generator's seed: the same seed and count give the same events (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--buffer-seconds", paramLabel = "S", description = "The delivery stream's buffer interval, 0 to 900 (default: ${DEFAULT-VALUE}); "
            + "its buffer size is the pipeline's 128 MB.")
    int bufferSeconds = 60;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket the pipeline writes (default: ${DEFAULT-VALUE}).")
    String bucket = "lakestack-agent-events";

    @Option(names = "--role-arn", paramLabel = "ARN", description = "The role Firehose assumes: on AWS one that reads the stream and the Glue "
            + "catalog and writes the bucket (default on lakestack: ${DEFAULT-VALUE}).")
    String roleArn = "arn:aws:iam::000000000000:role/firehose-agent-events";

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        where.run("agent-events pipeline", location, start, roleArn, "a role Firehose can assume in your account", out, target -> run(target, out));
        return 0;
    }

    /** Deploys the pipeline on the target, feeds it, waits for every record to be queryable and prints the answers. */
    PipelineTiming run(AwsTarget target, PrintStream out)
            throws Exception
    {
        out.println("agent-events: agent events -> Kinesis -> Firehose (record format conversion, Parquet SNAPPY) -> S3 -> Athena, "
                + (target.lakestack() ? "on lakestack at " + target.endpoint().get() : "on AWS in " + target.region()));
        AgentEventsPipeline pipeline = new AgentEventsPipeline(target, AgentEventsPipeline.Settings.defaults(bucket, bufferSeconds, roleArn), out);
        pipeline.deploy(Duration.ofMinutes(5));

        out.printf(Locale.ROOT, "agent-events: putting %,d agent events of %d agents (seed %d)%n", records, AgentEventGenerator.agents(records), seed);
        PipelineTiming timing = PipelineTiming.start("agent-events");
        long put = pipeline.feed(input(records, seed).iterator());
        timing.inputDone("put (Kinesis PutRecords)", put);
        pipeline.awaitDelivered(put, 0, Duration.ofSeconds(bufferSeconds + 600L));
        timing.stage("delivery (Firehose to Parquet, queryable in Athena)");
        out.printf(Locale.ROOT, "agent-events: all %,d rows queryable %.1f s after the last put; %,.0f records/s from the first put to the answer (%s)%n",
                put, timing.secondsAfterInput(), timing.recordsPerSecond(), timing.stages());

        for (PipelineQuery query : pipeline.queries()) {
            PipelineAnswers.print(out, query, pipeline.answer(query));
        }
        return timing;
    }

    /** The generated agent events as the pipeline's stream records, keyed by agent. */
    static Stream<StreamFeed.StreamRecord> input(long records, long seed)
    {
        return new AgentEventGenerator(seed).events(records)
                .map(event -> new StreamFeed.StreamRecord(event.agent().arn(), event.json().getBytes(StandardCharsets.UTF_8)));
    }
}
