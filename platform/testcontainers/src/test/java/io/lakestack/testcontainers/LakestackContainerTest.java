package io.lakestack.testcontainers;

import io.lakestack.testcontainers.LakestackContainer.Service;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The container as configured before it starts: what needs no Docker. */
class LakestackContainerTest
{
    private static final DockerImageName IMAGE = DockerImageName.parse("lakestack/lakestack:0.1.0-SNAPSHOT");

    @Test
    void runsTheWholeStackWithoutServicesNamed()
    {
        try (LakestackContainer container = new LakestackContainer(IMAGE)) {
            assertThat(container.getCommandParts()).containsExactly("up", "--bind", "0.0.0.0", "--data-dir", "/data");
            assertThat(container.getExposedPorts()).containsExactly(4566);
            assertThat(container.getServices()).isEqualTo(EnumSet.allOf(Service.class));
        }
    }

    @Test
    void startsTrinoOnlyForAthena()
    {
        try (LakestackContainer container = new LakestackContainer(IMAGE).withServices(Service.S3, Service.KINESIS)) {
            assertThat(container.getCommandParts()).containsExactly("up", "--bind", "0.0.0.0", "--data-dir", "/data", "--no-trino");
            assertThat(container.getServices()).containsExactlyInAnyOrder(Service.S3, Service.KINESIS);
            assertThatThrownBy(() -> container.getEndpointOverride(Service.ATHENA))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("this container was not asked for ATHENA: add it to withServices(...)");
        }
        try (LakestackContainer container = new LakestackContainer(IMAGE).withServices(Service.S3, Service.GLUE, Service.ATHENA)) {
            assertThat(container.getCommandParts()).containsExactly("up", "--bind", "0.0.0.0", "--data-dir", "/data");
        }
        assertThatThrownBy(() -> new LakestackContainer(IMAGE).withServices())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("withServices needs at least one service; leave it out for all of them");
    }

    @Test
    void isReadyWhenTheHealthReportSaysEveryComponentIs()
    {
        // the report as the endpoint writes it (pretty-printed)
        assertThat(LakestackContainer.ready("{\n  \"status\" : \"ready\",\n  \"components\" : [ ]\n}")).isTrue();
        assertThat(LakestackContainer.ready("{\n  \"status\" : \"starting\",\n  \"components\" : [ {\n    \"state\" : \"ready\"\n  } ]\n}")).isFalse();
        assertThat(LakestackContainer.ready("{\n  \"status\" : \"failed\"\n}")).isFalse();
    }

    @Test
    void answersAsLocalStackContainerDoes()
    {
        assertThat(Service.S3.signingName()).isEqualTo("s3");
        assertThat(Service.CLOUDWATCHLOGS.signingName()).isEqualTo("logs");
        assertThat(Service.CLOUDWATCHEVENTS.signingName()).isEqualTo("events");
        try (LakestackContainer container = new LakestackContainer(IMAGE)) {
            assertThat(container.getAccessKey()).isEqualTo("test");
            assertThat(container.getSecretKey()).isEqualTo("test");
            assertThat(container.getRegion()).isEqualTo("us-east-1");
        }
    }
}
