package io.lakestack.spi.pattern;

import io.lakestack.spi.pattern.EventPattern.InvalidPatternException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every operator of EventBridge's event patterns, matching and not, and each reason a pattern is refused with. */
class EventPatternTest
{
    private static final String EC2 = """
            {"version":"0","id":"1","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012",
             "time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-1"],
             "detail":{"instance-id":"i-1","state":"running","count":42,"ratio":0.5,"ok":true,"gone":null,"ip":"10.0.1.7",
                       "ip6":"2001:db8::1","tags":["blue","green"],"items":[{"kind":"a","n":1},{"kind":"b","n":2}],
                       "file":"photos/Cat.PNG","empty":[]}}""";

    private static boolean matches(String pattern)
    {
        return EventPattern.parse(pattern).matches(EC2);
    }

    private static String reason(String pattern)
    {
        try {
            EventPattern.parse(pattern);
        }
        catch (InvalidPatternException e) {
            return e.reason();
        }
        throw new AssertionError("valid: " + pattern);
    }

    @Test
    void exactValues()
    {
        assertThat(matches("{\"source\":[\"aws.ec2\"]}")).isTrue();
        assertThat(matches("{\"source\":[\"aws.s3\"]}")).isFalse();
        assertThat(matches("{\"source\":[\"aws.s3\",\"aws.ec2\"]}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[42]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[4.2e1]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[\"42\"]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"ok\":[true]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"ok\":[false]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"gone\":[null]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[null]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"missing\":[\"x\"]}}")).isFalse();
    }

    @Test
    void fieldsAreAndedAndNestedObjectsFollowTheEvent()
    {
        assertThat(matches("{\"source\":[\"aws.ec2\"],\"detail\":{\"state\":[\"running\"],\"instance-id\":[\"i-1\"]}}")).isTrue();
        assertThat(matches("{\"source\":[\"aws.ec2\"],\"detail\":{\"state\":[\"stopped\"]}}")).isFalse();
        assertThat(matches("{\"detail\":[\"running\"]}")).isFalse();
        assertThat(matches("{\"source\":{\"x\":[\"aws.ec2\"]}}")).isFalse();
    }

    @Test
    void arraysMatchWhenAnElementDoes()
    {
        assertThat(matches("{\"detail\":{\"tags\":[\"green\"]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"tags\":[\"red\"]}}")).isFalse();
        assertThat(matches("{\"resources\":[{\"prefix\":\"arn:aws:ec2:\"}]}")).isTrue();
        assertThat(matches("{\"detail\":{\"items\":{\"kind\":[\"b\"],\"n\":[2]}}}")).isTrue();
        // both conditions must hold in one element
        assertThat(matches("{\"detail\":{\"items\":{\"kind\":[\"b\"],\"n\":[1]}}}")).isFalse();
    }

    @Test
    void prefixAndSuffix()
    {
        assertThat(matches("{\"detail\":{\"file\":[{\"prefix\":\"photos/\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"file\":[{\"prefix\":\"PHOTOS/\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"file\":[{\"prefix\":{\"equals-ignore-case\":\"PHOTOS/\"}}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"file\":[{\"suffix\":\".PNG\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"file\":[{\"suffix\":\".png\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"file\":[{\"suffix\":{\"equals-ignore-case\":\".png\"}}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"prefix\":\"4\"}]}}")).isFalse();
    }

    @Test
    void equalsIgnoreCase()
    {
        assertThat(matches("{\"detail\":{\"state\":[{\"equals-ignore-case\":\"RUNNING\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"equals-ignore-case\":\"RUN\"}]}}")).isFalse();
    }

