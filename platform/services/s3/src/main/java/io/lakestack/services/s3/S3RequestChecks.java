package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ServiceException;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What S3 refuses before it looks at its objects, checked before a request is forwarded to the S3 server, which
 * takes some of it (bucket names S3 refuses, unknown canned ACLs, part numbers beyond 10,000) or fails on it with a 500:
 * bucket names, enumerated headers, part numbers, page sizes, and the XML documents of CreateBucket, DeleteObjects
 * and CompleteMultipartUpload.
 */
final class S3RequestChecks
{
    /** The largest XML document read to check it: a DeleteObjects of 1,000 keys of 1,024 bytes each fits. */
    static final int MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
    private static final Pattern BUCKET_CHARACTERS = Pattern.compile("[a-z0-9.-]{3,63}");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final List<String> BUCKET_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> BUCKET_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");
    private static final Pattern REGION = Pattern.compile("EU|(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|northeast"
            + "|northwest|southeast|southwest)-\\d{1,2}");
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d{1,10}");
    private static final Set<String> ACLS = Set.of("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
            "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write");
    private static final Set<String> ENCRYPTIONS = Set.of("AES256", "aws:kms", "aws:kms:dsse");
    private static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
            "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE");
    private static final Set<String> DIRECTIVES = Set.of("COPY", "REPLACE");
    private static final Set<String> PAYLOAD_HASHES = Set.of("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private S3RequestChecks() {}

    /**
     * Checks a request before it is forwarded.
     *
     * @return the body, when checking it meant reading it (the XML documents); empty when the body is still to be read
     * @throws ServiceException S3's error for what is wrong
     */
    static Optional<byte[]> check(AwsRequest request, S3Service.Target target)
    {
        String method = request.method();
        if (!percentDecodesToUtf8(request.rawPath())) {
            throw ServiceException.user("InvalidURI", "Couldn't parse the specified URI: its path percent-decodes to bytes that are not UTF-8; "
                    + "bucket names and keys are UTF-8, each byte outside the unreserved characters percent-encoded");
        }
        Optional<String> payloadHash = request.header("x-amz-content-sha256");
        if (payloadHash.isPresent() && !PAYLOAD_HASHES.contains(payloadHash.get()) && !SHA256.matcher(payloadHash.get()).matches()) {
            throw invalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                    + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                    + "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value, not '" + abbreviate(payloadHash.get()) + "'");
        }
        boolean bucketOnly = target.bucket().isPresent() && target.rawKey().isEmpty();
        boolean object = target.bucket().isPresent() && target.rawKey().isPresent();
        if (method.equals("PUT") || method.equals("POST")) {
            checkHeaders(request);
        }
        if ((method.equals("GET") || method.equals("HEAD") || method.equals("PUT")) && object && request.hasQueryParameter("partNumber")) {
            checkPartNumber(request.queryParameter("partNumber").orElse(""));
        }
        if (method.equals("GET") && target.bucket().isPresent()) {
            for (String pageSize : List.of("max-keys", "max-uploads", "max-parts")) {
                Optional<String> value = request.queryParameter(pageSize);
                if (value.isPresent() && !(PAGE_SIZE.matcher(value.get()).matches() && Long.parseLong(value.get()) <= Integer.MAX_VALUE)) {
                    throw invalidArgument("Provided " + pageSize + " not an integer or within integer range: '" + value.get()
                            + "'; give a whole number from 0 to 2147483647");
                }
            }
            Optional<String> encoding = request.queryParameter("encoding-type");
            if (encoding.isPresent() && !encoding.get().equals("url")) {
                throw invalidArgument("Invalid Encoding Method specified in Request: '" + encoding.get() + "'; the only encoding-type is url");
            }
        }
        if (request.header("content-encoding").orElse("").toLowerCase(Locale.ROOT).contains("aws-chunked")) {
            // a document in aws-chunked framing is left to the S3 server
            if (method.equals("PUT") && bucketOnly && request.queryParameters().isEmpty()) {
                checkBucketName(target.bucket().get());
            }
            return Optional.empty();
        }
        if (method.equals("PUT") && bucketOnly && request.queryParameters().isEmpty()) {
            checkBucketName(target.bucket().get());
            return Optional.of(checkCreateBucketConfiguration(read(request)));
        }
        if (method.equals("POST") && bucketOnly && request.hasQueryParameter("delete")) {
            return Optional.of(checkDelete(read(request)));
        }
        if (method.equals("POST") && object && request.hasQueryParameter("uploadId")) {
            return Optional.of(checkCompleteMultipartUpload(read(request)));
        }
        if (method.equals("PUT") && target.bucket().isPresent() && request.hasQueryParameter("tagging")) {
            return Optional.of(checkTagging(read(request), object ? 10 : 50));
        }
        return Optional.empty();
    }

    /** Whether the percent-encoded path stands for UTF-8 text, as S3 requires of bucket names and keys. */
    static boolean percentDecodesToUtf8(String rawPath)
    {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length() && Character.digit(rawPath.charAt(i + 1), 16) >= 0 && Character.digit(rawPath.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(rawPath.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else if (c < 0x80) {
                bytes.write(c);
            }
            else {
                // a raw non-ASCII character in the request line is read as text already
                return true;
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        }
        catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** S3's rules for a general purpose bucket's name. */
    static void checkBucketName(String name)
    {
        String problem = null;
        if (!BUCKET_CHARACTERS.matcher(name).matches()) {
            problem = "a bucket name has 3 to 63 characters, each a lowercase letter, a digit, a dot or a hyphen";
        }
        else if (name.contains("..")) {
            problem = "a bucket name must not hold two adjacent dots";
        }
        else if (IP_ADDRESS.matcher(name).matches()) {
            problem = "a bucket name must not be an IP address";
        }
        else if (BUCKET_PREFIXES.stream().anyMatch(name::startsWith)) {
            problem = "a bucket name must not start with any of " + BUCKET_PREFIXES;
        }
        else if (BUCKET_SUFFIXES.stream().anyMatch(name::endsWith)) {
            problem = "a bucket name must not end with any of " + BUCKET_SUFFIXES;
        }
        else {
            for (String label : name.split("\\.", -1)) {
                if (label.isEmpty() || !Character.isLetterOrDigit(label.charAt(0)) || !Character.isLetterOrDigit(label.charAt(label.length() - 1))) {
                    problem = "a bucket name, and each part of it between dots, must start and end with a letter or a digit";
                    break;
                }
            }
        }
        if (problem != null) {
            throw ServiceException.user("InvalidBucketName", "The specified bucket is not valid: " + problem + " (" + abbreviate(name) + ")");
        }
    }

    private static void checkHeaders(AwsRequest request)
    {
        checkEnum(request, "x-amz-acl", ACLS, "InvalidArgument");
        checkEnum(request, "x-amz-server-side-encryption", ENCRYPTIONS, "InvalidArgument");
        checkEnum(request, "x-amz-storage-class", STORAGE_CLASSES, "InvalidStorageClass");
        checkEnum(request, "x-amz-metadata-directive", DIRECTIVES, "InvalidArgument");
        checkEnum(request, "x-amz-tagging-directive", DIRECTIVES, "InvalidArgument");
    }

    private static void checkEnum(AwsRequest request, String header, Set<String> values, String errorCode)
    {
        Optional<String> value = request.header(header);
        if (value.isPresent() && !values.contains(value.get())) {
            throw ServiceException.user(errorCode, "Invalid " + header + " header: '" + abbreviate(value.get()) + "'; it must be one of "
                    + values.stream().sorted().toList());
        }
    }

    private static void checkPartNumber(String value)
    {
        if (!PAGE_SIZE.matcher(value).matches() || Long.parseLong(value) < 1 || Long.parseLong(value) > 10_000) {
            throw invalidArgument("Part number must be an integer between 1 and 10000, inclusive; got '" + abbreviate(value) + "'");
        }
    }

    private static byte[] read(AwsRequest request)
    {
        if (request.declaredLength().orElse(0) > MAX_DOCUMENT_BYTES) {
            throw tooLarge();
        }
        byte[] body;
        try {
            body = request.bodyStream().readNBytes(MAX_DOCUMENT_BYTES + 1);
        }
        catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
        if (body.length > MAX_DOCUMENT_BYTES) {
            throw tooLarge();
        }
        return body;
    }

    private static byte[] checkCreateBucketConfiguration(byte[] body)
    {
        if (body.length == 0) {
            return body;
        }
        Element root = Xml.parse(body);
        requireRoot(root, "CreateBucketConfiguration");
        Optional<String> location = Xml.childText(root, "LocationConstraint");
        if (location.isPresent() && !location.get().isEmpty() && !REGION.matcher(location.get()).matches()) {
            throw ServiceException.user("InvalidLocationConstraint", "The specified location-constraint is not valid: '" + abbreviate(location.get())
                    + "'; give a region such as us-east-1, or no CreateBucketConfiguration");
        }
        return body;
    }

    private static byte[] checkDelete(byte[] body)
    {
        if (body.length == 0) {
            throw ServiceException.user("MissingRequestBodyError", "Request Body is empty: DeleteObjects takes a <Delete> document naming the keys");
        }
        Element root = Xml.parse(body);
        requireRoot(root, "Delete");
        Optional<String> quiet = Xml.childText(root, "Quiet");
        if (quiet.isPresent() && !Set.of("true", "false").contains(quiet.get().trim().toLowerCase(Locale.ROOT))) {
            throw malformed("Quiet must be true or false, not '" + abbreviate(quiet.get()) + "'");
        }
        List<Element> objects = Xml.children(root, "Object");
        if (objects.isEmpty() || objects.size() > 1000) {
            throw malformed("a <Delete> document names 1 to 1000 objects, not " + objects.size());
        }
        for (Element object : objects) {
            if (S3Xml.rawChildText(object, "Key").filter(key -> !key.isEmpty()).isEmpty()) {
                throw malformed("each <Object> of a <Delete> document has a <Key>");
            }
        }
        return body;
    }

    private static byte[] checkCompleteMultipartUpload(byte[] body)
    {
        if (body.length == 0) {
            throw malformed("CompleteMultipartUpload takes a <CompleteMultipartUpload> document listing the parts");
        }
        Element root = Xml.parse(body);
        requireRoot(root, "CompleteMultipartUpload");
        List<Element> parts = Xml.children(root, "Part");
        if (parts.isEmpty()) {
            throw malformed("a <CompleteMultipartUpload> document lists at least one <Part>");
        }
        long previous = 0;
        for (Element part : parts) {
            String number = Xml.childText(part, "PartNumber").orElse("").trim();
            if (!PAGE_SIZE.matcher(number).matches() || Long.parseLong(number) < 1 || Long.parseLong(number) > 10_000) {
                throw malformed("each <Part> has a <PartNumber> from 1 to 10000, not '" + abbreviate(number) + "'");
            }
            if (Xml.childText(part, "ETag").filter(eTag -> !eTag.isBlank()).isEmpty()) {
                throw malformed("each <Part> has the <ETag> UploadPart returned for it");
            }
            if (Long.parseLong(number) <= previous) {
                throw ServiceException.user("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in "
                        + "order by part number, each part once (part " + number + " follows part " + previous + ").");
            }
            previous = Long.parseLong(number);
        }
        return body;
    }

    /** A {@code <Tagging>} document: a {@code <TagSet>} of at most {@code maxTags} tags, keys of 1 to 128 characters, values of at most 256. */
    static byte[] checkTagging(byte[] body, int maxTags)
    {
        if (body.length == 0) {
            throw ServiceException.user("MissingRequestBodyError", "Request Body is empty: a <Tagging> document with a <TagSet> is required");
        }
        Element root = Xml.parse(body);
        requireRoot(root, "Tagging");
        List<Element> tagSets = Xml.children(root, "TagSet");
        if (tagSets.size() != 1) {
            throw malformed("a <Tagging> document has one <TagSet>, not " + tagSets.size());
        }
        List<Element> tags = Xml.children(tagSets.get(0), "Tag");
        if (tags.size() > maxTags) {
            throw ServiceException.user("InvalidTag", "Object tags cannot be greater than " + maxTags + " (" + tags.size() + " given)");
        }
        Set<String> keys = new java.util.HashSet<>();
        for (Element tag : tags) {
            Optional<String> key = Xml.childText(tag, "Key");
            Optional<String> value = Xml.childText(tag, "Value");
            if (key.isEmpty() || value.isEmpty()) {
                throw malformed("each <Tag> has a <Key> and a <Value>");
            }
            if (key.get().isEmpty() || key.get().length() > 128) {
                throw ServiceException.user("InvalidTag", "The TagKey you have provided is invalid: a key has 1 to 128 characters ("
                        + abbreviate(key.get()) + ")");
            }
            if (value.get().length() > 256) {
                throw ServiceException.user("InvalidTag", "The TagValue you have provided is invalid: a value has at most 256 characters");
            }
            if (!keys.add(key.get())) {
                throw ServiceException.user("InvalidTag", "Cannot provide multiple Tags with the same key (" + abbreviate(key.get()) + ")");
            }
        }
        return body;
    }

    private static void requireRoot(Element root, String name)
    {
        if (!Xml.localName(root).equals(name)) {
            throw malformed("the root element must be " + name + ", not " + abbreviate(Xml.localName(root)));
        }
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: "
                + detail);
    }

    private static ServiceException invalidArgument(String message)
    {
        return ServiceException.user("InvalidArgument", message);
    }

    private static ServiceException tooLarge()
    {
        return ServiceException.user("MaxMessageLengthExceeded", "Your request was too big: an XML document of S3 is at most "
                + MAX_DOCUMENT_BYTES + " bytes");
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }
}
