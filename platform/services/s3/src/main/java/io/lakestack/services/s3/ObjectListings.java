package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.S3Upstream;
import org.w3c.dom.Element;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * ListObjects (V1) and ListObjectsV2, paged by the endpoint: the S3 server truncates only the objects of a page and
 * returns every common prefix whatever {@code max-keys} says, and loses its continuation tokens when it restarts. The
 * endpoint asks it for the objects after the page's cursor (one more than the page holds, and all common prefixes
 * after the cursor), merges objects and common prefixes in key order as S3 does, counts both against
 * {@code max-keys}, and writes the page itself.
 *
 * <p>A continuation token is the cursor (the last key or common prefix of the page before) with an HMAC of it and the
 * bucket, so that a token lakestack did not issue for that bucket is refused ({@code InvalidArgument}) and a token
 * stays good across restarts and endpoints. The HMAC guards against forged or damaged tokens, not against readers:
 * the cursor is only base64-encoded, where S3's tokens are opaque.
 */
final class ObjectListings
{
    static final int MAX_PAGE = 1000;
    private static final Set<String> V1_PARAMETERS = Set.of("prefix", "delimiter", "marker", "max-keys", "encoding-type");
    private static final byte[] TOKEN_KEY = "lakestack ListObjectsV2 continuation token".getBytes(StandardCharsets.UTF_8);

    private ObjectListings() {}

    /** Whether a GET of a bucket (no key) is a listing of its objects: ListObjectsV2, or ListObjects with only its own parameters. */
    static boolean isListing(AwsRequest request)
    {
        if (request.queryParameter("list-type").filter("2"::equals).isPresent()) {
            return true;
        }
        return request.queryParameters().stream().allMatch(parameter -> V1_PARAMETERS.contains(parameter.getKey()));
    }

    static boolean isV2(AwsRequest request)
    {
        return request.queryParameter("list-type").filter("2"::equals).isPresent();
    }

    /** What to ask the S3 server for: one object more than the page holds, after the page's cursor, keys not encoded. */
    record UpstreamQuery(String rawQuery, Optional<String> cursor, int maxKeys)
    {
    }

    static UpstreamQuery upstreamQuery(AwsRequest request, String bucket)
    {
        boolean v2 = isV2(request);
        int maxKeys = request.queryParameter("max-keys").map(Long::parseLong).map(value -> (int) Math.min(value, MAX_PAGE)).orElse(MAX_PAGE);
        Optional<String> cursor;
        Optional<String> token = v2 ? request.queryParameter("continuation-token").filter(value -> !value.isEmpty()) : Optional.empty();
        if (token.isPresent()) {
            cursor = Optional.of(cursorOf(bucket, token.get()));
        }
        else {
            cursor = request.queryParameter(v2 ? "start-after" : "marker").filter(value -> !value.isEmpty());
        }
        StringBuilder query = new StringBuilder("list-type=2&max-keys=").append(maxKeys + 1);
        request.queryParameter("prefix").filter(value -> !value.isEmpty())
                .ifPresent(prefix -> query.append("&prefix=").append(QueryStrings.encode(prefix, false)));
        request.queryParameter("delimiter").filter(value -> !value.isEmpty())
                .ifPresent(delimiter -> query.append("&delimiter=").append(QueryStrings.encode(delimiter, false)));
        cursor.ifPresent(after -> query.append("&start-after=").append(QueryStrings.encode(after, false)));
        if (!v2 || request.queryParameter("fetch-owner").filter("true"::equalsIgnoreCase).isPresent()) {
            query.append("&fetch-owner=true");
        }
        return new UpstreamQuery(query.toString(), cursor, maxKeys);
    }

    /** One entry of a page: an object (its {@code <Contents>} element) or a common prefix. */
    private record Entry(String key, Optional<Element> contents)
    {
    }

