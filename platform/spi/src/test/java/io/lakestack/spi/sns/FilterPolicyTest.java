package io.lakestack.spi.sns;

import io.lakestack.spi.sns.FilterPolicy.Attribute;
import io.lakestack.spi.sns.FilterPolicy.Scope;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every operator of SNS's filter policies, with the examples of AWS's documentation where it gives them. */
class FilterPolicyTest
{
    private static boolean attributes(String policy, Map<String, Attribute> attributes)
    {
        return FilterPolicy.parse(policy, Scope.MessageAttributes).matchesAttributes(attributes);
    }

    private static boolean body(String policy, String message)
    {
        return FilterPolicy.parse(policy, Scope.MessageBody).matchesBody(message);
    }

    private static Attribute string(String value)
    {
        return new Attribute("String", value);
    }

    private static Attribute number(String value)
    {
        return new Attribute("Number", value);
    }

    @Test
    void exactStringsAndNumbers()
    {
        String policy = "{\"customer_interests\": [\"rugby\", \"football\", \"baseball\"]}";
        assertThat(attributes(policy, Map.of("customer_interests", string("rugby")))).isTrue();
        assertThat(attributes(policy, Map.of("customer_interests", string("soccer")))).isFalse();
        assertThat(attributes(policy, Map.of())).isFalse();
        assertThat(attributes("{\"price_usd\": [301.5]}", Map.of("price_usd", number("301.50")))).isTrue();
        assertThat(attributes("{\"price_usd\": [301.5]}", Map.of("price_usd", number("300")))).isFalse();
        // a number condition does not match the same text as a string
        assertThat(attributes("{\"price_usd\": [301.5]}", Map.of("price_usd", string("301.5")))).isFalse();
    }

    @Test
    void stringArraysMatchWhenOneElementDoes()
    {
        String policy = "{\"customer_interests\": [\"rugby\"]}";
        assertThat(attributes(policy, Map.of("customer_interests", new Attribute("String.Array", "[\"soccer\", \"rugby\", \"hockey\"]")))).isTrue();
        assertThat(attributes(policy, Map.of("customer_interests", new Attribute("String.Array", "[\"soccer\", \"hockey\"]")))).isFalse();
        // binary attributes take no part
        assertThat(attributes("{\"b\": [{\"exists\": true}]}", Map.of("b", new Attribute("Binary", "AQID")))).isFalse();
    }

    @Test
    void prefixSuffixAndEqualsIgnoreCase()
    {
        assertThat(attributes("{\"customer_interests\": [{\"prefix\": \"bas\"}]}", Map.of("customer_interests", string("baseball")))).isTrue();
        assertThat(attributes("{\"customer_interests\": [{\"prefix\": \"bas\"}]}", Map.of("customer_interests", string("rugby")))).isFalse();
        assertThat(attributes("{\"customer_interests\": [{\"suffix\": \"ball\"}]}", Map.of("customer_interests", string("baseball")))).isTrue();
        assertThat(attributes("{\"customer_interests\": [{\"suffix\": \"ball\"}]}", Map.of("customer_interests", string("rugby")))).isFalse();
        assertThat(attributes("{\"customer_interests\": [{\"equals-ignore-case\": \"tennis\"}]}", Map.of("customer_interests", string("TeNnis")))).isTrue();
        assertThat(attributes("{\"customer_interests\": [{\"equals-ignore-case\": \"tennis\"}]}", Map.of("customer_interests", string("tennis2")))).isFalse();
    }

    @Test
    void anythingBut()
    {
        String list = "{\"customer_interests\": [{\"anything-but\": [\"rugby\", \"tennis\"]}]}";
        assertThat(attributes(list, Map.of("customer_interests", string("baseball")))).isTrue();
        assertThat(attributes(list, Map.of("customer_interests", string("rugby")))).isFalse();
        // an absent attribute matches no anything-but
        assertThat(attributes(list, Map.of())).isFalse();
        assertThat(attributes("{\"price_usd\": [{\"anything-but\": 100}]}", Map.of("price_usd", number("100.0")))).isFalse();
        assertThat(attributes("{\"price_usd\": [{\"anything-but\": 100}]}", Map.of("price_usd", number("99")))).isTrue();
        String prefix = "{\"event\": [{\"anything-but\": {\"prefix\": \"order-\"}}]}";
        assertThat(attributes(prefix, Map.of("event", string("order-cancelled")))).isFalse();
        assertThat(attributes(prefix, Map.of("event", string("invoice-paid")))).isTrue();
        String suffix = "{\"file\": [{\"anything-but\": {\"suffix\": \".tmp\"}}]}";
        assertThat(attributes(suffix, Map.of("file", string("a.tmp")))).isFalse();
        assertThat(attributes(suffix, Map.of("file", string("a.csv")))).isTrue();
        String ignoringCase = "{\"state\": [{\"anything-but\": {\"equals-ignore-case\": \"open\"}}]}";
        assertThat(attributes(ignoringCase, Map.of("state", string("OPEN")))).isFalse();
        assertThat(attributes(ignoringCase, Map.of("state", string("closed")))).isTrue();
    }

