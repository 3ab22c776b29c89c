package io.lakestack.metastore;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The Hadoop {@link FileSystem} the metastore uses for {@code s3://}, {@code s3a://} and {@code s3n://} locations.
 *
 * <p>The metastore only checks that table and partition locations exist, "creates" them, and deletes or renames
 * the data of managed tables. S3 has no directories, so a directory here is a key prefix: it exists when the
 * bucket does (for the bucket root) or when some object starts with {@code prefix/}, and {@link #mkdirs} writes
 * nothing (no zero-byte marker objects that other readers, and S3 event consumers, would see); it fails only where
 * an object is in the way. As in Glue, a table may name a bucket that does not exist yet. Writes are buffered in a local temporary file and put as one object on close; append
 * is not supported, as in S3A.
 *
 * <p>Configuration keys: {@value #ENDPOINT_KEY}, {@value #ACCESS_KEY_KEY}, {@value #SECRET_KEY_KEY},
 * {@value #REGION_KEY}.
 */
public final class S3ObjectFileSystem
        extends FileSystem
{
    public static final String ENDPOINT_KEY = "lakestack.s3.endpoint";
    public static final String ACCESS_KEY_KEY = "lakestack.s3.access-key";
    public static final String SECRET_KEY_KEY = "lakestack.s3.secret-key";
    public static final String REGION_KEY = "lakestack.s3.region";

    private static final int DELETE_BATCH = 1000;

    private URI uri;
    private String bucket;
    private S3Client s3;
    private Path workingDirectory;

    @Override
    public void initialize(URI name, Configuration conf)
            throws IOException
    {
        super.initialize(name, conf);
        bucket = requireNonNull(name.getHost(), () -> "no bucket in " + name);
        uri = URI.create(name.getScheme() + "://" + bucket);
        workingDirectory = new Path(uri.toString() + "/");
        String endpoint = conf.get(ENDPOINT_KEY);
        if (endpoint == null) {
            throw new IOException("S3 file system for " + name + ": " + ENDPOINT_KEY + " is not set");
        }
        s3 = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(conf.get(REGION_KEY, "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        conf.get(ACCESS_KEY_KEY, "test"),
                        conf.get(SECRET_KEY_KEY, "test"))))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public String getScheme()
    {
        return uri == null ? "s3" : uri.getScheme();
    }

    @Override
    public URI getUri()
    {
        return uri;
    }

    @Override
    public FileStatus getFileStatus(Path path)
            throws IOException
    {
        Path qualified = makeQualified(path);
        String key = keyOf(qualified);
        if (!bucketExists()) {
            throw new FileNotFoundException("bucket does not exist: " + qualified);
        }
        if (key.isEmpty()) {
            return directory(qualified);
        }
        Optional<HeadObjectResponse> head = headObject(key);
        if (head.isPresent()) {
            return file(qualified, head.get().contentLength(), head.get().lastModified().toEpochMilli());
        }
        ListObjectsV2Response listing = list(ListObjectsV2Request.builder().bucket(bucket).prefix(key + "/").maxKeys(1));
        if (listing.hasContents() && !listing.contents().isEmpty()) {
            return directory(qualified);
        }
        throw new FileNotFoundException("no such file or directory: " + qualified);
    }

    @Override
    public FileStatus[] listStatus(Path path)
            throws IOException
    {
        Path qualified = makeQualified(path);
        String key = keyOf(qualified);
        if (!key.isEmpty()) {
            Optional<HeadObjectResponse> head = headObject(key);
            if (head.isPresent()) {
                return new FileStatus[] {file(qualified, head.get().contentLength(), head.get().lastModified().toEpochMilli())};
            }
        }
        String prefix = key.isEmpty() ? "" : key + "/";
        List<FileStatus> statuses = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/");
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Response response = list(request);
            for (S3Object object : response.contents()) {
                if (!object.key().equals(prefix)) {
                    statuses.add(file(pathOf(object.key()), object.size(), object.lastModified().toEpochMilli()));
                }
            }
            for (CommonPrefix common : response.commonPrefixes()) {
                statuses.add(directory(pathOf(common.prefix().substring(0, common.prefix().length() - 1))));
            }
            token = response.isTruncated() ? response.nextContinuationToken() : null;
        }
        while (token != null);
        if (statuses.isEmpty()) {
            // an empty listing is an existing empty directory only at the bucket root
            getFileStatus(qualified);
        }
        return statuses.toArray(FileStatus[]::new);
    }

    @Override
    public boolean mkdirs(Path path, FsPermission permission)
            throws IOException
    {
        if (!bucketExists()) {
            // as in Glue, a location is recorded whether or not its bucket exists yet; queries report a missing one
            return true;
        }
        String key = keyOf(makeQualified(path));
        if (!key.isEmpty() && headObject(key).isPresent()) {
            throw new IOException("cannot create directory " + path + ": a file exists at that key");
        }
        return true;
    }

    @Override
    public boolean delete(Path path, boolean recursive)
            throws IOException
    {
        Path qualified = makeQualified(path);
        String key = keyOf(qualified);
        if (!key.isEmpty() && headObject(key).isPresent()) {
            call(() -> s3.deleteObject(request -> request.bucket(bucket).key(key)), "delete " + qualified);
            return true;
        }
        List<String> keys = keysUnder(key.isEmpty() ? "" : key + "/");
        if (keys.isEmpty()) {
            return false;
        }
        if (!recursive) {
            throw new IOException("cannot delete non-empty directory " + qualified + " without recursive=true");
        }
        for (int start = 0; start < keys.size(); start += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(start, Math.min(keys.size(), start + DELETE_BATCH)).stream()
                    .map(objectKey -> ObjectIdentifier.builder().key(objectKey).build())
                    .toList();
            call(() -> s3.deleteObjects(request -> request.bucket(bucket).delete(delete -> delete.objects(batch).quiet(true))),
                    "delete " + qualified);
        }
        return true;
    }

    @Override
    public boolean rename(Path source, Path target)
            throws IOException
    {
        Path from = makeQualified(source);
        Path to = makeQualified(target);
        String fromKey = keyOf(from);
        String toKey = keyOf(to);
        if (!from.toUri().getHost().equals(to.toUri().getHost())) {
            throw new IOException("cannot rename across buckets: " + from + " -> " + to);
        }
        if (!fromKey.isEmpty() && headObject(fromKey).isPresent()) {
            copy(fromKey, toKey);
            call(() -> s3.deleteObject(request -> request.bucket(bucket).key(fromKey)), "rename " + from);
            return true;
        }
        List<String> keys = keysUnder(fromKey + "/");
        if (keys.isEmpty()) {
            return false;
        }
        for (String key : keys) {
            copy(key, toKey + key.substring(fromKey.length()));
        }
        return delete(from, true);
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize)
            throws IOException
    {
        Path qualified = makeQualified(path);
        FileStatus status = getFileStatus(qualified);
        if (status.isDirectory()) {
            throw new FileNotFoundException("cannot open a directory: " + qualified);
        }
        return new FSDataInputStream(new RangedObjectInputStream(keyOf(qualified), status.getLen()));
    }

    @Override
    public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress)
            throws IOException
    {
        Path qualified = makeQualified(path);
        String key = keyOf(qualified);
        if (!overwrite && headObject(key).isPresent()) {
            throw new IOException("file exists and overwrite is false: " + qualified);
        }
        java.nio.file.Path buffer = Files.createTempFile("lakestack-s3-", ".part");
        OutputStream out = Files.newOutputStream(buffer);
        return new FSDataOutputStream(new OutputStream()
        {
            private boolean closed;

            @Override
            public void write(int b)
                    throws IOException
            {
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length)
                    throws IOException
            {
                out.write(bytes, offset, length);
            }

            @Override
            public void close()
                    throws IOException
            {
                if (closed) {
                    return;
                }
                closed = true;
                out.close();
                try {
                    call(() -> s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromFile(buffer)),
                            "write " + qualified);
                }
                finally {
                    Files.deleteIfExists(buffer);
                }
            }
        }, statistics);
    }

    @Override
    public FSDataOutputStream append(Path path, int bufferSize, Progressable progress)
    {
        throw new UnsupportedOperationException("S3 objects cannot be appended to: " + path);
    }

    @Override
    public void setWorkingDirectory(Path directory)
    {
        workingDirectory = directory;
    }

    @Override
    public Path getWorkingDirectory()
    {
        return workingDirectory;
    }

    @Override
    public void close()
            throws IOException
    {
        try {
            if (s3 != null) {
                s3.close();
            }
        }
        finally {
            super.close();
        }
    }

    private final class RangedObjectInputStream
            extends FSInputStream
    {
        private final String key;
        private final long length;
        private long position;
        private InputStream current;

        RangedObjectInputStream(String key, long length)
        {
            this.key = key;
            this.length = length;
        }

        @Override
        public void seek(long target)
                throws IOException
        {
            if (target < 0 || target > length) {
                throw new EOFException("cannot seek to " + target + " in " + key + " of length " + length);
            }
            if (target != position) {
                closeCurrent();
                position = target;
            }
        }

        @Override
        public long getPos()
        {
            return position;
        }

        @Override
        public boolean seekToNewSource(long target)
        {
            return false;
        }

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count)
                throws IOException
        {
            if (position >= length) {
                return -1;
            }
            if (current == null) {
                long start = position;
                ResponseInputStream<GetObjectResponse> stream = call(
                        () -> s3.getObject(request -> request.bucket(bucket).key(key).range("bytes=" + start + "-")),
                        "read " + key);
                current = stream;
            }
            int read = current.read(buffer, offset, count);
            if (read > 0) {
                position += read;
            }
            return read;
        }

        @Override
        public void close()
                throws IOException
        {
            closeCurrent();
        }

        private void closeCurrent()
                throws IOException
        {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    private boolean bucketExists()
            throws IOException
    {
        try {
            s3.headBucket(request -> request.bucket(bucket));
            return true;
        }
        catch (NoSuchBucketException e) {
            return false;
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("head bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    private Optional<HeadObjectResponse> headObject(String key)
            throws IOException
    {
        try {
            return Optional.of(s3.headObject(request -> request.bucket(bucket).key(key)));
        }
        catch (NoSuchKeyException e) {
            return Optional.empty();
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("head object s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    private List<String> keysUnder(String prefix)
            throws IOException
    {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Response response = list(request);
            response.contents().forEach(object -> keys.add(object.key()));
            token = response.isTruncated() ? response.nextContinuationToken() : null;
        }
        while (token != null);
        return keys;
    }

    private ListObjectsV2Response list(ListObjectsV2Request.Builder request)
            throws IOException
    {
        ListObjectsV2Request built = request.build();
        return call(() -> s3.listObjectsV2(built), "list s3://" + bucket + "/" + built.prefix());
    }

    private void copy(String fromKey, String toKey)
            throws IOException
    {
        call(() -> s3.copyObject(request -> request.sourceBucket(bucket).sourceKey(fromKey)
                        .destinationBucket(bucket).destinationKey(toKey)),
                "copy s3://" + bucket + "/" + fromKey + " to " + toKey);
    }

    private interface S3Call<T>
    {
        T call();
    }

    private static <T> T call(S3Call<T> call, String operation)
            throws IOException
    {
        try {
            return call.call();
        }
        catch (NoSuchKeyException e) {
            throw new FileNotFoundException(operation + ": " + e.getMessage());
        }
        catch (S3Exception e) {
            throw new IOException(operation + ": " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            throw new IOException(operation + ": " + e.getMessage(), e);
        }
    }

    private String keyOf(Path qualified)
    {
        String path = qualified.toUri().getPath();
        String key = path.startsWith("/") ? path.substring(1) : path;
        return key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
    }

    private Path pathOf(String key)
    {
        return new Path(uri.toString() + "/" + key);
    }

    private FileStatus file(Path path, long length, long modified)
    {
        return new FileStatus(length, false, 1, 32 * 1024 * 1024, modified, path);
    }

    private FileStatus directory(Path path)
    {
        return new FileStatus(0, true, 1, 0, 0, path);
    }
}
