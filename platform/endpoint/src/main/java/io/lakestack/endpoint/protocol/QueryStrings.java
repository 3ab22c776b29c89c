package io.lakestack.endpoint.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

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
        return parse(rawQuery, plusIsSpace, (text, what) -> decode(text));
    }

    /**
     * Parses a form or query string as a Query protocol request must be: every {@code %} begins a {@code %XX} sequence
     * and the bytes decode as UTF-8.
     *
     * @throws IllegalArgumentException naming the first parameter that is not so
     */
    public static List<Map.Entry<String, String>> parseStrict(String rawQuery, boolean plusIsSpace)
    {
        return parse(rawQuery, plusIsSpace, QueryStrings::decodeStrict);
    }

    /** @param decode decodes a name or value, given what it is ("a parameter name", "the value of X") for its errors */
    private static List<Map.Entry<String, String>> parse(String rawQuery, boolean plusIsSpace, BiFunction<String, String, String> decode)
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
            if (plusIsSpace) {
                name = name.replace('+', ' ');
                value = value.replace('+', ' ');
            }
            String decodedName = decode.apply(name, "a parameter name");
            parameters.add(Map.entry(decodedName, decode.apply(value, "the value of " + decodedName)));
        }
        return List.copyOf(parameters);
    }

    private static String decodeStrict(String encoded, String what)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        int plain = 0;
        for (int i = 0; i < encoded.length(); i++) {
            if (encoded.charAt(i) == '%') {
                if (i + 2 >= encoded.length() || !isHex(encoded.charAt(i + 1)) || !isHex(encoded.charAt(i + 2))) {
                    throw new IllegalArgumentException(what + " has a % that does not begin a %XX sequence");
                }
                out.writeBytes(encoded.substring(plain, i).getBytes(StandardCharsets.UTF_8));
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
                plain = i + 1;
            }
        }
        out.writeBytes(encoded.substring(plain).getBytes(StandardCharsets.UTF_8));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        }
        catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8 once percent-decoded");
        }
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
