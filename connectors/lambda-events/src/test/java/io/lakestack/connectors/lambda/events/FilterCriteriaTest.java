package io.lakestack.connectors.lambda.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterCriteriaTest
{
    private static final KinesisEventFormat KINESIS = new KinesisEventFormat("arn:aws:kinesis:us-east-1:123456789012:stream/s", 0, "role");
    private static final KafkaEventFormat KAFKA = new KafkaEventFormat("orders", "b:9092");

    private static boolean kinesis(String pattern, String key, String data)
    {
        StreamRecord record = new StreamRecord("t", 0, 0, key.getBytes(StandardCharsets.UTF_8), data.getBytes(StandardCharsets.UTF_8), 0, "LOG_APPEND_TIME",
                List.of());
        return FilterCriteria.compile(List.of(pattern)).matches(KINESIS.filterView(record));
    }

    private static boolean kafka(String pattern, byte[] key, byte[] value)
    {
        StreamRecord record = new StreamRecord("orders", 2, 7, key, value, 0, "CREATE_TIME", List.of());
        return FilterCriteria.compile(List.of(pattern)).matches(KAFKA.filterView(record));
    }

    private static byte[] utf8(String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void comparisonOperators()
    {
        String data = "{\"City\":\"Seattle\",\"Temperature\":46,\"Tags\":[\"a\",\"b\"],\"Empty\":\"\",\"Nothing\":null,\"File\":\"x.PNG\"}";
        assertThat(kinesis("{\"data\":{\"City\":[\"Seattle\"]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[\"seattle\"]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"City\":[{\"equals-ignore-case\":\"seATTle\"}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[\"Portland\",\"Seattle\"]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"prefix\":\"Sea\"}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"prefix\":\"sea\"}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"City\":[{\"prefix\":{\"equals-ignore-case\":\"sea\"}}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"File\":[{\"suffix\":\".PNG\"}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"File\":[{\"suffix\":{\"equals-ignore-case\":\".png\"}}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"anything-but\":[\"Portland\"]}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"anything-but\":\"Seattle\"}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"City\":[{\"anything-but\":{\"prefix\":\"Sea\"}}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"Temperature\":[{\"numeric\":[\">\",40,\"<=\",46]}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"Temperature\":[{\"numeric\":[\">\",46]}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"Temperature\":[46]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"Temperature\":[46.0]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"City\":[{\"exists\":true}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"Country\":[{\"exists\":true}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"Country\":[{\"exists\":false}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"exists\":false}]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"Empty\":[\"\"]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"Nothing\":[null]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"Tags\":[\"b\"]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[{\"wildcard\":\"S*le\"}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"data\":{\"City\":[\"Seattle\"],\"Temperature\":[47]}}", "1", data)).isFalse();
        assertThat(kinesis("{\"data\":{\"$or\":[{\"City\":[\"Portland\"]},{\"Temperature\":[46]}]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"$or\":[{\"partitionKey\":[\"2\"]},{\"data\":{\"City\":[\"Seattle\"]}}]}", "1", data)).isTrue();
        assertThat(kinesis("{\"partitionKey\":[\"1\"],\"data\":{\"City\":[\"Seattle\"]}}", "1", data)).isTrue();
        assertThat(kinesis("{\"partitionKey\":[\"2\"]}", "1", data)).isFalse();
    }

    @Test
    void kinesisRecordWhoseDataIsNotJsonIsDroppedByADataPatternOnly()
    {
        assertThat(kinesis("{\"data\":{\"City\":[{\"exists\":false}]}}", "1", "plain text")).isFalse();
        assertThat(kinesis("{\"partitionKey\":[\"1\"]}", "1", "plain text")).isTrue();
    }

    @Test
    void anyOfSeveralPatternsLetsARecordThrough()
    {
        FilterCriteria criteria = FilterCriteria.compile(List.of("{\"partitionKey\":[\"a\"]}", "{\"partitionKey\":[\"b\"]}"));
        StreamRecord record = new StreamRecord("t", 0, 0, utf8("b"), utf8("{}"), 0, "LOG_APPEND_TIME", List.of());
        assertThat(criteria.matches(KINESIS.filterView(record))).isTrue();
        assertThat(FilterCriteria.none().matches(KINESIS.filterView(record))).isTrue();
    }

    @Test
    void kafkaValueIsReadAsJsonOrPlainTextAndAPatternOfTheOtherFormIsIgnored()
    {
        assertThat(kafka("{\"value\":{\"type\":[\"buy\"]}}", null, utf8("{\"type\":\"buy\"}"))).isTrue();
        assertThat(kafka("{\"value\":{\"type\":[\"buy\"]}}", null, utf8("{\"type\":\"sell\"}"))).isFalse();
        assertThat(kafka("{\"value\":[{\"prefix\":\"order-\"}]}", null, utf8("order-17"))).isTrue();
        assertThat(kafka("{\"value\":[{\"prefix\":\"order-\"}]}", null, utf8("invoice-17"))).isFalse();
        // a JSON pattern on a plain value, a plain pattern on a JSON value, bytes that are not UTF-8: metadata only
        assertThat(kafka("{\"value\":{\"type\":[\"buy\"]},\"partition\":[2]}", null, utf8("plain"))).isTrue();
        assertThat(kafka("{\"value\":[\"plain\"],\"partition\":[2]}", null, utf8("{\"type\":\"buy\"}"))).isTrue();
        assertThat(kafka("{\"value\":[\"x\"],\"partition\":[2]}", null, new byte[] {(byte) 0xc3, (byte) 0x28})).isTrue();
        assertThat(kafka("{\"value\":[\"x\"],\"partition\":[3]}", null, new byte[] {(byte) 0xc3, (byte) 0x28})).isFalse();
        assertThat(kafka("{\"key\":[\"customer-1\"]}", utf8("customer-1"), utf8("{}"))).isTrue();
        assertThat(kafka("{\"offset\":[{\"numeric\":[\">=\",7]}],\"topic\":[\"orders\"]}", null, utf8("{}"))).isTrue();
    }

    @Test
    void invalidPatternsAreRefusedWithTheReason()
    {
        assertThatThrownBy(() -> FilterCriteria.compile(List.of("{\"data\":{\"a\":[{\"regex\":\"x\"}]}}")))
                .hasMessage("Invalid filter pattern definition {\"data\":{\"a\":[{\"regex\":\"x\"}]}}: unknown operator regex on a");
        assertThatThrownBy(() -> FilterCriteria.compile(List.of("{\"a\":\"b\"}")))
                .hasMessage("Invalid filter pattern definition {\"a\":\"b\"}: the rule of a must be an array of values or operators, or a nested pattern");
        assertThatThrownBy(() -> FilterCriteria.compile(List.of("{\"a\":[{\"numeric\":[\"~\",1]}]}")))
                .hasMessage("Invalid filter pattern definition {\"a\":[{\"numeric\":[\"~\",1]}]}: invalid operand of numeric on a: [\"~\",1]");
        assertThatThrownBy(() -> FilterCriteria.compile(List.of("[1]"))).hasMessage("filter pattern [1] is not a JSON object");
    }
}
