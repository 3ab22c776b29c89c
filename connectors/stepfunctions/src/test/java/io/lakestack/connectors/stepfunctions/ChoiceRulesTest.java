package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChoiceRulesTest
{
    private static final String INPUT = """
            {"s": "banana", "t": "cherry", "n": 10, "m": 10.0, "k": 2.5, "yes": true, "no": false, "nil": null,
             "ts": "2026-11-30T08:00:00Z", "later": "2026-11-30T09:00:00+01:00", "after": "2026-11-30T08:00:01Z",
             "file": "log-2026.txt", "star": "a*b", "slash": "a\\\\b", "list": [1]}
            """;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            {"Variable": "$.s", "StringEquals": "banana"}                               | true
            {"Variable": "$.s", "StringEquals": "Banana"}                               | false
            {"Variable": "$.s", "StringLessThan": "cherry"}                             | true
            {"Variable": "$.s", "StringGreaterThan": "apple"}                           | true
            {"Variable": "$.s", "StringLessThanEquals": "banana"}                       | true
            {"Variable": "$.s", "StringGreaterThanEquals": "bananas"}                   | false
            {"Variable": "$.s", "StringEqualsPath": "$.t"}                              | false
            {"Variable": "$.s", "StringLessThanPath": "$.t"}                            | true
            {"Variable": "$.s", "StringGreaterThanPath": "$.t"}                         | false
            {"Variable": "$.s", "StringLessThanEqualsPath": "$.s"}                      | true
            {"Variable": "$.s", "StringGreaterThanEqualsPath": "$.t"}                   | false
            {"Variable": "$.n", "StringEquals": "10"}                                   | false
            {"Variable": "$.file", "StringMatches": "log-*.txt"}                        | true
            {"Variable": "$.file", "StringMatches": "log-*.csv"}                        | false
            {"Variable": "$.file", "StringMatches": "*"}                                | true
            {"Variable": "$.star", "StringMatches": "a\\\\*b"}                          | true
            {"Variable": "$.file", "StringMatches": "log\\\\*"}                         | false
            {"Variable": "$.slash", "StringMatches": "a\\\\\\\\b"}                      | true
            {"Variable": "$.n", "NumericEquals": 10}                                    | true
            {"Variable": "$.m", "NumericEquals": 10}                                    | true
            {"Variable": "$.k", "NumericLessThan": 3}                                   | true
            {"Variable": "$.k", "NumericGreaterThan": 2.5}                              | false
            {"Variable": "$.k", "NumericLessThanEquals": 2.5}                           | true
            {"Variable": "$.k", "NumericGreaterThanEquals": 2.51}                       | false
            {"Variable": "$.n", "NumericEqualsPath": "$.m"}                             | true
            {"Variable": "$.k", "NumericLessThanPath": "$.n"}                           | true
            {"Variable": "$.k", "NumericGreaterThanPath": "$.n"}                        | false
            {"Variable": "$.k", "NumericLessThanEqualsPath": "$.k"}                     | true
            {"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.k"}                  | true
            {"Variable": "$.s", "NumericEquals": 10}                                    | false
            {"Variable": "$.yes", "BooleanEquals": true}                                | true
            {"Variable": "$.no", "BooleanEquals": true}                                 | false
            {"Variable": "$.yes", "BooleanEqualsPath": "$.no"}                          | false
            {"Variable": "$.s", "BooleanEquals": true}                                  | false
            {"Variable": "$.ts", "TimestampEquals": "2026-11-30T08:00:00Z"}             | true
            {"Variable": "$.later", "TimestampEquals": "2026-11-30T08:00:00Z"}          | true
            {"Variable": "$.ts", "TimestampLessThan": "2026-11-30T08:00:01Z"}           | true
            {"Variable": "$.ts", "TimestampGreaterThan": "2026-11-30T08:00:00Z"}        | false
            {"Variable": "$.ts", "TimestampLessThanEquals": "2026-11-30T08:00:00Z"}     | true
            {"Variable": "$.ts", "TimestampGreaterThanEquals": "2026-11-30T08:00:01Z"}  | false
            {"Variable": "$.ts", "TimestampEqualsPath": "$.later"}                      | true
            {"Variable": "$.ts", "TimestampLessThanPath": "$.after"}                    | true
            {"Variable": "$.after", "TimestampGreaterThanPath": "$.ts"}                 | true
            {"Variable": "$.ts", "TimestampLessThanEqualsPath": "$.later"}              | true
            {"Variable": "$.ts", "TimestampGreaterThanEqualsPath": "$.after"}           | false
            {"Variable": "$.s", "TimestampEquals": "2026-11-30T08:00:00Z"}              | false
            {"Variable": "$.nil", "IsNull": true}                                       | true
            {"Variable": "$.s", "IsNull": true}                                         | false
            {"Variable": "$.s", "IsPresent": true}                                      | true
            {"Variable": "$.missing", "IsPresent": true}                                | false
            {"Variable": "$.missing", "IsPresent": false}                               | true
            {"Variable": "$.k", "IsNumeric": true}                                      | true
            {"Variable": "$.s", "IsNumeric": false}                                     | true
            {"Variable": "$.s", "IsString": true}                                       | true
            {"Variable": "$.nil", "IsString": true}                                     | false
            {"Variable": "$.no", "IsBoolean": true}                                     | true
            {"Variable": "$.ts", "IsTimestamp": true}                                   | true
            {"Variable": "$.s", "IsTimestamp": true}                                    | false
            {"Variable": "$$.Execution.Name", "StringEquals": "run-1"}                  | true
            {"And": [{"Variable": "$.n", "NumericEquals": 10}, {"Variable": "$.yes", "BooleanEquals": true}]} | true
            {"And": [{"Variable": "$.n", "NumericEquals": 10}, {"Variable": "$.no", "BooleanEquals": true}]}  | false
            {"Or": [{"Variable": "$.n", "NumericEquals": 1}, {"Variable": "$.no", "BooleanEquals": false}]}   | true
            {"Or": [{"Variable": "$.n", "NumericEquals": 1}, {"Variable": "$.no", "BooleanEquals": true}]}    | false
            {"Not": {"Variable": "$.s", "StringEquals": "banana"}}                                            | false
            {"Not": {"And": [{"Variable": "$.missing", "IsPresent": true}, {"Variable": "$.missing", "StringEquals": "x"}]}} | true
            """)
    void evaluates(String rule, boolean expected)
            throws Exception
    {
        assertThat(ChoiceRules.matches(Json.parse(rule), Json.parse(INPUT), context())).isEqualTo(expected);
    }

    @Test
    void aMissingVariableIsARuntimeError()
    {
        assertThatThrownBy(() -> ChoiceRules.matches(Json.parse("{\"Variable\": \"$.missing\", \"StringEquals\": \"x\"}"), Json.parse(INPUT), context()))
                .isInstanceOfSatisfying(StatesFailure.class, failure -> {
                    assertThat(failure.error()).isEqualTo("States.Runtime");
                    assertThat(failure.cause()).isEqualTo("Invalid path '$.missing': The choice state's condition path references an invalid value.");
                });
        assertThatThrownBy(() -> ChoiceRules.matches(Json.parse("{\"Variable\": \"$.s\", \"StringEqualsPath\": \"$.gone\"}"), Json.parse(INPUT), context()))
                .isInstanceOfSatisfying(StatesFailure.class, failure -> assertThat(failure.cause())
                        .isEqualTo("Invalid path '$.gone': The choice state's condition path references an invalid value."));
    }

    private static JsonNode context()
            throws Exception
    {
        return Json.parse("{\"Execution\": {\"Name\": \"run-1\"}}");
    }
}
