package io.lakestack.backends.kafka;

import io.lakestack.spi.ServiceException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The tokens of one log group's reads: a position in the group's order of events (timestamp, then Kafka offset) and
 * the direction to read on in, authenticated by a MAC keyed with the group's secret, which never leaves lakestack. A
 * token is accepted only by the group that issued it: an altered or made-up token, or one of a group since deleted and
 * created again under the same name, fails its MAC and is refused.
 *
 * <p>GetLogEvents' tokens look like CloudWatch's: {@code f/<56 digits>/s} and {@code b/<56 digits>/s} (the digits are
 * the 23 bytes version, timestamp, offset and a 48-bit MAC, as one number). FilterLogEvents' are URL-safe base64 of
 * the same bytes.
 */
final class EventTokens
{
    /** Where a read stands: after (forward) or before (backward) the event at this timestamp and offset. */
    record Position(long timestamp, long offset)
            implements Comparable<Position>
    {
        /** Before every event. */
        static final Position FIRST = new Position(Long.MIN_VALUE, -1);
        /** After every event. */
        static final Position LAST = new Position(Long.MAX_VALUE, Long.MAX_VALUE);

        @Override
        public int compareTo(Position other)
        {
            int byTime = Long.compare(timestamp, other.timestamp);
            return byTime != 0 ? byTime : Long.compare(offset, other.offset);
        }
    }

    enum Kind
    {
        FORWARD('f'), BACKWARD('b'), FILTER('x');

        private final char tag;

        Kind(char tag)
        {
            this.tag = tag;
        }
    }

    record Token(Kind kind, Position position)
    {
    }

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 6;
    private static final int TOKEN_BYTES = 1 + 8 + 8 + MAC_BYTES;
    private static final int DIGITS = 56;
    private static final Pattern STREAM_TOKEN = Pattern.compile("([fb])/(\\d{" + DIGITS + "})/s");

    private final String group;
    private final SecretKeySpec key;

    EventTokens(String group, long secret)
    {
        this.group = requireNonNull(group, "group is null");
        byte[] name = group.getBytes(StandardCharsets.UTF_8);
        this.key = new SecretKeySpec(ByteBuffer.allocate(8 + name.length).putLong(secret).put(name).array(), "HmacSHA256");
    }

    String forward(Position position)
    {
        return "f/" + digits(bytes(Kind.FORWARD, position)) + "/s";
    }

    String backward(Position position)
    {
        return "b/" + digits(bytes(Kind.BACKWARD, position)) + "/s";
    }

    String filter(Position position)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(Kind.FILTER, position));
    }

    /** A GetLogEvents token ({@code f/...} or {@code b/...}) this group issued. */
    Token stream(String token)
    {
        Matcher matcher = STREAM_TOKEN.matcher(token);
        if (!matcher.matches()) {
            throw invalid(token);
        }
        byte[] bytes = new BigInteger(matcher.group(2)).toByteArray();
        if (bytes.length > TOKEN_BYTES) {
            if (bytes.length != TOKEN_BYTES + 1 || bytes[0] != 0) {
                throw invalid(token);
            }
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        else if (bytes.length < TOKEN_BYTES) {
            byte[] padded = new byte[TOKEN_BYTES];
            System.arraycopy(bytes, 0, padded, TOKEN_BYTES - bytes.length, bytes.length);
            bytes = padded;
        }
        return verify(matcher.group(1).equals("f") ? Kind.FORWARD : Kind.BACKWARD, bytes, token);
    }

    /** A FilterLogEvents token this group issued. */
    Token filter(String token)
    {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        }
        catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        if (bytes.length != TOKEN_BYTES) {
            throw invalid(token);
        }
        return verify(Kind.FILTER, bytes, token);
    }

    private Token verify(Kind kind, byte[] bytes, String token)
    {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.get() != VERSION) {
            throw invalid(token);
        }
        Position position = new Position(buffer.getLong(), buffer.getLong());
        byte[] expected = bytes(kind, position);
        if (!java.security.MessageDigest.isEqual(expected, bytes)) {
            throw invalid(token);
        }
        return new Token(kind, position);
    }

    private byte[] bytes(Kind kind, Position position)
    {
        ByteBuffer buffer = ByteBuffer.allocate(TOKEN_BYTES).put(VERSION).putLong(position.timestamp()).putLong(position.offset());
        buffer.put(mac(kind, position), 0, MAC_BYTES);
        return buffer.array();
    }

    private byte[] mac(Kind kind, Position position)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(ByteBuffer.allocate(1 + 8 + 8).put((byte) kind.tag).putLong(position.timestamp()).putLong(position.offset()).array());
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String digits(byte[] bytes)
    {
        String digits = new BigInteger(1, bytes).toString();
        return "0".repeat(DIGITS - digits.length()) + digits;
    }

    private ServiceException invalid(String token)
    {
        return ServiceException.user("InvalidParameterException", "The specified nextToken is not valid: '" + abbreviate(token)
                + "' is not a token lakestack issued for log group " + group);
    }

    private static String abbreviate(String text)
    {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
