package io.lakestack.services.s3;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * User metadata ({@code x-amz-meta-*}) on its way to the S3 server and back. S3 keeps a value that is not US-ASCII
 * RFC 2047-encoded ({@code =?UTF-8?B?...?=}) and returns it so, which is also the only way such a value survives the
 * HTTP client to the S3 server. The S3 server drops a metadata entry whose value is empty, which S3 keeps: it is stored
 * as the encoded word of an empty text and given back empty.
 */
final class UserMetadata
{
    static final String EMPTY = "=?UTF-8?B??=";
    private static final String PREFIX = "x-amz-meta-";

    private UserMetadata() {}

    static Map<String, List<String>> forStore(Map<String, List<String>> headers)
    {
        if (headers.entrySet().stream().noneMatch(header -> isMetadata(header.getKey()) && header.getValue().stream().anyMatch(UserMetadata::needsEncoding))) {
            return headers;
        }
        Map<String, List<String>> encoded = new TreeMap<>(headers);
        encoded.replaceAll((name, values) -> isMetadata(name) ? values.stream().map(UserMetadata::encode).toList() : values);
        return encoded;
    }

    static String fromStore(String name, String value)
    {
        return isMetadata(name) && value.equals(EMPTY) ? "" : value;
    }

    private static boolean isMetadata(String name)
    {
        return name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    private static boolean needsEncoding(String value)
    {
        return value.isEmpty() || value.chars().anyMatch(c -> c >= 0x80);
    }

    private static String encode(String value)
    {
        if (value.isEmpty()) {
            return EMPTY;
        }
        if (!needsEncoding(value)) {
            return value;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
