package io.lakestack.connectors.pipelines.contactcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.Await;
import io.lakestack.connectors.pipelines.AwsJson;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.BucketObjects;
import io.lakestack.connectors.pipelines.Definitions;
import io.lakestack.connectors.pipelines.PipelineQuery;
import io.lakestack.connectors.pipelines.Streams;
import io.lakestack.connectors.pipelines.RestJsonApi;
import io.lakestack.connectors.pipelines.StreamFeed;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CrawlerState;
import software.amazon.awssdk.services.glue.model.CreateCrawlerRequest;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddPermissionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.PutFunctionConcurrencyRequest;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigRequest;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutBucketNotificationConfigurationRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static java.util.Objects.requireNonNull;

/**
 * The contact-center CTR pipeline as its author deployed it on AWS, through the AWS APIs only: contact trace records on
 * a Kinesis stream; a delivery stream writing them raw under {@code raw/YYYY/MM/DD/HH/} (records run together, {@code }{});
 * an S3-triggered Python function splitting them, normalising their keys and writing one object per record under
 * {@code flatfiles/} (what is not a record under {@code errors/}), deleting the raw object and starting the crawler
 * over {@code flatfiles/}; a second Python function, invoked every hour by an EventBridge Scheduler schedule, that
 * crawls and rewrites the {@code ctr} table as Parquet under {@code parquet/ctr/} with an Athena CTAS; and the
 * analysts' queries through Athena.
 */
public final class ContactCenterPipeline
{
    public static final String RAW_PREFIX = "raw/";
    public static final String RAW_ERROR_PREFIX = "raw-errors/";
    public static final String FLAT_PREFIX = "flatfiles/";
    public static final String ERROR_PREFIX = "errors/";
    public static final String PARQUET_PREFIX = "parquet/";
    /** Where Lambda writes the records of asynchronous invocations that failed (the flatten function's OnFailure destination). */
    public static final String FAILED_INVOCATION_PREFIX = "aws/lambda/async/";
    public static final String TABLE = "ctr";
    public static final String FLAT_TABLE = "ctr_flatfiles";
    private static final String DEFINITIONS = "pipelines/contact-center";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> QUERIES = List.of("calls-per-agent", "calls-per-queue", "calls-per-tier", "survey-scores");

    /**
     * What differs per deployment.
     *
     * @param bufferSeconds the delivery stream's buffer interval; its buffer size is 1 MB
     * @param runtime the functions' Python runtime ({@code python3.12})
     * @param roleArn the role Firehose, the functions, the crawler and the schedule assume (on AWS: one that reads the
     *         stream, writes the bucket, runs crawlers and Athena queries, and invokes the functions)
     */
    public record Settings(String bucket, String database, String streamName, String deliveryStreamName, String flattenFunction,
            String convertFunction, String crawlerName, String scheduleName, int bufferSeconds, String runtime, String roleArn)
    {
        public Settings
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(database, "database is null");
            requireNonNull(streamName, "streamName is null");
            requireNonNull(deliveryStreamName, "deliveryStreamName is null");
            requireNonNull(flattenFunction, "flattenFunction is null");
            requireNonNull(convertFunction, "convertFunction is null");
            requireNonNull(crawlerName, "crawlerName is null");
            requireNonNull(scheduleName, "scheduleName is null");
            requireNonNull(runtime, "runtime is null");
            requireNonNull(roleArn, "roleArn is null");
            if (bufferSeconds < 0 || bufferSeconds > 900) {
                throw new IllegalArgumentException("the buffer interval must be 0 to 900 seconds, as Firehose allows: " + bufferSeconds);
            }
            if (!runtime.matches("python3\\.\\d+")) {
                throw new IllegalArgumentException("the functions are Python: the runtime is python3.x, not " + runtime);
            }
        }

