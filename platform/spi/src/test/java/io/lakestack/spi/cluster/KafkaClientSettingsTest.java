package io.lakestack.spi.cluster;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientSettingsTest
{
    @Test
    void aClientOfARegisteredClusterGetsItsSettingsAndOthersNone()
    {
        KafkaClientSettings.Registration first = KafkaClientSettings.register("secure-1:9093,secure-2:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN"));
        assertThat(KafkaClientSettings.complete(Map.of("bootstrap.servers", "secure-1:9093,secure-2:9093", "group.id", "g")))
                .isEqualTo(Map.of("bootstrap.servers", "secure-1:9093,secure-2:9093", "group.id", "g", "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "PLAIN"));
        Properties properties = new Properties();
        properties.put("bootstrap.servers", "secure-1:9093,secure-2:9093");
        assertThat(KafkaClientSettings.complete(properties)).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .hasSize(3);
        assertThat(KafkaClientSettings.complete(Map.of("bootstrap.servers", "other:9092"))).isEqualTo(Map.of("bootstrap.servers", "other:9092"));

        // the same settings again are fine; others for the same cluster are refused
        KafkaClientSettings.Registration second = KafkaClientSettings.register("secure-1:9093,secure-2:9093", Map.of("sasl.mechanism", "PLAIN",
                "security.protocol", "SASL_SSL"));
        assertThatThrownBy(() -> KafkaClientSettings.register("secure-1:9093,secure-2:9093", Map.of("security.protocol", "SSL")))
                .hasMessage("other Kafka client settings are registered for secure-1:9093,secure-2:9093 already");

        // registered while a registration is open; closing one twice counts once
        first.close();
        first.close();
        assertThat(KafkaClientSettings.of("secure-1:9093,secure-2:9093")).containsEntry("security.protocol", "SASL_SSL");
        second.close();
        assertThat(KafkaClientSettings.of("secure-1:9093,secure-2:9093")).isEmpty();
        KafkaClientSettings.register("secure-1:9093,secure-2:9093", Map.of("security.protocol", "SSL")).close();
        assertThatThrownBy(() -> KafkaClientSettings.register("x:1", Map.of("bootstrap.servers", "y:1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
