package io.lakestack.it.contract;

import io.lakestack.backends.kafka.KafkaEventSink;
import io.lakestack.spi.events.EventSink;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Order;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** {@link KafkaEventSink} on the embedded stack's Kafka, three partitions per topic, read with plain Kafka consumers. */
@LakestackTest
@Order(50)
class KafkaEventSinkContractIntegrationTest
        extends AbstractEventSinkContractTest
{
    private final TestStack stack;

    KafkaEventSinkContractIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }


    @Override
    protected EventSink createSink()
    {
        return new KafkaEventSink(stack.kafkaBootstrapServers(), stack.kafkaTopics(), 3);
    }

    @Override
    protected EventReader openAtEnd(String topic)
    {
        return open(topic, true);
    }

    @Override
    protected EventReader openAtStart(String topic)
    {
        return open(topic, false);
    }

    private EventReader open(String topic, boolean atEnd)
    {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        if (atEnd) {
            consumer.seekToEnd(partitions);
        }
        else {
            consumer.seekToBeginning(partitions);
        }
        // resolve the positions now, not at the first poll
        partitions.forEach(consumer::position);
        return new EventReader()
        {
            @Override
            public List<Event> poll()
            {
                List<Event> events = new ArrayList<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(new Event(record.key(), record.value()));
                }
                return events;
            }

            @Override
            public void close()
            {
                consumer.close(Duration.ofSeconds(1));
            }
        };
    }
}
