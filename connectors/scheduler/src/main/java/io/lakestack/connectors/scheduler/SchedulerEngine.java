package io.lakestack.connectors.scheduler;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.lakestack.connectors.consumers.Topics;
import io.lakestack.connectors.targets.TargetException;
import io.lakestack.connectors.targets.Targets;
import io.lakestack.spi.scheduler.Schedule;
import io.lakestack.spi.scheduler.ScheduleTarget;
import io.lakestack.spi.store.RecordStore;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * EventBridge Scheduler's firing engine on one instance: the {@link ScheduleOwner} that fires the occurrences of the
 * schedules this instance owns, exactly once across instances, and the {@link InvocationDelivery} that delivers them
 * at least once, to templated targets through {@link Targets}, to EventBridge event buses with {@code PutEvents}, and
 * to universal targets through their service's API.
 */
public final class SchedulerEngine
        implements AutoCloseable
{
    private final ScheduleOwner owner;
    private final InvocationDelivery delivery;

    SchedulerEngine(RecordStore<Schedule> schedules, SchedulerEngineConfig config, InvocationDelivery.Invoker invoker, Clock clock)
    {
        ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        createTopics(config);
        this.owner = new ScheduleOwner(schedules, config, clock, json);
        this.delivery = new InvocationDelivery(config, invoker, clock, json);
    }

    /**
     * @param endpoint where universal targets are called (lakestack's endpoint)
     */
    public static SchedulerEngine create(RecordStore<Schedule> schedules, SchedulerEngineConfig config, Targets targets, URI endpoint, Region region,
            AwsCredentialsProvider credentials, Clock clock)
    {
        requireNonNull(targets, "targets is null");
        UniversalTargets universal = new UniversalTargets(endpoint, region, credentials);
        return new SchedulerEngine(schedules, config, (call, scheduleArn, target) -> {
            if (UniversalTargets.isUniversal(call.arn())) {
                universal.call(call.arn(), scheduleArn, call.payload());
            }
            else if (UniversalTargets.isEventBus(call.arn())) {
                ScheduleTarget bus = target.orElseThrow(() -> new TargetException("InvalidTarget", "an event bus is not a dead-letter queue", false, null));
                universal.putEvent(call.arn(), bus.eventSource().orElse(""), bus.eventDetailType().orElse(""), call.payload());
            }
            else {
                targets.deliver(call);
            }
        }, clock);
    }

    public SchedulerEngine start()
    {
        delivery.start();
        owner.start();
        return this;
    }

    private static void createTopics(SchedulerEngineConfig config)
    {
        Topics.ensure(config.kafkaBootstrapServers(), List.of(
                new NewTopic(SchedulerEngineConfig.FIRED_TOPIC, Optional.of(config.partitions()), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(SchedulerEngineConfig.INVOCATIONS_TOPIC, Optional.of(config.partitions()), Optional.empty())
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7)))),
                new NewTopic(SchedulerEngineConfig.UNDELIVERED_TOPIC, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))));
    }

    @Override
    public void close()
            throws InterruptedException
    {
        owner.close();
        delivery.close();
    }
}
