package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;
import org.w3c.dom.Element;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What S3 does with multipart uploads that the S3 server does not: an upload is addressed by its key as well as its
 * id (the S3 server takes any key, and an abort under another key breaks the bucket for good), and the parts of a
 * completed object can be read one by one ({@code partNumber}), which needs the part sizes, kept here in a
 * {@link RecordStore} when an upload completes through the endpoint.
 */
final class MultipartUploads
{
    private final S3Upstream upstream;
    private final ObjectStore objects;
    private final RecordStore<MultipartLayout> layouts;

    MultipartUploads(S3Upstream upstream, ObjectStore objects, RecordStore<MultipartLayout> layouts)
    {
        this.upstream = requireNonNull(upstream, "upstream is null");
        this.objects = requireNonNull(objects, "objects is null");
        this.layouts = requireNonNull(layouts, "layouts is null");
    }

    /**
     * The entity tag of the object an upload completed, when that upload is no longer in progress but completed the
     * object the key holds now: S3 answers a CompleteMultipartUpload repeated so as the first.
     *
     * @param path the object's path at the S3 server
     */
    Optional<Completed> completedAs(String bucket, String key, String path, String uploadId)
            throws IOException
    {
        Optional<MultipartLayout> layout = layouts.get(bucket + "/" + key).filter(recorded -> recorded.uploadId().equals(uploadId));
        if (layout.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> checksums = new TreeMap<>();
        try (S3Upstream.Response head = upstream.exchange(new S3Upstream.Request("HEAD", path, "", Map.of("x-amz-checksum-mode", List.of("ENABLED")),
                new S3Upstream.Body.None()))) {
            if (head.status() != 200) {
                return Optional.empty();
            }
            String eTag = head.headers().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("etag"))
                    .flatMap(header -> header.getValue().stream()).findFirst().map(MultipartUploads::unquoted).orElse("");
            if (!eTag.equals(layout.get().eTag())) {
                return Optional.empty();
            }
            head.headers().forEach((name, values) -> S3Checksum.ofHeader(name).filter(ignored -> !values.isEmpty())
                    .ifPresent(algorithm -> checksums.put("Checksum" + algorithm.displayName(), values.get(0))));
        }
        return Optional.of(new Completed(layout.get().eTag(), checksums));
    }

    /**
     * An object a multipart upload completed: its entity tag, and its additional checksum as CompleteMultipartUpload's
     * answer has it (by element name: {@code ChecksumSHA256}).
     */
    record Completed(String eTag, Map<String, String> checksums)
    {
    }

    static ServiceException noSuchUpload(String bucket, String key, String uploadId)
    {
        return ServiceException.user("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
                + "been aborted or completed (upload " + uploadId + " of s3://" + bucket + "/" + key + ")");
    }

