package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.testing.ManualClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.spi.lambda.EventSourceMapping;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** One {@link ShardProcessor} of partition 0 with a scripted function, fake destinations and a clock the test moves. */
final class ShardHarness
{
    static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    static final String ROLE = "arn:aws:iam::123456789012:role/process-role";

    final ManualClock clock = new ManualClock(START);
    final FakeInvoker invoker = new FakeInvoker(clock);
    final FakeDestinations destinations = new FakeDestinations();
    final EventSourceMapping mapping;
    final EventFormat format;
    final ShardProcessor processor;
    final List<Boolean> outcomes = new ArrayList<>();
    private long nextOffset;

    ShardHarness(MappingBuilder mapping)
    {
        this(mapping, ShardProcessor.Timing.LAMBDA);
    }

    ShardHarness(MappingBuilder builder, ShardProcessor.Timing timing)
    {
        this.mapping = builder.build();
        this.format = mapping.kind() == EventSourceMapping.Kind.KINESIS
                ? new KinesisEventFormat(MappingBuilder.STREAM_ARN, MappingBuilder.STREAM_CREATION, ROLE)
                : new KafkaEventFormat("orders", "broker-1:9092,broker-2:9092");
        Supplier<UUID> ids = counter();
        StreamFailures failures = new StreamFailures(mapping, format, new DestinationRouter(destinations, clock, ids), clock, ids);
        ShardProcessor.Listener listener = new ShardProcessor.Listener()
        {
            @Override
            public void invoked(boolean functionError)
            {
                outcomes.add(functionError);
            }
        };
        this.processor = new ShardProcessor(mapping, format, FilterCriteria.compile(mapping.filterPatterns()), 0, invoker, failures, listener, clock, timing);
    }

    static Supplier<UUID> counter()
    {
        long[] next = {0};
        return () -> new UUID(0, ++next[0]);
    }

    StreamRecord record(String key, String data, long arrivalMillis)
    {
        return new StreamRecord(format instanceof KinesisEventFormat ? "lakestack.kinesis.orders" : "orders", 0, nextOffset++,
                key.getBytes(StandardCharsets.UTF_8), data.getBytes(StandardCharsets.UTF_8), arrivalMillis,
                format instanceof KinesisEventFormat ? "LOG_APPEND_TIME" : "CREATE_TIME", List.<Map.Entry<String, byte[]>>of());
    }

    /** Adds records with keys and data as given, arrived now. */
    ShardHarness add(String... keysAndData)
    {
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < keysAndData.length; i += 2) {
            records.add(record(keysAndData[i], keysAndData[i + 1], clock.millis()));
        }
        processor.add(records);
        return this;
    }

    /** Adds records keyed "k" with data "0", "1", ... */
    ShardHarness addNumbered(int count)
    {
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = nextOffset;
            records.add(record("k", Long.toString(offset), clock.millis()));
        }
        processor.add(records);
        return this;
    }

    /** Runs every lane until none has anything due now. */
    void drain()
    {
        for (int rounds = 0; rounds < 10_000; rounds++) {
            boolean ran = false;
            for (ShardProcessor.Lane lane : processor.lanes()) {
                if (lane.dueAt() <= clock.millis()) {
                    lane.run();
                    ran = true;
                }
            }
            if (!ran) {
                return;
            }
        }
        throw new AssertionError("the lanes never became idle");
    }

    /** Advances the clock to each moment something is due, and runs it, until nothing is due within {@code limit}. */
    void runFor(Duration limit)
    {
        long end = clock.millis() + limit.toMillis();
        drain();
        while (true) {
            long due = processor.dueAt();
            if (due > end) {
                clock.set(end);
                drain();
                return;
            }
            clock.set(Math.max(due, clock.millis()));
            drain();
        }
    }

    List<Integer> batchSizes()
    {
        return invoker.calls().stream().map(call -> call.event().path("Records").size()).toList();
    }

    /** The data of each record of each call, decoded. */
    List<List<String>> batches()
    {
        List<List<String>> batches = new ArrayList<>();
        for (FakeInvoker.Call call : invoker.calls()) {
            List<String> data = new ArrayList<>();
            for (JsonNode record : call.event().path("Records")) {
                data.add(new String(java.util.Base64.getDecoder().decode(record.path("kinesis").path("data").asText()), StandardCharsets.UTF_8));
            }
            batches.add(data);
        }
        return batches;
    }

    long position()
    {
        return processor.position().orElse(-1);
    }

    String sequence(long offset)
    {
        return new io.lakestack.spi.kinesis.SequenceNumber(MappingBuilder.STREAM_CREATION, 0, offset).toString();
    }
}
