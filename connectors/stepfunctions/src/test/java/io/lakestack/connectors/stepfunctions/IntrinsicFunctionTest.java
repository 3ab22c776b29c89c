package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntrinsicFunctionTest
{
    private static final String INPUT = """
            {"name": "Ada", "n": 3, "list": [1, 2, 2, "a", {"k": 1}, {"k": 1}], "obj": {"a": 1, "b": {"c": 2}}, "other": {"b": 3, "d": 4},
             "csv": "a,b,,c", "json": "{\\"x\\": [1, true]}", "encoded": "aGVsbG8=", "nothing": null}
            """;
    private static final String CONTEXT = """
            {"Execution": {"Name": "run-1"}, "Map": {"Item": {"Index": 4}}}
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            States.Format('Hello, {}! You are {} and {}', $.name, $.n, $.obj)                | "Hello, Ada! You are 3 and {\\"a\\":1,\\"b\\":{\\"c\\":2}}"
            States.Format('escaped \\{\\} and \\' and {}', $$.Execution.Name)                 | "escaped {} and ' and run-1"
            States.Format('{}', $.nothing)                                                   | "null"
            States.StringToJson($.json)                                                      | {"x":[1,true]}
            States.JsonToString($.obj)                                                       | "{\\"a\\":1,\\"b\\":{\\"c\\":2}}"
            States.Array('a', 1, 2.5, true, null, $.n, States.Array())                       | ["a",1,2.5,true,null,3,[]]
            States.ArrayPartition(States.ArrayRange(1, 7, 1), 3)                              | [[1,2,3],[4,5,6],[7]]
            States.ArrayContains($.list, 'a')                                                | true
            States.ArrayContains($.list, $.obj)                                              | false
            States.ArrayContains($.list, 2.0)                                                | true
            States.ArrayRange(10, 1, -3)                                                     | [10,7,4,1]
            States.ArrayRange(1, 1, 5)                                                       | [1]
            States.ArrayGetItem($.list, 4)                                                   | {"k":1}
            States.ArrayLength($.list)                                                       | 6
            States.ArrayUnique($.list)                                                       | [1,2,"a",{"k":1}]
            States.Base64Encode('hello')                                                     | "aGVsbG8="
            States.Base64Decode($.encoded)                                                   | "hello"
            States.Hash('hello', 'MD5')                                                      | "5d41402abc4b2a76b9719d911017c592"
            States.Hash('hello', 'SHA-1')                                                    | "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
            States.Hash('hello', 'SHA-256')                                                  | "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
            States.Hash('hello', 'SHA-384')                                                  | "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"
            States.Hash('hello', 'SHA-512')                                                  | "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"
            States.JsonMerge($.obj, $.other, false)                                          | {"a":1,"b":3,"d":4}
            States.MathRandom(1, 999, 7)                                                     | 730
            States.MathAdd($.n, -5)                                                          | -2
            States.MathAdd($$.Map.Item.Index, 1)                                             | 5
            States.StringSplit($.csv, ',')                                                   | ["a","b","c"]
            States.StringSplit('1-2 3', ' -')                                                | ["1","2","3"]
            States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit('a/b.c/d', '/'), 1), '.'), 1) | "c"
            """)
    void evaluates(String call, String expected)
            throws Exception
    {
        assertThat(evaluate(call, RandomSource.secure())).isEqualTo(Json.parse(expected));
    }

    @Test
    void randomnessComesFromTheInjectedSource()
    {
        FixedRandom random = new FixedRandom(List.of(0.0, 0.999, 0.5), List.of(UUID.fromString("9f3c2a7e-1b7d-4c8e-9a55-2f0e6d1c4b3a")));
        assertThat(evaluate("States.MathRandom(1, 10)", random).intValue()).isEqualTo(1);
        assertThat(evaluate("States.MathRandom(1, 10)", random).intValue()).isEqualTo(10);
        assertThat(evaluate("States.MathRandom(-4, 4)", random).intValue()).isEqualTo(0);
        assertThat(evaluate("States.UUID()", random).textValue()).isEqualTo("9f3c2a7e-1b7d-4c8e-9a55-2f0e6d1c4b3a");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            States.Format('{} {}', 'one')                 | Invalid arguments in States.Format: the template has more placeholders than there are arguments
            States.Format('{}', 'one', 'two')             | Invalid arguments in States.Format: the template has fewer placeholders than there are arguments
            States.StringToJson('{nope')                  | Invalid arguments in States.StringToJson: the string is not valid JSON
            States.JsonToString('text')                   | Invalid arguments in States.JsonToString: the argument must be a path
            States.ArrayPartition($.list, 0)              | Invalid arguments in States.ArrayPartition: the chunk size must be greater than 0
            States.ArrayPartition($.name, 2)              | Invalid arguments in States.ArrayPartition: expected an array, was "Ada"
            States.ArrayContains($.list)                  | Invalid arguments in States.ArrayContains: expected 2 arguments, got 1
            States.ArrayRange(1, 5, 0)                    | Invalid arguments in States.ArrayRange: the step must not be 0
            States.ArrayRange(1, 1001, 1)                 | Invalid arguments in States.ArrayRange: the range has more than 1000 items
            States.ArrayRange(1, 2.5, 1)                  | Invalid arguments in States.ArrayRange: the end must be an integer, was 2.5
            States.ArrayGetItem($.list, 6)                | Invalid arguments in States.ArrayGetItem: index 6 is out of the array's bounds
            States.ArrayLength($.obj)                     | Invalid arguments in States.ArrayLength: expected an array, was {"a":1,"b":{"c":2}}
            States.ArrayUnique()                          | Invalid arguments in States.ArrayUnique: expected 1 argument, got 0
            States.Base64Encode($.n)                      | Invalid arguments in States.Base64Encode: the string must be a string, was 3
            States.Base64Decode('***')                    | Invalid arguments in States.Base64Decode: the string is not Base64
            States.Hash('x', 'SHA-3')                     | Invalid arguments in States.Hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, was 'SHA-3'
            States.JsonMerge($.obj, $.other, true)        | Invalid arguments in States.JsonMerge: only the shallow merge is supported, the third argument must be false
            States.JsonMerge($.obj, $.list, false)        | Invalid arguments in States.JsonMerge: the first two arguments must be JSON objects
            States.MathRandom(5, 1)                       | Invalid arguments in States.MathRandom: the end must not be less than the start
            States.MathRandom(1)                          | Invalid arguments in States.MathRandom: expected 2 or 3 arguments, got 1
            States.MathAdd(2147483647, 1)                 | Invalid arguments in States.MathAdd: the sum is out of the integer range
            States.MathAdd('1', 1)                        | Invalid arguments in States.MathAdd: the value must be an integer, was "1"
            States.StringSplit($.csv, 1)                  | Invalid arguments in States.StringSplit: the delimiter must be a string, was 1
            States.UUID(1)                                | Invalid arguments in States.UUID: expected 0 arguments, got 1
            States.Array($.missing)                       | The JsonPath argument '$.missing' could not be found in the input
            """)
    void badArgumentsAreIntrinsicFailures(String call, String cause)
    {
        assertThatThrownBy(() -> evaluate(call, FixedRandom.none()))
                .isInstanceOfSatisfying(StatesFailure.class, failure -> {
                    assertThat(failure.error()).isEqualTo("States.IntrinsicFailure");
                    assertThat(failure.cause()).isEqualTo(cause);
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            States.Nope()                  | Unknown intrinsic function 'States.Nope'
            States.Array('a'               | Missing ')' after the arguments of States.Array
            States.Array('a) | Unterminated string literal
            States.Array(x)                | Unexpected argument 'x'
            States.Array($.a[) | Invalid path '$.a[)': Could not parse token starting at position 3. Expected ?, ', 0-9, *
            States.UUID() extra            | Unexpected 'extra' after the intrinsic function call
            """)
    void malformedCallsAreRefusedWhenParsed(String call, String reason)
    {
        assertThatThrownBy(() -> IntrinsicFunction.parse(call)).isInstanceOf(IllegalArgumentException.class).hasMessage(reason);
    }

    @Test
    void nestingIsLimitedToTen()
    {
        String ten = "States.Array(".repeat(10) + ")".repeat(10);
        assertThat(IntrinsicFunction.parse(ten)).isNotNull();
        assertThatThrownBy(() -> IntrinsicFunction.parse("States.Array(" + ten + ")")).hasMessage("More than 10 nested intrinsic functions");
    }

    private static JsonNode evaluate(String call, RandomSource random)
    {
        try {
            return IntrinsicFunction.parse(call).evaluate(Json.parse(INPUT), Json.parse(CONTEXT), random);
        }
        catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
