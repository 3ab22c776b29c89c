package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** A pipeline's Kinesis stream and Firehose delivery stream: created and deleted, each awaited until it is ACTIVE or gone. */
public final class Streams
{
    private final KinesisClient kinesis;
    private final DeliveryStreams deliveryStreams;

    public Streams(KinesisClient kinesis, FirehoseClient firehose)
    {
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.deliveryStreams = new DeliveryStreams(requireNonNull(firehose, "firehose is null"));
    }

    /** Deletes the delivery stream, when there is one, and the stream after it, when there is one. */
    public void delete(String deliveryStreamName, String streamName, Duration timeout)
            throws InterruptedException
    {
        deliveryStreams.delete(deliveryStreamName, timeout);
        if (kinesis.listStreams(request -> request.limit(10_000)).streamNames().contains(streamName)) {
            kinesis.deleteStream(request -> request.streamName(streamName).enforceConsumerDeletion(true));
            Await.until("stream " + streamName + " to be deleted", timeout,
                    () -> !kinesis.listStreams(request -> request.limit(10_000)).streamNames().contains(streamName));
        }
    }

    /** Creates the stream; its ARN once it is ACTIVE. */
    public String createStream(CreateStreamRequest stream, Duration timeout)
            throws InterruptedException
    {
        kinesis.createStream(stream);
        Await.until("stream " + stream.streamName() + " to be ACTIVE", timeout,
                () -> kinesis.describeStreamSummary(request -> request.streamName(stream.streamName())).streamDescriptionSummary().streamStatus()
                        == StreamStatus.ACTIVE);
        return kinesis.describeStreamSummary(request -> request.streamName(stream.streamName())).streamDescriptionSummary().streamARN();
    }

    /** Creates the delivery stream and waits until it is ACTIVE. */
    public void createDeliveryStream(CreateDeliveryStreamRequest delivery, Duration timeout)
            throws InterruptedException
    {
        deliveryStreams.create(delivery, timeout);
    }
}