        /** The names the pipeline uses, in {@code bucket}. */
        public static Settings defaults(String bucket, int bufferSeconds, String runtime, String roleArn)
        {
            return new Settings(bucket, "contact_center", "contact-center-ctr", "contact-center-ctr-raw", "contact-center-flatten",
                    "contact-center-convert", "contact-center-flatfiles", "contact-center-hourly-parquet", bufferSeconds, runtime, roleArn);
        }
    }

    /** What is not a contact trace record, as the flatten function wrote it under the error prefix. */
    public record FailedRecord(String errorCode, String errorMessage, byte[] rawData, String sourceObject)
    {
    }

    /** What a conversion made: the ctr table's row count and columns. */
    public record Conversion(long rows, List<String> columns)
    {
        public Conversion
        {
            columns = List.copyOf(columns);
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final Definitions definitions;
    private final S3Client s3;
    private final BucketObjects objects;
    private final KinesisClient kinesis;
    private final Streams streams;
    private final LambdaClient lambda;
    private final GlueClient glue;
    private final RestJsonApi scheduler;
    private final AthenaSql athena;
    private final AthenaSql athenaDefault;

    public ContactCenterPipeline(AwsTarget target, Settings settings, PrintStream out)
    {
        requireNonNull(target, "target is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.definitions = new Definitions(ContactCenterPipeline.class, DEFINITIONS, Map.ofEntries(
                Map.entry("bucket", settings.bucket()),
                Map.entry("database", settings.database()),
                Map.entry("streamName", settings.streamName()),
                Map.entry("deliveryStreamName", settings.deliveryStreamName()),
                Map.entry("flattenFunction", settings.flattenFunction()),
                Map.entry("convertFunction", settings.convertFunction()),
                Map.entry("crawlerName", settings.crawlerName()),
                Map.entry("scheduleName", settings.scheduleName()),
                Map.entry("bufferSeconds", Integer.toString(settings.bufferSeconds())),
                Map.entry("runtime", settings.runtime()),
                Map.entry("roleArn", settings.roleArn()),
                Map.entry("region", target.region().id())));
        this.s3 = target.client(S3Client.builder().forcePathStyle(target.lakestack()));
        this.objects = new BucketObjects(s3, settings.bucket());
        this.kinesis = target.client(KinesisClient.builder());
        this.streams = new Streams(kinesis, target.client(FirehoseClient.builder()));
        this.lambda = target.client(LambdaClient.builder());
        this.glue = target.client(software.amazon.awssdk.services.glue.GlueClient.builder());
        this.scheduler = new RestJsonApi(target, "scheduler");
        software.amazon.awssdk.services.athena.AthenaClient athenaClient = target.client(software.amazon.awssdk.services.athena.AthenaClient.builder());
        String results = "s3://" + settings.bucket() + "/athena-results/";
        this.athena = new AthenaSql(athenaClient, settings.database(), results, Duration.ofMillis(200));
        this.athenaDefault = new AthenaSql(athenaClient, "default", results, Duration.ofMillis(200));
    }

    public Settings settings()
    {
        return settings;
    }

    /**
     * Deploys the pipeline from its definitions, replacing what an earlier run left: the schedule, the bucket's
     * notification, the functions, the crawler, the delivery stream, the stream and the tables go, and the objects under
     * the pipeline's prefixes are removed; then everything is created again, the trigger last but the stream.
     */
    public void deploy(Duration timeout)
            throws InterruptedException
    {
        if (objects.ensureBucket()) {
            out.println("contact-center: created bucket " + settings.bucket());
        }
        tearDown(timeout);

        athenaDefault.execute("CREATE DATABASE IF NOT EXISTS " + settings.database());
        CreateCrawlerRequest crawler = AwsJson.request(definitions.json("flatfiles-crawler.json"), CreateCrawlerRequest.builder());
        glue.createCrawler(crawler);
        out.println("contact-center: crawler " + crawler.name() + " over s3://" + settings.bucket() + "/" + FLAT_PREFIX + " -> "
                + settings.database() + "." + FLAT_TABLE);

        String flattenArn = createFunction("flatten-function.json", "functions/flatten.py", timeout);
        lambda.putFunctionEventInvokeConfig(AwsJson.request(definitions.json("flatten-invoke-config.json"), PutFunctionEventInvokeConfigRequest.builder()));
        String account = flattenArn.split(":")[4];
        lambda.addPermission(AwsJson.request(definitions.with("account", account).json("flatten-permission.json"), AddPermissionRequest.builder()));
        String convertArn = createFunction("convert-function.json", "functions/convert.py", timeout);
        lambda.putFunctionConcurrency(AwsJson.request(definitions.json("convert-concurrency.json"), PutFunctionConcurrencyRequest.builder()));

        s3.putBucketNotificationConfiguration(AwsJson.request(definitions.with("flattenFunctionArn", flattenArn).json("bucket-notification.json"),
                PutBucketNotificationConfigurationRequest.builder()));
        out.println("contact-center: s3://" + settings.bucket() + "/" + RAW_PREFIX + " ObjectCreated -> " + settings.flattenFunction()
                + " (failed invocations -> s3://" + settings.bucket() + "/" + FAILED_INVOCATION_PREFIX + ")");

        // the first conversion an hour after the deployment, as a rate schedule without a start fires at once
        long startDate = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        ObjectNode schedule = (ObjectNode) definitions.with("convertFunctionArn", convertArn).with("startDate", Long.toString(startDate)).json("schedule.json");
        String scheduleName = schedule.remove("Name").asText();
        JsonNode created = scheduler.call("POST", "/schedules/" + encode(scheduleName), schedule);
        out.println("contact-center: schedule " + created.path("ScheduleArn").asText() + " (" + schedule.path("ScheduleExpression").asText()
                + ") -> " + settings.convertFunction());

        CreateStreamRequest stream = AwsJson.request(definitions.json("stream.json"), CreateStreamRequest.builder());
        String streamArn = streams.createStream(stream, timeout);
        out.println("contact-center: stream " + streamArn + " (" + stream.shardCount() + " shards)");

        CreateDeliveryStreamRequest delivery = AwsJson.request(definitions.with("streamArn", streamArn).json("delivery-stream.json"),
                CreateDeliveryStreamRequest.builder());
        streams.createDeliveryStream(delivery, timeout);
        out.printf(Locale.ROOT, "contact-center: delivery stream %s -> raw under s3://%s/%s, buffer 1 MB or %d s%n",
                delivery.deliveryStreamName(), settings.bucket(), RAW_PREFIX, settings.bufferSeconds());
    }

    private void tearDown(Duration timeout)
            throws InterruptedException
    {
        try {
            scheduler.call("DELETE", "/schedules/" + encode(settings.scheduleName()), null);
        }
        catch (RestJsonApi.ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        s3.putBucketNotificationConfiguration(request -> request.bucket(settings.bucket()).notificationConfiguration(configuration -> { }));
        for (String function : List.of(settings.flattenFunction(), settings.convertFunction())) {
            try {
                lambda.deleteFunction(request -> request.functionName(function));
            }
            catch (ResourceNotFoundException e) {
                // not deployed yet
            }
        }
        try {
            Await.until("crawler " + settings.crawlerName() + " to finish its crawl", timeout,
                    () -> glue.getCrawler(request -> request.name(settings.crawlerName())).crawler().state() == CrawlerState.READY);
            glue.deleteCrawler(request -> request.name(settings.crawlerName()));
        }
        catch (EntityNotFoundException e) {
            // not deployed yet
        }
        streams.delete(settings.deliveryStreamName(), settings.streamName(), timeout);
        athenaDefault.execute("DROP TABLE IF EXISTS " + settings.database() + "." + TABLE);
        athenaDefault.execute("DROP TABLE IF EXISTS " + settings.database() + "." + FLAT_TABLE);
        int removed = 0;
        for (String prefix : List.of(RAW_PREFIX, RAW_ERROR_PREFIX, FLAT_PREFIX, ERROR_PREFIX, PARQUET_PREFIX, FAILED_INVOCATION_PREFIX)) {
            removed += objects.remove(prefix);
        }
        if (removed > 0) {
            out.println("contact-center: removed " + removed + " objects of an earlier run");
        }
    }

    /** Creates a function from its definition with its one Python file as the package; its ARN once Active. */
    private String createFunction(String definition, String source, Duration timeout)
            throws InterruptedException
    {
        String file = source.substring(source.lastIndexOf('/') + 1);
        CreateFunctionRequest request = AwsJson.request(definitions.json(definition), CreateFunctionRequest.builder()).toBuilder()
                .code(code -> code.zipFile(SdkBytes.fromByteArray(zip(file, definitions.raw(source))))).build();
        String arn = lambda.createFunction(request).functionArn();
        Await.until("function " + request.functionName() + " to be Active", timeout,
                () -> lambda.getFunctionConfiguration(get -> get.functionName(request.functionName())).stateAsString().equals("Active"));
        out.println("contact-center: function " + arn + " (" + request.runtimeAsString() + ", " + request.handler() + ")");
        return arn;
    }

    /** A deployment package of one file, as {@code zip function.zip flatten.py} makes it. */
    static byte[] zip(String name, String text)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(text.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Puts the records on the stream (PutRecords, 500 a call) until every one is acknowledged; how many were put. */
    public long feed(Iterator<StreamFeed.StreamRecord> records)
            throws InterruptedException
    {
        return new StreamFeed(kinesis, settings.streamName()).feed(records);
    }

    /**
     * Waits until {@code records} objects are under the flatfiles prefix, {@code failures} under the error prefix and
     * none under the raw prefix, printing progress; fails when either passes its count, or at the timeout.
     */
    public void awaitFlattened(long records, long failures, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        String shown = "";
        while (true) {
            long flat = objects.count(FLAT_PREFIX);
            long failed = objects.count(ERROR_PREFIX);
            long raw = objects.count(RAW_PREFIX);
            String progress = String.format(Locale.ROOT, "contact-center: %,d of %,d records under %s, %,d under %s, %,d raw objects left",
                    flat, records, FLAT_PREFIX, failed, ERROR_PREFIX, raw);
            if (!progress.equals(shown)) {
                out.println(progress);
                shown = progress;
            }
            if (flat > records || failed > failures) {
                throw new IllegalStateException("the flatfiles prefix holds " + flat + " objects and the error prefix " + failed + "; expected " + records
                        + " and " + failures);
            }
            if (flat == records && failed == failures && raw == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after " + timeout + ": " + progress.substring("contact-center: ".length()));
            }
            Thread.sleep(1_000);
        }
    }

    /**
     * Runs the hourly conversion now, as the schedule would: invokes the convert function and waits for its answer (a
     * conversion running already, the function's one concurrent execution, is waited out for up to 15 minutes).
     */
    public Conversion convert()
            throws InterruptedException
    {
        InvokeResponse response = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (response == null) {
            try {
                response = lambda.invoke(request -> request.functionName(settings.convertFunction())
                        .payload(SdkBytes.fromUtf8String("{\"scheduledTime\": \"on request\"}")));
            }
            catch (TooManyRequestsException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                out.println("contact-center: a conversion is running; waiting for it to end");
                Thread.sleep(2_000);
            }
        }
        String payload = response.payload().asUtf8String();
        if (response.functionError() != null) {
            throw new IllegalStateException("the conversion failed (" + response.functionError() + "): " + payload);
        }
        try {
            JsonNode result = JSON.readTree(payload);
            List<String> columns = new ArrayList<>();
            result.path("columns").forEach(column -> columns.add(column.asText()));
            Conversion conversion = new Conversion(result.path("rows").asLong(), columns);
            out.printf(Locale.ROOT, "contact-center: converted %,d records to Parquet under s3://%s/%sctr/ (table %s.%s; attributes %s)%n",
                    conversion.rows(), settings.bucket(), PARQUET_PREFIX, settings.database(), TABLE, attributeFields());
            return conversion;
        }
        catch (IOException e) {
            throw new UncheckedIOException("the conversion answered " + payload, e);
        }
    }

    /** The fields of the ctr table's {@code attributes} struct, as the catalog has them. */
    public String attributeFields()
    {
        return glue.getTable(request -> request.databaseName(settings.database()).name(TABLE)).table().storageDescriptor().columns().stream()
                .filter(column -> column.name().equals("attributes")).map(column -> column.type()).findFirst().orElse("(none)");
    }

    /** The records the flatten function could not take, as it wrote them under the error prefix. */
    public List<FailedRecord> failedRecords()
    {
        List<FailedRecord> failed = new ArrayList<>();
        for (S3Object object : objects.list(ERROR_PREFIX)) {
            JsonNode document = readJson(object.key());
            failed.add(new FailedRecord(document.path("errorCode").asText(), document.path("errorMessage").asText(),
                    Base64.getDecoder().decode(document.path("rawData").asText()), document.path("sourceObject").asText()));
        }
        return failed;
    }

    /** The keys of the failed invocation records Lambda wrote to the flatten function's OnFailure destination. */
    public List<String> failedInvocations()
    {
        return objects.list(FAILED_INVOCATION_PREFIX).stream().map(S3Object::key).toList();
    }

    /** How many objects are under a prefix of the bucket. */
    public long objectCount(String prefix)
    {
        return objects.count(prefix);
    }

    /** The JSON object stored under a key of the bucket. */
    public JsonNode readJson(String key)
    {
        try {
            return JSON.readTree(s3.getObjectAsBytes(request -> request.bucket(settings.bucket()).key(key)).asByteArray());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read s3://" + settings.bucket() + "/" + key, e);
        }
    }

    /** The analysts' queries, in the order they are shown. */
    public List<PipelineQuery> queries()
    {
        return PipelineQuery.read(definitions, QUERIES);
    }

    /** A query's answer through Athena. */
    public AthenaSql.Rows answer(PipelineQuery query)
            throws InterruptedException
    {
        return athena.query(query.sql());
    }

    /** Any SQL through Athena in the pipeline's database. */
    public AthenaSql.Rows query(String sql)
            throws InterruptedException
    {
        return athena.query(sql);
    }

    private static String encode(String name)
    {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
