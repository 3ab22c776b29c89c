package io.lakestack.connectors.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.spi.sns.FilterPolicy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationTest
{
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:orders";
    private static final String PUBLISHED = "{\"Type\":\"Notification\",\"MessageId\":\"5c1f4f4e-0000-4000-8000-000000000001\",\"TopicArn\":\"" + TOPIC
            + "\",\"Subject\":\"Hi\",\"Message\":\"default text\",\"Timestamp\":\"2026-11-29T16:00:00.123Z\",\"SignatureVersion\":\"1\",\"Signature\":\"\","
            + "\"SigningCertURL\":\"\",\"MessageAttributes\":{\"event\":{\"Type\":\"String\",\"Value\":\"placed\"}}}";

    private static Notification read(String value, Optional<String> structure)
    {
        return Notification.read(value.getBytes(StandardCharsets.UTF_8), TOPIC, 1_764_432_000_456L, "lakestack.sns.orders/1/42", structure);
    }

    @Test
    void publishedNotificationKeepsItsFieldsAndGetsTheSubscriptionsUnsubscribeUrl()
    {
        Notification notification = read(PUBLISHED, Optional.empty());
        assertThat(notification.attributes()).isEqualTo(Map.of("event", new FilterPolicy.Attribute("String", "placed")));
        JsonNode document = notification.document("sqs", "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=x", "");
        assertThat(document.toString()).isEqualTo("{\"Type\":\"Notification\",\"MessageId\":\"5c1f4f4e-0000-4000-8000-000000000001\",\"TopicArn\":\""
                + TOPIC + "\",\"Subject\":\"Hi\",\"Message\":\"default text\",\"Timestamp\":\"2026-11-29T16:00:00.123Z\",\"SignatureVersion\":\"1\","
                + "\"Signature\":\"\",\"SigningCertURL\":\"\",\"UnsubscribeURL\":\"http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=x\","
                + "\"MessageAttributes\":{\"event\":{\"Type\":\"String\",\"Value\":\"placed\"}}}");
    }

    @Test
    void messageStructureGivesEachProtocolItsOwnMessage()
    {
        Notification notification = read(PUBLISHED, Optional.of("{\"default\":\"default text\",\"sqs\":\"for queues\",\"lambda\":\"for functions\"}"));
        assertThat(notification.messageFor("sqs")).isEqualTo("for queues");
        assertThat(notification.messageFor("http")).isEqualTo("default text");
        assertThat(notification.lambdaEvent("sub", "unsub", "").path("Records").path(0).path("Sns").path("Message").asText()).isEqualTo("for functions");
    }

    @Test
    void s3EventIsWrappedAsSnsWrapsIt()
    {
        String event = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\"}]}";
        Notification first = read(event, Optional.empty());
        Notification again = read(event, Optional.empty());
        assertThat(first.messageId()).isEqualTo(again.messageId())
                .isEqualTo(UUID.nameUUIDFromBytes("lakestack.sns.orders/1/42".getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(first.subject()).contains("Amazon S3 Notification");
        assertThat(first.message()).isEqualTo(event);
        assertThat(first.timestamp()).isEqualTo("2025-11-29T16:00:00.456Z");
        assertThat(first.topicArn()).isEqualTo(TOPIC);
        assertThat(first.attributes()).isEmpty();
    }

    @Test
    void lambdaEventHasSnsShape()
    {
        JsonNode event = read(PUBLISHED, Optional.empty()).lambdaEvent("arn:sub", "http://unsub", "");
        assertThat(event.toString()).isEqualTo("{\"Records\":[{\"EventSource\":\"aws:sns\",\"EventVersion\":\"1.0\",\"EventSubscriptionArn\":\"arn:sub\","
                + "\"Sns\":{\"Type\":\"Notification\",\"MessageId\":\"5c1f4f4e-0000-4000-8000-000000000001\",\"TopicArn\":\"" + TOPIC + "\","
                + "\"Subject\":\"Hi\",\"Message\":\"default text\",\"Timestamp\":\"2026-11-29T16:00:00.123Z\",\"SignatureVersion\":\"1\",\"Signature\":\"\","
                + "\"SigningCertUrl\":\"\",\"UnsubscribeUrl\":\"http://unsub\",\"MessageAttributes\":{\"event\":{\"Type\":\"String\",\"Value\":\"placed\"}}}}]}");
        String withoutSubject = PUBLISHED.replace("\"Subject\":\"Hi\",", "");
        assertThat(read(withoutSubject, Optional.empty()).lambdaEvent("a", "b", "").path("Records").path(0).path("Sns").get("Subject").isNull()).isTrue();
    }

    @Test
    void fifoTopicsDocumentHasItsSequenceNumberAndNoSignatureFields()
    {
        Notification notification = read(PUBLISHED.replace(":orders", ":orders.fifo"), Optional.empty())
                .withOrder(Optional.of("00000000000000000007"), Optional.of("group-1"), Optional.of("dedup-1"));
        JsonNode document = notification.document("sqs", "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=x", "");
        assertThat(document.toString()).isEqualTo("{\"Type\":\"Notification\",\"MessageId\":\"5c1f4f4e-0000-4000-8000-000000000001\","
                + "\"SequenceNumber\":\"00000000000000000007\",\"TopicArn\":\"" + TOPIC + ".fifo\",\"Subject\":\"Hi\",\"Message\":\"default text\","
                + "\"Timestamp\":\"2026-11-29T16:00:00.123Z\",\"UnsubscribeURL\":\"http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=x\","
                + "\"MessageAttributes\":{\"event\":{\"Type\":\"String\",\"Value\":\"placed\"}}}");
        assertThat(notification.messageGroupId()).contains("group-1");
        assertThat(notification.deduplicationId()).contains("dedup-1");
    }
}
