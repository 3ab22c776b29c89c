package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamEvent.InvalidEventException;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamEvent.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickstreamEventTest
{
    @Test
    void readsTheOriginalsClick()
            throws Exception
    {
        assertThat(parse("{\"zipcode\":95126,\"ProductName\":\"product2\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.158\"}"))
                .isEqualTo(new ClickstreamEvent("product2", 95126, 16, Instant.parse("2014-11-01T19:35:41.158Z")));
    }

    @Test
    void matchesMemberNamesWithoutRegardToCaseAsTheOpenXSerDeDoes()
            throws Exception
    {
        assertThat(parse("{\"ZIPCODE\":95126,\"productname\":\"product2\",\"Price\":16,\"TimeStamp\":\"2014-11-01 19:35:41.158\",\"extra\":[1]}"))
                .isEqualTo(new ClickstreamEvent("product2", 95126, 16, Instant.parse("2014-11-01T19:35:41.158Z")));
    }

    @Test
    void saysWhatMakesBytesNotAClick()
    {
        assertProblem("not json", Problem.NOT_JSON, "not JSON: ");
        assertProblem("[1, 2]", Problem.NOT_JSON, "not a JSON object: array");
        assertProblem("", Problem.NOT_JSON, "not a JSON object: ");
        assertProblem("{\"zipcode\":95126,\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.158\"}", Problem.INVALID_FIELD, "ProductName is missing, not a string");
        assertProblem("{\"zipcode\":null,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.158\"}", Problem.INVALID_FIELD,
                "zipcode is null, not a 32-bit integer");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16.5,\"timestamp\":\"2014-11-01 19:35:41.158\"}", Problem.INVALID_FIELD,
                "price is 16.5, not a 32-bit integer");
        assertProblem("{\"zipcode\":9512600000,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.158\"}", Problem.INVALID_FIELD,
                "zipcode is 9512600000, not a 32-bit integer");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16,\"timestamp\":1414870541158}", Problem.INVALID_TIMESTAMP,
                "timestamp is 1414870541158, not a string");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"2014-11-01T19:35:41.158Z\"}", Problem.INVALID_TIMESTAMP,
                "timestamp \"2014-11-01T19:35:41.158Z\" is not yyyy-MM-dd HH:mm:ss.SSS (UTC)");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"2014-02-30 19:35:41.158\"}", Problem.INVALID_TIMESTAMP,
                "timestamp \"2014-02-30 19:35:41.158\" is not yyyy-MM-dd HH:mm:ss.SSS (UTC)");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"2014-11-01 19:35:41.15\"}", Problem.INVALID_TIMESTAMP,
                "is not yyyy-MM-dd HH:mm:ss.SSS (UTC)");
        assertProblem("{\"zipcode\":95126,\"ProductName\":\"p\",\"price\":16,\"timestamp\":\"1969-12-31 23:59:59.999\"}", Problem.INVALID_TIMESTAMP,
                "timestamp \"1969-12-31 23:59:59.999\" is before 1970");
    }

    private static ClickstreamEvent parse(String json)
            throws InvalidEventException
    {
        return ClickstreamEvent.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertProblem(String json, Problem problem, String message)
    {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .hasMessageContaining(message);
    }
}