    /** Whether an upload of that id is in progress for that key; true when the S3 server answers no listing (no such bucket). */
    boolean inProgress(String bucket, String key, String uploadId)
            throws IOException
    {
        String query = "uploads&prefix=" + QueryStrings.encode(key, false) + "&max-uploads=1000";
        try (S3Upstream.Response answer = get("/" + bucket, query)) {
            if (answer.status() != 200) {
                return true;
            }
            Element root = Xml.parse(answer.body().readAllBytes());
            for (Element upload : Xml.children(root, "Upload")) {
                if (S3Xml.rawChildText(upload, "Key").filter(key::equals).isPresent() && Xml.childText(upload, "UploadId").filter(uploadId::equals).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Before a DeleteBucket: S3 deletes a bucket that holds no object with the uploads still in progress in it, while
     * the S3 server fails on them (500), so they are aborted first, once the bucket is known to hold no object.
     */
    void abortUploadsOfEmptyBucket(String bucket)
            throws IOException
    {
        try (S3Upstream.Response listing = get("/" + bucket, "list-type=2&max-keys=1")) {
            if (listing.status() != 200 || !Xml.children(Xml.parse(listing.body().readAllBytes()), "Contents").isEmpty()) {
                return;
            }
        }
        List<Map.Entry<String, String>> uploads = new ArrayList<>();
        try (S3Upstream.Response answer = get("/" + bucket, "uploads&max-uploads=1000")) {
            if (answer.status() != 200) {
                return;
            }
            for (Element upload : Xml.children(Xml.parse(answer.body().readAllBytes()), "Upload")) {
                Optional<String> key = S3Xml.rawChildText(upload, "Key");
                Optional<String> uploadId = Xml.childText(upload, "UploadId");
                if (key.isPresent() && uploadId.isPresent()) {
                    uploads.add(Map.entry(key.get(), uploadId.get()));
                }
            }
        }
        for (Map.Entry<String, String> upload : uploads) {
            try (S3Upstream.Response aborted = upstream.exchange(new S3Upstream.Request("DELETE", "/" + bucket + "/" + QueryStrings.encode(upload.getKey(), true),
                    "uploadId=" + QueryStrings.encode(upload.getValue(), false), Map.of(), new S3Upstream.Body.None()))) {
                aborted.body().transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }

    /** The sizes of the parts uploaded so far, by part number. */
    Map<Integer, Long> partSizes(String bucket, String rawKey, String uploadId)
            throws IOException
    {
        Map<Integer, Long> sizes = new HashMap<>();
        try (S3Upstream.Response answer = get("/" + bucket + "/" + rawKey, "uploadId=" + QueryStrings.encode(uploadId, false) + "&max-parts=10000")) {
            if (answer.status() != 200) {
                return sizes;
            }
            Element root = Xml.parse(answer.body().readAllBytes());
            for (Element part : Xml.children(root, "Part")) {
                Optional<String> number = Xml.childText(part, "PartNumber");
                Optional<String> size = Xml.childText(part, "Size");
                if (number.isPresent() && size.isPresent()) {
                    sizes.put(Integer.parseInt(number.get().trim()), Long.parseLong(size.get().trim()));
                }
            }
        }
        return sizes;
    }

    /** Records the layout of an object a CompleteMultipartUpload (its checked document) has just written. */
    void completed(String bucket, String key, String uploadId, byte[] completeDocument, Map<Integer, Long> sizes)
            throws IOException
    {
        List<MultipartLayout.Part> parts = new ArrayList<>();
        for (Element part : Xml.children(Xml.parse(completeDocument), "Part")) {
            int number = Integer.parseInt(Xml.childText(part, "PartNumber").orElseThrow().trim());
            Long size = sizes.get(number);
            if (size == null) {
                return;
            }
            String checksumHeader = "";
            String checksum = "";
            for (S3Checksum algorithm : S3Checksum.values()) {
                Optional<String> value = algorithm == S3Checksum.MD5 ? Optional.empty() : Xml.childText(part, "Checksum" + algorithm.displayName());
                if (value.isPresent()) {
                    checksumHeader = algorithm.headerName();
                    checksum = value.get().trim();
                }
            }
            parts.add(new MultipartLayout.Part(number, size, checksumHeader, checksum));
        }
        Optional<ObjectStore.ObjectInfo> written = objects.head(bucket, key);
        if (written.isPresent()) {
            layouts.put(bucket + "/" + key, new MultipartLayout(unquoted(written.get().eTag()), parts, uploadId));
        }
    }

    /**
     * The byte range of one part of an object, how many parts it has, and the part's additional checksum
     * ({@code checksumHeader} and {@code checksum} empty for a part without one).
     */
    record PartRange(long first, long last, long objectSize, int partsCount, String checksumHeader, String checksum)
    {
        long length()
        {
            return last - first + 1;
        }
    }

    /**
     * Which bytes {@code partNumber} reads: a range of a multipart object, or empty for the whole of an object
     * uploaded in one piece (its only part, 1), or empty when there is no such object (the request answers that).
     *
     * @throws ServiceException 416 {@code InvalidPartNumber} for a part the object does not have; 501
     *         {@code NotImplemented} for a multipart object whose parts lakestack did not record
     */
    Optional<PartRange> partRange(String bucket, String key, int partNumber)
            throws IOException
    {
        Optional<ObjectStore.ObjectInfo> object = objects.head(bucket, key);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        String eTag = unquoted(object.get().eTag());
        Optional<MultipartLayout> layout = layouts.get(bucket + "/" + key).filter(recorded -> recorded.eTag().equals(eTag));
        if (layout.isEmpty()) {
            if (eTag.contains("-")) {
                throw new ServiceException(io.lakestack.spi.ErrorKind.USER, "NotImplemented", 501, "lakestack did not record the parts of s3://" + bucket
                        + "/" + key + " (its multipart upload was not completed through this endpoint's current version); read it with a Range instead");
            }
            if (partNumber != 1) {
                throw invalidPartNumber(bucket, key, partNumber, 1);
            }
            return Optional.empty();
        }
        long offset = 0;
        for (MultipartLayout.Part part : layout.get().parts()) {
            if (part.number() == partNumber) {
                return Optional.of(new PartRange(offset, offset + part.size() - 1, object.get().size(), layout.get().parts().size(), part.checksumHeader(),
                        part.checksum()));
            }
            offset += part.size();
        }
        throw invalidPartNumber(bucket, key, partNumber, layout.get().parts().size());
    }

    void forget(String bucket, String key)
    {
        if (layouts.get(bucket + "/" + key).isPresent()) {
            layouts.delete(bucket + "/" + key);
        }
    }

    void forgetBucket(String bucket)
    {
        for (String key : layouts.all().subMap(bucket + "/", bucket + "0").keySet()) {
            layouts.delete(key);
        }
    }

    private static ServiceException invalidPartNumber(String bucket, String key, int partNumber, int partsCount)
    {
        return ServiceException.user("InvalidPartNumber", 416, "The requested partnumber is not satisfiable: s3://" + bucket + "/" + key + " has "
                + partsCount + (partsCount == 1 ? " part" : " parts") + ", not a part " + partNumber);
    }

    private S3Upstream.Response get(String path, String query)
            throws IOException
    {
        return upstream.exchange(new S3Upstream.Request("GET", path, query, Map.of(), new S3Upstream.Body.None()));
    }

    static String unquoted(String eTag)
    {
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
