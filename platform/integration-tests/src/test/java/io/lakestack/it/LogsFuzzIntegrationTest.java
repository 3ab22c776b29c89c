package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Fuzzing of CloudWatch Logs: every operation, with the inputs {@link FuzzInputs} makes of its fields, is answered
 * within {@link JsonFuzz#BOUND} with a CloudWatch Logs error (4xx), and the log group it ran against still works
 * afterwards. The well-formed PutLogEvents carries an event of 2023, which CloudWatch Logs rejects as too old without
 * failing the call, so that no fuzzed request stores an event.
 */
@LakestackTest
@Order(66)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsFuzzIntegrationTest
{
    private static final long SEED = 20140328L;
    private static final String GROUP = "/it/logs-fuzz";
    private static final String STREAM = "it-fuzz";
    private static final String ARN = "arn:aws:logs:us-east-1:000000000000:log-group:" + GROUP;
    private static final String IN_STREAM = "logGroupName!:string=" + GROUP + " logStreamName!:string=" + STREAM;
    static final JsonFuzz.Service LOGS = new JsonFuzz.Service("logs", "Logs_20140328",
            Set.of("InvalidParameterException", "ResourceNotFoundException", "ResourceAlreadyExistsException", "OperationAbortedException",
                    "LimitExceededException", "TooManyTagsException", "InvalidOperationException", "SerializationException", "UnknownOperationException"),
            "CreateLogGroup logGroupName!:string=" + GROUP + " logGroupClass:string=STANDARD tags:map={\"k\":\"v\"} kmsKeyId:string",
            "DeleteLogGroup logGroupName!:string=fuzz-missing",
            "+DescribeLogGroups logGroupNamePrefix:string=/it/logs-fuzz limit:integer=10 nextToken:token",
            "+DescribeLogGroups logGroupNamePattern:string=logs-fuzz limit:integer=10",
            "+DescribeLogGroups logGroupIdentifiers:strings=[\"" + ARN + "\"]",
            "+PutRetentionPolicy logGroupName!:string=" + GROUP + " retentionInDays!:integer=7",
            "+DeleteRetentionPolicy logGroupName!:string=" + GROUP,
            "CreateLogStream " + IN_STREAM,
            "DeleteLogStream logGroupName!:string=" + GROUP + " logStreamName!:string=fuzz-missing",
            "+DescribeLogStreams logGroupName:string=" + GROUP + " logStreamNamePrefix:string=it- orderBy:string=LogStreamName descending:boolean "
                    + "limit:integer=10 nextToken:token",
            "+DescribeLogStreams logGroupIdentifier:string=" + ARN + " orderBy:string=LastEventTime descending:boolean=true",
            "+PutLogEvents " + IN_STREAM + " logEvents!:structures=[{\"timestamp\":1700000000000,\"message\":\"fuzz\"}]",
            "+GetLogEvents logGroupName:string=" + GROUP + " logStreamName!:string=" + STREAM + " startTime:integer=0 endTime:integer=9223372036854775807 "
                    + "startFromHead:boolean=true limit:integer=10 nextToken:token",
            "+GetLogEvents logGroupIdentifier:string=" + ARN + " logStreamName!:string=" + STREAM,
            "+FilterLogEvents logGroupName:string=" + GROUP + " logStreamNames:strings=[\"" + STREAM + "\"] filterPattern:string=\"fuzz\" "
                    + "startTime:integer=0 endTime:integer=9223372036854775807 limit:integer=10 nextToken:token",
            "+FilterLogEvents logGroupIdentifier:string=" + ARN + " logStreamNamePrefix:string=it- filterPattern:string=?ERROR",
            "+TagLogGroup logGroupName!:string=" + GROUP + " tags!:map={\"fuzz\":\"v\"}",
            "+UntagLogGroup logGroupName!:string=" + GROUP + " tags!:strings=[\"fuzz\"]",
            "+ListTagsLogGroup logGroupName!:string=" + GROUP,
            "+TagResource resourceArn!:string=" + ARN + " tags!:map={\"fuzz\":\"v\"}",
            "+UntagResource resourceArn!:string=" + ARN + " tagKeys!:strings=[\"fuzz\"]",
            "+ListTagsForResource resourceArn!:string=" + ARN,
            "StartLiveTail logGroupIdentifiers!:strings=[\"" + ARN + "\"] logStreamNames:strings filterPattern:string");

    private final TestStack stack;
    private CloudWatchLogsClient logs;

    LogsFuzzIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @BeforeAll
    void createGroup()
    {
        logs = stack.client(CloudWatchLogsClient.builder());
        logs.createLogGroup(request -> request.logGroupName(GROUP).tags(Map.of("team", "it")));
        logs.createLogStream(request -> request.logGroupName(GROUP).logStreamName(STREAM));
    }

    @AfterAll
    void close()
    {
        logs.close();
    }

    @Test
    void everyOperationIsFuzzed()
            throws IOException
    {
        assertThat(JsonFuzz.fuzzedOperations(LOGS)).isEqualTo(JsonFuzz.implementedOperations(stack, LOGS));
    }

    @Test
    void malformedInputIsALogsErrorInTimeAndTheGroupStillWorks()
    {
        List<FuzzInputs.Case> cases = JsonFuzz.cases(LOGS, SEED);
        System.out.println("Logs fuzz: " + cases.size() + " requests");

        assertThat(JsonFuzz.run(stack, LOGS, cases)).isEmpty();

        long now = System.currentTimeMillis();
        logs.putLogEvents(request -> request.logGroupName(GROUP).logStreamName(STREAM).logEvents(event -> event.timestamp(now).message("after")));
        assertThat(logs.getLogEvents(request -> request.logGroupName(GROUP).logStreamName(STREAM).startFromHead(true)).events())
                .extracting(OutputLogEvent::timestamp, OutputLogEvent::message).containsExactly(tuple(now, "after"));
        assertThat(logs.describeLogGroups(request -> request.logGroupNamePrefix("/it/logs-fuzz")).logGroups())
                .extracting(LogGroup::logGroupName, LogGroup::retentionInDays).containsExactly(tuple(GROUP, null));
        assertThat(logs.describeLogStreams(request -> request.logGroupName(GROUP)).logStreams()).extracting(LogStream::logStreamName).containsExactly(STREAM);
        assertThat(logs.listTagsForResource(request -> request.resourceArn(ARN)).tags()).isEqualTo(Map.of("team", "it"));
    }
}