    @Test
    void numericComparisonsAndRanges()
    {
        String equal = "{\"price_usd\": [{\"numeric\": [\"=\", 301.5]}]}";
        assertThat(attributes(equal, Map.of("price_usd", number("301.5")))).isTrue();
        assertThat(attributes(equal, Map.of("price_usd", number("301.51")))).isFalse();
        String range = "{\"price_usd\": [{\"numeric\": [\">\", 0, \"<=\", 150]}]}";
        assertThat(attributes(range, Map.of("price_usd", number("150")))).isTrue();
        assertThat(attributes(range, Map.of("price_usd", number("0")))).isFalse();
        assertThat(attributes(range, Map.of("price_usd", number("150.01")))).isFalse();
        assertThat(attributes(range, Map.of("price_usd", string("100")))).isFalse();
        assertThat(attributes("{\"price_usd\": [{\"numeric\": [\"<\", 0]}]}", Map.of("price_usd", number("-1")))).isTrue();
        assertThat(attributes("{\"price_usd\": [{\"numeric\": [\">=\", 10]}]}", Map.of("price_usd", number("10")))).isTrue();
        assertThat(attributes("{\"price_usd\": [{\"numeric\": [\"<=\", 10]}]}", Map.of("price_usd", number("10.00001")))).isFalse();
    }

    @Test
    void exists()
    {
        assertThat(attributes("{\"store\": [{\"exists\": true}]}", Map.of("store", string("example_corp")))).isTrue();
        assertThat(attributes("{\"store\": [{\"exists\": true}]}", Map.of("event", string("order_placed")))).isFalse();
        assertThat(attributes("{\"store\": [{\"exists\": false}]}", Map.of("event", string("order_placed")))).isTrue();
        assertThat(attributes("{\"store\": [{\"exists\": false}]}", Map.of("store", string("example_corp")))).isFalse();
    }

    @Test
    void cidr()
    {
        String v4 = "{\"source_ip\": [{\"cidr\": \"10.0.0.0/24\"}]}";
        assertThat(attributes(v4, Map.of("source_ip", string("10.0.0.255")))).isTrue();
        assertThat(attributes(v4, Map.of("source_ip", string("10.0.1.0")))).isFalse();
        assertThat(attributes(v4, Map.of("source_ip", string("example.com")))).isFalse();
        String v6 = "{\"source_ip\": [{\"cidr\": \"2001:db8::/32\"}]}";
        assertThat(attributes(v6, Map.of("source_ip", string("2001:db8:1::1")))).isTrue();
        assertThat(attributes(v6, Map.of("source_ip", string("2001:db9::1")))).isFalse();
    }

    @Test
    void everyKeyMustMatchAndOrTakesOneBranch()
    {
        String and = "{\"store\": [\"example_corp\"], \"event\": [\"order_placed\"]}";
        assertThat(attributes(and, Map.of("store", string("example_corp"), "event", string("order_placed")))).isTrue();
        assertThat(attributes(and, Map.of("store", string("example_corp"), "event", string("order_cancelled")))).isFalse();
        String or = "{\"source\": [\"aws.cloudwatch\"], \"$or\": [{\"metricName\": [\"CPUUtilization\"]}, {\"namespace\": [\"AWS/EC2\"]}]}";
        assertThat(attributes(or, Map.of("source", string("aws.cloudwatch"), "namespace", string("AWS/EC2")))).isTrue();
        assertThat(attributes(or, Map.of("source", string("aws.cloudwatch"), "metricName", string("CPUUtilization")))).isTrue();
        assertThat(attributes(or, Map.of("source", string("aws.cloudwatch"), "metricName", string("ReadLatency")))).isFalse();
    }

