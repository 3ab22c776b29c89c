package io.lakestack.backends.hive;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** A string map as one string, {@code key=value&key=value} with both sides URL-encoded, for a metastore parameter. */
final class QueryStringMaps
{
    private QueryStringMaps() {}

    static String encode(Map<String, String> map)
    {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : new TreeMap<>(map).entrySet()) {
            if (!text.isEmpty()) {
                text.append('&');
            }
            text.append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    static Map<String, String> decode(String text)
    {
        Map<String, String> map = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return map;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            map.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return map;
    }
}
