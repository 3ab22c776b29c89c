package io.lakestack.endpoint;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointConfigTest
{
    @Test
    void defaults()
    {
        EndpointConfig config = EndpointConfig.defaults();

        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(4566);
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.accountId()).isEqualTo("000000000000");
        assertThat(config.accessKey()).isEqualTo("test");
        assertThat(config.secretKey()).isEqualTo("test");
        assertThat(config.verifySignatures()).isTrue();
        assertThat(config.hostnames()).containsExactly("localhost");
    }

    @Test
    void explicitMapping()
    {
        Map<String, String> properties = Map.of(
                EndpointConfig.BIND, "0.0.0.0",
                EndpointConfig.PORT, "5000",
                EndpointConfig.REGION, "eu-west-1",
                EndpointConfig.ACCOUNT_ID, "123456789012",
                EndpointConfig.ACCESS_KEY, "AKIDEXAMPLE",
                EndpointConfig.SECRET_KEY, "wJalrXUtnFEMI",
                EndpointConfig.VERIFY_SIGNATURES, "false",
                EndpointConfig.HOSTNAMES, "localhost, lakestack.internal");

        EndpointConfig config = EndpointConfig.fromMap(properties);

        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(5000);
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.accountId()).isEqualTo("123456789012");
        assertThat(config.accessKey()).isEqualTo("AKIDEXAMPLE");
        assertThat(config.secretKey()).isEqualTo("wJalrXUtnFEMI");
        assertThat(config.verifySignatures()).isFalse();
        assertThat(config.hostnames()).isEqualTo(Set.of("localhost", "lakestack.internal"));
        assertThat(EndpointConfig.fromMap(config.toMap()).toMap()).isEqualTo(config.toMap());
    }

    @Test
    void neverPrintsTheSecret()
    {
        EndpointConfig config = EndpointConfig.fromMap(Map.of(EndpointConfig.SECRET_KEY, "do-not-print-me"));

        assertThat(config.toString()).doesNotContain("do-not-print-me").contains("secretKey=****");
    }

    @Test
    void refusesInvalidValuesNamingTheKey()
    {
        assertThatThrownBy(() -> EndpointConfig.fromMap(Map.of(EndpointConfig.PORT, "http")))
                .hasMessage("endpoint.port must be a number, not 'http'");
        assertThatThrownBy(() -> EndpointConfig.fromMap(Map.of(EndpointConfig.REGION, "mars")))
                .hasMessage("endpoint.region must look like us-east-1, not 'mars'");
        assertThatThrownBy(() -> EndpointConfig.fromMap(Map.of(EndpointConfig.VERIFY_SIGNATURES, "yes")))
                .hasMessage("endpoint.verify-signatures must be true or false, not 'yes'");
        assertThatThrownBy(() -> EndpointConfig.fromMap(Map.of("endpoint.prot", "1")))
                .hasMessageStartingWith("unknown endpoint setting 'endpoint.prot'");
    }
}