    @Test
    void wildcard()
    {
        assertThat(matches("{\"detail\":{\"file\":[{\"wildcard\":\"photos/*.PNG\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"file\":[{\"wildcard\":\"*/Cat*\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"file\":[{\"wildcard\":\"photos/*.png\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"file\":[{\"wildcard\":\"photos/Cat.PNG\"}]}}")).isTrue();
        assertThat(EventPattern.parse("{\"a\":[{\"wildcard\":\"x\\\\*y\"}]}").matches("{\"a\":\"x*y\"}")).isTrue();
        assertThat(EventPattern.parse("{\"a\":[{\"wildcard\":\"x\\\\*y\"}]}").matches("{\"a\":\"xzy\"}")).isFalse();
        assertThat(EventPattern.parse("{\"a\":[{\"wildcard\":\"x\\\\\\\\y\"}]}").matches("{\"a\":\"x\\\\y\"}")).isTrue();
        assertThat(EventPattern.parse("{\"a\":[{\"wildcard\":\"a.c\"}]}").matches("{\"a\":\"abc\"}")).isFalse();
    }

    @Test
    void anythingBut()
    {
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":\"stopped\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":\"running\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":[\"stopped\",\"running\"]}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[{\"anything-but\":[1,2]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"anything-but\":42}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"prefix\":\"run\"}}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"prefix\":\"stop\"}}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"suffix\":\"ing\"}}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"suffix\":\"ped\"}}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"equals-ignore-case\":[\"RUNNING\",\"x\"]}}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"equals-ignore-case\":\"STOPPED\"}}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"wildcard\":\"r*g\"}}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"anything-but\":{\"wildcard\":[\"s*\",\"x*\"]}}]}}")).isTrue();
        // a missing field is not "anything but"
        assertThat(matches("{\"detail\":{\"missing\":[{\"anything-but\":\"x\"}]}}")).isFalse();
        // one element of an array that is not excluded is enough
        assertThat(matches("{\"detail\":{\"tags\":[{\"anything-but\":\"blue\"}]}}")).isTrue();
    }

    @Test
    void numeric()
    {
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">\",0,\"<=\",42]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">\",0,\"<\",42]}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\"=\",42.0]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\"<\",42]}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"count\":[{\"numeric\":[\">=\",42]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"ratio\":[{\"numeric\":[\"<=\",0.5]}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"numeric\":[\">\",0]}]}}")).isFalse();
    }

    @Test
    void exists()
    {
        assertThat(matches("{\"detail\":{\"state\":[{\"exists\":true}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"state\":[{\"exists\":false}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"missing\":[{\"exists\":false}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"missing\":[{\"exists\":true}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"gone\":[{\"exists\":true}]}}")).isTrue();
        assertThat(matches("{\"nothing\":{\"here\":[{\"exists\":false}]}}")).isTrue();
        // an object is not a value, and an empty array holds none
        assertThat(matches("{\"detail\":[{\"exists\":true}]}")).isFalse();
        assertThat(matches("{\"detail\":{\"empty\":[{\"exists\":false}]}}")).isTrue();
    }

    @Test
    void cidr()
    {
        assertThat(matches("{\"detail\":{\"ip\":[{\"cidr\":\"10.0.0.0/16\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"ip\":[{\"cidr\":\"10.1.0.0/16\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"ip6\":[{\"cidr\":\"2001:db8::/32\"}]}}")).isTrue();
        assertThat(matches("{\"detail\":{\"ip6\":[{\"cidr\":\"2001:db9::/32\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"ip\":[{\"cidr\":\"2001:db8::/32\"}]}}")).isFalse();
        assertThat(matches("{\"detail\":{\"state\":[{\"cidr\":\"10.0.0.0/8\"}]}}")).isFalse();
    }

    @Test
    void or()
    {
        assertThat(matches("{\"source\":[\"aws.ec2\"],\"$or\":[{\"detail\":{\"state\":[\"stopped\"]}},{\"detail\":{\"count\":[{\"numeric\":[\">\",40]}]}}]}"))
                .isTrue();
        assertThat(matches("{\"source\":[\"aws.ec2\"],\"$or\":[{\"detail\":{\"state\":[\"stopped\"]}},{\"detail\":{\"count\":[1]}}]}")).isFalse();
        assertThat(matches("{\"detail\":{\"$or\":[{\"state\":[\"x\"]},{\"instance-id\":[\"i-1\"]}]}}")).isTrue();
    }

    @Test
    void eventsThatAreNotJsonObjectsMatchNothing()
    {
        EventPattern pattern = EventPattern.parse("{\"a\":[{\"exists\":false}]}");
        assertThat(pattern.matches("[1]")).isFalse();
        assertThat(pattern.matches("not json")).isFalse();
        assertThat(pattern.matches("{}")).isTrue();
    }

    @Test
    void structureErrors()
    {
        assertThat(reason("[1]")).isEqualTo("Filter is not an object");
        assertThat(reason("{}")).isEqualTo("Empty objects are not allowed");
        assertThat(reason("{\"a\":{}}")).isEqualTo("Empty objects are not allowed");
        assertThat(reason("{\"a\":[]}")).isEqualTo("Empty arrays are not allowed");
        assertThat(reason("{\"a\":\"x\"}")).isEqualTo("\"a\" must be an object or an array");
        assertThat(reason("{\"a\":[[1]]}")).isEqualTo("Match value must be String, number, true, false, or null");
        assertThat(reason("{\"a\":[{}]}")).isEqualTo("Match expression name not found");
        assertThat(reason("{\"a\":[{\"foo\":1}]}")).isEqualTo("Unrecognized match type foo");
        assertThat(reason("{\"a\":[{\"prefix\":\"x\",\"suffix\":\"y\"}]}")).isEqualTo("Only one key allowed in match expression");
        assertThat(reason("{\"$or\":{\"a\":[1]}}")).isEqualTo("It must be an Array followed with $or.");
        assertThat(reason("{\"$or\":[{\"a\":[1]},2]}")).isEqualTo("Only JSON object is allowed in array of $or relationship.");
        assertThat(reason("{\"$or\":[{\"a\":[1]}]}")).isEqualTo("There must have at least 2 Objects in $or relationship.");
        assertThat(reason("{\"a\":[1")).startsWith("not valid JSON at character 7");
    }

    @Test
    void operatorErrors()
    {
        assertThat(reason("{\"a\":[{\"prefix\":1}]}")).isEqualTo("prefix match pattern must be a string");
        assertThat(reason("{\"a\":[{\"suffix\":[\"x\"]}]}")).isEqualTo("suffix match pattern must be a string");
        assertThat(reason("{\"a\":[{\"prefix\":{\"foo\":\"x\"}}]}")).isEqualTo("Unsupported prefix pattern: foo");
        assertThat(reason("{\"a\":[{\"prefix\":{\"equals-ignore-case\":1}}]}")).isEqualTo("equals-ignore-case match pattern must be a string");
        assertThat(reason("{\"a\":[{\"equals-ignore-case\":true}]}")).isEqualTo("equals-ignore-case match pattern must be a string");
        assertThat(reason("{\"a\":[{\"wildcard\":5}]}")).isEqualTo("wildcard match pattern must be a string");
        assertThat(reason("{\"a\":[{\"wildcard\":\"ab**c\"}]}")).isEqualTo("Consecutive wildcard characters at pos 2");
        assertThat(reason("{\"a\":[{\"wildcard\":\"ab\\\\c\"}]}")).isEqualTo("Invalid escape character at pos 2");
        assertThat(reason("{\"a\":[{\"exists\":\"yes\"}]}")).isEqualTo("exists match pattern must be either true or false.");
        assertThat(reason("{\"a\":[{\"cidr\":\"10.0.0.0\"}]}")).isEqualTo("Malformed CIDR, one '/' required");
        assertThat(reason("{\"a\":[{\"cidr\":\"10.0.0.0/33\"}]}")).isEqualTo("Malformed CIDR, mask bits must be between 0 and 32: 33");
        assertThat(reason("{\"a\":[{\"cidr\":\"host/8\"}]}")).isEqualTo("Invalid IP address in CIDR: host");
    }

    @Test
    void numericErrors()
    {
        assertThat(reason("{\"a\":[{\"numeric\":5}]}")).isEqualTo("Value of numeric must be an array.");
        assertThat(reason("{\"a\":[{\"numeric\":[]}]}")).isEqualTo("Invalid member in numeric match: ]");
        assertThat(reason("{\"a\":[{\"numeric\":[5]}]}")).isEqualTo("Invalid member in numeric match: 5");
        assertThat(reason("{\"a\":[{\"numeric\":[\"!=\",5]}]}")).isEqualTo("Unrecognized numeric range operator: !=");
        assertThat(reason("{\"a\":[{\"numeric\":[\"=\",\"5\"]}]}")).isEqualTo("Value of equals must be numeric");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",\"5\"]}]}")).isEqualTo("Value of > must be numeric");
        assertThat(reason("{\"a\":[{\"numeric\":[\"<\",5,\">\",1]}]}")).isEqualTo("Too many elements in numeric expression");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",5,7]}]}")).isEqualTo("Bad value in numeric range: 7");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",5,\">\",7]}]}")).isEqualTo("Bad numeric range operator: >");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",5,\"<\",\"7\"]}]}")).isEqualTo("Value of < must be numeric");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",5,\"<\",7,\"<\"]}]}")).isEqualTo("Too many terms in numeric range expression");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",7,\"<\",5]}]}")).isEqualTo("Bottom must be less than top");
        assertThat(reason("{\"a\":[{\"numeric\":[\">\",6e9]}]}")).isEqualTo("Value of > must be between -5.0E9 and 5.0E9, inclusive; 6000000000 is not");
    }

    @Test
    void anythingButErrors()
    {
        assertThat(reason("{\"a\":[{\"anything-but\":true}]}")).isEqualTo("Value of anything-but must be an array or single string/number value.");
        assertThat(reason("{\"a\":[{\"anything-but\":[\"x\",null]}]}")).isEqualTo("Inside anything but list, start|null|boolean is not supported.");
        assertThat(reason("{\"a\":[{\"anything-but\":[\"x\",1]}]}"))
                .isEqualTo("Inside anything but list, either all values are number or string, mixed type is not supported");
        assertThat(reason("{\"a\":[{\"anything-but\":[]}]}"))
                .isEqualTo("Inside anything but list, either all values are number or string, mixed type is not supported");
        assertThat(reason("{\"a\":[{\"anything-but\":{}}]}")).isEqualTo("Anything-But expression name not found");
        assertThat(reason("{\"a\":[{\"anything-but\":{\"exists\":true}}]}")).isEqualTo("Unsupported anything-but pattern: exists");
        assertThat(reason("{\"a\":[{\"anything-but\":{\"prefix\":1}}]}")).isEqualTo("prefix/suffix match pattern must be a string");
        assertThat(reason("{\"a\":[{\"anything-but\":{\"suffix\":\"\"}}]}")).isEqualTo("Null prefix/suffix not allowed");
        assertThat(reason("{\"a\":[{\"anything-but\":{\"equals-ignore-case\":[1]}}]}"))
                .isEqualTo("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
        assertThat(reason("{\"a\":[{\"anything-but\":{\"wildcard\":\"a**\"}}]}")).isEqualTo("Consecutive wildcard characters at pos 1");
    }

    @Test
    void errorsSayWhere()
    {
        assertThatThrownBy(() -> EventPattern.parse("{\"source\": [{\"foo\": 1}]}"))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessage("Unrecognized match type foo\n at [Source: (String)\"{\"source\": [{\"foo\": 1}]}\"; line: 1, column: 22]")
                .extracting(e -> ((InvalidPatternException) e).location()).isEqualTo("line: 1, column: 22");
        assertThatThrownBy(() -> EventPattern.parse("{\n  \"a\": \"x\"\n}"))
                .hasMessageEndingWith("line: 2, column: 11]");
    }
}
