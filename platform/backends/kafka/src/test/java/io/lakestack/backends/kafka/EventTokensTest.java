package io.lakestack.backends.kafka;

import io.lakestack.backends.kafka.EventTokens.Kind;
import io.lakestack.backends.kafka.EventTokens.Position;
import io.lakestack.backends.kafka.EventTokens.Token;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTokensTest
{
    private static final EventTokens TOKENS = new EventTokens("/aws/lambda/orders", 42L);

    @Test
    void streamTokensLookLikeCloudWatchsAndReadBack()
    {
        Position position = new Position(1_767_225_600_123L, 17);
        String forward = TOKENS.forward(position);
        String backward = TOKENS.backward(position);

        assertThat(forward).matches("f/\\d{56}/s");
        assertThat(backward).matches("b/\\d{56}/s");
        assertThat(TOKENS.stream(forward)).isEqualTo(new Token(Kind.FORWARD, position));
        assertThat(TOKENS.stream(backward)).isEqualTo(new Token(Kind.BACKWARD, position));
        // the same position gives the same token: a reader who loops until the token repeats stops
        assertThat(TOKENS.forward(new Position(1_767_225_600_123L, 17))).isEqualTo(forward);
    }

    @Test
    void theEndsOfTheOrderAreTokensToo()
    {
        assertThat(TOKENS.stream(TOKENS.forward(Position.FIRST))).isEqualTo(new Token(Kind.FORWARD, Position.FIRST));
        assertThat(TOKENS.stream(TOKENS.backward(Position.LAST))).isEqualTo(new Token(Kind.BACKWARD, Position.LAST));
        assertThat(TOKENS.filter(TOKENS.filter(Position.LAST))).isEqualTo(new Token(Kind.FILTER, Position.LAST));
    }

    @Test
    void filterTokensReadBack()
    {
        Position position = new Position(5, 6);
        String token = TOKENS.filter(position);

        assertThat(token).matches("[A-Za-z0-9_-]{31}");
        assertThat(TOKENS.filter(token)).isEqualTo(new Token(Kind.FILTER, position));
    }

    @Test
    void aChangedDigitIsRefused()
    {
        String forward = TOKENS.forward(new Position(1_000, 3));
        String digits = forward.substring(2, 58);
        // one more in the offset: a well-formed token for a position lakestack never issued
        String forged = "f/" + String.format("%056d", new BigInteger(digits).add(BigInteger.ONE.shiftLeft(48))) + "/s";

        assertInvalid(forged);
        assertInvalid("f/" + "9".repeat(56) + "/s");
        assertInvalid("f/" + "0".repeat(56) + "/s");
    }

    @Test
    void aTokenOfOneDirectionDoesNotReadAsTheOther()
    {
        String forward = TOKENS.forward(new Position(1_000, 3));

        assertInvalid("b/" + forward.substring(2));
        assertThatThrownBy(() -> TOKENS.filter(forward)).isInstanceOfSatisfying(ServiceException.class,
                e -> assertThat(e.errorCode()).isEqualTo("InvalidParameterException"));
    }

    @Test
    void anotherGroupsOrAnEarlierGroupsTokenIsRefused()
    {
        String token = TOKENS.forward(new Position(1_000, 3));

        assertThatThrownBy(() -> new EventTokens("/aws/lambda/other", 42L).stream(token)).isInstanceOf(ServiceException.class);
        assertThatThrownBy(() -> new EventTokens("/aws/lambda/orders", 43L).stream(token)).isInstanceOf(ServiceException.class);
    }

    @Test
    void malformedTokensAreRefusedNamingTheGroup()
    {
        for (String token : new String[] {"", "f/", "f/123/s", "x/" + "0".repeat(56) + "/s", "f/" + "0".repeat(56), "not a token"}) {
            assertInvalid(token);
        }
        assertThatThrownBy(() -> TOKENS.filter("***")).isInstanceOf(ServiceException.class);
        assertThatThrownBy(() -> TOKENS.filter(Base64.getUrlEncoder().encodeToString(new byte[22]))).isInstanceOf(ServiceException.class);
        assertThatThrownBy(() -> TOKENS.stream("f/123/s"))
                .hasMessage("The specified nextToken is not valid: 'f/123/s' is not a token lakestack issued for log group /aws/lambda/orders");
    }

    private static void assertInvalid(String token)
    {
        assertThatThrownBy(() -> TOKENS.stream(token)).isInstanceOfSatisfying(ServiceException.class,
                e -> assertThat(e.errorCode()).isEqualTo("InvalidParameterException"));
    }
}