    @Test
    void messageBodyScopeMatchesNestedKeys()
    {
        String policy = "{\"store\": [\"example_corp\"], \"order\": {\"price_usd\": [{\"numeric\": [\">=\", 100]}], \"tags\": [\"gift\"]}}";
        assertThat(body(policy, "{\"store\": \"example_corp\", \"order\": {\"price_usd\": 150, \"tags\": [\"gift\", \"rush\"]}}")).isTrue();
        assertThat(body(policy, "{\"store\": \"example_corp\", \"order\": {\"price_usd\": 50, \"tags\": [\"gift\"]}}")).isFalse();
        assertThat(body(policy, "{\"store\": \"example_corp\"}")).isFalse();
        assertThat(body(policy, "not json")).isFalse();
        assertThat(body("{\"items\": {\"sku\": [\"a1\"]}}", "{\"items\": [{\"sku\": \"b2\"}, {\"sku\": \"a1\"}]}")).isTrue();
        assertThat(body("{\"paid\": [true], \"note\": [null]}", "{\"paid\": true, \"note\": null}")).isTrue();
        assertThat(body("{\"paid\": [true]}", "{\"paid\": \"true\"}")).isFalse();
    }

    @Test
    void invalidPoliciesAreRefusedWithTheReason()
    {
        assertInvalid("[\"a\"]", Scope.MessageAttributes, "Filter policy must be a JSON object");
        assertInvalid("{\"a\": [\"x\"", Scope.MessageAttributes, "failed to parse JSON. not valid JSON at character 10: unexpected end of input");
        assertInvalid("{\"a\": []}", Scope.MessageAttributes, "Empty arrays are not allowed");
        assertInvalid("{\"a\": \"x\"}", Scope.MessageAttributes, "Match value must be String, number, true, false, or null");
        assertInvalid("{\"a\": [{\"wildcard\": \"x*\"}]}", Scope.MessageAttributes, "Unrecognized match type wildcard");
        assertInvalid("{\"a\": [{\"prefix\": 1}]}", Scope.MessageAttributes, "prefix match pattern must be a string");
        assertInvalid("{\"a\": [{\"exists\": \"yes\"}]}", Scope.MessageAttributes, "exists match pattern must be either true or false.");
        assertInvalid("{\"a\": [{\"numeric\": [\"<\", \"x\"]}]}", Scope.MessageAttributes, "Value of < must be numeric");
        assertInvalid("{\"a\": [{\"numeric\": [\"~\", 1]}]}", Scope.MessageAttributes, "Unrecognized numeric range operator: ~");
        assertInvalid("{\"a\": [{\"numeric\": [\">\", 10, \"<\", 5]}]}", Scope.MessageAttributes, "Bottom must be less than top");
        assertInvalid("{\"a\": [{\"numeric\": [\">\", 1000000001]}]}", Scope.MessageAttributes,
                "Value 1000000001 is out of range: numbers must be between -1.0E9 and 1.0E9");
        assertInvalid("{\"a\": [{\"cidr\": \"10.0.0.0\"}]}", Scope.MessageAttributes, "Malformed CIDR, one '/' required");
        assertInvalid("{\"a\": {\"b\": [\"x\"]}}", Scope.MessageAttributes, "Filter policy scope MessageAttributes does not support nested filter policy");
        assertInvalid("{\"a\": [\"1\"], \"b\": [\"1\"], \"c\": [\"1\"], \"d\": [\"1\"], \"e\": [\"1\"], \"f\": [\"1\"]}", Scope.MessageAttributes,
                "Filter policy can not have more than 5 keys");
        StringBuilder many = new StringBuilder("{\"a\": [");
        for (int i = 0; i < 151; i++) {
            many.append(i == 0 ? "" : ", ").append('"').append(i).append('"');
        }
        assertInvalid(many.append("]}").toString(), Scope.MessageAttributes, "Filter policy is too complex");
        assertInvalid("{\"$or\": [{\"a\": [\"x\"]}]}", Scope.MessageAttributes, "$or must be an array of at least two filter policies");
        // the same policy nested is valid in the body's scope
        assertThat(FilterPolicy.parse("{\"a\": {\"b\": [\"x\"]}}", Scope.MessageBody).scope()).isEqualTo(Scope.MessageBody);
    }

    private static void assertInvalid(String policy, Scope scope, String reason)
    {
        assertThatThrownBy(() -> FilterPolicy.parse(policy, scope)).isInstanceOf(IllegalArgumentException.class).hasMessage(reason);
    }
}
