package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogStreamsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatchlogs.model.TooManyTagsException;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * CloudWatch Logs on Kafka, with the AWS SDK v2 client. Event timestamps are chosen by the test (an hour before the
 * clock read at the start of the class, whole seconds, so that they lie in the window PutLogEvents takes); ingestion
 * and creation times are bounded by the clock read around the call. The stack is shared by every test class of the
 * suite and the tests run in any order: each test's log groups are under a root of its own ({@link #root}).
 */
@LakestackTest
@Order(28)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsIntegrationTest
{
    private static final String ARN = "arn:aws:logs:us-east-1:000000000000:log-group:";
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    private final TestStack stack;
    /** The log groups of this class, under a name no other test class of the suite uses. */
    private final String root = "/it/logs/" + UUID.randomUUID() + "/";
    private CloudWatchLogsClient logs;
    private long base;

    LogsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void client()
    {
        logs = stack.client(CloudWatchLogsClient.builder());
        base = (System.currentTimeMillis() / 1000) * 1000 - HOUR;
    }

    @AfterAll
    void close()
    {
        logs.close();
    }

    @Test
    void logGroupsWithRetentionPrefixesAndPages()
    {
        String groups = root + "groups/";
        String a = groups + "list/a";
        String b = groups + "list/b";
        String c = groups + "list/c";
        String other = groups + "other";
        long before = System.currentTimeMillis();
        for (String name : List.of(b, a, c, other)) {
            logs.createLogGroup(request -> request.logGroupName(name));
        }
        long after = System.currentTimeMillis();
        assertError(() -> logs.createLogGroup(request -> request.logGroupName(a)), ResourceAlreadyExistsException.class,
                "The specified log group already exists");

        DescribeLogGroupsResponse first = logs.describeLogGroups(request -> request.logGroupNamePrefix(groups + "list/").limit(2));
        assertThat(first.logGroups()).extracting(LogGroup::logGroupName).containsExactly(a, b);
        LogGroup found = first.logGroups().get(0);
        assertThat(found.arn()).isEqualTo(ARN + a + ":*");
        assertThat(found.logGroupArn()).isEqualTo(ARN + a);
        assertThat(found.creationTime()).isBetween(before, after);
        assertThat(found.retentionInDays()).isNull();
        assertThat(found.storedBytes()).isEqualTo(0L);
        assertThat(found.metricFilterCount()).isEqualTo(0);
        assertThat(found.logGroupClassAsString()).isEqualTo("STANDARD");
        assertThat(first.nextToken()).isNotNull();
        DescribeLogGroupsResponse second = logs.describeLogGroups(request -> request.logGroupNamePrefix(groups + "list/").limit(2)
                .nextToken(first.nextToken()));
        assertThat(second.logGroups()).extracting(LogGroup::logGroupName).containsExactly(c);
        assertThat(second.nextToken()).isNull();
        assertThat(logs.describeLogGroupsPaginator(request -> request.logGroupNamePrefix(groups).limit(1)).logGroups())
                .extracting(LogGroup::logGroupName).containsExactly(a, b, c, other);
        // a pattern matches anywhere in the name, ignoring case
        assertThat(logs.describeLogGroups(request -> request.logGroupNamePattern(b.toUpperCase(Locale.ROOT))).logGroups())
                .extracting(LogGroup::logGroupName).containsExactly(b);

        logs.putRetentionPolicy(request -> request.logGroupName(a).retentionInDays(7));
        assertThat(group(a).retentionInDays()).isEqualTo(7);
        assertError(() -> logs.putRetentionPolicy(request -> request.logGroupName(a).retentionInDays(2)), InvalidParameterException.class,
                "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, "
                        + "7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
        logs.deleteRetentionPolicy(request -> request.logGroupName(a));
        assertThat(group(a).retentionInDays()).isNull();

        logs.deleteLogGroup(request -> request.logGroupName(c));
        assertThat(logs.describeLogGroups(request -> request.logGroupNamePrefix(groups)).logGroups()).extracting(LogGroup::logGroupName)
                .containsExactly(a, b, other);
        assertError(() -> logs.deleteLogGroup(request -> request.logGroupName(c)), ResourceNotFoundException.class,
                "The specified log group does not exist.");
        assertError(() -> logs.putRetentionPolicy(request -> request.logGroupName(c).retentionInDays(1)), ResourceNotFoundException.class,
                "The specified log group does not exist.");
        assertError(() -> logs.createLogGroup(request -> request.logGroupName("has space")), InvalidParameterException.class,
                "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
                        + "pattern: [.\\-_/#A-Za-z0-9]+");
    }

    @Test
    void logStreamsOrderedByNameOrLastEventTime()
    {
        String group = root + "streams";
        logs.createLogGroup(request -> request.logGroupName(group));
        long before = System.currentTimeMillis();
        for (String name : List.of("2026/01/01/[$LATEST]b", "2026/01/01/[$LATEST]a", "2026/01/02/[$LATEST]c", "other")) {
            logs.createLogStream(request -> request.logGroupName(group).logStreamName(name));
        }
        long created = System.currentTimeMillis();
        assertError(() -> logs.createLogStream(request -> request.logGroupName(group).logStreamName("other")), ResourceAlreadyExistsException.class,
                "The specified log stream already exists");
        assertError(() -> logs.createLogStream(request -> request.logGroupName(root + "nope").logStreamName("s")), ResourceNotFoundException.class,
                "The specified log group does not exist.");

        put(group, "2026/01/01/[$LATEST]a", event(base + 5_000, "a1"), event(base + 9_000, "a2"));
        put(group, "other", event(base + 7_000, "o1"));
        long ingested = System.currentTimeMillis();
        put(group, "2026/01/01/[$LATEST]b", event(base + 1_000, "b1"));

        DescribeLogStreamsResponse byName = logs.describeLogStreams(request -> request.logGroupName(group).logStreamNamePrefix("2026/01/01/"));
        assertThat(byName.logStreams()).extracting(LogStream::logStreamName).containsExactly("2026/01/01/[$LATEST]a", "2026/01/01/[$LATEST]b");
        LogStream a = byName.logStreams().get(0);
        assertThat(a.creationTime()).isBetween(before, created);
        assertThat(a.firstEventTimestamp()).isEqualTo(base + 5_000);
        assertThat(a.lastEventTimestamp()).isEqualTo(base + 9_000);
        assertThat(a.lastIngestionTime()).isBetween(created, ingested);
        assertThat(a.arn()).isEqualTo(ARN + group + ":log-stream:2026/01/01/[$LATEST]a");
        assertThat(a.storedBytes()).isEqualTo(0L);

        DescribeLogStreamsResponse byTime = logs.describeLogStreams(request -> request.logGroupName(group).orderBy(OrderBy.LAST_EVENT_TIME)
                .descending(true));
        assertThat(byTime.logStreams()).extracting(LogStream::logStreamName, LogStream::lastEventTimestamp).containsExactly(
                tuple("2026/01/01/[$LATEST]a", base + 9_000),
                tuple("other", base + 7_000),
                tuple("2026/01/01/[$LATEST]b", base + 1_000),
                tuple("2026/01/02/[$LATEST]c", null));
        assertThat(logs.describeLogStreamsPaginator(request -> request.logGroupIdentifier(ARN + group).limit(3)).logStreams())
                .extracting(LogStream::logStreamName).containsExactly("2026/01/01/[$LATEST]a", "2026/01/01/[$LATEST]b", "2026/01/02/[$LATEST]c", "other");
        assertError(() -> logs.describeLogStreams(request -> request.logGroupName(group).orderBy(OrderBy.LAST_EVENT_TIME).logStreamNamePrefix("o")),
                InvalidParameterException.class, "Cannot order by LastEventTime with a logStreamNamePrefix.");
        // the UTF-8 bytes of the messages: a1 and a2, o1, b1
        assertThat(group(group).storedBytes()).isEqualTo(8L);

        logs.deleteLogStream(request -> request.logGroupName(group).logStreamName("other"));
        assertError(() -> logs.deleteLogStream(request -> request.logGroupName(group).logStreamName("other")), ResourceNotFoundException.class,
                "The specified log stream does not exist.");
        // the events of a deleted stream no longer count
        assertThat(group(group).storedBytes()).isEqualTo(6L);
        // a stream deleted and created again starts empty
        logs.createLogStream(request -> request.logGroupName(group).logStreamName("other"));
        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("other")).events()).isEmpty();
    }

    @Test
    void getLogEventsReadsAStreamInTimestampOrderBothWays()
    {
        String group = root + "events";
        logs.createLogGroup(request -> request.logGroupName(group));
        logs.createLogStream(request -> request.logGroupName(group).logStreamName("s"));
        long before = System.currentTimeMillis();
        // two puts, the second with older events: reads come back by timestamp, then put order
        put(group, "s", event(base + 3_000, "third"), event(base + 3_000, "fourth"), event(base + 5_000, "fifth"));
        put(group, "s", event(base + 1_000, "first"), event(base + 3_000, "fourth and a half"));
        long after = System.currentTimeMillis();

        GetLogEventsResponse newest = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").limit(2));
        assertThat(newest.events()).extracting(OutputLogEvent::timestamp, OutputLogEvent::message)
                .containsExactly(tuple(base + 3_000, "fourth and a half"), tuple(base + 5_000, "fifth"));
        assertThat(newest.events()).allSatisfy(event -> assertThat(event.ingestionTime()).isBetween(before, after));
        assertThat(newest.nextForwardToken()).matches("f/\\d{56}/s");
        assertThat(newest.nextBackwardToken()).matches("b/\\d{56}/s");

        GetLogEventsResponse older = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").limit(2)
                .nextToken(newest.nextBackwardToken()));
        assertThat(older.events()).extracting(OutputLogEvent::message).containsExactly("third", "fourth");
        GetLogEventsResponse oldest = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").limit(2)
                .nextToken(older.nextBackwardToken()));
        assertThat(oldest.events()).extracting(OutputLogEvent::message).containsExactly("first");
        GetLogEventsResponse none = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").limit(2)
                .nextToken(oldest.nextBackwardToken()));
        assertThat(none.events()).isEmpty();
        assertThat(none.nextBackwardToken()).isEqualTo(oldest.nextBackwardToken());

        // nothing new forward: the same token comes back, so that the SDK's paginator stops
        GetLogEventsResponse caughtUp = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").nextToken(newest.nextForwardToken()));
        assertThat(caughtUp.events()).isEmpty();
        assertThat(caughtUp.nextForwardToken()).isEqualTo(newest.nextForwardToken());
        put(group, "s", event(base + 6_000, "sixth"));
        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").nextToken(newest.nextForwardToken())).events())
                .extracting(OutputLogEvent::message).containsExactly("sixth");

        List<String> pages = new ArrayList<>();
        logs.getLogEventsPaginator(request -> request.logGroupName(group).logStreamName("s").startFromHead(true).limit(2))
                .forEach(page -> pages.add(page.events().stream().map(OutputLogEvent::message).toList().toString()));
        assertThat(pages).containsExactly("[first, third]", "[fourth, fourth and a half]", "[fifth, sixth]", "[]");

        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").startFromHead(true)
                .startTime(base + 3_000).endTime(base + 5_000)).events()).extracting(OutputLogEvent::message)
                .containsExactly("third", "fourth", "fourth and a half");

        String forged = newest.nextForwardToken().substring(0, 10) + (newest.nextForwardToken().charAt(10) == '1' ? '2' : '1')
                + newest.nextForwardToken().substring(11);
        assertError(() -> logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").nextToken(forged)),
                InvalidParameterException.class, "The specified nextToken is not valid: '" + forged + "' is not a token lakestack issued for log group "
                        + group);
        assertError(() -> logs.getLogEvents(request -> request.logGroupName(group).logStreamName("nope")), ResourceNotFoundException.class,
                "The specified log stream does not exist.");
    }

    @Test
    void putLogEventsRejectsEventsOutsideTheWindowAndRefusesBadBatches()
    {
        String group = root + "put";
        logs.createLogGroup(request -> request.logGroupName(group));
        logs.createLogStream(request -> request.logGroupName(group).logStreamName("s"));
        long now = System.currentTimeMillis();

        PutLogEventsResponse response = logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s").sequenceToken("ignored")
                .logEvents(event(now - 15 * DAY, "too old"), event(now - HOUR, "kept"), event(now + 3 * HOUR, "too new")));
        assertThat(response.rejectedLogEventsInfo()).isEqualTo(RejectedLogEventsInfo.builder().tooOldLogEventEndIndex(1).tooNewLogEventStartIndex(2).build());
        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s")).events()).extracting(OutputLogEvent::message)
                .containsExactly("kept");

        // refused whole, nothing stored; the span is that of the events in the window (the rejected ones above spanned 15 days)
        assertError(() -> logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s")
                .logEvents(event(now, "later"), event(now - 1, "earlier"))), InvalidParameterException.class,
                "Log events in a single PutLogEvents request must be in chronological order.");
        assertError(() -> logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s")
                .logEvents(event(now - 25 * HOUR, "a"), event(now, "b"))), InvalidParameterException.class,
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        assertError(() -> logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s")
                .logEvents(event(now, "x".repeat(1_048_551)))), InvalidParameterException.class, "Upload too large: 1048577 bytes exceeds limit of 1048576");
        assertError(() -> logs.putLogEvents(request -> request.logGroupName(group).logStreamName("nope").logEvents(event(now, "x"))),
                ResourceNotFoundException.class, "The specified log stream does not exist.");

        logs.putRetentionPolicy(request -> request.logGroupName(group).retentionInDays(1));
        PutLogEventsResponse expired = logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s")
                .logEvents(event(now - 2 * DAY, "expired"), event(now - HOUR, "kept too")));
        assertThat(expired.rejectedLogEventsInfo()).isEqualTo(RejectedLogEventsInfo.builder().expiredLogEventEndIndex(1).build());
        assertThat(logs.putLogEvents(request -> request.logGroupName(group).logStreamName("s").logEvents(event(now - HOUR, "all kept")))
                .rejectedLogEventsInfo()).isNull();
        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s")).events()).extracting(OutputLogEvent::message)
                .containsExactly("kept", "kept too", "all kept");
    }

    @Test
    void filterLogEventsInterleavesStreamsAndAppliesPatterns()
    {
        String group = root + "filter";
        logs.createLogGroup(request -> request.logGroupName(group));
        for (String stream : List.of("web-1", "web-2", "worker")) {
            logs.createLogStream(request -> request.logGroupName(group).logStreamName(stream));
        }
        put(group, "web-1", event(base + 1_000, "GET /home 200"), event(base + 4_000, "ERROR GET /cart 500"));
        put(group, "web-2", event(base + 2_000, "{\"level\":\"WARN\",\"latency\":120,\"path\":\"/cart\"}"),
                event(base + 4_000, "{\"level\":\"ERROR\",\"latency\":900,\"path\":\"/pay\"}"));
        put(group, "worker", event(base + 3_000, "ERROR job 7 failed: Connection refused"), event(base + 5_000, "job 8 done"));

        FilterLogEventsResponse all = logs.filterLogEvents(request -> request.logGroupName(group));
        assertThat(all.events()).extracting(FilteredLogEvent::logStreamName, FilteredLogEvent::timestamp).containsExactly(
                tuple("web-1", base + 1_000), tuple("web-2", base + 2_000), tuple("worker", base + 3_000), tuple("web-1", base + 4_000),
                tuple("web-2", base + 4_000), tuple("worker", base + 5_000));
        assertThat(all.events()).extracting(FilteredLogEvent::eventId).allSatisfy(id -> assertThat(id).matches("\\d{56}")).doesNotHaveDuplicates();
        assertThat(all.nextToken()).isNull();

        assertThat(messages(group, request -> request.filterPattern("ERROR"))).containsExactly("ERROR job 7 failed: Connection refused", "ERROR GET /cart 500",
                "{\"level\":\"ERROR\",\"latency\":900,\"path\":\"/pay\"}");
        assertThat(messages(group, request -> request.filterPattern("ERROR -\"Connection refused\""))).containsExactly("ERROR GET /cart 500",
                "{\"level\":\"ERROR\",\"latency\":900,\"path\":\"/pay\"}");
        assertThat(messages(group, request -> request.filterPattern("?done ?200"))).containsExactly("GET /home 200", "job 8 done");
        assertThat(messages(group, request -> request.filterPattern("{ $.latency > 100 && $.path = \"/c*\" }")))
                .containsExactly("{\"level\":\"WARN\",\"latency\":120,\"path\":\"/cart\"}");
        assertThat(messages(group, request -> request.logStreamNamePrefix("web-").filterPattern("cart"))).containsExactly(
                "{\"level\":\"WARN\",\"latency\":120,\"path\":\"/cart\"}", "ERROR GET /cart 500");
        assertThat(messages(group, request -> request.logStreamNames("worker", "nope"))).containsExactly("ERROR job 7 failed: Connection refused",
                "job 8 done");
        assertThat(messages(group, request -> request.logStreamNamePrefix("none-"))).isEmpty();
        // endTime is inclusive in FilterLogEvents
        assertThat(messages(group, request -> request.startTime(base + 2_000).endTime(base + 3_000))).containsExactly(
                "{\"level\":\"WARN\",\"latency\":120,\"path\":\"/cart\"}", "ERROR job 7 failed: Connection refused");

        FilterLogEventsResponse page = logs.filterLogEvents(request -> request.logGroupName(group).limit(4));
        assertThat(page.events()).hasSize(4);
        assertThat(page.nextToken()).isNotNull();
        FilterLogEventsResponse rest = logs.filterLogEvents(request -> request.logGroupName(group).limit(4).nextToken(page.nextToken()));
        assertThat(rest.events()).extracting(FilteredLogEvent::message).containsExactly("{\"level\":\"ERROR\",\"latency\":900,\"path\":\"/pay\"}", "job 8 done");
        assertThat(rest.nextToken()).isNull();
        assertThat(logs.filterLogEventsPaginator(request -> request.logGroupName(group).limit(1)).events()).hasSize(6);

        assertError(() -> logs.filterLogEvents(request -> request.logGroupName(group).filterPattern("[ip, user]")), InvalidParameterException.class,
                "lakestack does not support space-delimited filter patterns ([field, field, ...]) in filter pattern '[ip, user]'; it supports terms, "
                        + "quoted phrases, -exclusions, ?alternatives and JSON patterns { $.field = value }");
        assertError(() -> logs.filterLogEvents(request -> request.logGroupName(group).nextToken(page.nextToken() + "x")),
                InvalidParameterException.class, "The specified nextToken is not valid: '" + page.nextToken() + "x' is not a token lakestack issued for "
                        + "log group " + group);
        assertError(() -> logs.filterLogEvents(request -> request.logGroupName(group).logStreamNames("web-1").logStreamNamePrefix("web")),
                InvalidParameterException.class, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        assertError(() -> logs.filterLogEvents(request -> request.logGroupName(root + "nope")), ResourceNotFoundException.class,
                "The specified log group does not exist.");
    }

    @Test
    void tagsByLogGroupNameAndByArn()
    {
        String group = root + "tags";
        logs.createLogGroup(request -> request.logGroupName(group).tags(Map.of("team", "data")));
        logs.tagLogGroup(request -> request.logGroupName(group).tags(Map.of("env", "dev")));
        assertThat(logs.listTagsLogGroup(request -> request.logGroupName(group)).tags()).isEqualTo(Map.of("team", "data", "env", "dev"));
        logs.untagLogGroup(request -> request.logGroupName(group).tags("team"));
        assertThat(logs.listTagsForResource(request -> request.resourceArn(ARN + group)).tags()).isEqualTo(Map.of("env", "dev"));

        logs.tagResource(request -> request.resourceArn(ARN + group + ":*").tags(Map.of("owner", "ada")));
        logs.untagResource(request -> request.resourceArn(ARN + group).tagKeys("env"));
        assertThat(logs.listTagsForResource(request -> request.resourceArn(ARN + group)).tags()).isEqualTo(Map.of("owner", "ada"));

        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            many.put("k" + i, "v");
        }
        assertError(() -> logs.tagResource(request -> request.resourceArn(ARN + group).tags(many)), TooManyTagsException.class,
                "A resource can have no more than 50 tags: log group " + group + " would have 51");
        // the group is of us-east-1: an ARN of another region names no group
        assertError(() -> logs.listTagsForResource(request -> request.resourceArn("arn:aws:logs:eu-west-1:000000000000:log-group:" + group)),
                ResourceNotFoundException.class, "The specified log group does not exist: arn:aws:logs:eu-west-1:000000000000:log-group:" + group);
        assertError(() -> logs.listTagsForResource(request -> request.resourceArn("arn:aws:sqs:us-east-1:000000000000:queue")), InvalidParameterException.class,
                "lakestack tags log groups only; 'arn:aws:sqs:us-east-1:000000000000:queue' is not a log group ARN "
                        + "(arn:aws:logs:<region>:000000000000:log-group:<name>)");
        assertError(() -> logs.listTagsForResource(request -> request.resourceArn(ARN + root + "no-such-group")), ResourceNotFoundException.class,
                "The specified log group does not exist.");
    }

    @Test
    void aLogGroupDeletedAndCreatedAgainStartsEmptyAndRefusesTheOldTokens()
    {
        String group = root + "again";
        logs.createLogGroup(request -> request.logGroupName(group));
        logs.createLogStream(request -> request.logGroupName(group).logStreamName("s"));
        put(group, "s", event(base, "before"));
        String token = logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s")).nextForwardToken();

        logs.deleteLogGroup(request -> request.logGroupName(group));
        logs.createLogGroup(request -> request.logGroupName(group));
        logs.createLogStream(request -> request.logGroupName(group).logStreamName("s"));

        assertThat(logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s")).events()).isEmpty();
        assertThat(logs.filterLogEvents(request -> request.logGroupName(group)).events()).isEmpty();
        assertThatThrownBy(() -> logs.getLogEvents(request -> request.logGroupName(group).logStreamName("s").nextToken(token)))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void liveTailIsRefusedWithTheReason()
            throws Exception
    {
        // the SDK's StartLiveTail belongs to the async client (an event stream): the request is sent as JSON, as any client sends it
        HttpResponse<String> response = RawRequests.send(stack.endpoint(), "POST", "/", Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "Logs_20140328.StartLiveTail"), "{\"logGroupIdentifiers\":[\"/it/tail\"]}".getBytes(StandardCharsets.UTF_8), "logs",
                TestStack.ACCESS_KEY, TestStack.SECRET_KEY);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"__type\":\"InvalidOperationException\",\"message\":\"StartLiveTail is not supported by lakestack: it "
                + "answers with an HTTP/2 event stream. Poll FilterLogEvents instead, as 'aws logs tail --follow' does.\"}");
    }

    private LogGroup group(String name)
    {
        return logs.describeLogGroups(request -> request.logGroupNamePrefix(name)).logGroups().stream()
                .filter(group -> group.logGroupName().equals(name)).findFirst().orElseThrow();
    }

    private List<String> messages(String group, Consumer<software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest.Builder> request)
    {
        return logs.filterLogEvents(builder -> request.accept(builder.logGroupName(group))).events().stream().map(FilteredLogEvent::message).toList();
    }

    private void put(String group, String stream, InputLogEvent... events)
    {
        PutLogEventsResponse response = logs.putLogEvents(request -> request.logGroupName(group).logStreamName(stream).logEvents(events));
        assertThat(response.rejectedLogEventsInfo()).isNull();
    }

    private static InputLogEvent event(long timestamp, String message)
    {
        return InputLogEvent.builder().timestamp(timestamp).message(message).build();
    }

    private static void assertError(Runnable call, Class<? extends CloudWatchLogsException> type, String message)
    {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(type, e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message));
    }
}
