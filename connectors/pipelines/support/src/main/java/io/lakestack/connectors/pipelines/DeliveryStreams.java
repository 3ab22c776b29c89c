package io.lakestack.connectors.pipelines;

import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CreateDeliveryStreamRequest;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** A pipeline's Firehose delivery streams, whatever their source: created and deleted, each awaited until it is ACTIVE or gone. */
public final class DeliveryStreams
{
    private final FirehoseClient firehose;

    public DeliveryStreams(FirehoseClient firehose)
    {
        this.firehose = requireNonNull(firehose, "firehose is null");
    }

    /** Deletes the delivery stream when there is one; whether there was. */
    public boolean delete(String deliveryStreamName, Duration timeout)
            throws InterruptedException
    {
        if (!exists(deliveryStreamName)) {
            return false;
        }
        firehose.deleteDeliveryStream(request -> request.deliveryStreamName(deliveryStreamName));
        Await.until("delivery stream " + deliveryStreamName + " to be deleted", timeout, () -> !exists(deliveryStreamName));
        return true;
    }

    /** Creates the delivery stream and waits until it is ACTIVE. */
    public void create(CreateDeliveryStreamRequest delivery, Duration timeout)
            throws InterruptedException
    {
        firehose.createDeliveryStream(delivery);
        Await.until("delivery stream " + delivery.deliveryStreamName() + " to be ACTIVE", timeout,
                () -> firehose.describeDeliveryStream(request -> request.deliveryStreamName(delivery.deliveryStreamName()))
                        .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
    }

    private boolean exists(String deliveryStreamName)
    {
        return firehose.listDeliveryStreams(request -> request.limit(10_000)).deliveryStreamNames().contains(deliveryStreamName);
    }
}
