package io.lakestack.connectors.sns;

import io.lakestack.spi.sns.Subscription;

/** Where the fan-out hands messages over: queues, functions and HTTP endpoints ({@link SdkDeliveries} in production). */
interface Deliveries
{
    /**
     * @param body what the endpoint receives: the notification document, the raw message or the Lambda event
     * @throws DeliveryException when the endpoint did not take it; the caller retries
     */
    void deliver(Subscription subscription, Notification notification, String body)
            throws DeliveryException;

    /** Sends the notification document to a dead-letter queue (a FIFO queue with the notification's group and deduplication id). */
    void deadLetter(String queueArn, Notification notification, String document)
            throws DeliveryException;

    /** POSTs a {@code SubscriptionConfirmation} to an HTTP(S) subscription's endpoint. */
    void confirmation(Subscription subscription, String messageId, String document)
            throws DeliveryException;

    final class DeliveryException
            extends Exception
    {
        private static final long serialVersionUID = 1L;

        DeliveryException(String message, Throwable cause)
        {
            super(message, cause);
        }
    }
}
