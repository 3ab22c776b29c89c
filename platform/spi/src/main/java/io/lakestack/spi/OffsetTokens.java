package io.lakestack.spi;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code NextToken}s of list operations over a sorted listing: the token carries the offset of the next page,
 * opaque to the client, refused when it is not one lakestack issued.
 */
public final class OffsetTokens
{
    private static final String PREFIX = "offset:";

    private OffsetTokens() {}

    /**
     * @param errorCode the error a foreign token gets, e.g. {@code InvalidInputException}
     */
    public static int offset(Optional<String> token, String errorCode)
    {
        long position = position(token, errorCode);
        if (position > Integer.MAX_VALUE) {
            throw ServiceException.user(errorCode, "The next token '" + token.orElse("") + "' is not one lakestack issued");
        }
        return (int) position;
    }

    /** The position a token carries (an offset in a listing or a byte offset in a file); 0 without a token. */
    public static long position(Optional<String> token, String errorCode)
    {
        if (token.isEmpty() || token.get().isEmpty()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token.get()), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new IllegalArgumentException(decoded);
            }
            long position = Long.parseLong(decoded.substring(PREFIX.length()));
            if (position < 0) {
                throw new IllegalArgumentException(decoded);
            }
            return position;
        }
        catch (IllegalArgumentException e) {
            throw ServiceException.user(errorCode, "The next token '" + token.get() + "' is not one lakestack issued");
        }
    }

    /** The token of a position. */
    public static String token(long position)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The token of the page starting at {@code next}, empty when that is past the end. */
    public static Optional<String> next(int next, int total)
    {
        return next < total ? Optional.of(token(next)) : Optional.empty();
    }

    /** One page of a listing. */
    public record Slice<T>(List<T> items, Optional<String> nextToken)
    {
    }

    public static <T> Slice<T> slice(List<T> all, Optional<String> token, int maxResults, String errorCode)
    {
        int offset = Math.min(offset(token, errorCode), all.size());
        int end = (int) Math.min((long) offset + maxResults, all.size());
        return new Slice<>(List.copyOf(all.subList(offset, end)), next(end, all.size()));
    }
}
