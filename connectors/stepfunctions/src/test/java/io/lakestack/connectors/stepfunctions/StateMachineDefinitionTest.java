package io.lakestack.connectors.stepfunctions;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateMachineDefinitionTest
{
    @Test
    void validDefinitionParses()
    {
        StateMachineDefinition definition = StateMachineDefinition.parse("""
                {"Comment": "c", "StartAt": "A", "TimeoutSeconds": 30, "QueryLanguage": "JSONPath", "Version": "1.0",
                 "States": {"A": {"Type": "Pass", "End": true}}}
                """);
        assertThat(definition.startAt()).isEqualTo("A");
        assertThat(definition.comment()).contains("c");
        assertThat(definition.timeoutSeconds()).contains(30);
    }

    @Test
    void everyMistakeIsReportedAtOnceWithItsLocation()
    {
        String json = """
                {"StartAt": "A",
                 "States": {
                   "A": {"Type": "Pass", "Foo": 1, "Next": "Check"},
                   "Check": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "one", "Next": "Work"}], "Default": "Missing"},
                   "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:f", "InputPath": "items", "Next": "Done"},
                   "Done": {"Type": "Succeed"},
                   "Orphan": {"Type": "Wait", "Seconds": 5}
                 }}
                """;
        assertThatThrownBy(() -> StateMachineDefinition.parse(json))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> assertThat(e.diagnostics()).map(Diagnostic::toString).containsExactly(
                        "SCHEMA_VALIDATION_FAILED: The field \"Foo\" is not supported by Step Functions at /States/A",
                        "SCHEMA_VALIDATION_FAILED: The field 'NumericEquals' should be a number at /States/Check/Choices[0]/NumericEquals",
                        "SCHEMA_VALIDATION_FAILED: Value is not a valid JSONPath: Path didn't start with '$' at /States/Work/InputPath",
                        "SCHEMA_VALIDATION_FAILED: The state should have either 'Next' or 'End': true at /States/Orphan",
                        "MISSING_TRANSITION_TARGET: Missing 'Next' target: Missing at /States/Check/Default",
                        "MISSING_TRANSITION_TARGET: State \"Orphan\" is not reachable. at /States/Orphan"))
                .hasMessage("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field \"Foo\" is not supported by Step Functions at /States/A, "
                        + "SCHEMA_VALIDATION_FAILED: The field 'NumericEquals' should be a number at /States/Check/Choices[0]/NumericEquals, "
                        + "SCHEMA_VALIDATION_FAILED: Value is not a valid JSONPath: Path didn't start with '$' at /States/Work/InputPath, "
                        + "SCHEMA_VALIDATION_FAILED: The state should have either 'Next' or 'End': true at /States/Orphan, "
                        + "MISSING_TRANSITION_TARGET: Missing 'Next' target: Missing at /States/Check/Default, "
                        + "MISSING_TRANSITION_TARGET: State \"Orphan\" is not reachable. at /States/Orphan'");
    }

    @Test
    void missingNextTargetAndUnreachableStateAsAwsReportsThem()
    {
        // the definition and the answer of an AWS bug report (pass3 does not exist)
        assertThat(diagnostics("""
                {"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": true}}}
                """)).containsExactly(
                "MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next",
                "MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2");
        assertThat(diagnostics("""
                {"StartAt": "Not sure", "States": {"Pass One": {"Type": "Pass", "Next": "Success"}, "Success": {"Type": "Succeed"}}}
                """)).containsExactly(
                "MISSING_TRANSITION_TARGET: Missing 'Next' target: Not sure at /StartAt",
                "MISSING_TRANSITION_TARGET: State \"Pass One\" is not reachable. at /States/Pass One",
                "MISSING_TRANSITION_TARGET: State \"Success\" is not reachable. at /States/Success");
    }

    @Test
    void aMapTakesItsMaxConcurrencyFromAPathOrAValueNotBoth()
    {
        String map = """
                {"StartAt": "M", "States": {"M": {"Type": "Map", %s, "End": true,
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
                """;
        assertThat(diagnostics(map.formatted("\"MaxConcurrencyPath\": \"$.limit\""))).isEmpty();
        assertThat(diagnostics(map.formatted("\"MaxConcurrencyPath\": \"$.limit\", \"MaxConcurrency\": 2"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [MaxConcurrency, MaxConcurrencyPath] at /States/M");
        assertThat(diagnostics(map.formatted("\"MaxConcurrencyPath\": 2"))).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'MaxConcurrencyPath' should be a string at /States/M/MaxConcurrencyPath");
    }

    @Test
    void aLoopWithoutTerminalStateIsMissingAnEndAndNothingElse()
    {
        assertThat(diagnostics("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}, "C": {"Type": "Pass", "Next": "A"}}}
                """)).containsExactly("MISSING_END_STATE: Workflow has no terminal state");
    }

    @Test
    void aJsonataMachineCannotHaveJsonPathStates()
    {
        assertThat(diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
                """)).isEmpty();
        assertThat(diagnostics("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}}}
                """)).isEmpty();
        assertThat(diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}
                """)).containsExactly("SCHEMA_VALIDATION_FAILED: A state of a state machine whose QueryLanguage is JSONata cannot set its QueryLanguage to JSONPath"
                + " at /States/A/QueryLanguage");
        assertThat(diagnostics("""
                {"QueryLanguage": "XPath", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
                """)).containsExactly("SCHEMA_VALIDATION_FAILED: The field 'QueryLanguage' should have one of these values: [JSONata, JSONPath] at /QueryLanguage");
    }

    @Test
    void eachQueryLanguageRefusesTheOthersFieldsWhereTheyAre()
    {
        assertThat(diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.a", "Parameters": {"x.$": "$.x"}, "ResultPath": "$.r",
                        "TimeoutSecondsPath": "$.t", "Next": "C",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "C"}]},
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "W"}, {"Next": "W"}], "Default": "W"},
                  "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "F"},
                  "F": {"Type": "Fail", "ErrorPath": "$.e"}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field \"InputPath\" is not supported when the QueryLanguage is JSONata at /States/T/InputPath",
                "SCHEMA_VALIDATION_FAILED: The field \"Parameters\" is not supported when the QueryLanguage is JSONata at /States/T/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field \"ResultPath\" is not supported when the QueryLanguage is JSONata at /States/T/ResultPath",
                "SCHEMA_VALIDATION_FAILED: The field \"TimeoutSecondsPath\" is not supported when the QueryLanguage is JSONata at /States/T/TimeoutSecondsPath",
                "SCHEMA_VALIDATION_FAILED: The field \"ResultPath\" is not supported when the QueryLanguage is JSONata at /States/T/Catch[0]/ResultPath",
                "SCHEMA_VALIDATION_FAILED: The field \"Variable\" is not supported when the QueryLanguage is JSONata at /States/C/Choices[0]/Variable",
                "SCHEMA_VALIDATION_FAILED: The field \"NumericEquals\" is not supported when the QueryLanguage is JSONata at /States/C/Choices[0]/NumericEquals",
                "SCHEMA_VALIDATION_FAILED: The field 'Condition' is required but was missing at /States/C/Choices[0]",
                "SCHEMA_VALIDATION_FAILED: The field 'Condition' is required but was missing at /States/C/Choices[1]",
                "SCHEMA_VALIDATION_FAILED: The field \"SecondsPath\" is not supported when the QueryLanguage is JSONata at /States/W/SecondsPath",
                "SCHEMA_VALIDATION_FAILED: The field \"ErrorPath\" is not supported when the QueryLanguage is JSONata at /States/F/ErrorPath");
        assertThat(diagnostics("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {}, "Output": "{% 1 %}", "Next": "M",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Output": {}, "Next": "M"}]},
                  "M": {"Type": "Map", "Items": [1], "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "Next": "C"},
                  "C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "S"}], "Default": "S"},
                  "S": {"Type": "Succeed"}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field \"Arguments\" is supported only when the QueryLanguage is JSONata at /States/T/Arguments",
                "SCHEMA_VALIDATION_FAILED: The field \"Output\" is supported only when the QueryLanguage is JSONata at /States/T/Output",
                "SCHEMA_VALIDATION_FAILED: The field \"Output\" is supported only when the QueryLanguage is JSONata at /States/T/Catch[0]/Output",
                "SCHEMA_VALIDATION_FAILED: The field \"Items\" is supported only when the QueryLanguage is JSONata at /States/M/Items",
                "SCHEMA_VALIDATION_FAILED: The field \"Condition\" is not supported by Step Functions at /States/C/Choices[0]",
                "SCHEMA_VALIDATION_FAILED: A Choice Rule should have exactly one comparison operator or one of And, Or, Not at /States/C/Choices[0]");
    }

    @Test
    void expressionsAndAssignAreChecked()
    {
        assertThat(diagnostics("""
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Output": {"a": ["{% 1 + %}"]}, "Assign": {"ok_1": 1, "states": 2, "1st": 3, "x": "{% %}"}, "Next": "W"},
                  "W": {"Type": "Wait", "Seconds": "{% 5 %}", "Next": "T"},
                  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": "{% 10 %}", "HeartbeatSeconds": 0, "Next": "C",
                        "Arguments": "just text"},
                  "C": {"Type": "Choice", "Choices": [{"Condition": "$.x", "Next": "S"}], "Default": "S"},
                  "S": {"Type": "Succeed", "Assign": {}}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The variable name 'states' is reserved at /States/P/Assign/states",
                "SCHEMA_VALIDATION_FAILED: The variable name '1st' is not valid: a name is 1 to 80 characters, a letter or '_' followed by letters, digits"
                        + " and '_' at /States/P/Assign/1st",
                "SCHEMA_VALIDATION_FAILED: The JSONata expression '{% %}' is empty at /States/P/Assign",
                "SCHEMA_VALIDATION_FAILED: The JSONata expression '{% 1 + %}' is not valid: Unexpected end of expression at /States/P/Output",
                "SCHEMA_VALIDATION_FAILED: The field 'Arguments' should be an object or a JSONata expression at /States/T/Arguments",
                "SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/T/HeartbeatSeconds",
                "SCHEMA_VALIDATION_FAILED: The field 'Condition' should be a JSONata expression or a boolean at /States/C/Choices[0]/Condition",
                "SCHEMA_VALIDATION_FAILED: The field \"Assign\" is not supported by Step Functions at /States/S");
        assertThat(diagnostics("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"a.$": "nope", "b-c": 1}, "ResultPath": "$x", "Next": "W"},
                  "W": {"Type": "Wait", "Seconds": "{% 5 %}", "End": true}}}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The variable name 'b-c' is not valid: a name is 1 to 80 characters, a letter or '_' followed by letters, digits"
                        + " and '_' at /States/P/Assign/b-c",
                "SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a valid JSONPath at /States/P/Assign",
                "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: a ResultPath cannot write a variable at /States/P/ResultPath",
                "SCHEMA_VALIDATION_FAILED: The field 'Seconds' should be an integer at /States/W/Seconds");
    }

    @Test
    void stateFieldsAreChecked()
    {
        assertThat(diagnostics("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "ResultPath": "$.a[*]", "Parameters": {"x.$": "nope", "y.$": 3, "z.$": "States.Nope()"}, "HeartbeatSeconds": 10,
                        "TimeoutSeconds": 10, "Next": "W",
                        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"], "BackoffRate": 0.5, "JitterStrategy": "SOME"}],
                        "Catch": [{"ErrorEquals": ["States.ALL", "E"], "Next": "W", "ResultPath": "x"}]},
                  "W": {"Type": "Wait", "Seconds": 1, "Timestamp": "yesterday", "Next": "F"},
                  "F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"},
                  "X": {"Type": "Bogus"}
                }}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path may only select a member or an array index: '$.a[*]' at /States/T/ResultPath",
                "SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath at /States/T/Parameters",
                "SCHEMA_VALIDATION_FAILED: The field 'Resource' is required but was missing at /States/T",
                "SCHEMA_VALIDATION_FAILED: The field 'HeartbeatSeconds' should be smaller than 'TimeoutSeconds' at /States/T/HeartbeatSeconds",
                "SCHEMA_VALIDATION_FAILED: A Retrier matching States.ALL should be the last one at /States/T/Retry[0]",
                "SCHEMA_VALIDATION_FAILED: The field 'BackoffRate' should be a number not less than 1.0 at /States/T/Retry[1]/BackoffRate",
                "SCHEMA_VALIDATION_FAILED: The field 'JitterStrategy' should have one of these values: [FULL, NONE] at /States/T/Retry[1]/JitterStrategy",
                "SCHEMA_VALIDATION_FAILED: States.ALL should be the only error name in its ErrorEquals at /States/T/Catch[0]/ErrorEquals",
                "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' at /States/T/Catch[0]/ResultPath",
                "SCHEMA_VALIDATION_FAILED: The state should have exactly one of the fields [Seconds, SecondsPath, Timestamp, TimestampPath] at /States/W",
                "SCHEMA_VALIDATION_FAILED: The field 'Timestamp' should be an RFC3339 timestamp at /States/W/Timestamp",
                "SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Error, ErrorPath] at /States/F",
                "SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/X/Type");
    }

    @Test
    void branchesAndItemProcessorsAreCheckedWithNestedLocations()
    {
        assertThat(diagnostics("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Parallel", "Next": "M", "Branches": [
                    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "Gone"}}}]},
                  "M": {"Type": "Map", "End": true, "ItemReader": {}, "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true, "Bar": 1}}}}
                }}
                """)).containsExactly(
                "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/P/Branches[0]/States/B1/Next",
                "MISSING_END_STATE: Workflow has no terminal state",
                "SCHEMA_VALIDATION_FAILED: The field 'ItemReader' belongs to a distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED) at /States/M/ItemReader",
                "SCHEMA_VALIDATION_FAILED: The field \"Bar\" is not supported by Step Functions at /States/M/ItemProcessor/States/I");
    }

    @Test
    void stateNamesAreUniqueAcrossBranches()
    {
        assertThat(diagnostics("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Parallel", "End": true, "Branches": [
                    {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}},
                    {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}]}
                }}
                """)).containsExactly("DUPLICATE_STATE_NAME: Duplicate state name: P at /States/P/Branches[1]/States/P");
    }

    @Test
    void choiceRulesAreChecked()
    {
        assertThat(diagnostics("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Default": "D", "Choices": [
                    {"Variable": "$.a", "StringEquals": "x"},
                    {"Variable": "a", "IsPresent": true, "Next": "D"},
                    {"Not": {"Variable": "$.a", "StringEquals": "x", "Next": "D"}, "Next": "D"},
                    {"And": [{"Variable": "$.a", "Nonsense": 1}], "Next": "D"},
                    {"Variable": "$.a", "TimestampEquals": "soon", "Next": "D"},
                    {"Variable": "$.a", "StringEqualsPath": "$.b[*]", "Next": "D"}]},
                  "D": {"Type": "Succeed"}
                }}
                """)).containsExactly(
                "SCHEMA_VALIDATION_FAILED: The field 'Next' is required but was missing at /States/C/Choices[0]",
                "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' at /States/C/Choices[1]/Variable",
                "SCHEMA_VALIDATION_FAILED: The field \"Next\" is not supported by Step Functions at /States/C/Choices[2]/Not",
                "SCHEMA_VALIDATION_FAILED: The field \"Nonsense\" is not supported by Step Functions at /States/C/Choices[3]/And[0]",
                "SCHEMA_VALIDATION_FAILED: A Choice Rule should have exactly one comparison operator or one of And, Or, Not at /States/C/Choices[3]/And[0]",
                "SCHEMA_VALIDATION_FAILED: The field 'TimestampEquals' should be an RFC3339 timestamp at /States/C/Choices[4]/TimestampEquals",
                "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path may only select a member or an array index: '$.b[*]' at /States/C/Choices[5]/StringEqualsPath");
    }

    @Test
    void notJsonIsAnInvalidJsonDescription()
    {
        assertThatThrownBy(() -> StateMachineDefinition.parse("{\"StartAt\": "))
                .isInstanceOfSatisfying(InvalidDefinitionException.class, e -> {
                    assertThat(e.diagnostics()).hasSize(1);
                    assertThat(e.diagnostics().get(0).code()).isEqualTo("INVALID_JSON_DESCRIPTION");
                    assertThat(e.diagnostics().get(0).location()).isEqualTo(Optional.empty());
                });
    }

    /** The diagnostics of the definition as they print, empty when it parses. */
    static List<String> diagnostics(String json)
    {
        try {
            StateMachineDefinition.parse(json);
        }
        catch (InvalidDefinitionException e) {
            return e.diagnostics().stream().map(Diagnostic::toString).toList();
        }
        return List.of();
    }
}
