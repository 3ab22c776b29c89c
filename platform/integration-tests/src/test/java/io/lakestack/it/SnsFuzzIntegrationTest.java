package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Fuzzing of SNS (the Query protocol): every operation, with the cases {@link QueryFuzz} makes of its parameters, is
 * answered within {@link JsonFuzz#BOUND} with an SNS error (4xx), and the topic it ran against, its one subscription and
 * its tags are as they were.
 */
@LakestackTest
@Order(71)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnsFuzzIntegrationTest
{
    private static final long SEED = 20100405L;
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:it-fuzz";
    private static final String QUEUE = "arn:aws:sqs:us-east-1:000000000000:it-sns-fuzz";
    private static final String MISSING_SUBSCRIPTION = TOPIC + ":00000000-0000-0000-0000-000000000000";
    static final QueryFuzz.Service SNS = new QueryFuzz.Service("sns", "2010-03-31",
            Set.of("InvalidParameter", "InvalidParameterValue", "NotFound", "ResourceNotFound", "ValidationError", "TagLimitExceeded", "EmptyBatchRequest",
                    "TooManyEntriesInBatchRequest", "BatchEntryIdsNotDistinct", "InvalidBatchEntryId", "BatchRequestTooLong", "AuthorizationError",
                    "InvalidAction", "MissingAction", "MalformedQueryString"),
            "<Failed><member>",
            "+CreateTopic Name!=it-fuzz Attributes.entry.1.key=DisplayName Attributes.entry.1.value=fuzz",
            "+DeleteTopic TopicArn!=arn:aws:sns:us-east-1:000000000000:fuzz-missing",
            "+ListTopics NextToken=",
            "+GetTopicAttributes TopicArn!=" + TOPIC,
            "+SetTopicAttributes TopicArn!=" + TOPIC + " AttributeName!=DisplayName AttributeValue=fuzz",
            "+Subscribe TopicArn!=" + TOPIC + " Protocol!=sqs Endpoint=" + QUEUE + " ReturnSubscriptionArn=true",
            "ConfirmSubscription TopicArn!=" + TOPIC + " Token!=fuzz-token",
            "Unsubscribe SubscriptionArn!=" + MISSING_SUBSCRIPTION,
            "+ListSubscriptions NextToken=",
            "+ListSubscriptionsByTopic TopicArn!=" + TOPIC,
            "GetSubscriptionAttributes SubscriptionArn!=" + MISSING_SUBSCRIPTION,
            "SetSubscriptionAttributes SubscriptionArn!=" + MISSING_SUBSCRIPTION + " AttributeName!=RawMessageDelivery AttributeValue=true",
            "+Publish TopicArn=" + TOPIC + " Message~!=fuzz Subject=fuzz MessageAttributes.entry.1.Name=k MessageAttributes.entry.1.Value.DataType=String "
                    + "MessageAttributes.entry.1.Value.StringValue~=v",
            "+PublishBatch TopicArn!=" + TOPIC + " PublishBatchRequestEntries.member.1.Id!^=a PublishBatchRequestEntries.member.1.Message~!^=fuzz",
            "+TagResource ResourceArn!=" + TOPIC + " Tags.member.1.Key!=team Tags.member.1.Value!=it",
            "+UntagResource ResourceArn!=" + TOPIC + " TagKeys.member.1!=fuzz-missing",
            "+ListTagsForResource ResourceArn!=" + TOPIC);

    private final TestStack stack;
    private SnsClient sns;
    private SqsClient sqs;
    private String subscription;

    SnsFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createTopicAndSubscription()
    {
        sns = stack.client(SnsClient.builder());
        sqs = stack.client(SqsClient.builder());
        sqs.createQueue(request -> request.queueName("it-sns-fuzz"));
        sns.createTopic(request -> request.name("it-fuzz").attributes(Map.of("DisplayName", "fuzz")).tags(Tag.builder().key("team").value("it").build()));
        subscription = sns.subscribe(request -> request.topicArn(TOPIC).protocol("sqs").endpoint(QUEUE).returnSubscriptionArn(true)).subscriptionArn();
    }

    @AfterAll
    void close()
    {
        sns.close();
        sqs.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws Exception
    {
        assertThat(QueryFuzz.fuzzedOperations(SNS)).isEqualTo(QueryFuzz.implementedOperations(stack, SNS));
    }

    @Test
    void malformedInputIsAnSnsErrorInTimeAndNothingChanged()
    {
        List<QueryFuzz.Case> cases = QueryFuzz.cases(SNS, SEED);
        System.out.println("SNS fuzz: " + cases.size() + " requests");

        assertThat(QueryFuzz.run(stack, SNS, cases)).isEmpty();

        assertThat(sns.listTopics().topics()).extracting(topic -> topic.topicArn()).contains(TOPIC).doesNotContain(TOPIC + "-x");
        assertThat(sns.getTopicAttributes(request -> request.topicArn(TOPIC)).attributes()).containsEntry("DisplayName", "fuzz")
                .containsEntry("SubscriptionsConfirmed", "1");
        assertThat(sns.listSubscriptionsByTopic(request -> request.topicArn(TOPIC)).subscriptions())
                .extracting(Subscription::subscriptionArn, Subscription::protocol, Subscription::endpoint).containsExactly(tuple(subscription, "sqs", QUEUE));
        assertThat(sns.listTagsForResource(request -> request.resourceArn(TOPIC)).tags()).extracting(Tag::key, Tag::value).containsExactly(tuple("team", "it"));
    }
}
