package io.lakestack.connectors.pipelines.agentevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsJson;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.BucketObjects;
import io.lakestack.connectors.pipelines.Definitions;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.Streams;
import io.lakestack.connectors.pipelines.StreamFeed;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The agent events pipeline as its author deployed it on AWS, through the AWS APIs only: agent events on a Kinesis
 * stream, a delivery stream converting them to Parquet (SNAPPY) by the {@code kfhconnectblog} table's schema under the
 * date prefixes Firehose writes ({@code kfhconnectblog/YYYY/MM/DD/HH/}), and the analysts' queries through Athena.
 * Records Firehose cannot convert land under {@code kfhconnectblog-errors/}.
 */
public final class AgentEventsPipeline
{
    public static final String TABLE = "kfhconnectblog";
    public static final String DATA_PREFIX = "kfhconnectblog/";
    public static final String ERROR_PREFIX = "kfhconnectblog-errors/";
    private static final String DEFINITIONS = "pipelines/agent-events";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What differs per deployment.
     *
     * @param bufferSeconds the delivery stream's buffer interval; its buffer size is the pipeline's large 128 MB
     * @param roleArn the role Firehose assumes (on AWS: one that reads the stream and the catalog and writes the bucket)
     */
    public record Settings(String bucket, String streamName, String deliveryStreamName, int bufferSeconds, String roleArn)
    {
        public Settings
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(streamName, "streamName is null");
            requireNonNull(deliveryStreamName, "deliveryStreamName is null");
            requireNonNull(roleArn, "roleArn is null");
            if (bufferSeconds < 0 || bufferSeconds > 900) {
                throw new IllegalArgumentException("the buffer interval must be 0 to 900 seconds, as Firehose allows: " + bufferSeconds);
            }
        }

