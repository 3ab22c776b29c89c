package io.lakestack.connectors.lambda.events;

import io.lakestack.spi.lambda.EventSourceMapping;

import java.util.List;
import java.util.Optional;

/** Event source mappings for tests, with Lambda's defaults unless a test says otherwise. */
final class MappingBuilder
{
    static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:process";
    static final long STREAM_CREATION = 1_700_000_000_000L;

    EventSourceMapping.Kind kind = EventSourceMapping.Kind.KINESIS;
    int batchSize = 100;
    int window;
    int parallelization = 1;
    boolean bisect;
    int maxRetries = -1;
    int maxAge = -1;
    Optional<String> onFailure = Optional.empty();
    boolean reportBatchItemFailures;
    int tumbling;
    List<String> filters = List.of();

    static MappingBuilder kinesis()
    {
        return new MappingBuilder();
    }

    static MappingBuilder kafka()
    {
        MappingBuilder builder = new MappingBuilder();
        builder.kind = EventSourceMapping.Kind.KAFKA;
        return builder;
    }

    MappingBuilder batchSize(int value)
    {
        batchSize = value;
        return this;
    }

    MappingBuilder window(int seconds)
    {
        window = seconds;
        return this;
    }

    MappingBuilder parallelization(int value)
    {
        parallelization = value;
        return this;
    }

    MappingBuilder bisect()
    {
        bisect = true;
        return this;
    }

    MappingBuilder maxRetries(int value)
    {
        maxRetries = value;
        return this;
    }

    MappingBuilder maxAge(int seconds)
    {
        maxAge = seconds;
        return this;
    }

    MappingBuilder onFailure(String arn)
    {
        onFailure = Optional.of(arn);
        return this;
    }

    MappingBuilder reportBatchItemFailures()
    {
        reportBatchItemFailures = true;
        return this;
    }

    MappingBuilder tumbling(int seconds)
    {
        tumbling = seconds;
        return this;
    }

    MappingBuilder filters(String... patterns)
    {
        filters = List.of(patterns);
        return this;
    }

    EventSourceMapping build()
    {
        boolean kinesis = kind == EventSourceMapping.Kind.KINESIS;
        return new EventSourceMapping("6f0e3c52-0000-4000-8000-000000000001", FUNCTION_ARN, kind, kinesis ? Optional.of(STREAM_ARN) : Optional.empty(),
                List.of(kinesis ? "lakestack.kinesis.orders" : "orders"), kinesis ? Optional.empty() : Optional.of("broker-1:9092,broker-2:9092"),
                kinesis ? STREAM_CREATION : 0, "lakestack.lambda.esm.test", true, batchSize, window, "TRIM_HORIZON", Optional.empty(), parallelization,
                bisect, maxRetries, maxAge, onFailure, reportBatchItemFailures, tumbling, filters, STREAM_CREATION, Optional.empty(), 0);
    }
}
