package io.lakestack.cli;

import io.lakestack.embedded.EmbeddedStack;
import io.lakestack.embedded.StackPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SQS on the embedded stack of this machine, in one run (without Trino, which SQS does not use).
 *
 * <p>Throughput: {@code --messages} messages of about 100 bytes sent with {@code SendMessageBatch} (10 to a call) by
 * {@code --clients} threads, then received ({@code ReceiveMessage}, 10 at a time) and deleted
 * ({@code DeleteMessageBatch}) by as many threads, all through the endpoint with the SDK as applications call it;
 * checked exactly (every message received once, the queue empty at the end). The baseline is Kafka itself on the same
 * broker: the same count produced (acknowledged by all in-sync replicas, idempotent, as the engine produces) by as many
 * threads, then read back by a plain consumer.
 *
 * <p>Long-poll wake-up: a {@code ReceiveMessage} waiting 20 s on an empty queue, then a {@code SendMessage}; the
 * latency is from the send's start to the receive's answer. The baseline is a record produced to Kafka and seen by a
 * consumer polling the topic.
 */
@Command(name = "sqs", description = "Measure SQS send, receive and delete through the endpoint against a plain Kafka produce and consume, and long-poll "
        + "wake-up latency against a Kafka consumer's.")
final class SqsBenchmark
        implements Benchmark
{
    private static final int MESSAGE_BYTES = 100;

    @Option(names = "--messages", description = "Messages sent, received and deleted (default: ${DEFAULT-VALUE}).")
    int messages = 100_000;

    @Option(names = "--clients", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int clients = 8;

    @Option(names = "--wake-ups", description = "Long-poll wake-ups measured (default: ${DEFAULT-VALUE}).")
    int wakeUps = 200;

    @Override
    public List<Figure> measure()
            throws Exception
    {
        Path data = Files.createTempDirectory("lakestack-bench-sqs");
        Lakestack.logTo(data);
        System.out.printf(Locale.ROOT, "lakestack SQS benchmark: %d cores, load average %.1f, %,d messages of %d bytes, %d clients, data dir %s%n",
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), messages, MESSAGE_BYTES,
                clients, data);
        try (EmbeddedStack stack = EmbeddedStack.builder().dataDirectory(data).ports(StackPorts.free()).withTrino(false).build().start();
                SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(stack.endpointUrl())).region(Region.US_EAST_1)
                        .credentialsProvider(AthenaBenchmark.credentials())
                        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(clients * 2).socketTimeout(Duration.ofSeconds(60))).build()) {
            double[] kafka = kafka(stack.kafkaBootstrapServers());
            double[] queue = sqs(sqs);
            double[] kafkaLatency = kafkaWakeUps(stack.kafkaBootstrapServers());
            double[] sqsLatency = sqsWakeUps(sqs);

            System.out.println();
            System.out.printf(Locale.ROOT, "load average at the end %.1f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf(Locale.ROOT, "plain Kafka produce + consume (baseline)       %,10.0f messages/s  (produce %,.0f/s, consume %,.0f/s)%n",
                    kafka[0], kafka[1], kafka[2]);
            System.out.printf(Locale.ROOT, "SQS send + receive + delete, all through it    %,10.0f messages/s  (%.2f of the baseline; send %,.0f/s, receive+delete %,.0f/s)%n",
                    queue[0], queue[0] / kafka[0], queue[1], queue[2]);
            System.out.printf(Locale.ROOT, "Kafka produce -> consumer poll (baseline)      p50 %6.1f ms  p99 %6.1f ms%n", kafkaLatency[0], kafkaLatency[1]);
            System.out.printf(Locale.ROOT, "SQS SendMessage -> waiting ReceiveMessage      p50 %6.1f ms  p99 %6.1f ms  (%.1fx / %.1fx the baseline)%n",
                    sqsLatency[0], sqsLatency[1], sqsLatency[0] / kafkaLatency[0], sqsLatency[1] / kafkaLatency[1]);
            return List.of(
                    Figure.of("sqs", "plain Kafka produce + consume", kafka[0], "messages/s"),
                    Figure.of("sqs", "SQS send + receive + delete", queue[0], "messages/s").against(kafka[0]),
                    Figure.of("sqs", "SendMessage -> waiting ReceiveMessage, p50", sqsLatency[0], "ms").against(kafkaLatency[0]),
                    Figure.of("sqs", "SendMessage -> waiting ReceiveMessage, p99", sqsLatency[1], "ms").against(kafkaLatency[1]));
        }
        finally {
            EmbeddedStack.wipe(data);
        }
    }

    private static byte[] body(int id)
    {
        byte[] body = new byte[MESSAGE_BYTES];
        Arrays.fill(body, (byte) 'x');
        byte[] digits = String.format(Locale.ROOT, "%09d:", id).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, body, 0, digits.length);
        return body;
    }

    /** Messages per second over produce and consume together, then produce alone, then consume alone. */
    private double[] kafka(String bootstrap)
            throws Exception
    {
        String topic = "bench-sqs-baseline";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("  baseline: %,d records produced to Kafka by %d threads, then read by a plain consumer...%n", messages, clients);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            AtomicInteger next = new AtomicInteger();
            parallel(() -> {
                while (true) {
                    int from = next.getAndAdd(10);
                    if (from >= messages) {
                        return;
                    }
                    List<Future<RecordMetadata>> sends = new ArrayList<>();
                    for (int id = from; id < Math.min(messages, from + 10); id++) {
                        sends.add(producer.send(new ProducerRecord<>(topic, body(id))));
                    }
                    for (Future<RecordMetadata> send : sends) {
                        send.get(30, TimeUnit.SECONDS);
                    }
                }
            });
        }
        double produced = (System.nanoTime() - start) / 1e9;
        long consumeStart = System.nanoTime();
        BitSet seen = new BitSet(messages);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int read = 0;
            while (read < messages) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.set(Integer.parseInt(new String(record.value(), 0, 9, StandardCharsets.US_ASCII)));
                    read++;
                }
            }
        }
        if (seen.cardinality() != messages) {
            throw new IllegalStateException("the baseline read " + seen.cardinality() + " distinct records, not " + messages);
        }
        double consumed = (System.nanoTime() - consumeStart) / 1e9;
        return new double[] {messages / (produced + consumed), messages / produced, messages / consumed};
    }

    /** Messages per second over send, receive and delete together, then send alone, then receive and delete. */
    private double[] sqs(SqsClient sqs)
            throws Exception
    {
        String url = sqs.createQueue(request -> request.queueName("bench-sqs").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "600")))
                .queueUrl();
        System.out.printf("  SQS: %,d messages sent (SendMessageBatch) by %d clients, then received and deleted (ReceiveMessage, DeleteMessageBatch)...%n",
                messages, clients);
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        parallel(() -> {
            while (true) {
                int from = next.getAndAdd(10);
                if (from >= messages) {
                    return;
                }
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
                for (int id = from; id < Math.min(messages, from + 10); id++) {
                    entries.add(SendMessageBatchRequestEntry.builder().id("m" + id).messageBody(new String(body(id), StandardCharsets.US_ASCII)).build());
                }
                SendMessageBatchResponse response = sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entries));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("SendMessageBatch failed for " + response.failed());
                }
            }
        });
        double sent = (System.nanoTime() - start) / 1e9;
        long receiveStart = System.nanoTime();
        BitSet seen = new BitSet(messages);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        parallel(() -> {
            while (received.get() < messages) {
                List<Message> batch = sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                if (batch.isEmpty()) {
                    continue;
                }
                synchronized (seen) {
                    for (Message message : batch) {
                        int id = Integer.parseInt(message.body().substring(0, 9));
                        if (seen.get(id)) {
                            duplicates.incrementAndGet();
                        }
                        seen.set(id);
                    }
                }
                received.addAndGet(batch.size());
                DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(request -> request.queueUrl(url).entries(batch.stream()
                        .map(message -> DeleteMessageBatchRequestEntry.builder().id(message.messageId()).receiptHandle(message.receiptHandle()).build())
                        .toList()));
                if (!deleted.failed().isEmpty()) {
                    throw new IllegalStateException("DeleteMessageBatch failed for " + deleted.failed());
                }
            }
        });
        double receivedSeconds = (System.nanoTime() - receiveStart) / 1e9;
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes();
        if (seen.cardinality() != messages || duplicates.get() != 0 || !attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).equals("0")
                || !attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE).equals("0")) {
            throw new IllegalStateException("received " + seen.cardinality() + " distinct messages of " + messages + " with " + duplicates + " duplicates; "
                    + "the queue says " + attributes);
        }
        System.out.printf(Locale.ROOT, "  every message received once and deleted: send %.1f s, receive and delete %.1f s%n", sent, receivedSeconds);
        return new double[] {messages / (sent + receivedSeconds), messages / sent, messages / receivedSeconds};
    }

    /** p50 and p99 in milliseconds of a record produced to Kafka until a polling consumer has it. */
    private double[] kafkaWakeUps(String bootstrap)
            throws Exception
    {
        String topic = "bench-sqs-wake-up";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("  baseline wake-up: %d records produced to Kafka, each seen by a polling consumer...%n", wakeUps);
        double[] latencies = new double[wakeUps];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            for (int i = 0; i < wakeUps; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, body(i)));
                while (consumer.poll(Duration.ofSeconds(5)).isEmpty()) {
                    // until it arrives
                }
                latencies[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return percentiles(latencies);
    }

    /** p50 and p99 in milliseconds of a SendMessage until a ReceiveMessage waiting on the empty queue answers. */
    private double[] sqsWakeUps(SqsClient sqs)
            throws Exception
    {
        String url = sqs.createQueue(request -> request.queueName("bench-sqs-wake-up")).queueUrl();
        System.out.printf("  SQS wake-up: %d messages, each sent while a ReceiveMessage waits on the empty queue...%n", wakeUps);
        double[] latencies = new double[wakeUps];
        ExecutorService receiver = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < wakeUps; i++) {
                Future<List<Message>> waiting = receiver.submit(() -> sqs.receiveMessage(request -> request.queueUrl(url).waitTimeSeconds(20)).messages());
                // the receive is on its way and waiting before the send starts
                Thread.sleep(50);
                long start = System.nanoTime();
                String body = new String(body(i), StandardCharsets.US_ASCII);
                sqs.sendMessage(request -> request.queueUrl(url).messageBody(body));
                List<Message> got = waiting.get(30, TimeUnit.SECONDS);
                latencies[i] = (System.nanoTime() - start) / 1e6;
                if (got.size() != 1 || !got.get(0).body().equals(body)) {
                    throw new IllegalStateException("the waiting receive got " + got + ", not message " + i);
                }
                sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
            }
        }
        finally {
            receiver.shutdownNow();
        }
        return percentiles(latencies);
    }

    private static double[] percentiles(double[] latencies)
    {
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[(int) Math.floor(0.5 * (sorted.length - 1))], sorted[(int) Math.floor(0.99 * (sorted.length - 1))]};
    }

    /** Runs the work on {@code clients} threads and waits for all. */
    private void parallel(ThrowingRunnable work)
            throws Exception
    {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable
    {
        void run()
                throws Exception;
    }
}
