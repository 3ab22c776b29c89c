package io.lakestack.embedded;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How S3Mock is started. */
class ObjectStoreComponentTest
{
    private static final String AUTO_CONFIGURATIONS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

    @Test
    void eachAutoConfigurationLeftOutIsOneOfThoseS3MocksJarCarries()
            throws IOException
    {
        Set<String> carried = autoConfigurations(EngineArtifacts.load().objectStoreJar());
        // the jar's own, so that the list below is read from the right place
        assertThat(carried).contains("org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration");
        assertThat(carried).containsAll(ObjectStoreComponent.UNUSED_AUTO_CONFIGURATIONS);
    }

    @Test
    void s3MockServesPlainHttpOnLoopbackWithoutTheAutoConfigurationsItDoesNotUse()
    {
        assertThat(ObjectStoreComponent.arguments(4568, Path.of("/data/object-store"))).containsExactly(
                "127.0.0.1",
                "com.adobe.testing.s3mock.S3MockApplication",
                "--http.port=4568",
                "--server.port=0",
                "--server.ssl.enabled=false",
                "--server.address=127.0.0.1",
                "--spring.autoconfigure.exclude=" + String.join(",", ObjectStoreComponent.UNUSED_AUTO_CONFIGURATIONS),
                "--com.adobe.testing.s3mock.store.root=/data/object-store",
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--com.adobe.testing.s3mock.store.region=us-east-1",
                "--com.adobe.testing.s3mock.max-payload-size=5GB",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.com.adobe.testing.s3mock=WARN");
    }

    /** Every auto-configuration the jars inside a Spring Boot jar list. */
    private static Set<String> autoConfigurations(Path bootJar)
            throws IOException
    {
        Set<String> names = new HashSet<>();
        try (ZipFile jar = new ZipFile(bootJar.toFile())) {
            for (ZipEntry entry : jar.stream().filter(entry -> entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")).toList()) {
                try (ZipInputStream nested = new ZipInputStream(jar.getInputStream(entry))) {
                    for (ZipEntry inner = nested.getNextEntry(); inner != null; inner = nested.getNextEntry()) {
                        if (inner.getName().equals(AUTO_CONFIGURATIONS)) {
                            for (String line : new String(nested.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                                if (!line.isBlank() && !line.startsWith("#")) {
                                    names.add(line.strip());
                                }
                            }
                        }
                    }
                }
            }
        }
        return names;
    }
}
