package io.lakestack.it;

import io.lakestack.embedded.StackLayout;
import io.lakestack.testing.LakestackTest;
import io.lakestack.testing.RawRequests;
import io.lakestack.testing.TestStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack's temporary files (S3 upload bodies waiting for their hash check, Athena results on their way to S3 and
 * kept for paging, the engines' {@code java.io.tmpdir}) live under the data directory's {@code tmp/}, which every
 * start clears: a killed stack leaves nothing in the system's temporary directory, and what it left in its own goes
 * away with the next start.
 */
@LakestackTest
@Order(13)
class TemporaryFilesIntegrationTest
{
    /** Above the size up to which the endpoint checks an upload's hash in memory. */
    private static final int SPOOLED_UPLOAD_BYTES = 9 * 1024 * 1024;

    @Test
    void uploadsAndQueriesWriteNothingToTheSystemTemporaryDirectory(TestStack stack)
            throws Exception
    {
        Path systemTemporary = Path.of(System.getProperty("java.io.tmpdir"));
        StackLayout layout = stack.stack().layout();
        String bucket = "temporary-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> created;
        try (WatchService watcher = FileSystems.getDefault().newWatchService();
                S3Client s3 = stack.s3();
                AthenaClient athena = stack.athena()) {
            systemTemporary.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            s3.createBucket(request -> request.bucket(bucket));
            s3.putObject(request -> request.bucket(bucket).key("small.txt"), RequestBody.fromString("small", StandardCharsets.UTF_8));
            byte[] large = new byte[SPOOLED_UPLOAD_BYTES];
            Arrays.fill(large, (byte) 'x');
            // signed with its payload's hash, which the endpoint checks before the object store gets the body
            HttpResponse<String> put = RawRequests.send(stack.endpoint(), "PUT", "/" + bucket + "/large.bin", Map.of(), large, "s3",
                    TestStack.ACCESS_KEY, TestStack.SECRET_KEY);
            assertThat(put.statusCode()).as("PUT of %d bytes: %s", large.length, put.body()).isEqualTo(200);
            assertThat(s3.headObject(request -> request.bucket(bucket).key("large.bin")).contentLength()).isEqualTo(SPOOLED_UPLOAD_BYTES);

            AthenaQueries queries = new AthenaQueries(athena, "default");
            QueryExecution select = queries.succeed("SELECT id, name FROM (VALUES (1, 'one'), (2, 'two')) AS t (id, name) ORDER BY id");
            assertThat(queries.rows(select.queryExecutionId())).containsExactly(List.of("id", "name"), List.of("1", "one"), List.of("2", "two"));
            QueryExecution show = queries.succeed("SHOW DATABASES");
            assertThat(queries.rows(show.queryExecutionId())).contains(List.of("default"));

            created = created(watcher, systemTemporary);
        }
        assertThat(created).as("files created in the system's temporary directory %s", systemTemporary).isEmpty();
        assertThat(filesUnder(layout.temporary("endpoint").resolve("athena"))).as("Athena results kept for paging").isNotEmpty();
        // the engines' JVMs take their temporary directory from the stack
        stack.stack().childProcessIds().forEach((name, pid) -> assertThat(commandLine(pid)).as("command line of %s", name)
                .contains("-Djava.io.tmpdir=" + layout.temporary(name)));
    }

    @Test
    void whatAKilledStackLeftInItsTemporaryDirectoryIsGoneAfterTheNextStart(@TempDir Path dataDirectory)
            throws Exception
    {
        StackLayout layout = new StackLayout(dataDirectory);
        List<Path> leftOver = List.of(
                layout.temporary("endpoint").resolve("s3-uploads/upload-1234.body"),
                layout.temporary("endpoint").resolve("athena/results-5678/1a2b3c-99"),
                layout.temporary("endpoint").resolve("athena/result-4321.csv"),
                layout.temporary("metastore").resolve("lakestack-s3-1.part"));
        for (Path file : leftOver) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "left by a stack killed with SIGKILL");
        }

        try (StackProcess stack = StackProcess.start(dataDirectory, "127.0.0.1")) {
            assertThat(leftOver).noneMatch(Files::exists);
            assertThat(layout.temporary("endpoint").resolve("athena")).as("Athena's temporary directory, made anew").isDirectory();
        }
    }

    /**
     * The names of the files created in {@code directory} so far: this writes a marker file there and takes events
     * until the marker's, since the kernel reports the creations of one directory in order.
     */
    private static List<String> created(WatchService watcher, Path directory)
            throws InterruptedException, IOException
    {
        Path marker = Files.createTempFile(directory, "marker-", ".tmp");
        try {
            List<String> names = new ArrayList<>();
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        // the marker's event may be among those lost
                        names.add("(events lost)");
                        return names;
                    }
                    else if (event.context().equals(marker.getFileName())) {
                        return names;
                    }
                    else {
                        names.add(event.context().toString());
                    }
                }
                key.reset();
            }
        }
        finally {
            Files.delete(marker);
        }
    }

    private static List<Path> filesUnder(Path directory)
            throws IOException
    {
        try (var paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    private static String commandLine(long pid)
    {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
