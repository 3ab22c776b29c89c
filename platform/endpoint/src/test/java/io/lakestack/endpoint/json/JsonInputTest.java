package io.lakestack.endpoint.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestack.spi.ServiceException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Numbers are taken only when they fit: never wrapped, truncated or cut to their integer part. */
class JsonInputTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonInput input(String json)
            throws Exception
    {
        return new JsonInput(JSON.readTree(json), "", "ValidationException");
    }

    private static void assertRefused(ThrowingCallable call, String code, String message)
    {
        assertThatThrownBy(call).isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(400);
        }).hasMessage(message);
    }

    @Test
    void wrongTypesAreTheTypeErrorOfTheProtocol()
            throws Exception
    {
        assertRefused(() -> input("{\"n\":\"1\"}").integer("n", 1, 10), "SerializationException", "'n' must be an integer, not string \"1\"");
        JsonInput rest = new JsonInput(JSON.readTree("{\"a\":{\"b\":[1]}}"), "", "ValidationException", "InvalidRequestContentException", false);
        assertRefused(() -> rest.object("a").strings("b"), "InvalidRequestContentException", "'a.b.1' must be a string, not number 1");
    }

    @Test
    void integersWithinTheirRangeAreTaken()
            throws Exception
    {
        assertThat(input("{\"n\":1}").integer("n", 1, 10)).hasValue(1);
        assertThat(input("{\"n\":10}").integer("n", 1, 10)).hasValue(10);
        assertThat(input("{\"n\":2147483647}").integer("n", 1, Integer.MAX_VALUE)).hasValue(Integer.MAX_VALUE);
        assertThat(input("{\"n\":-9223372036854775808}").longValue("n")).hasValue(Long.MIN_VALUE);
        assertThat(input("{}").integer("n", 1, 10)).isEmpty();
    }

    @Test
    void integersBeyondTheirTypeAreRefusedNotWrapped()
            throws Exception
    {
        // 2^64 + 1 is 1 once wrapped into a long, 2^32 + 5 is 5 once wrapped into an int
        assertRefused(() -> input("{\"ShardCount\":18446744073709551617}").integer("ShardCount", 1, Integer.MAX_VALUE), "ValidationException",
                "1 validation error detected: Value '18446744073709551617' at 'ShardCount' failed to satisfy constraint: Member must have value less "
                        + "than or equal to 2147483647");
        assertRefused(() -> input("{\"n\":4294967301}").integer("n", 1, 10), "ValidationException",
                "1 validation error detected: Value '4294967301' at 'n' failed to satisfy constraint: Member must have value less than or equal to 10");
        assertRefused(() -> input("{\"n\":-18446744073709551615}").integer("n", 1, 10), "ValidationException",
                "1 validation error detected: Value '-18446744073709551615' at 'n' failed to satisfy constraint: Member must have value greater than or "
                        + "equal to 1");
        assertRefused(() -> input("{\"n\":9223372036854775808}").longValue("n"), "ValidationException",
                "1 validation error detected: Value '9223372036854775808' at 'n' failed to satisfy constraint: Member must have value less than or equal "
                        + "to 9223372036854775807");
    }

    @Test
    void fractionsAreNotIntegers()
            throws Exception
    {
        assertRefused(() -> input("{\"n\":1.5}").integer("n", 1, 10), "SerializationException", "'n' must be an integer, not number 1.5");
        assertRefused(() -> input("{\"n\":2.0}").longValue("n"), "SerializationException", "'n' must be an integer, not number 2.0");
        assertRefused(() -> input("{\"n\":1e3}").integer("n", 1, 10_000), "SerializationException", "'n' must be an integer, not number 1000.0");
    }

    @Test
    void nestedFieldsAreNamedByTheirPath()
            throws Exception
    {
        JsonInput hints = input("{\"Configuration\":{\"Hints\":{\"Size\":18446744073709551617}}}").object("Configuration").object("Hints");
        assertThat(hints.pathOf("Size")).isEqualTo("Configuration.Hints.Size");
        assertRefused(() -> hints.integer("Size", 1, 128), "ValidationException",
                "1 validation error detected: Value '18446744073709551617' at 'Configuration.Hints.Size' failed to satisfy constraint: Member must have "
                        + "value less than or equal to 128");
    }

    @Test
    void timestampsBeyondTheirRangeAreRefused()
            throws Exception
    {
        assertThat(input("{\"t\":1.5}").timestamp("t")).hasValue(Instant.ofEpochMilli(1500));
        assertRefused(() -> input("{\"t\":1e300}").timestamp("t"), "SerializationException", "'t' must be a timestamp, not number 1.0E300");
        JsonNode cbor = JsonNodeFactory.instance.objectNode().set("t", BigIntegerNode.valueOf(BigInteger.TWO.pow(64).add(BigInteger.ONE)));
        assertRefused(() -> new JsonInput(cbor, "", "ValidationException", true).timestamp("t"), "SerializationException",
                "'t' must be a timestamp, not number 18446744073709551617");
    }
}
