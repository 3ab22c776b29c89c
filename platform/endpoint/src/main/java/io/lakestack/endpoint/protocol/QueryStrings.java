package io.lakestack.endpoint.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Percent-encoding as AWS uses it: RFC 3986 unreserved characters stay, everything else is {@code %XX} (upper-case),
 * and {@code +} is a literal plus, never a space.
 */
public final class QueryStrings
{
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private QueryStrings() {}

    public static List<Map.Entry<String, String>> parse(String rawQuery)
    {
        return parse(rawQuery, false);
    }

    /**
     * @param plusIsSpace whether {@code +} means a space, as in an HTML form ({@code application/x-www-form-urlencoded}
     *         bodies); in a URL's query AWS takes it for a literal plus
     */
    public static List<Map.Entry<String, String>> parse(String rawQuery, boolean plusIsSpace)
    {
        List<Map.Entry<String, String>> parameters = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.copyOf(parameters);
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.add(plusIsSpace
                    ? Map.entry(decode(name.replace('+', ' ')), decode(value.replace('+', ' ')))
                    : Map.entry(decode(name), decode(value)));
        }
        return List.copyOf(parameters);
    }

    /** Decodes {@code %XX} sequences; a malformed sequence is kept as it is. */
    public static String decode(String encoded)
    {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length() && isHex(encoded.charAt(i + 1)) && isHex(encoded.charAt(i + 2))) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
                    bytes = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(bytes);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Encodes for SigV4: unreserved characters stay; {@code /} stays too when {@code keepSlash}. */
    public static String encode(String value, boolean keepSlash)
    {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
                out.append(c);
            }
            else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
