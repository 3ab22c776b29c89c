package io.lakestack.connectors.sns;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnsFanOutConfigTest
{
    @Test
    void defaultsAreSnsDefaultDeliveryPolicyForHttp()
    {
        SnsFanOutConfig config = SnsFanOutConfig.defaults("localhost:9092", URI.create("http://127.0.0.1:4566"));
        assertThat(config).isEqualTo(new SnsFanOutConfig("localhost:9092", URI.create("http://127.0.0.1:4566"), 3, Duration.ofSeconds(20)));
    }

    @Test
    void invalidSettingsNameWhatIsWrong()
    {
        URI endpoint = URI.create("http://127.0.0.1:4566");
        assertThatThrownBy(() -> new SnsFanOutConfig(" ", endpoint, 3, Duration.ZERO)).hasMessage("the Kafka bootstrap servers are required");
        assertThatThrownBy(() -> new SnsFanOutConfig("k:9092", endpoint, -1, Duration.ZERO)).hasMessage("retries must be at least 0, not -1");
        assertThatThrownBy(() -> new SnsFanOutConfig("k:9092", endpoint, 3, Duration.ofSeconds(-1)))
                .hasMessage("retryDelay must not be negative, not PT-1S");
    }
}
