package io.lakestack.connectors.pipelines.githubarchive;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.AwsJson;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.BucketObjects;
import io.lakestack.connectors.pipelines.Definitions;
import io.lakestack.connectors.pipelines.PipelineQuery;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.PutFunctionEventInvokeConfigRequest;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutBucketNotificationConfigurationRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static java.util.Objects.requireNonNull;

/**
 * The GitHub archive pipeline as its author deployed it on AWS, through the AWS APIs only: a gzip'd file of GitHub
 * events uploaded under {@code data/github/} triggers a Python function (an S3 notification), which runs the Hive SQL
 * script kept in S3 through Athena, statement by statement: a JSON table over every upload, then an ORC (ZLIB) copy,
 * {@code github_orc}, that the analysts query. Nothing runs until a file arrives. The function runs one at a time
 * (reserved concurrency 1), so two uploads close together run the script one after the other; a run that fails is
 * recorded on a dead-letter queue with its reason.
 */
public final class GithubArchivePipeline
{
    public static final String DATA_PREFIX = "data/github/";
    public static final String SCRIPT_KEY = "scripts/github.sql";
    private static final String DEFINITIONS = "pipelines/github-archive";

    /**
     * What differs per deployment.
     *
     * @param runtime the function's Python runtime ({@code python3.12}); on lakestack, the Python on the machine
     * @param roleArn the function's execution role (on AWS: one that may use Athena, Glue, and the bucket)
     */
    public record Settings(String bucket, String functionName, String failureQueue, String runtime, String roleArn)
    {
        public Settings
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(functionName, "functionName is null");
            requireNonNull(failureQueue, "failureQueue is null");
            requireNonNull(runtime, "runtime is null");
            requireNonNull(roleArn, "roleArn is null");
        }

        /** The names the pipeline uses, in {@code bucket}. */
        public static Settings defaults(String bucket, String runtime, String roleArn)
        {
            return new Settings(bucket, "github-archive-etl", "github-archive-etl-failures", runtime, roleArn);
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final Definitions definitions;
    private final S3Client s3;
    private final BucketObjects objects;
    private final LambdaClient lambda;
    private final SqsClient sqs;
    private final AthenaSql athena;

    public GithubArchivePipeline(AwsTarget target, Settings settings, PrintStream out)
    {
        requireNonNull(target, "target is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.definitions = new Definitions(GithubArchivePipeline.class, DEFINITIONS, Map.of(
                "bucket", settings.bucket(),
                "functionName", settings.functionName(),
                "runtime", settings.runtime(),
                "roleArn", settings.roleArn()));
        this.s3 = target.client(S3Client.builder().forcePathStyle(target.lakestack()));
        this.objects = new BucketObjects(s3, settings.bucket());
        this.lambda = target.client(LambdaClient.builder());
        this.sqs = target.client(SqsClient.builder());
        AthenaClient athenaClient = target.client(AthenaClient.builder());
        this.athena = new AthenaSql(athenaClient, "default", "s3://" + settings.bucket() + "/athena-results/", Duration.ofMillis(200));
    }

