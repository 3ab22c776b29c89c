package io.lakestack.services.logs;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterPatternTest
{
    private static final List<String> LINES = List.of(
            "ERROR WARN message",
            "ERROR message",
            "WARN message",
            "[ERROR] Caught IllegalArgumentException",
            "Exiting with ERRORCODE: -1",
            "Connection refused by 192.168.0.1",
            "error in lower case");

    /** The lines of {@link #LINES} the pattern matches, in order. */
    private static List<String> matching(String pattern)
    {
        FilterPattern filter = FilterPattern.parse(pattern);
        return LINES.stream().filter(filter).toList();
    }

    @Test
    void anEmptyPatternMatchesEverything()
    {
        assertThat(matching("")).isEqualTo(LINES);
        assertThat(matching("   ")).isEqualTo(LINES);
    }

    @Test
    void termsMustAllAppearCaseSensitively()
    {
        assertThat(matching("ERROR")).containsExactly("ERROR WARN message", "ERROR message", "[ERROR] Caught IllegalArgumentException",
                "Exiting with ERRORCODE: -1");
        assertThat(matching("ERROR WARN")).containsExactly("ERROR WARN message");
        assertThat(matching("ERROR Exception")).containsExactly("[ERROR] Caught IllegalArgumentException");
        assertThat(matching("error")).containsExactly("error in lower case");
    }

    @Test
    void quotedPhrasesMatchAsAWhole()
    {
        assertThat(matching("\"Connection refused\"")).containsExactly("Connection refused by 192.168.0.1");
        assertThat(matching("\"192.168.0.1\"")).containsExactly("Connection refused by 192.168.0.1");
        assertThat(matching("\"refused Connection\"")).isEmpty();
        assertThat(FilterPattern.parse("\"say \\\"hi\\\" \\\\o/\"").test("they say \"hi\" \\o/ twice")).isTrue();
    }

    @Test
    void aMinusExcludesATerm()
    {
        assertThat(matching("ERROR -WARN")).containsExactly("ERROR message", "[ERROR] Caught IllegalArgumentException", "Exiting with ERRORCODE: -1");
        assertThat(matching("\"ERROR\" - \"Exiting\"")).containsExactly("ERROR WARN message", "ERROR message", "[ERROR] Caught IllegalArgumentException");
        assertThat(matching("-ERROR")).containsExactly("WARN message", "Connection refused by 192.168.0.1", "error in lower case");
    }

    @Test
    void questionMarksAreAlternatives()
    {
        assertThat(matching("?ERROR ?WARN")).containsExactly("ERROR WARN message", "ERROR message", "WARN message",
                "[ERROR] Caught IllegalArgumentException", "Exiting with ERRORCODE: -1");
        assertThat(matching("?Connection ?lower")).containsExactly("Connection refused by 192.168.0.1", "error in lower case");
    }

    @Test
    void eachQuestionMarkStartsAGroupOfTermsAsTheCdkWritesThem()
    {
        // (ERROR and Caught) or (WARN and not ERROR)
        assertThat(matching("?ERROR Caught ?WARN -ERROR")).containsExactly("WARN message", "[ERROR] Caught IllegalArgumentException");
    }

    @Test
    void unquotedTermsOfOtherCharactersAreRefused()
    {
        assertInvalid("192.168.0.1", "Invalid filter pattern '192.168.0.1': Invalid character(s) in term '192.168.0.1': a term of other characters "
                + "than letters, digits and _ must be quoted (\"192.168.0.1\")");
        assertInvalid("\"open", "Invalid filter pattern '\"open': a quoted term is not closed");
        assertInvalid("ERROR -", "Invalid filter pattern 'ERROR -': '-' must be followed by a term");
    }

    @Test
    void whatLakestackDoesNotImplementIsRefusedByName()
    {
        assertInvalid("[ip, user, status_code = 404]", "lakestack does not support space-delimited filter patterns ([field, field, ...]) in filter "
                + "pattern '[ip, user, status_code = 404]'; it supports terms, quoted phrases, -exclusions, ?alternatives and JSON patterns "
                + "{ $.field = value }");
        assertThatThrownBy(() -> FilterPattern.parse("%ERR(OR)?%")).hasMessageStartingWith("lakestack does not support regular expressions in filter "
                + "patterns (%...%)");
        assertThatThrownBy(() -> FilterPattern.parse("ERROR ?WARN")).hasMessageStartingWith("lakestack does not support terms before the first "
                + "?-term ('ERROR')");
        assertThatThrownBy(() -> FilterPattern.parse("{ $.users[*].id = 1 }")).hasMessageStartingWith("lakestack does not support wildcards in "
                + "selectors");
        assertThatThrownBy(() -> FilterPattern.parse("{ $.*.id = 1 }")).hasMessageStartingWith("lakestack does not support wildcards in selectors");
    }

    private static final String EVENT = """
            {"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
             "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "ThisFlag": true, "latency": 512.5,
             "user": {"id": 1, "email": "John.Stiles@example.com"}, "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6]]}
            """;

    private static boolean json(String pattern)
    {
        return FilterPattern.parse(pattern).test(EVENT);
    }

    @Test
    void jsonPatternsCompareStringsAsCloudWatchsExamplesDo()
    {
        assertThat(json("{ $.eventType = \"UpdateTrail\" }")).isTrue();
        assertThat(json("{ $.eventType = UpdateTrail }")).isTrue();
        assertThat(json("{ $.eventType = \"updatetrail\" }")).isFalse();
        assertThat(json("{ $.eventType != \"UpdateTrail\" }")).isFalse();
        assertThat(json("{ $.sourceIPAddress != 123.123.* }")).isTrue();
        assertThat(json("{ $.sourceIPAddress = 111.111.* }")).isTrue();
        assertThat(json("{ $.eventType = \"Update*\" }")).isTrue();
        assertThat(json("{ $.eventType = \"*Trail\" }")).isTrue();
        assertThat(json("{ $.eventType = \"*date*\" }")).isTrue();
        assertThat(json("{ $.eventType = \"Up*Trail\" }")).isFalse();
        assertThat(json("{ $.arrayKey[0] = \"value\" }")).isTrue();
        assertThat(json("{ $.arrayKey[1] = \"value\" }")).isFalse();
        assertThat(json("{ $.objectList[1].id = 2 }")).isTrue();
        assertThat(json("{ $.objectList[1].name = b }")).isTrue();
        assertThat(json("{ $.coordinates[1][2] = 6 }")).isTrue();
    }

    @Test
    void jsonPatternsCompareNumbersAsNumbers()
    {
        assertThat(json("{ $.latency > 500 }")).isTrue();
        assertThat(json("{ $.latency >= 512.5 }")).isTrue();
        assertThat(json("{ $.latency < 5.125e2 }")).isFalse();
        assertThat(json("{ $.latency <= +512.50 }")).isTrue();
        assertThat(json("{ $.latency = 512.5 }")).isTrue();
        assertThat(json("{ $.latency != 512.5 }")).isFalse();
        assertThat(json("{ $.user.id = 1.0 }")).isTrue();
        // a number is compared with number fields only
        assertThat(json("{ $.eventType != 1 }")).isFalse();
        assertInvalid("{ $.eventType > abc }", "Invalid filter pattern '{ $.eventType > abc }': '>' compares numbers; 'abc' is not a number");
    }

    @Test
    void selectorsOfObjectsArraysOrNothingSatisfyNoComparison()
    {
        assertThat(json("{ $.actions = 1 }")).isFalse();
        assertThat(json("{ $.actions != 1 }")).isFalse();
        assertThat(json("{ $.user != \"x\" }")).isFalse();
        assertThat(json("{ $.missing != \"x\" }")).isFalse();
        assertThat(json("{ $.eventType = * }")).isTrue();
        assertThat(json("{ $.latency = * }")).isTrue();
        assertThat(json("{ $.missing = * }")).isFalse();
    }

    @Test
    void jsonPatternsTestNullsExistenceAndBooleans()
    {
        assertThat(json("{ $.SomeObject IS NULL }")).isTrue();
        assertThat(json("{ $.eventType IS NULL }")).isFalse();
        assertThat(json("{ $.missing IS NULL }")).isFalse();
        assertThat(json("{ $.SomeOtherObject NOT EXISTS }")).isTrue();
        assertThat(json("{ $.SomeObject NOT EXISTS }")).isFalse();
        assertThat(json("{ $.ThisFlag IS TRUE }")).isTrue();
        assertThat(json("{ $.ThisFlag IS FALSE }")).isFalse();
        assertThat(json("{ $.ThisFlag = true }")).isTrue();
    }

    @Test
    void andBindsTighterThanOrAndParenthesesGroup()
    {
        assertThat(json("{ ($.user.id = 1) && ($.objectList[0].name = \"a\") }")).isTrue();
        assertThat(json("{ ($.user.id = 2 && $.objectList[0].name = \"nonmatch\") || $.actions[2] = \"GET\" }")).isFalse();
        assertThat(json("{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }")).isTrue();
        assertThat(json("{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }")).isFalse();
    }

    @Test
    void aMessageThatIsNotJsonMatchesNoJsonPattern()
    {
        assertThat(FilterPattern.parse("{ $.a NOT EXISTS }").test("plain text")).isFalse();
        assertThat(FilterPattern.parse("{ $.a NOT EXISTS }").test("{\"b\": 1}")).isTrue();
        assertThat(FilterPattern.parse("{ $.a NOT EXISTS }").test("\"a string\"")).isFalse();
    }

    @Test
    void malformedJsonPatternsAreRefused()
    {
        assertInvalid("{ $.a = 1", "Invalid filter pattern '{ $.a = 1': '}' is expected at position 9");
        assertInvalid("{ a = 1 }", "Invalid filter pattern '{ a = 1 }': a selector starting with $ is expected at position 2");
        assertInvalid("{ $.a ~ 1 }", "Invalid filter pattern '{ $.a ~ 1 }': an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) is expected at position 6");
        assertInvalid("{ $.a IS MAYBE }", "Invalid filter pattern '{ $.a IS MAYBE }': IS must be followed by NULL, TRUE or FALSE at position 9");
        assertInvalid("{ $.a = 1 } ERROR", "Invalid filter pattern '{ $.a = 1 } ERROR': unexpected 'ERROR' after the closing }");
        assertInvalid("{ $.a[x] = 1 }", "Invalid filter pattern '{ $.a[x] = 1 }': an array index must be a number, not 'x'");
    }

    private static void assertInvalid(String pattern, String message)
    {
        assertThatThrownBy(() -> FilterPattern.parse(pattern))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidParameterException"))
                .hasMessage(message);
    }
}
