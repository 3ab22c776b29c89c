package io.lakestack.backends.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * What a receive hands out with a message: the queue (and its incarnation), the message's place in the queue's topic
 * and the offset of the receive's claim in the queue's event topic. Built from Kafka offsets only, so any instance
 * reads it, across restarts.
 */
record ReceiptHandle(String queue, long incarnation, int partition, long offset, long claim)
{
    private static final String VERSION = "lq1";

    String encode()
    {
        String text = VERSION + "\n" + queue + "\n" + incarnation + "\n" + partition + "\n" + offset + "\n" + claim;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The handle the text encodes; empty for anything else. */
    static Optional<ReceiptHandle> decode(String text)
    {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 6 || !parts[0].equals(VERSION)) {
                return Optional.empty();
            }
            ReceiptHandle handle = new ReceiptHandle(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]), Long.parseLong(parts[4]),
                    Long.parseLong(parts[5]));
            return handle.partition() < 0 || handle.offset() < 0 || handle.claim() < 0 ? Optional.empty() : Optional.of(handle);
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
