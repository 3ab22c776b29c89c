package io.lakestack.connectors.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.PathNotFoundException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathsTest
{
    @Test
    void readsPathsAndContextPaths()
            throws Exception
    {
        JsonNode document = Json.parse("{\"a\": {\"b\": [1, 2, 3]}, \"items\": [{\"id\": 1, \"ok\": true}, {\"id\": 2, \"ok\": false}], \"n\": null}");
        JsonNode context = Json.parse("{\"Execution\": {\"Id\": \"arn\"}}");
        assertThat(JsonPaths.read("$", document, context)).isSameAs(document);
        assertThat(JsonPaths.read("$.a.b[1]", document, context)).isEqualTo(Json.parse("2"));
        assertThat(JsonPaths.read("$.items[?(@.ok == true)].id", document, context)).isEqualTo(Json.parse("[1]"));
        assertThat(JsonPaths.read("$.items[*].id", document, context)).isEqualTo(Json.parse("[1, 2]"));
        assertThat(JsonPaths.read("$.n", document, context)).isEqualTo(Json.parse("null"));
        assertThat(JsonPaths.read("$$.Execution.Id", document, context)).isEqualTo(Json.parse("\"arn\""));
        assertThatThrownBy(() -> JsonPaths.read("$.missing", document, context)).isInstanceOf(PathNotFoundException.class);
    }

    @Test
    void writesResultPathsCreatingObjectsOnTheWay()
            throws Exception
    {
        JsonNode input = Json.parse("{\"a\": {\"x\": 1}, \"list\": [{\"v\": 1}], \"s\": \"text\"}");
        JsonNode value = Json.parse("{\"r\": true}");
        assertThat(JsonPaths.write("$", input, value)).contains(value);
        assertThat(JsonPaths.write("$.a.y", input, value)).contains(Json.parse("{\"a\": {\"x\": 1, \"y\": {\"r\": true}}, \"list\": [{\"v\": 1}], \"s\": \"text\"}"));
        assertThat(JsonPaths.write("$.new.deep.er", input, value))
                .contains(Json.parse("{\"a\": {\"x\": 1}, \"list\": [{\"v\": 1}], \"s\": \"text\", \"new\": {\"deep\": {\"er\": {\"r\": true}}}}"));
        assertThat(JsonPaths.write("$.list[0].w", input, value)).contains(Json.parse("{\"a\": {\"x\": 1}, \"list\": [{\"v\": 1, \"w\": {\"r\": true}}], \"s\": \"text\"}"));
        assertThat(JsonPaths.write("$['a']['x']", input, value)).contains(Json.parse("{\"a\": {\"x\": {\"r\": true}}, \"list\": [{\"v\": 1}], \"s\": \"text\"}"));
        assertThat(JsonPaths.write("$.s.inner", input, value)).isEmpty();
        assertThat(JsonPaths.write("$.list[3]", input, value)).isEmpty();
        assertThat(input).isEqualTo(Json.parse("{\"a\": {\"x\": 1}, \"list\": [{\"v\": 1}], \"s\": \"text\"}"));
    }

    @Test
    void referencePathsAreDefiniteMemberAndIndexSelections()
    {
        assertThat(JsonPaths.segments("$.a['b c'][2].d")).isEqualTo(List.of("a", "b c", 2, "d"));
        assertThat(JsonPaths.referencePathProblem("$.a.b")).isEmpty();
        assertThat(JsonPaths.referencePathProblem("a.b")).contains("Reference path didn't start with '$'");
        assertThat(JsonPaths.referencePathProblem("$..a")).contains("Reference path contains an operator or an empty member: '$..a'");
        assertThat(JsonPaths.referencePathProblem("$.a.*")).contains("Reference path contains an operator or an empty member: '$.a.*'");
        assertThat(JsonPaths.referencePathProblem("$.a[?(@.x)]")).contains("Reference path may only select a member or an array index: '$.a[?(@.x)]'");
        assertThat(JsonPaths.pathProblem("$.a[?(@.x > 1)]")).isEqualTo(Optional.empty());
        assertThat(JsonPaths.pathProblem("a")).contains("Path didn't start with '$'");
    }
}
