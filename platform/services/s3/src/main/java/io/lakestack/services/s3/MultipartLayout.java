package io.lakestack.services.s3;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The parts of an object a multipart upload completed through the endpoint, as S3 keeps them for
 * {@code GetObject}/{@code HeadObject} with {@code partNumber}: the S3 server does not. Kept by {@code bucket/key}
 * with the object's entity tag, so that an object replaced since (by any means) is not read by a stale layout.
 *
 * @param eTag the completed object's entity tag, without quotes
 * @param parts the parts in the order they make up the object
 * @param uploadId the upload that completed it, which S3 lets a client complete again (its answer repeated)
 */
public record MultipartLayout(String eTag, List<Part> parts, String uploadId)
{
    public MultipartLayout
    {
        requireNonNull(eTag, "eTag is null");
        parts = List.copyOf(parts);
        uploadId = uploadId == null ? "" : uploadId;
    }

    /**
     * A part: its number in the upload, its size in bytes, and the additional checksum its upload had.
     *
     * @param checksumHeader the checksum's header ({@code x-amz-checksum-sha256}); empty for a part without one
     * @param checksum the checksum's base64 value; empty for a part without one
     */
    public record Part(int number, long size, String checksumHeader, String checksum)
    {
        public Part
        {
            // layouts recorded before parts kept their checksums read as none
            checksumHeader = checksumHeader == null ? "" : checksumHeader;
            checksum = checksum == null ? "" : checksum;
        }
    }
}
