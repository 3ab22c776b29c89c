package io.lakestack.connectors.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.lambda.FunctionVersion;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CodeCacheTest
{
    private final InMemoryObjectStore store = new InMemoryObjectStore();

    @Test
    void packageIsReadInRangesCheckedUnpackedOnceAndKeepsExecutableBits(@TempDir Path cache)
            throws Exception
    {
        int range = 64 * 1024;
        byte[] data = new byte[5 * range];
        new Random(7).nextBytes(data);
        byte[] zip = zip(Map.of("app.py", "def handler(event, context):\n    return 1\n".getBytes(StandardCharsets.UTF_8), "bin/tool", "#!/bin/sh\n".getBytes(
                StandardCharsets.UTF_8), "data/blob", data));
        FunctionVersion function = DeploymentPackages.function(store, "ranged", "python3.11", "app.handler", zip, 128, 3, Map.of());

        Path root = new CodeCache(store, cache, range).unpacked(function);
        Path again = new CodeCache(store, cache, range).unpacked(function);

        assertThat(again).isEqualTo(root);
        assertThat(root).isEqualTo(cache.resolve(HexFormat.of().formatHex(Base64.getDecoder().decode(function.codeSha256()))));
        assertThat(zip.length).isBetween(5 * range, 6 * range);
        assertThat(store.readLengths()).containsExactly(range, range, range, range, range, zip.length - 5 * range);
        assertThat(Files.readString(root.resolve("app.py"))).isEqualTo("def handler(event, context):\n    return 1\n");
        assertThat(Files.readAllBytes(root.resolve("data/blob"))).isEqualTo(data);
        assertThat(Files.isExecutable(root.resolve("bin/tool"))).isTrue();
        assertThat(Files.isExecutable(root.resolve("app.py"))).isFalse();
        try (var leftovers = Files.list(cache)) {
            assertThat(leftovers).containsExactly(root);
        }
    }

    @Test
    void packageThatIsNotTheFunctionsCodeIsRefused(@TempDir Path cache)
    {
        byte[] zip = zip(Map.of("app.py", "x = 1\n".getBytes(StandardCharsets.UTF_8)));
        FunctionVersion stored = DeploymentPackages.function(store, "replaced", "python3.11", "app.handler", zip, 128, 3, Map.of());
        FunctionVersion claimed = new FunctionVersion(stored.name(), stored.version(), stored.arn(), stored.runtime(), stored.handler(), 128, 3, Map.of(),
                DeploymentPackages.sha256("something else".getBytes(StandardCharsets.UTF_8)), zip.length, stored.codeBucket(), stored.codeKey(), "r");

        ServiceException error = catchThrowableOfType(ServiceException.class, () -> new CodeCache(store, cache).unpacked(claimed));

        assertThat(error.errorCode()).isEqualTo("ServiceException");
        assertThat(error.httpStatus()).isEqualTo(500);
        assertThat(error.getMessage()).isEqualTo("the deployment package s3://lambda-code/" + stored.codeKey() + " of function " + stored.arn()
                + " has the SHA-256 " + stored.codeSha256() + ", not the function's CodeSha256 " + claimed.codeSha256() + ": it was replaced behind the "
                + "function's back");
    }

    @Test
    void entriesOutsideThePackageAndNonZipsAreInvalidZipFiles(@TempDir Path cache)
    {
        FunctionVersion escaping = DeploymentPackages.function(store, "escaping", "python3.11", "app.handler", zip(Map.of("../escaped.py", new byte[] {'1'})),
                128, 3, Map.of());
        FunctionVersion notZip = DeploymentPackages.function(store, "not-zip", "python3.11", "app.handler", "not a zip".getBytes(StandardCharsets.UTF_8), 128,
                3, Map.of());

        ServiceException outside = catchThrowableOfType(ServiceException.class, () -> new CodeCache(store, cache).unpacked(escaping));
        ServiceException garbage = catchThrowableOfType(ServiceException.class, () -> new CodeCache(store, cache).unpacked(notZip));

        assertThat(outside.errorCode()).isEqualTo("InvalidZipFileException");
        assertThat(outside.httpStatus()).isEqualTo(502);
        assertThat(outside.getMessage()).isEqualTo("Lambda could not unzip the deployment package of function " + escaping.arn()
                + ": the entry ../escaped.py points outside the package");
        assertThat(garbage.errorCode()).isEqualTo("InvalidZipFileException");
        assertThat(Files.exists(cache.resolveSibling("escaped.py"))).isFalse();
    }

    private static byte[] zip(Map<String, byte[]> files)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : new java.util.TreeMap<>(files).entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(file.getKey());
                entry.setUnixMode(file.getKey().startsWith("bin/") ? 0100755 : 0100644);
                zip.putArchiveEntry(entry);
                zip.write(file.getValue());
                zip.closeArchiveEntry();
            }
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