    /**
     * Deploys the pipeline from its definitions, replacing what an earlier run left: the bucket (created when missing)
     * with the script, the dead-letter queue (emptied), the function (its code, one-at-a-time concurrency, its failure
     * destination, S3's permission to invoke it) and the bucket's notification. The tables of an earlier run are dropped
     * and its uploads under {@code data/github/} removed first, since the table reads every file there.
     */
    public void deploy(Duration timeout)
            throws InterruptedException
    {
        if (objects.ensureBucket()) {
            out.println("github-archive: created bucket " + settings.bucket());
        }
        s3.putBucketNotificationConfiguration(request -> request.bucket(settings.bucket()).notificationConfiguration(configuration -> { }));
        athena.execute("DROP TABLE IF EXISTS github_orc");
        athena.execute("DROP TABLE IF EXISTS github");
        int removed = objects.remove(DATA_PREFIX);
        if (removed > 0) {
            out.println("github-archive: removed " + removed + " uploads of an earlier run under " + DATA_PREFIX);
        }
        s3.putObject(request -> request.bucket(settings.bucket()).key(SCRIPT_KEY).contentType("text/plain"),
                RequestBody.fromString(definitions.text("github.sql"), StandardCharsets.UTF_8));
        out.println("github-archive: the Hive ETL script in s3://" + settings.bucket() + "/" + SCRIPT_KEY);

        String queueUrl = sqs.createQueue(request -> request.queueName(settings.failureQueue())).queueUrl();
        int drained = drain(queueUrl);
        if (drained > 0) {
            out.println("github-archive: removed " + drained + " failure records of an earlier run from " + settings.failureQueue());
        }
        String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        try {
            lambda.deleteFunction(request -> request.functionName(settings.functionName()));
        }
        catch (ResourceNotFoundException e) {
            // not deployed before
        }
        CreateFunctionRequest function = AwsJson.request(definitions.json("function.json"), CreateFunctionRequest.builder()).toBuilder()
                .code(code -> code.zipFile(SdkBytes.fromByteArray(zip("github_etl.py", definitions.raw("function/github_etl.py")))))
                .build();
        String functionArn = lambda.createFunction(function).functionArn();
        lambda.waiter().waitUntilFunctionActiveV2(request -> request.functionName(function.functionName()));
        lambda.putFunctionConcurrency(request -> request.functionName(function.functionName()).reservedConcurrentExecutions(1));
        lambda.putFunctionEventInvokeConfig(AwsJson.request(definitions.with("failureQueueArn", queueArn).json("invoke-config.json"),
                PutFunctionEventInvokeConfigRequest.builder()));
        lambda.addPermission(request -> request.functionName(function.functionName()).statementId("s3-invoke").action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com").sourceArn("arn:aws:s3:::" + settings.bucket()));
        out.printf(Locale.ROOT, "github-archive: function %s (%s, one run at a time, failures to %s)%n", functionArn, function.runtimeAsString(),
                settings.failureQueue());

        s3.putBucketNotificationConfiguration(AwsJson.request(definitions.with("functionArn", functionArn).json("notification.json"),
                PutBucketNotificationConfigurationRequest.builder()));
        out.println("github-archive: uploads of *.gz under s3://" + settings.bucket() + "/" + DATA_PREFIX + " trigger the function");
    }

    /** Uploads an events file under {@code data/github/}, which triggers the function. */
    public void upload(String name, byte[] gzippedEvents)
    {
        s3.putObject(request -> request.bucket(settings.bucket()).key(DATA_PREFIX + name).contentType("application/gzip"),
                RequestBody.fromBytes(gzippedEvents));
        out.printf(Locale.ROOT, "github-archive: uploaded %s%s (%,d bytes)%n", DATA_PREFIX, name, gzippedEvents.length);
    }

    /**
     * Waits until {@code github_orc} holds {@code rows} rows, printing progress; fails at once when a run of the
     * function is on the dead-letter queue, with its reason, and at the timeout.
     */
    public void awaitRows(long rows, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        String shown = null;
        String queueUrl = sqs.getQueueUrl(request -> request.queueName(settings.failureQueue())).queueUrl();
        while (true) {
            String now;
            long count = -1;
            try {
                count = Long.parseLong(athena.query("SELECT count(*) FROM github_orc").rows().get(0).get(0));
                now = String.format(Locale.ROOT, "%,d of %,d rows in github_orc", count, rows);
            }
            catch (IllegalStateException e) {
                now = "github_orc is not there yet (the function is running)";
            }
            if (!now.equals(shown)) {
                out.println("github-archive: " + now);
                shown = now;
            }
            if (count == rows) {
                return;
            }
            if (count > rows) {
                throw new IllegalStateException("github_orc holds " + count + " rows, more than the " + rows + " events uploaded: events were counted twice");
            }
            List<Message> failures = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(1)).messages();
            if (!failures.isEmpty()) {
                throw new IllegalStateException("the function failed; its invocation record on " + settings.failureQueue() + ": " + failures.get(0).body());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after " + timeout + ": " + now + ", expected " + rows);
            }
            Thread.sleep(1_000);
        }
    }

    /** The analysts' queries, in the order they are shown. */
    public List<PipelineQuery> queries()
    {
        return PipelineQuery.read(definitions, List.of("events-per-type", "top-repositories"));
    }

    /** A query's answer through Athena. */
    public AthenaSql.Rows answer(PipelineQuery query)
            throws InterruptedException
    {
        return athena.query(query.sql());
    }

    /** Deletes the queue's messages (the records of an earlier deployment's failures, which it printed when it failed). */
    private int drain(String queueUrl)
    {
        int drained = 0;
        while (true) {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
            if (messages.isEmpty()) {
                return drained;
            }
            for (Message message : messages) {
                sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                drained++;
            }
        }
    }

    private static byte[] zip(String name, String text)
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
}
