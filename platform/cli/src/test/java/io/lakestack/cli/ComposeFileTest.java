package io.lakestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestack.embedded.EngineAddresses;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.lakestack.cli.ComposeFiles.BASE;
import static io.lakestack.cli.ComposeFiles.EMBEDDED;
import static io.lakestack.cli.ComposeFiles.assertAthenasCatalog;
import static io.lakestack.cli.ComposeFiles.assertHostPortsDistinct;
import static io.lakestack.cli.ComposeFiles.assertPinnedHealthCheckedAndOrdered;
import static io.lakestack.cli.ComposeFiles.assertReadmeTableDescribes;
import static io.lakestack.cli.ComposeFiles.assertServicesAtTheirPortsHealthyBefore;
import static io.lakestack.cli.ComposeFiles.lakestackSettings;
import static io.lakestack.cli.ComposeFiles.namedEngines;
import static io.lakestack.cli.ComposeFiles.readmeSection;
import static io.lakestack.cli.ComposeFiles.services;
import static io.lakestack.cli.ComposeFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker compose files, checked without Docker (none runs where lakestack is built): lakestack's config names
 * services of the file at the ports they expose, every engine is healthy before lakestack starts, every image is
 * pinned, and the README's table says what the file does. The scale-out is {@link ComposeScaleFileTest}'s.
 */
class ComposeFileTest
{
    @Test
    void everyEngineLakestacksConfigNamesIsAServiceAtItsPortHealthyBeforeLakestack()
    {
        JsonNode services = services(BASE);
        Map<String, String> settings = lakestackSettings(services, "lakestack");
        assertThat(EngineOptions.external(settings)).isTrue();
        EngineAddresses engines = EngineOptions.externalEngines(settings, true, "test", "test");

        Map<String, Integer> named = namedEngines(engines);
        assertThat(named).containsExactly(Map.entry("kafka", 9092), Map.entry("minio", 9000), Map.entry("metastore", 9083), Map.entry("trino", 8080));
        assertServicesAtTheirPortsHealthyBefore(services, "lakestack", named);

        // Trino's catalog is Athena's, on the same metastore and object store
        assertAthenasCatalog(services, "trino", engines);

        // Kafka keeps its log on its volume, not in the container (the image's default log.dirs is under /tmp)
        String logDirs = services.path("kafka").path("environment").path("KAFKA_LOG_DIRS").asText();
        assertThat(strings(services.path("kafka").path("volumes"))).as("kafka's volumes").contains("kafka-data:" + logDirs);

        assertThat(strings(services.path("lakestack").path("ports"))).containsExactly("4566:4566");
        assertThat(strings(services.path("lakestack").path("command"))).containsSubsequence("--bind", "0.0.0.0");
    }

    @Test
    void everyImageIsPinnedAndEveryLongRunningServiceHasAHealthCheck()
    {
        for (String file : new String[] {BASE, EMBEDDED}) {
            assertPinnedHealthCheckedAndOrdered(file);
            assertHostPortsDistinct(file);
        }
        // the one-container way: the embedded stack's endpoint on 4566
        assertThat(strings(services(EMBEDDED).path("lakestack").path("ports"))).contains("4566:4566");
    }

    @Test
    void theReadmesTableSaysWhatTheFileDoes()
    {
        // the section's own text, up to the scale-out's heading
        String section = readmeSection("### docker compose");
        assertThat(section).contains("docker compose -f compose/docker-compose.yml up --build");
        assertReadmeTableDescribes(section, BASE);
    }
}
