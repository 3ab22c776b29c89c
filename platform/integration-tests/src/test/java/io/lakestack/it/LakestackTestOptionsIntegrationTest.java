package io.lakestack.it;

import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @LakestackTest}'s {@code dataDirectory} and {@code port}: the stack listens on the port named and keeps what
 * it stores in the directory named, which a stack started on it again goes on from. Its options differ from every other
 * class's, so it gets a stack of its own (without Trino, which it does not need).
 */
@LakestackTest(trino = false, dataDirectory = LakestackTestOptionsIntegrationTest.DATA_DIRECTORY, port = LakestackTestOptionsIntegrationTest.PORT)
@Order(98)
class LakestackTestOptionsIntegrationTest
{
    static final String DATA_DIRECTORY = "target/lakestack-test-options";
    /**
     * Above the range that other stacks' free ports come from ({@code StackPorts.free()}: 20000-32000) and below the
     * kernel's ephemeral range (32768 on), so that no other stack and no outgoing connection takes it: the six ports of
     * this stack are 32456-32461.
     */
    static final int PORT = 32456;

    private final TestStack stack;

    LakestackTestOptionsIntegrationTest(TestStack stack)
    {
        this.stack = stack;
    }

    @Test
    void theStackListensOnThePortNamedAndKeepsItsDataInTheDirectoryNamed()
    {
        assertThat(stack.options()).isEqualTo(new TestStack.Options(false, Optional.of(Path.of(DATA_DIRECTORY)), PORT));
        assertThat(stack.endpoint()).isEqualTo("http://127.0.0.1:" + PORT);
        assertThat(stack.dataDirectory()).isEqualTo(Path.of(DATA_DIRECTORY));
        assertThat(Files.isDirectory(Path.of(DATA_DIRECTORY))).isTrue();

        // the directory may hold what an earlier run stored: this run's bucket is its own
        String bucket = "options-" + UUID.randomUUID();
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("kept.txt"), RequestBody.fromString("in the directory named"));
        }

        stack.restart();

        assertThat(stack.endpoint()).isEqualTo("http://127.0.0.1:" + PORT);
        try (S3Client s3 = stack.s3()) {
            assertThat(s3.getObjectAsBytes(request -> request.bucket(bucket).key("kept.txt")).asUtf8String()).isEqualTo("in the directory named");
        }
    }
}