    /** The page the client asked for, from the S3 server's ListObjectsV2 answer to {@link #upstreamQuery}. */
    static byte[] page(AwsRequest request, String bucket, UpstreamQuery query, byte[] upstreamDocument)
    {
        requireNonNull(upstreamDocument, "upstreamDocument is null");
        Element root = Xml.parse(upstreamDocument);
        List<Entry> entries = new ArrayList<>();
        for (Element contents : Xml.children(root, "Contents")) {
            String key = S3Xml.rawChildText(contents, "Key").orElse("");
            if (query.cursor().isEmpty() || compareUtf8(key, query.cursor().get()) > 0) {
                entries.add(new Entry(key, Optional.of(contents)));
            }
        }
        for (Element prefixes : Xml.children(root, "CommonPrefixes")) {
            String prefix = S3Xml.rawChildText(prefixes, "Prefix").orElse("");
            // the S3 server gives a prefix again when the cursor is that prefix and keys under it follow
            if (query.cursor().isEmpty() || compareUtf8(prefix, query.cursor().get()) > 0) {
                entries.add(new Entry(prefix, Optional.empty()));
            }
        }
        entries.sort((left, right) -> compareUtf8(left.key(), right.key()));
        boolean truncated = query.maxKeys() > 0 && entries.size() > query.maxKeys();
        List<Entry> page = entries.size() > query.maxKeys() ? entries.subList(0, query.maxKeys()) : entries;

        boolean v2 = isV2(request);
        boolean urlEncoded = request.queryParameter("encoding-type").filter("url"::equals).isPresent();
        Optional<String> delimiter = request.queryParameter("delimiter").filter(value -> !value.isEmpty());
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        element(xml, "Name", bucket);
        // ListObjectsV2 encodes its Prefix; ListObjects echoes it as given (its clients decode Delimiter, Marker and NextMarker only)
        element(xml, "Prefix", v2 ? encoded(request.queryParameter("prefix").orElse(""), urlEncoded) : request.queryParameter("prefix").orElse(""));
        if (v2) {
            request.queryParameter("continuation-token").ifPresent(token -> element(xml, "ContinuationToken", token));
            request.queryParameter("start-after").ifPresent(after -> element(xml, "StartAfter", encoded(after, urlEncoded)));
            element(xml, "KeyCount", Integer.toString(page.size()));
        }
        else {
            element(xml, "Marker", encoded(request.queryParameter("marker").orElse(""), urlEncoded));
        }
        element(xml, "MaxKeys", request.queryParameter("max-keys").orElse(Integer.toString(MAX_PAGE)));
        delimiter.ifPresent(value -> element(xml, "Delimiter", encoded(value, urlEncoded)));
        if (urlEncoded) {
            element(xml, "EncodingType", "url");
        }
        element(xml, "IsTruncated", Boolean.toString(truncated));
        if (truncated) {
            String last = page.get(page.size() - 1).key();
            if (v2) {
                element(xml, "NextContinuationToken", tokenOf(bucket, last));
            }
            else if (delimiter.isPresent()) {
                // S3 gives NextMarker only to listings with a delimiter; without one, the next marker is the last key
                element(xml, "NextMarker", encoded(last, urlEncoded));
            }
        }
        for (Entry entry : page) {
            if (entry.contents().isPresent()) {
                xml.append("<Contents>");
                for (Element field : Xml.children(entry.contents().get())) {
                    String name = Xml.localName(field);
                    if (name.equals("Key")) {
                        element(xml, "Key", encoded(entry.key(), urlEncoded));
                    }
                    else if (!Xml.children(field).isEmpty()) {
                        xml.append('<').append(name).append('>');
                        for (Element inner : Xml.children(field)) {
                            element(xml, Xml.localName(inner), inner.getTextContent());
                        }
                        xml.append("</").append(name).append('>');
                    }
                    else {
                        element(xml, name, field.getTextContent());
                    }
                }
                xml.append("</Contents>");
            }
        }
        for (Entry entry : page) {
            if (entry.contents().isEmpty()) {
                xml.append("<CommonPrefixes>");
                element(xml, "Prefix", encoded(entry.key(), urlEncoded));
                xml.append("</CommonPrefixes>");
            }
        }
        xml.append("</ListBucketResult>");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** S3 lists keys in the order of their UTF-8 bytes, which differs from Java's order of UTF-16 units beyond U+FFFF. */
    private static int compareUtf8(String left, String right)
    {
        return java.util.Arrays.compareUnsigned(left.getBytes(StandardCharsets.UTF_8), right.getBytes(StandardCharsets.UTF_8));
    }

    static String tokenOf(String bucket, String cursor)
    {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(cursor.getBytes(StandardCharsets.UTF_8)) + "." + base64.encodeToString(mac(bucket, cursor));
    }

    /** The cursor a token stands for, or {@code InvalidArgument} when lakestack did not issue it for this bucket. */
    static String cursorOf(String bucket, String token)
    {
        int dot = token.indexOf('.');
        if (dot > 0) {
            try {
                Base64.Decoder base64 = Base64.getUrlDecoder();
                String cursor = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(base64.decode(token.substring(0, dot)))).toString();
                if (MessageDigest.isEqual(base64.decode(token.substring(dot + 1)), mac(bucket, cursor))) {
                    return cursor;
                }
            }
            catch (IllegalArgumentException | java.nio.charset.CharacterCodingException notOurs) {
                // refused below
            }
        }
        throw ServiceException.user("InvalidArgument", "The continuation token provided is incorrect: give the NextContinuationToken of a "
                + "ListObjectsV2 of bucket " + bucket + ", or none to list from the start");
    }

    private static byte[] mac(String bucket, String cursor)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(TOKEN_KEY, "HmacSHA256"));
            mac.update(bucket.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            byte[] full = mac.doFinal(cursor.getBytes(StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(full, 16);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String encoded(String value, boolean urlEncoded)
    {
        return urlEncoded ? QueryStrings.encode(value, true) : value;
    }

    private static void element(StringBuilder xml, String name, String text)
    {
        xml.append('<').append(name).append('>').append(Xml.escape(text)).append("</").append(name).append('>');
    }
}
