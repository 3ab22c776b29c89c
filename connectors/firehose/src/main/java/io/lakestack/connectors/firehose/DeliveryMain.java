package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the delivery of one Firehose stream outside lakestack, as a plain process: reads a Kafka topic, writes to S3
 * (lakestack's endpoint or AWS) with the schema from Glue. Start as many as the topic has partitions to spread the
 * work over machines: they form one consumer group.
 *
 * <pre>
 * java -cp ... io.lakestack.connectors.firehose.DeliveryMain --bootstrap-servers HOST:PORT --source-topic TOPIC \
 *     --stream-json create-delivery-stream.json [--endpoint-url URL] [--region REGION] [--work-dir DIR] [--version N] \
 *     [--group GROUP] [--stream-arn ARN]
 * </pre>
 *
 * A stream with a Lambda processor invokes its function through the Lambda API of the endpoint (or AWS's). The stream ARN
 * its function is told defaults to {@code arn:aws:firehose:<region>:000000000000:deliverystream/<stream>}. The group defaults to {@code lakestack.firehose.<stream>}. The JSON file is a {@code CreateDeliveryStream} request (as {@code aws firehose create-delivery-stream
 * --cli-input-json} takes it); credentials come from the AWS SDK's default provider chain.
 */
public final class DeliveryMain
{
    private DeliveryMain()
    {
    }

    public static void main(String[] args)
            throws Exception
    {
        Map<String, String> options = options(args);
        JsonNode request = new ObjectMapper().readTree(Files.readString(Path.of(required(options, "--stream-json"))));
        String name = request.path("DeliveryStreamName").asText("");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the stream JSON has no DeliveryStreamName");
        }
        JsonNode destinationConfig = request.has("ExtendedS3DestinationConfiguration")
                ? request.get("ExtendedS3DestinationConfiguration")
                : request.path("S3DestinationConfiguration");
        S3Destination destination;
        try {
            destination = S3Destination.parse(destinationConfig);
        }
        catch (InvalidConfigurationException e) {
            System.err.println("firehose: " + e.getMessage());
            System.exit(2);
            return;
        }
        String topic = required(options, "--source-topic");
        int version = Integer.parseInt(options.getOrDefault("--version", "1"));
        Region region = Region.of(options.getOrDefault("--region", Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1")));
        Optional<URI> endpoint = Optional.ofNullable(options.get("--endpoint-url")).map(URI::create);
        S3ClientBuilder s3 = S3Client.builder().region(region).httpClientBuilder(ApacheHttpClient.builder()).forcePathStyle(endpoint.isPresent());
        GlueClientBuilder glue = GlueClient.builder().region(region).httpClientBuilder(ApacheHttpClient.builder());
        endpoint.ifPresent(uri -> {
            s3.endpointOverride(uri);
            glue.endpointOverride(uri);
        });
        Path work = Path.of(options.getOrDefault("--work-dir", System.getProperty("java.io.tmpdir"))).resolve("lakestack-firehose-" + name);
        String arn = options.getOrDefault("--stream-arn", "arn:aws:firehose:" + region.id() + ":000000000000:deliverystream/" + name);
        DeliveryStreamSettings settings = new DeliveryStreamSettings(name, arn, version, topic,
                options.getOrDefault("--group", DeliveryWorker.GROUP_PREFIX + name), 0, destination);
        CountDownLatch done = new CountDownLatch(1);
        try (S3Client s3Client = s3.build(); GlueClient glueClient = glue.build();
                SdkLambdaInvoker lambda = SdkLambdaInvoker.connect(endpoint, region, Optional.empty());
                DeliveryWorker worker = new DeliveryWorker(settings, required(options, "--bootstrap-servers"), new S3ObjectSink(s3Client),
                        new GlueTableSchemas(glueClient), lambda, work, new DeliveryWorker.Listener()
                        {
                            @Override
                            public void delivered(DeliveryStreamSettings stream, List<DeliveredObject> objects, long sourceRecords, long droppedRecords)
                            {
                                System.out.println("delivered " + sourceRecords + " records in " + objects.size() + " objects"
                                        + (droppedRecords > 0 ? " (" + droppedRecords + " dropped by the Lambda function)" : ""));
                            }
                        })) {
            // a stop (SIGTERM, Ctrl-C) delivers what is buffered before the process ends
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                worker.close();
                done.countDown();
            }));
            worker.start();
            System.out.println("firehose: delivering " + topic + " as stream " + name);
            done.await();
        }
    }

    private static Map<String, String> options(String[] args)
    {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String option)
    {
        String value = options.get(option);
        if (value == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        return value;
    }
}
