package io.lakestack.connectors.firehose;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixTemplateTest
{
    private static final Instant ARRIVAL = Instant.parse("2026-03-04T05:06:07Z");

    private static PrefixTemplate.Values values(ZoneId zone)
    {
        return new PrefixTemplate.Values(ARRIVAL, zone, "AbCdEfGhIjK", "format-conversion-failed", Map.of("customer", "acme", "year", "2024"));
    }

    @Test
    void evaluatesEveryExpression()
            throws Exception
    {
        PrefixTemplate prefix = PrefixTemplate.parse("data/customer=!{partitionKeyFromQuery:customer}/y=!{partitionKeyFromQuery:year}/"
                + "!{timestamp:yyyy-MM-dd}/!{firehose:random-string}/", "Prefix", false);
        assertThat(prefix.partitionKeys()).containsExactly("customer", "year");
        assertThat(prefix.evaluate(values(ZoneOffset.UTC))).isEqualTo("data/customer=acme/y=2024/2026-03-04/AbCdEfGhIjK/");
        assertThat(PrefixTemplate.parse("errors/!{firehose:error-output-type}/!{timestamp:HH}/", "ErrorOutputPrefix", true)
                .evaluate(values(ZoneId.of("Asia/Tokyo")))).isEqualTo("errors/format-conversion-failed/14/");
    }

    @Test
    void aPrefixWithoutExpressionsGetsTheTimePathAndNoPrefixIsTheTimePathAlone()
            throws Exception
    {
        assertThat(PrefixTemplate.parse("raw/", "Prefix", false).evaluate(values(ZoneOffset.UTC))).isEqualTo("raw/2026/03/04/05/");
        assertThat(PrefixTemplate.defaultPrefix().evaluate(values(ZoneOffset.UTC))).isEqualTo("2026/03/04/05/");
        assertThat(PrefixTemplate.defaultErrorPrefix().evaluate(values(ZoneOffset.UTC))).isEqualTo("format-conversion-failed/2026/03/04/05/");
    }

    @Test
    void refusesWhatFirehoseRefuses()
    {
        assertThatThrownBy(() -> PrefixTemplate.parse("a/!{firehose:error-output-type}/", "Prefix", false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Prefix 'a/!{firehose:error-output-type}/': !{firehose:error-output-type} can only be used in ErrorOutputPrefix");
        assertThatThrownBy(() -> PrefixTemplate.parse("a/!{timestamp:yyyy", "Prefix", false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Prefix 'a/!{timestamp:yyyy': the expression at position 2 is not closed with '}'");
        assertThatThrownBy(() -> PrefixTemplate.parse("a/!{other:x}/", "Prefix", false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Prefix 'a/!{other:x}/': unknown namespace 'other' (known: timestamp, firehose, partitionKeyFromQuery)");
        assertThatThrownBy(() -> PrefixTemplate.parse("a/!{partitionKeyFromLambda:k}/", "Prefix", false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Prefix 'a/!{partitionKeyFromLambda:k}/': partitionKeyFromLambda is not supported by lakestack's Firehose (it does not read "
                        + "the partition keys of a Lambda function's answer); extract the keys with a MetadataExtraction processor and partitionKeyFromQuery");
    }
}
