package io.lakestack.cli;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.StreamFeed;
import io.lakestack.connectors.pipelines.contactcenter.ContactCenterPipeline;
import io.lakestack.fixtures.contactcenter.ContactTraceRecord;
import io.lakestack.fixtures.contactcenter.ContactTraceRecordGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "contact-center", description = "Contact-center CTR analytics: Amazon Connect contact trace records on a Kinesis stream, Firehose "
        + "delivering them raw, an S3-triggered Python function flattening them, a Glue crawler, an hourly Python function converting them to "
        + "Parquet through Athena (invoked at once here), the analysts' queries through Athena. The records come in two batches; the second "
        + "carries attributes the first has not, which become new struct fields.")
final class RunContactCenterCommand
        implements Callable<Integer>
{
    @Mixin
    StackOptions location;

    @Mixin
    StartOptions start;

    @Mixin
    PipelineTarget where;

    @Option(names = "--records", paramLabel = "N", description = "How many contact trace records to generate and put, in two batches "
            + "(default: ${DEFAULT-VALUE}).")
    long records = 2_000;

    @Option(names = "--seed", paramLabel = "N", description = "The generator's seed: the same seed and count give the same records (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--buffer-seconds", paramLabel = "S", description = "The delivery stream's buffer interval, 0 to 900 (default: ${DEFAULT-VALUE}); "
            + "its buffer size is 1 MB.")
    int bufferSeconds = 60;

    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket the pipeline writes (default: ${DEFAULT-VALUE}).")
    String bucket = "lakestack-contact-center";

    @Option(names = "--python-runtime", paramLabel = "RUNTIME", description = "The functions' runtime (default: on lakestack that of the python3 "
            + "on the PATH, which runs them; on AWS python3.12).")
    String runtime;

    @Option(names = "--role-arn", paramLabel = "ARN", description = "The role Firehose, the functions, the crawler and the schedule assume: on AWS one "
            + "that reads the stream, writes the bucket, runs crawlers and Athena queries and invokes the functions (default on lakestack: "
            + "${DEFAULT-VALUE}).")
    String roleArn = "arn:aws:iam::000000000000:role/contact-center";

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        where.run("contact-center pipeline", location, start, roleArn, "a role Firehose, Lambda, Glue and Scheduler can assume in your account", out,
                target -> run(target, PipelineTarget.pythonRuntime(runtime, target), out));
        return 0;
    }

    /** Deploys the pipeline on the target, feeds it in two batches, converts, and prints the answers. */
    PipelineTiming run(AwsTarget target, String pythonRuntime, PrintStream out)
            throws Exception
    {
        out.println("contact-center: CTRs -> Kinesis -> Firehose (raw) -> S3 -> flatten function -> Glue crawler -> hourly conversion (Athena CTAS, "
                + "Parquet) -> Athena, " + (target.lakestack() ? "on lakestack at " + target.endpoint().get() : "on AWS in " + target.region()));
        ContactCenterPipeline pipeline = new ContactCenterPipeline(target, ContactCenterPipeline.Settings.defaults(bucket, bufferSeconds, pythonRuntime, roleArn),
                out);
        pipeline.deploy(Duration.ofMinutes(5));

        long half = ContactTraceRecordGenerator.newAttributesFrom(records);
        out.printf(Locale.ROOT, "contact-center: putting %,d contact trace records of %d agents (seed %d) in two batches; the second %,d carry the "
                + "attributes \"Survey Score\" and \"Callback-Requested\"%n", records, ContactTraceRecordGenerator.agents(records), seed, records - half);
        Iterator<ContactTraceRecord> generated = new ContactTraceRecordGenerator(seed).records(records).iterator();
        Duration wait = Duration.ofSeconds(bufferSeconds + 600L + records / 100);
        PipelineTiming timing = PipelineTiming.start("contact-center");
        long put = pipeline.feed(batch(generated, half));
        timing.stage("first batch: put");
        pipeline.awaitFlattened(put, 0, wait);
        timing.stage("first batch: delivery and flattening");
        pipeline.convert();
        timing.stage("first batch: conversion");
        put += pipeline.feed(batch(generated, records - half));
        timing.inputDone("second batch: put", put);
        out.printf(Locale.ROOT, "contact-center: put %,d records in all%n", put);
        pipeline.awaitFlattened(put, 0, wait);
        timing.stage("second batch: delivery and flattening");
        ContactCenterPipeline.Conversion conversion = pipeline.convert();
        timing.stage("second batch: conversion");
        PipelineQuery first = pipeline.queries().get(0);
        AthenaSql.Rows firstAnswer = pipeline.answer(first);
        timing.stage("answer (Athena)");
        out.printf(Locale.ROOT, "contact-center: %,d records (%,d rows converted) answered %.1f s after the last put; %,.0f records/s from the first put "
                + "to the answer (%s)%n", put, conversion.rows(), timing.secondsAfterInput(), timing.recordsPerSecond(), timing.stages());

        for (PipelineQuery query : pipeline.queries()) {
            PipelineAnswers.print(out, query, query.equals(first) ? firstAnswer : pipeline.answer(query));
        }
        return timing;
    }

    /** The next {@code count} generated records, keyed by contact id. */
    private static Iterator<StreamFeed.StreamRecord> batch(Iterator<ContactTraceRecord> generated, long count)
    {
        return new Iterator<>()
        {
            private long taken;

            @Override
            public boolean hasNext()
            {
                return taken < count && generated.hasNext();
            }

            @Override
            public StreamFeed.StreamRecord next()
            {
                taken++;
                ContactTraceRecord record = generated.next();
                return new StreamFeed.StreamRecord(record.contactId(), record.json().getBytes(StandardCharsets.UTF_8));
            }
        };
    }
}
