package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.AthenaSql;
import io.lakestack.connectors.pipelines.Await;
import io.lakestack.connectors.pipelines.AwsJson;
import io.lakestack.connectors.pipelines.AwsTarget;
import io.lakestack.connectors.pipelines.BucketObjects;
import io.lakestack.connectors.pipelines.DeliveryStreams;
import io.lakestack.connectors.pipelines.Definitions;
import io.lakestack.connectors.pipelines.MskClusters;
import io.lakestack.connectors.pipelines.MskClusters.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.CreateDatabaseRequest;
import software.amazon.awssdk.services.glue.model.CreateTableRequest;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.kafka.KafkaClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The clickstream lambda architecture, deployed through the AWS APIs only: clicks on a Kafka topic of an MSK cluster
 * (on lakestack, lakestack's own Kafka, the cluster {@value MskClusters#LAKESTACK_CLUSTER}), read by
 * <ul>
 * <li>the speed layer ({@link ClickstreamSpeedLayer}): Kafka Streams, the view per 1 s window of event time;</li>
 * <li>a Firehose delivery stream of type {@code MSKAsSource}, which appends every click to the master dataset, Parquet
 * (SNAPPY) under {@code s3://<bucket>/master/} by the Glue table {@code <database>.clickstream_master}'s schema, what it
 * cannot convert under {@code master-errors/};</li>
 * <li>the batch layer ({@link ClickstreamBatchLayer}): the view recomputed from the whole master dataset through Athena
 * in a loop, written to {@code batch-views/};</li>
 * <li>the serving layer ({@link ClickstreamServingLayer}): the newest batch view plus the speed layer's windows since,
 * over HTTP.</li>
 * </ul>
 * The topic has one partition, and Firehose appends in the topic's order, so the master dataset in S3 is always a
 * prefix of the stream: every click before the latest one in S3 is in S3. That, with clicks put in the order they
 * happened, is what makes the batch layer's high-water mark exact: every click before the start of the latest click's
 * second is in the batch view, and none after it.
 */
public final class ClickstreamPipeline
        implements AutoCloseable
{
    public static final String MASTER_PREFIX = "master/";
    public static final String ERROR_PREFIX = "master-errors/";
    private static final String DEFINITIONS = "pipelines/clickstream";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);
    /** Longer than a Kafka Streams member's session timeout (45 s by default). */
    private static final int SESSION_EXPIRY_SECONDS = 90;

    /**
     * What differs per deployment.
     *
     * @param bufferSeconds the delivery stream's buffer interval; its buffer size is 64 MB, the least Firehose allows
     *         with record format conversion
     * @param batchInterval how long the batch layer waits after a run before the next
     * @param servePort the serving layer's port on the loopback interface, 0 for any free one
     * @param roleArn the role Firehose assumes (on AWS: one that reads the cluster's topic and the Glue table and writes
     *         the bucket)
     * @param mskClusterArn the MSK cluster; none on lakestack, whose one cluster is looked up by its name
     */
    public record Settings(String bucket, String database, String table, String topic, String deliveryStreamName, String applicationId,
            int bufferSeconds, Duration batchInterval, int servePort, String roleArn, Optional<String> mskClusterArn)
    {
        public Settings
        {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(database, "database is null");
            requireNonNull(table, "table is null");
            requireNonNull(topic, "topic is null");
            requireNonNull(deliveryStreamName, "deliveryStreamName is null");
            requireNonNull(applicationId, "applicationId is null");
            requireNonNull(batchInterval, "batchInterval is null");
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(mskClusterArn, "mskClusterArn is null");
            if (bufferSeconds < 0 || bufferSeconds > 900) {
                throw new IllegalArgumentException("the buffer interval must be 0 to 900 seconds, as Firehose allows: " + bufferSeconds);
            }
            if (batchInterval.isNegative() || batchInterval.isZero()) {
                throw new IllegalArgumentException("the batch layer's interval must be positive: " + batchInterval);
            }
            if (servePort < 0 || servePort > 65535) {
                throw new IllegalArgumentException("the serving layer's port must be 0 (any) to 65535: " + servePort);
            }
        }

        /** The names the pipeline uses, in {@code bucket}. */
        public static Settings defaults(String bucket, int bufferSeconds, Duration batchInterval, int servePort, String roleArn, Optional<String> mskClusterArn)
        {
            return new Settings(bucket, "clickstream", "clickstream_master", "clickstream", "clickstream-master", "clickstream-speed-layer", bufferSeconds,
                    batchInterval, servePort, roleArn, mskClusterArn);
        }
    }

    /** A record of the dead-letter topic: the problem, why, and the bytes. */
    public record DeadLetter(String problem, String error, byte[] value)
    {
    }

    /** Where the pipeline stands: the clicks the speed layer read and counted, the master dataset's rows, the batch view. */
    public record Progress(long speedRead, long speedClicks, long masterRows, Optional<BatchView> batchView)
    {
    }

    private final AwsTarget target;
    private final Settings settings;
    private final PrintStream out;
    private final Definitions definitions;
    private final S3Client s3;
    private final BucketObjects objects;
    private final BatchViewObjects batchViews;
    private final GlueClient glue;
    private final DeliveryStreams deliveryStreams;
    private final AthenaSql athena;
    private final KafkaClient msk;
    private KafkaCluster cluster;
    private ClickstreamSpeedLayer speed;
    private ClickstreamBatchLayer batch;
    private ClickstreamServingLayer serving;

    public ClickstreamPipeline(AwsTarget target, Settings settings, PrintStream out)
    {
        this.target = requireNonNull(target, "target is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        Map<String, String> variables = new HashMap<>();
        variables.put("bucket", settings.bucket());
        variables.put("database", settings.database());
        variables.put("table", settings.table());
        variables.put("topic", settings.topic());
        variables.put("deliveryStreamName", settings.deliveryStreamName());
        variables.put("bufferSeconds", Integer.toString(settings.bufferSeconds()));
        variables.put("roleArn", settings.roleArn());
        variables.put("region", target.region().id());
        this.definitions = new Definitions(ClickstreamPipeline.class, DEFINITIONS, variables);
        this.s3 = target.client(S3Client.builder().forcePathStyle(target.lakestack()));
        this.objects = new BucketObjects(s3, settings.bucket());
        this.batchViews = new BatchViewObjects(s3, settings.bucket());
        this.glue = target.client(GlueClient.builder());
        this.deliveryStreams = new DeliveryStreams(target.client(FirehoseClient.builder()));
        this.athena = new AthenaSql(target.client(AthenaClient.builder()), settings.database(), "s3://" + settings.bucket() + "/athena-results/",
                Duration.ofMillis(200));
        this.msk = target.client(KafkaClient.builder());
    }

    /**
     * The MSK cluster the pipeline runs on: the one named, else on lakestack the cluster
     * {@value MskClusters#LAKESTACK_CLUSTER}, found through the MSK API.
     */
    public synchronized KafkaCluster cluster()
    {
        if (cluster == null) {
            MskClusters clusters = new MskClusters(msk);
            String arn = settings.mskClusterArn().orElseGet(() -> {
                if (!target.lakestack()) {
                    throw new IllegalArgumentException("on AWS the pipeline needs the MSK cluster's ARN (--msk-cluster-arn)");
                }
                return clusters.arnOf(MskClusters.LAKESTACK_CLUSTER);
            });
            cluster = clusters.cluster(arn);
        }
        return cluster;
    }

    /**
     * Deploys the pipeline, replacing what an earlier run left: the bucket (created when missing), the delivery stream,
     * the topic, its dead-letter topic and the speed layer's consumer group and internal topics (deleted and made
     * again, empty), the objects under {@code master/}, {@code master-errors/} and {@code batch-views/}, the Glue
     * database (created when missing) and the master table.
     */
    public void deploy(Duration timeout)
            throws InterruptedException
    {
        KafkaCluster kafka = cluster();
        out.println("clickstream: MSK cluster " + kafka.arn() + ", bootstrap brokers " + kafka.bootstrapServers());
        if (objects.ensureBucket()) {
            out.println("clickstream: created bucket " + settings.bucket());
        }
        if (deliveryStreams.delete(settings.deliveryStreamName(), timeout)) {
            out.println("clickstream: deleted the delivery stream " + settings.deliveryStreamName() + " of an earlier run");
        }
        resetTopics(kafka, timeout);
        int removed = objects.remove(MASTER_PREFIX) + objects.remove(ERROR_PREFIX) + objects.remove(BatchViewObjects.PREFIX);
        if (removed > 0) {
            out.println("clickstream: removed " + removed + " objects of an earlier run under " + MASTER_PREFIX + ", " + ERROR_PREFIX + " and "
                    + BatchViewObjects.PREFIX);
        }

        try {
            glue.getDatabase(request -> request.name(settings.database()));
        }
        catch (EntityNotFoundException e) {
            glue.createDatabase(AwsJson.request(definitions.json("database.json"), CreateDatabaseRequest.builder()));
            out.println("clickstream: created the Glue database " + settings.database());
        }
        try {
            glue.deleteTable(request -> request.databaseName(settings.database()).name(settings.table()));
        }
        catch (EntityNotFoundException e) {
            // nothing to replace
        }
        glue.createTable(AwsJson.request(definitions.json("master-table.json"), CreateTableRequest.builder()));
        out.println("clickstream: table " + settings.database() + "." + settings.table() + " over s3://" + settings.bucket() + "/" + MASTER_PREFIX);

        CreateDeliveryStreamRequest delivery = AwsJson.request(definitions.with("clusterArn", kafka.arn()).json("delivery-stream.json"),
                CreateDeliveryStreamRequest.builder());
        deliveryStreams.create(delivery, timeout);
        out.printf(Locale.ROOT, "clickstream: delivery stream %s: topic %s -> Parquet (SNAPPY) under s3://%s/%s, buffer 64 MB or %d s%n",
                delivery.deliveryStreamName(), settings.topic(), settings.bucket(), MASTER_PREFIX, settings.bufferSeconds());
    }

    /** Deletes the topics and the consumer group an earlier run left, and makes the topics again, of one partition. */
    private void resetTopics(KafkaCluster kafka, Duration timeout)
            throws InterruptedException
    {
        String deadLetterTopic = ClickstreamTopology.deadLetterTopic(settings.topic());
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            deleteConsumerGroup(admin);
            List<String> earlier = names(admin).stream()
                    .filter(name -> name.equals(settings.topic()) || name.equals(deadLetterTopic) || name.startsWith(settings.applicationId() + "-"))
                    .sorted()
                    .toList();
            if (!earlier.isEmpty()) {
                kafka(() -> admin.deleteTopics(earlier).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "delete the topics " + earlier);
                Await.until("topics " + earlier + " to be deleted", timeout, () -> names(admin).stream().noneMatch(earlier::contains));
                out.println("clickstream: deleted the topics of an earlier run: " + String.join(", ", earlier));
            }
            List<NewTopic> topics = List.of(new NewTopic(settings.topic(), Optional.of(1), Optional.empty()),
                    new NewTopic(deadLetterTopic, Optional.of(1), Optional.empty()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    admin.createTopics(topics).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                }
                catch (ExecutionException e) {
                    // a topic just deleted can linger on the brokers for a moment after it left the listing
                    if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot create the topics " + settings.topic() + " and " + deadLetterTopic + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                    Thread.sleep(200);
                }
                catch (TimeoutException e) {
                    throw new IllegalStateException("the topics were not created within " + KAFKA_TIMEOUT, e);
                }
            }
            out.println("clickstream: topics " + settings.topic() + " and " + deadLetterTopic + " (1 partition each)");
        }
    }

    /**
     * Deletes the speed layer's consumer group. A member of a run that stopped without leaving it (killed, or closed
     * after Kafka stopped) keeps it until the member's session expires ({@value #SESSION_EXPIRY_SECONDS} s at most):
     * waits for that, and fails when the group still has members after it, a speed layer still running.
     */
    private void deleteConsumerGroup(Admin admin)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(SESSION_EXPIRY_SECONDS).toNanos();
        boolean told = false;
        while (true) {
            try {
                kafka(() -> admin.deleteConsumerGroups(List.of(settings.applicationId())).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                        "delete the consumer group " + settings.applicationId());
                return;
            }
            catch (IllegalStateException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                if (!(e.getCause() instanceof GroupNotEmptyException)) {
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the consumer group " + settings.applicationId() + " still has members after " + SESSION_EXPIRY_SECONDS
                            + " s: the speed layer of another run is running; stop it first", e.getCause());
                }
                if (!told) {
                    out.println("clickstream: the consumer group " + settings.applicationId() + " has members of an earlier run; waiting up to "
                            + SESSION_EXPIRY_SECONDS + " s for their sessions to expire");
                    told = true;
                }
                Thread.sleep(1_000);
            }
        }
    }

    /**
     * Starts the three layers: the speed layer (its state under {@code stateDirectory}), once it runs the batch layer's
     * loop, and the serving layer; the URL the serving layer answers at.
     */
    public synchronized URI start(Path stateDirectory, Duration timeout)
            throws InterruptedException
    {
        if (speed != null) {
            throw new IllegalStateException("the layers are already started");
        }
        speed = new ClickstreamSpeedLayer(cluster().clientConfig(), settings.applicationId(), settings.topic(), stateDirectory);
        speed.start(timeout);
        out.println("clickstream: speed layer running (Kafka Streams application " + settings.applicationId() + ", 1 s windows)");
        batch = new ClickstreamBatchLayer(athena, settings.table(), batchViews, settings.batchInterval());
        batch.start();
        out.println("clickstream: batch layer recomputing the view through Athena every " + settings.batchInterval().toMillis() / 1000.0
                + " s into s3://" + settings.bucket() + "/" + BatchViewObjects.PREFIX);
        serving = new ClickstreamServingLayer(batchViews, speed);
        URI url = serving.start(settings.servePort());
        out.println("clickstream: serving layer at " + url.resolve("totals"));
        return url;
    }

    /** Sends the clicks to the topic as a producer does (every one acknowledged by all in-sync replicas, in order); how many. */
    public long feed(Iterator<byte[]> clicks)
    {
        Map<String, Object> config = cluster().clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (clicks.hasNext() && failure.get() == null) {
                producer.send(new ProducerRecord<>(settings.topic(), clicks.next()), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    else {
                        acknowledged.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("sending to " + settings.topic() + " failed after " + acknowledged.get() + " clicks: " + failure.get().getMessage(),
                    failure.get());
        }
        return acknowledged.get();
    }

    /** How many rows the master table answers now. */
    public long masterRows()
            throws InterruptedException
    {
        return Long.parseLong(athena.query("SELECT count(*) FROM " + settings.table()).rows().get(0).get(0));
    }

    /** How many objects Firehose wrote under the error prefix. */
    public long masterErrorObjects()
    {
        return objects.count(ERROR_PREFIX);
    }

    /** Every record of the dead-letter topic (as committed), with its problem and reason. */
    public List<DeadLetter> deadLetters()
    {
        Map<String, Object> config = cluster().clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(ClickstreamTopology.deadLetterTopic(settings.topic()), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), KAFKA_TIMEOUT).get(partition);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (consumer.position(partition, KAFKA_TIMEOUT) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(new DeadLetter(header(record, ClickstreamTopology.PROBLEM_HEADER), header(record, ClickstreamTopology.ERROR_HEADER), record.value()));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the dead-letter topic was not read to its end (" + end + ") within " + KAFKA_TIMEOUT);
                }
            }
        }
        return letters;
    }

    /** How many clicks the speed layer's windows hold. */
    public long speedClicks()
    {
        return layers().speed.clicks();
    }

    /** The newest batch view the batch layer wrote. */
    public Optional<BatchView> latestBatchView()
    {
        return layers().batch.latest();
    }

    /** The batch layer's last failure, if its last run failed. */
    public Optional<Exception> batchLayerError()
    {
        return layers().batch.lastError();
    }

    /** The serving layer's merged answer for the keys of that product and zipcode (either, both or none given). */
    public ClickstreamServingLayer.Answer answer(Optional<String> product, OptionalLong zipcode)
    {
        return layers().serving.answer(product, zipcode);
    }

    /**
     * Waits until every one of {@code clicks} clicks is in the speed layer's windows and in the master table, and the
     * batch view is the one of the last click ({@code lastClick}: its mark is the start of that click's second),
     * printing progress; fails when a layer holds more clicks than that, or at the timeout.
     */
    public Progress awaitComplete(long clicks, Instant lastClick, Duration timeout)
            throws InterruptedException
    {
        long finalMark = ClickstreamView.highWaterMark(lastClick);
        long deadline = System.nanoTime() + timeout.toNanos();
        String shown = "";
        while (true) {
            long read = layers().speed.committedOffset();
            // the windows are summed once the topic is read: reading every window is what the progress must not do each second
            Progress progress = new Progress(read, read >= clicks ? speedClicks() : 0, masterRows(), latestBatchView());
            String line = String.format(Locale.ROOT, "clickstream: speed layer %s, master dataset %,d rows, batch view %s%s",
                    read >= clicks ? String.format(Locale.ROOT, "%,d of %,d clicks counted", progress.speedClicks(), clicks)
                            : String.format(Locale.ROOT, "%,d of %,d clicks read", read, clicks),
                    progress.masterRows(), progress.batchView()
                            .map(view -> String.format(Locale.ROOT, "up to %s (%,d clicks)", Instant.ofEpochMilli(view.highWaterMark()), view.clicks()))
                            .orElse("not yet written"),
                    batchLayerError().map(e -> "; the batch layer's last run failed: " + e.getMessage()).orElse(""));
            if (!line.equals(shown)) {
                out.println(line);
                shown = line;
            }
            if (progress.speedClicks() > clicks || progress.masterRows() > clicks) {
                throw new IllegalStateException("more clicks than were sent: " + line);
            }
            if (progress.speedClicks() == clicks && progress.masterRows() == clicks
                    && progress.batchView().map(view -> view.highWaterMark() == finalMark).orElse(false)) {
                return progress;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after " + timeout + ": " + line);
            }
            Thread.sleep(1_000);
        }
    }

    private synchronized ClickstreamPipeline layers()
    {
        if (speed == null) {
            throw new IllegalStateException("the layers are not started");
        }
        return this;
    }

    private static Set<String> names(Admin admin)
    {
        try {
            return admin.listTopics().names().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted listing the topics", e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics: " + e.getMessage(), e);
        }
    }

    private interface KafkaCall
    {
        void run()
                throws InterruptedException, ExecutionException, TimeoutException;
    }

    private static void kafka(KafkaCall call, String what)
            throws InterruptedException
    {
        try {
            call.run();
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        }
        catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + " within " + KAFKA_TIMEOUT, e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name)
    {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Stops the layers: the serving layer, the batch layer's loop, the speed layer. */
    @Override
    public synchronized void close()
    {
        if (serving != null) {
            serving.close();
        }
        if (batch != null) {
            batch.close();
        }
        if (speed != null) {
            speed.close();
        }
        msk.close();
    }
}
