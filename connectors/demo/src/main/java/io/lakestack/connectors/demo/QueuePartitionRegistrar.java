package io.lakestack.connectors.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The demo's registrar as it runs, locally and on AWS alike: it receives the S3 event notifications from an SQS queue
 * (long polls of up to ten messages), hands each to a {@link PartitionRegistrar}, and deletes a message only once its
 * partitions are in the catalog, so a message is never lost:
 * <ul>
 *   <li>an {@link PartitionRegistrar.UnusableEventException unusable} notification is sent to the dead-letter queue
 *       unchanged, with the message attributes {@value #ERROR_ATTRIBUTE} (why) and {@value #SOURCE_ATTRIBUTE} (the
 *       queue and message id it came from), then deleted;</li>
 *   <li>a message whose catalog call fails stays in the queue, is received again once its visibility timeout has
 *       passed, and the queue's redrive policy moves it to the dead-letter queue after its {@code maxReceiveCount}
 *       receives.</li>
 * </ul>
 */
public final class QueuePartitionRegistrar
        implements AutoCloseable
{
    public static final String ERROR_ATTRIBUTE = "error";
    public static final String SOURCE_ATTRIBUTE = "source";
    private static final Logger log = LoggerFactory.getLogger(QueuePartitionRegistrar.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final String deadLetterQueueUrl;
    private final PartitionRegistrar registrar;
    private final Consumer<PartitionRegistrar.Registration> registered;
    private final int waitSeconds;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param registered told of each partition an event named, in the order of the events
     * @param wait how long one receive waits for a message (whole seconds, 0 to 20): also the longest {@link #close} waits
     */
    public QueuePartitionRegistrar(SqsClient sqs, String queueUrl, String deadLetterQueueUrl, PartitionRegistrar registrar,
            Consumer<PartitionRegistrar.Registration> registered, Duration wait)
    {
        this.sqs = requireNonNull(sqs, "sqs is null");
        this.queueUrl = requireNonNull(queueUrl, "queueUrl is null");
        this.deadLetterQueueUrl = requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl is null");
        this.registrar = requireNonNull(registrar, "registrar is null");
        this.registered = requireNonNull(registered, "registered is null");
        if (wait.isNegative() || wait.toSeconds() > 20) {
            throw new IllegalArgumentException("an SQS receive waits 0 to 20 seconds, not " + wait);
        }
        this.waitSeconds = (int) wait.toSeconds();
    }

    /** Starts receiving on a thread of its own. */
    public synchronized void start()
    {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::receiveUntilClosed, "demo-partition-registrar");
        thread.setDaemon(true);
        thread.start();
    }

    /** Why the registrar stopped receiving, if it did (an SQS call that failed). */
    public RuntimeException failure()
    {
        return failure.get();
    }

    /**
     * Receives once (waiting up to the receive wait for a message) and handles what came.
     *
     * @return how many messages came
     */
    public int receiveOnce()
    {
        List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
        messages.forEach(this::handle);
        return messages.size();
    }

    private void receiveUntilClosed()
    {
        try {
            while (running) {
                receiveOnce();
            }
        }
        catch (RuntimeException e) {
            if (running) {
                log.error("the partition registrar stopped: receiving from {} failed", queueUrl, e);
                failure.set(e);
            }
        }
    }

    private void handle(Message message)
    {
        List<PartitionRegistrar.Registration> registrations;
        try {
            registrations = registrar.register(message.body().getBytes(StandardCharsets.UTF_8));
        }
        catch (PartitionRegistrar.UnusableEventException e) {
            log.warn("sending message {} to the dead-letter queue: {}", message.messageId(), e.getMessage());
            sqs.sendMessage(request -> request.queueUrl(deadLetterQueueUrl).messageBody(message.body()).messageAttributes(Map.of(
                    ERROR_ATTRIBUTE, text(e.getMessage()),
                    SOURCE_ATTRIBUTE, text(queueUrl + " " + message.messageId()))));
            delete(message);
            return;
        }
        catch (RuntimeException e) {
            log.warn("message {} (received {} times) stays in the queue, to be received again: {}", message.messageId(),
                    message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), e.getMessage());
            return;
        }
        registrations.forEach(registered);
        delete(message);
    }

    private void delete(Message message)
    {
        sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
    }

    private static MessageAttributeValue text(String value)
    {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** Stops receiving: at once between receives, else when the receive under way has returned and been handled. */
    @Override
    public void close()
            throws InterruptedException
    {
        running = false;
        Thread started;
        synchronized (this) {
            started = thread;
        }
        if (started != null) {
            started.join();
        }
    }
}
