package io.lakestack.spi.s3;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationConfigurationTest
{
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:uploads";

    @Test
    void matchesWildcardAndExactEventTypesWithFilters()
    {
        DestinationConfiguration destination = destination("a", QUEUE, List.of("s3:ObjectCreated:*"), "data/", ".json");

        assertThat(destination.matches("ObjectCreated:Put", "data/x.json")).isTrue();
        assertThat(destination.matches("ObjectCreated:CompleteMultipartUpload", "data/y/z.json")).isTrue();
        assertThat(destination.matches("ObjectRemoved:Delete", "data/x.json")).isFalse();
        assertThat(destination.matches("ObjectCreated:Put", "other/x.json")).isFalse();
        assertThat(destination.matches("ObjectCreated:Put", "data/x.csv")).isFalse();

        DestinationConfiguration exact = destination("b", QUEUE, List.of("s3:ObjectRemoved:Delete"), null, null);
        assertThat(exact.matches("ObjectRemoved:Delete", "anything")).isTrue();
        assertThat(exact.matches("ObjectRemoved:DeleteMarkerCreated", "anything")).isFalse();
    }

    @Test
    void refusesOverlappingDestinations()
    {
        NotificationConfiguration overlapping = new NotificationConfiguration(List.of(
                destination("one", QUEUE, List.of("s3:ObjectCreated:*"), "logs/", null),
                destination("two", "arn:aws:sns:us-east-1:000000000000:t", List.of("s3:ObjectCreated:Put"), "logs/2024/", null)), false);

        assertThatThrownBy(overlapping::validate)
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("InvalidArgument");
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessage("Configurations overlap. Configurations on the same bucket cannot share a common event type. (one and two)");
    }

    @Test
    void acceptsDisjointPrefixesAndDisjointEventTypes()
    {
        NotificationConfiguration disjoint = new NotificationConfiguration(List.of(
                destination("one", QUEUE, List.of("s3:ObjectCreated:*"), "logs/", null),
                destination("two", QUEUE, List.of("s3:ObjectCreated:*"), "data/", null),
                destination("three", "arn:aws:lambda:us-east-1:000000000000:function:f", List.of("s3:ObjectRemoved:*"), null, null)), true);

        disjoint.validate();
        assertThat(disjoint.isEmpty()).isFalse();
    }

    @Test
    void refusesUnknownEventsAndMalformedArns()
    {
        assertThatThrownBy(() -> single(destination("x", QUEUE, List.of("s3:ObjectCreated:Put:Now"), null, null)).validate())
                .hasMessage("The event is not supported for notifications: s3:ObjectCreated:Put:Now");
        assertThatThrownBy(() -> single(destination("x", "arn:aws:sqs:us-east-1:1:q", List.of("s3:ObjectCreated:*"), null, null)).validate())
                .hasMessage("The ARN is not well formed: arn:aws:sqs:us-east-1:1:q");
        assertThatThrownBy(() -> single(new DestinationConfiguration("x", DestinationType.TOPIC, QUEUE, List.of("s3:ObjectCreated:*"),
                Optional.empty(), Optional.empty())).validate())
                .hasMessage("A TopicConfiguration needs an sns ARN, not " + QUEUE);
    }

    @Test
    void refusesFifoTopics()
    {
        String fifo = "arn:aws:sns:us-east-1:000000000000:orders.fifo";
        assertThatThrownBy(() -> single(new DestinationConfiguration("x", DestinationType.TOPIC, fifo, List.of("s3:ObjectCreated:*"),
                Optional.empty(), Optional.empty())).validate())
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode() + " " + e.httpStatus()).isEqualTo("InvalidArgument 400"))
                .hasMessage("Unable to validate the following destination configurations: " + fifo + " is an SNS FIFO topic, which cannot be an S3 event "
                        + "notification destination; use a standard topic");
    }

    @Test
    void namesOneTopicPerDestination()
    {
        assertThat(NotificationTopics.topicFor(QUEUE)).isEqualTo("lakestack.sqs.uploads");
        assertThat(NotificationTopics.topicFor("arn:aws:sns:eu-west-1:123456789012:alerts")).isEqualTo("lakestack.sns.alerts");
        assertThat(NotificationTopics.topicFor("arn:aws:lambda:us-east-1:000000000000:function:indexer"))
                .isEqualTo("lakestack.lambda.indexer");
        assertThat(NotificationTopics.topicFor("arn:aws:lambda:us-east-1:000000000000:function:indexer:$LATEST"))
                .isEqualTo("lakestack.lambda.indexer");
        assertThat(NotificationTopics.topicFor("arn:aws:lambda:us-east-1:000000000000:function:indexer:live"))
                .isEqualTo("lakestack.lambda.indexer.live");
        assertThatThrownBy(() -> NotificationTopics.topicFor("arn:aws:s3:::bucket"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static NotificationConfiguration single(DestinationConfiguration destination)
    {
        return new NotificationConfiguration(List.of(destination), false);
    }

    private static DestinationConfiguration destination(String id, String arn, List<String> events, String prefix, String suffix)
    {
        DestinationType type = arn.contains(":sqs:") ? DestinationType.QUEUE
                : arn.contains(":sns:") ? DestinationType.TOPIC : DestinationType.LAMBDA_FUNCTION;
        return new DestinationConfiguration(id, type, arn, events, Optional.ofNullable(prefix), Optional.ofNullable(suffix));
    }
}