        /** The names the pipeline uses, in {@code bucket}. */
        public static Settings defaults(String bucket, int bufferSeconds, String roleArn)
        {
            return new Settings(bucket, "agent-events", "agent-events-to-parquet", bufferSeconds, roleArn);
        }
    }

    /** A record Firehose could not convert, read back from the error prefix. */
    public record FailedRecord(String errorCode, String errorMessage, byte[] rawData)
    {
    }

    private final Settings settings;
    private final PrintStream out;
    private final Definitions definitions;
    private final S3Client s3;
    private final BucketObjects objects;
    private final KinesisClient kinesis;
    private final Streams streams;
    private final AthenaSql athena;

    public AgentEventsPipeline(AwsTarget target, Settings settings, PrintStream out)
    {
        requireNonNull(target, "target is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.definitions = new Definitions(AgentEventsPipeline.class, DEFINITIONS, Map.of(
                "bucket", settings.bucket(),
                "streamName", settings.streamName(),
                "deliveryStreamName", settings.deliveryStreamName(),
                "bufferSeconds", Integer.toString(settings.bufferSeconds()),
                "roleArn", settings.roleArn(),
                "region", target.region().id()));
        this.s3 = target.client(S3Client.builder().forcePathStyle(target.lakestack()));
        this.objects = new BucketObjects(s3, settings.bucket());
        this.kinesis = target.client(KinesisClient.builder());
        this.streams = new Streams(kinesis, target.client(FirehoseClient.builder()));
        AthenaClient athenaClient = target.client(AthenaClient.builder());
        this.athena = new AthenaSql(athenaClient, "default", "s3://" + settings.bucket() + "/athena-results/", Duration.ofMillis(200));
    }

    /**
     * Deploys the pipeline from its definitions, replacing what an earlier run left: the bucket (created when missing),
     * the stream, the table (Athena DDL), the delivery stream. The objects under the data and error prefixes are removed
     * first, since the table reads every object under its location.
     */
    public void deploy(Duration timeout)
            throws InterruptedException
    {
        if (objects.ensureBucket()) {
            out.println("agent-events: created bucket " + settings.bucket());
        }
        streams.delete(settings.deliveryStreamName(), settings.streamName(), timeout);
        int removed = objects.remove(DATA_PREFIX) + objects.remove(ERROR_PREFIX);
        if (removed > 0) {
            out.println("agent-events: removed " + removed + " objects of an earlier run under " + DATA_PREFIX + " and " + ERROR_PREFIX);
        }

        CreateStreamRequest stream = AwsJson.request(definitions.json("stream.json"), CreateStreamRequest.builder());
        String streamArn = streams.createStream(stream, timeout);
        out.println("agent-events: stream " + streamArn + " (" + stream.shardCount() + " shards)");

        athena.execute("DROP TABLE IF EXISTS default." + TABLE);
        athena.execute(definitions.text("create-table.sql"));
        out.println("agent-events: table default." + TABLE + " over s3://" + settings.bucket() + "/" + DATA_PREFIX);

        CreateDeliveryStreamRequest delivery = AwsJson.request(definitions.with("streamArn", streamArn).json("delivery-stream.json"), CreateDeliveryStreamRequest.builder());
        streams.createDeliveryStream(delivery, timeout);
        out.printf(Locale.ROOT, "agent-events: delivery stream %s -> Parquet (SNAPPY) under s3://%s/%s, buffer 128 MB or %d s%n",
                delivery.deliveryStreamName(), settings.bucket(), DATA_PREFIX, settings.bufferSeconds());
    }

    /**
     * Puts the records (keyed by the agent's ARN, so each agent's events stay in order) on the stream with PutRecords,
     * 500 a call, until every one is acknowledged. Returns how many were put.
     */
    public long feed(Iterator<StreamFeed.StreamRecord> records)
            throws InterruptedException
    {
        return new StreamFeed(kinesis, settings.streamName()).feed(records);
    }

    /** The number of rows the table answers now. */
    public long rows()
            throws InterruptedException
    {
        return Long.parseLong(athena.query("SELECT count(*) FROM " + TABLE).rows().get(0).get(0));
    }

    /**
     * Waits until the table answers {@code rows} rows and the error prefix holds {@code failures} records, printing
     * progress; fails when either passes its count, or at the timeout.
     */
    public void awaitDelivered(long rows, long failures, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        long shown = -1;
        while (true) {
            long now = rows();
            long failed = failedRecords().size();
            if (now != shown) {
                out.printf(Locale.ROOT, "agent-events: %,d of %,d rows queryable, %,d records under %s%n", now, rows, failed, ERROR_PREFIX);
                shown = now;
            }
            if (now > rows || failed > failures) {
                throw new IllegalStateException("the table holds " + now + " rows and the error prefix " + failed + " records; expected " + rows
                        + " and " + failures);
            }
            if (now == rows && failed == failures) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after " + timeout + " the table holds " + now + " of " + rows + " rows and the error prefix "
                        + failed + " of " + failures + " records");
            }
            Thread.sleep(1_000);
        }
    }

    /** The records under the error prefix, as Firehose wrote them (one JSON document a line). */
    public List<FailedRecord> failedRecords()
    {
        List<FailedRecord> failed = new ArrayList<>();
        for (S3Object object : objects.list(ERROR_PREFIX)) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    s3.getObject(request -> request.bucket(settings.bucket()).key(object.key())), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode document = JSON.readTree(line);
                        failed.add(new FailedRecord(document.path("errorCode").asText(), document.path("errorMessage").asText(),
                                Base64.getDecoder().decode(document.path("rawData").asText())));
                    }
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot read the error object " + object.key(), e);
            }
        }
        return failed;
    }

    /** The analysts' queries, in the order they are shown. */
    public List<PipelineQuery> queries()
    {
        return PipelineQuery.read(definitions, List.of("events-per-type", "agent-status", "logins", "contact-states"));
    }

    /** A query's answer through Athena. */
    public AthenaSql.Rows answer(PipelineQuery query)
            throws InterruptedException
    {
        return athena.query(query.sql());
    }
}
