package io.lakestack.services.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static java.util.Objects.requireNonNull;

/**
 * Deployment packages: checked (a zip Lambda could unpack, within Lambda's size limits), then kept in the object
 * store under {@value #BUCKET}{@code /functions/<name>/<sha256>.zip}, where the runner reads them.
 */
final class FunctionCode
{
    static final String BUCKET = "lakestack-lambda";
    /** Lambda's limit of a zip sent in the request (the SDKs send it base64 in the JSON body). */
    static final long MAX_DIRECT_UPLOAD_BYTES = 50L * 1024 * 1024;
    /** Lambda's limit of the unpacked package. */
    static final long MAX_UNZIPPED_BYTES = 250L * 1024 * 1024;

    /** A stored package: its SHA-256 (base64, as Lambda reports CodeSha256), size and place. */
    record Stored(String sha256, long size, String bucket, String key)
    {
    }

    private final ObjectStore objects;
    private volatile boolean bucketReady;

    FunctionCode(ObjectStore objects)
    {
        this.objects = requireNonNull(objects, "objects is null");
    }

    /** The package from an S3 object (S3Bucket/S3Key of CreateFunction/UpdateFunctionCode). */
    byte[] fromS3(String bucket, String key)
    {
        try {
            if (!objects.bucketExists(bucket)) {
                throw ServiceException.user("InvalidParameterValueException", "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error "
                        + "Message: The specified bucket does not exist (" + bucket + ")");
            }
            ObjectStore.ObjectInfo info = objects.head(bucket, key).orElseThrow(() -> ServiceException.user("InvalidParameterValueException",
                    "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist (s3://" + bucket
                            + "/" + key + ")"));
            if (info.size() > MAX_UNZIPPED_BYTES) {
                throw ServiceException.user("InvalidParameterValueException", "Unzipped size must be smaller than " + MAX_UNZIPPED_BYTES + " bytes");
            }
            byte[] bytes = new byte[(int) info.size()];
            int chunk = 8 * 1024 * 1024;
            for (long offset = 0; offset < bytes.length; offset += chunk) {
                byte[] part = objects.read(bucket, key, offset, (int) Math.min(chunk, bytes.length - offset));
                System.arraycopy(part, 0, bytes, (int) offset, part.length);
            }
            return bytes;
        }
        catch (IOException e) {
            throw ServiceException.external("ServiceException", "cannot read the deployment package s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the package is a zip within Lambda's limits and keeps it.
     *
     * @throws ServiceException {@code InvalidParameterValueException} as Lambda words it when it is not
     */
    Stored store(String function, byte[] zip)
    {
        check(zip);
        String sha256 = sha256(zip);
        String key = "functions/" + function + "/" + HexFormat.of().formatHex(Base64.getDecoder().decode(sha256)) + ".zip";
        try {
            if (!bucketReady) {
                objects.createBucket(BUCKET);
                bucketReady = true;
            }
            if (objects.head(BUCKET, key).isEmpty()) {
                Path file = Files.createTempFile("lakestack-lambda-code-", ".zip");
                try {
                    Files.write(file, zip);
                    objects.put(BUCKET, key, file, "application/zip");
                }
                finally {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (IOException e) {
            throw ServiceException.external("ServiceException", "cannot keep the deployment package of " + function + ": " + e.getMessage(), e);
        }
        return new Stored(sha256, zip.length, BUCKET, key);
    }

    private static void check(byte[] zip)
    {
        long unzipped = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            byte[] buffer = new byte[64 * 1024];
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries++;
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    unzipped += read;
                    if (unzipped > MAX_UNZIPPED_BYTES) {
                        throw ServiceException.user("InvalidParameterValueException", "Unzipped size must be smaller than " + MAX_UNZIPPED_BYTES
                                + " bytes");
                    }
                }
            }
        }
        catch (IOException | IllegalArgumentException e) {
            throw unzippable();
        }
        if (entries == 0) {
            throw unzippable();
        }
    }

    private static ServiceException unzippable()
    {
        return ServiceException.user("InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }

    static String sha256(byte[] bytes)
    {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
