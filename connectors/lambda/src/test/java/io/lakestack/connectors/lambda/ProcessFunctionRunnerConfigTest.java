package io.lakestack.connectors.lambda;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessFunctionRunnerConfigTest
{
    @Test
    void defaults()
    {
        ProcessFunctionRunnerConfig config = ProcessFunctionRunnerConfig.defaults();

        assertThat(config.endpointUrl()).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(config.accessKey()).isEqualTo("test");
        assertThat(config.secretKey()).isEqualTo("test");
        assertThat(config.sessionToken()).isEmpty();
        assertThat(config.cacheDirectory()).isEqualTo(ProcessFunctionRunnerConfig.defaultCacheDirectory());
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.initTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.javaHomes()).isEmpty();
        assertThat(config.pythonExecutables()).isEmpty();
        assertThat(config.javaRuntimeClasspath()).isEmpty();
    }

    @Test
    void everyKeyIsRead()
    {
        Map<String, String> properties = Map.of(
                ProcessFunctionRunnerConfig.ENDPOINT_URL, "https://lakestack.example:4443",
                ProcessFunctionRunnerConfig.ACCESS_KEY, "AKIDEXAMPLE",
                ProcessFunctionRunnerConfig.SECRET_KEY, "wJalrXUtnFEMI",
                ProcessFunctionRunnerConfig.SESSION_TOKEN, "FwoGZXIvYXdzEXAMPLE",
                ProcessFunctionRunnerConfig.CACHE_DIR, "/var/cache/lakestack-lambda",
                ProcessFunctionRunnerConfig.IDLE_TIMEOUT, "60",
                ProcessFunctionRunnerConfig.INIT_TIMEOUT, "25",
                ProcessFunctionRunnerConfig.JAVA_HOMES, "/opt/jdk-21, /opt/jdk-25",
                ProcessFunctionRunnerConfig.PYTHON_EXECUTABLES, "/usr/bin/python3.12",
                ProcessFunctionRunnerConfig.JAVA_RUNTIME_CLASSPATH, "/libs/ric.jar:/libs/core.jar");

        ProcessFunctionRunnerConfig config = ProcessFunctionRunnerConfig.fromMap(properties);

        assertThat(config.endpointUrl()).isEqualTo(URI.create("https://lakestack.example:4443"));
        assertThat(config.accessKey()).isEqualTo("AKIDEXAMPLE");
        assertThat(config.secretKey()).isEqualTo("wJalrXUtnFEMI");
        assertThat(config.sessionToken()).isEqualTo(Optional.of("FwoGZXIvYXdzEXAMPLE"));
        assertThat(config.cacheDirectory()).isEqualTo(Path.of("/var/cache/lakestack-lambda"));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.initTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.javaHomes()).containsExactly(Path.of("/opt/jdk-21"), Path.of("/opt/jdk-25"));
        assertThat(config.pythonExecutables()).containsExactly(Path.of("/usr/bin/python3.12"));
        assertThat(config.javaRuntimeClasspath()).containsExactly(Path.of("/libs/ric.jar"), Path.of("/libs/core.jar"));
        assertThat(ProcessFunctionRunnerConfig.fromMap(config.toMap()).toMap()).isEqualTo(config.toMap());
        assertThat(config.with(Map.of(ProcessFunctionRunnerConfig.IDLE_TIMEOUT, "7")).idleTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void secretsAreNeverPrinted()
    {
        ProcessFunctionRunnerConfig config = ProcessFunctionRunnerConfig.fromMap(Map.of(ProcessFunctionRunnerConfig.SECRET_KEY, "wJalrXUtnFEMI",
                ProcessFunctionRunnerConfig.SESSION_TOKEN, "FwoGZXIvYXdzEXAMPLE"));

        assertThat(config.toString()).doesNotContain("wJalrXUtnFEMI").doesNotContain("FwoGZXIvYXdzEXAMPLE").contains("secretKey=****", "sessionToken=****");
    }

    @Test
    void errorsNameTheKey()
    {
        assertThatThrownBy(() -> ProcessFunctionRunnerConfig.fromMap(Map.of("lambda.idle-timeout", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown Lambda runner setting 'lambda.idle-timeout'; known settings: [lambda.access-key, ");
        assertThatThrownBy(() -> ProcessFunctionRunnerConfig.fromMap(Map.of(ProcessFunctionRunnerConfig.IDLE_TIMEOUT, "five")))
                .hasMessage("lambda.idle-timeout-seconds must be a whole number of seconds, not 'five'");
        assertThatThrownBy(() -> ProcessFunctionRunnerConfig.fromMap(Map.of(ProcessFunctionRunnerConfig.INIT_TIMEOUT, "0")))
                .hasMessage("lambda.init-timeout-seconds must be at least 1, not 0");
        assertThatThrownBy(() -> ProcessFunctionRunnerConfig.fromMap(Map.of(ProcessFunctionRunnerConfig.ENDPOINT_URL, "127.0.0.1:4566")))
                .hasMessage("lambda.endpoint-url must be an http:// or https:// URL with a host, not '127.0.0.1:4566'");
        assertThatThrownBy(() -> ProcessFunctionRunnerConfig.fromMap(Map.of(ProcessFunctionRunnerConfig.ACCESS_KEY, " ")))
                .hasMessage("lambda.access-key and lambda.secret-key must not be empty");
        assertThat(List.of(ProcessFunctionRunnerConfig.defaults().toMap().keySet().toArray())).hasSize(11);
    }
}
