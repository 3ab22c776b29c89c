package io.lakestack.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * lakestack's image under Testcontainers, shaped like Testcontainers' {@code LocalStackContainer}, so that a build
 * moves from LocalStack by changing the container's class and image:
 *
 * <pre>{@code
 * @Container
 * static LakestackContainer lakestack = new LakestackContainer(DockerImageName.parse("lakestack/lakestack:0.1.0-SNAPSHOT"))
 *         .withServices(Service.S3, Service.KINESIS);
 *
 * S3Client s3 = S3Client.builder()
 *         .endpointOverride(lakestack.getEndpointOverride(Service.S3))
 *         .region(Region.of(lakestack.getRegion()))
 *         .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(lakestack.getAccessKey(), lakestack.getSecretKey())))
 *         .forcePathStyle(true)
 *         .build();
 * }</pre>
 *
 * <p>The image is built from lakestack's repository ({@code docker build -f compose/Dockerfile -t lakestack/lakestack:0.1.0-SNAPSHOT .});
 * it runs the whole embedded stack ({@code lakestack up}) and answers every service on port {@value #PORT}. The
 * container is ready when the stack's health report ({@code GET /_lakestack/health}) says every component is.
 *
 * <p>{@link #withServices} decides what runs: Trino, Athena's engine, starts only when {@link Service#ATHENA} is among
 * the services (it takes most of the stack's start time and memory); every other service is always answered, since
 * each costs the stack nothing until it is used. Without {@code withServices} everything runs.
 */
public class LakestackContainer
        extends GenericContainer<LakestackContainer>
{
    /** The one port of every service. */
    public static final int PORT = 4566;
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);
    /** The health report's overall state when every component is ready. */
    private static final Pattern READY = Pattern.compile("\"status\"\\s*:\\s*\"ready\"");

    /** The services lakestack answers, by the names {@code LocalStackContainer.Service} gives them. */
    public enum Service
    {
        S3("s3"),
        KINESIS("kinesis"),
        FIREHOSE("firehose"),
        GLUE("glue"),
        ATHENA("athena"),
        LAMBDA("lambda"),
        CLOUDWATCHLOGS("logs"),
        SQS("sqs"),
        SNS("sns"),
        CLOUDWATCHEVENTS("events"),
        SCHEDULER("scheduler"),
        STS("sts");

        private final String signingName;

        Service(String signingName)
        {
            this.signingName = signingName;
        }

        /** The name in the SigV4 credential scope, as AWS's endpoints name the service. */
        public String signingName()
        {
            return signingName;
        }
    }

    private final Set<Service> services = EnumSet.allOf(Service.class);

    public LakestackContainer(DockerImageName image)
    {
        super(requireNonNull(image, "image is null"));
        setUp();
    }

    /** A container of an image built as the test starts, such as Testcontainers' {@code ImageFromDockerfile}. */
    public LakestackContainer(Future<String> image)
    {
        super(requireNonNull(image, "image is null"));
        setUp();
    }

    private void setUp()
    {
        withExposedPorts(PORT);
        waitingFor(Wait.forHttp("/_lakestack/health")
                .forPort(PORT)
                .forResponsePredicate(LakestackContainer::ready)
                .withStartupTimeout(STARTUP_TIMEOUT));
        setCommand(command());
    }

    /** Whether a health report of the stack ({@code GET /_lakestack/health}) says every component is ready. */
    static boolean ready(String healthReport)
    {
        return READY.matcher(healthReport).find();
    }

    /**
     * The services the test needs: Trino starts only when {@link Service#ATHENA} is among them.
     *
     * @throws IllegalArgumentException when none is given
     */
    public LakestackContainer withServices(Service... needed)
    {
        if (needed.length == 0) {
            throw new IllegalArgumentException("withServices needs at least one service; leave it out for all of them");
        }
        services.clear();
        services.addAll(List.of(needed));
        setCommand(command());
        return self();
    }

    /** The services this container was asked for. */
    public Set<Service> getServices()
    {
        return EnumSet.copyOf(services);
    }

    /** {@code lakestack up} in the foreground, on every interface of the container, with Trino only when Athena is needed. */
    private String[] command()
    {
        List<String> command = new ArrayList<>(List.of("up", "--bind", "0.0.0.0", "--data-dir", "/data"));
        if (!services.contains(Service.ATHENA)) {
            command.add("--no-trino");
        }
        return command.toArray(String[]::new);
    }

    /** The endpoint every service answers on, as the host sees it. */
    public URI getEndpoint()
    {
        return URI.create("http://" + getHost() + ":" + getMappedPort(PORT));
    }

    /** The endpoint of a service: lakestack's one endpoint, whatever the service. */
    public URI getEndpointOverride(Service service)
    {
        requireNonNull(service, "service is null");
        if (!services.contains(service)) {
            throw new IllegalArgumentException("this container was not asked for " + service + ": add it to withServices(...)");
        }
        return getEndpoint();
    }

    /** The access key the stack accepts (its default, {@code test}). */
    public String getAccessKey()
    {
        return "test";
    }

    /** The secret key the stack accepts (its default, {@code test}). */
    public String getSecretKey()
    {
        return "test";
    }

    /** The region clients sign for; lakestack takes any, and resources carry the region that created them. */
    public String getRegion()
    {
        return "us-east-1";
    }
}
