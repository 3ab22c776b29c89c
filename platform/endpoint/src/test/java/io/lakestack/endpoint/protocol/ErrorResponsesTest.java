package io.lakestack.endpoint.protocol;

import io.lakestack.endpoint.testing.RecordedResponse;

import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An error with a Query name is answered under it in Query and with it in {@code x-amzn-query-error} in JSON. */
class ErrorResponsesTest
{
    private static final ServiceException NO_QUEUE = new QueryCompatibleServiceException(ErrorKind.USER, "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue", "com.amazonaws.sqs", 400, "The specified queue does not exist.", null);

    private static AwsRequest request()
    {
        return new AwsRequest("POST", "/", "", Map.of("Host", List.of("localhost")), new ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    @Test
    void jsonCarriesTheQueryCodeInAHeader()
            throws Exception
    {
        RecordedResponse response = new RecordedResponse();
        ErrorResponses.write(response, AwsProtocol.JSON_1_0, request(), NO_QUEUE);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")
                .containsEntry("content-type", "application/x-amz-json-1.0");
        assertThat(response.text()).isEqualTo("{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}");
    }

    @Test
    void queryAnswersTheQueryCode()
            throws Exception
    {
        RecordedResponse response = new RecordedResponse();
        AwsRequest request = request();
        ErrorResponses.write(response, AwsProtocol.QUERY, request, NO_QUEUE);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).doesNotContainKey("x-amzn-query-error");
        assertThat(response.text()).isEqualTo("<?xml version=\"1.0\"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue"
                + "</Code><Message>The specified queue does not exist.</Message></Error><RequestId>" + request.requestId() + "</RequestId></ErrorResponse>");
    }

    @Test
    void otherErrorsAreUnchanged()
            throws Exception
    {
        RecordedResponse response = new RecordedResponse();
        ErrorResponses.write(response, AwsProtocol.JSON_1_1, request(), ServiceException.user("ResourceNotFoundException", "no stream"));

        assertThat(response.headers()).doesNotContainKey("x-amzn-query-error").containsEntry("x-amzn-ErrorType", "ResourceNotFoundException");
        assertThat(response.text()).isEqualTo("{\"__type\":\"ResourceNotFoundException\",\"message\":\"no stream\"}");
    }
}
