package io.lakestack.connectors.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataExtractorTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Query shapes that nest one level per repetition, each in a form jackson-jq parses or evaluates by recursion. */
    private static final Map<String, IntFunction<String>> SHAPES = shapes();

    private static Map<String, IntFunction<String>> shapes()
    {
        Map<String, IntFunction<String>> shapes = new LinkedHashMap<>();
        // each builds {k: <expression n levels deep>}: the object is one level more
        shapes.put("parentheses", n -> "{k: " + "(".repeat(n - 1) + ".a" + ")".repeat(n - 1) + "}");
        shapes.put("arrays", n -> "{k: " + "[".repeat(n - 1) + ".a" + "]".repeat(n - 1) + "}");
        shapes.put("objects", n -> "{k: " + "{a: ".repeat(n - 1) + "1" + "}".repeat(n - 1) + "}");
        shapes.put("string interpolations", n -> "{k: " + "\"\\(".repeat(n - 1) + "1" + ")\"".repeat(n - 1) + "}");
        shapes.put("if chains", n -> "{k: " + "if . then ".repeat(n - 1) + "1" + " else 2 end".repeat(n - 1) + "}");
        shapes.put("unary minus", n -> "{k: " + "-".repeat(n - 1) + "1}");
        shapes.put("pipes", n -> "{k: .a" + "|.".repeat(n - 1) + "}");
        shapes.put("sums", n -> "{k: 1" + "+1".repeat(n - 1) + "}");
        shapes.put("and chains", n -> "{k: true" + " and true".repeat(n - 1) + "}");
        // // counts as two operators
        shapes.put("alternatives", n -> "{k: .a" + "//.a".repeat((n - 1) / 2) + (n % 2 == 0 ? "|." : "") + "}");
        return shapes;
    }

    @Test
    void countsBracketsAndChainedOperatorsOutsideStrings()
            throws Exception
    {
        assertThat(MetadataExtractor.depth("{customer_id: .customer_id}")).isEqualTo(1);
        assertThat(MetadataExtractor.depth("{customer_id: .customer_id, year: .ts | strftime(\"%Y\")}")).isEqualTo(3);
        assertThat(MetadataExtractor.depth("{k: \"a|b+(c)-[d]\"}")).isEqualTo(1);
        assertThat(MetadataExtractor.depth("{k: \"x\\(.a | .b)y\\\"(\"}")).isEqualTo(3);
        assertThat(MetadataExtractor.depth("{k: .a # comment | + - ( [\n}")).isEqualTo(1);
        assertThat(MetadataExtractor.depth("{a: .a + 1, b: .b + 1, c: .c + 1}")).isEqualTo(2);
        assertThat(MetadataExtractor.depth("{k: if .a and .b then .c else .d end}")).isEqualTo(3);
        assertThat(MetadataExtractor.keysOf("{customer_id: .customer_id, year: .ts | strftime(\"%Y\")}"))
                .containsExactly(Map.entry("customer_id", ".customer_id"), Map.entry("year", ".ts | strftime(\"%Y\")"));
        for (Map.Entry<String, IntFunction<String>> shape : SHAPES.entrySet()) {
            assertThat(MetadataExtractor.depth(shape.getValue().apply(100))).as(shape.getKey()).isEqualTo(100);
        }
    }

    @Test
    void compilesAndEvaluatesEveryShapeAtOneHundredLevels()
            throws Exception
    {
        JsonNode record = JSON.readTree("{\"a\": 1}");
        for (Map.Entry<String, IntFunction<String>> shape : SHAPES.entrySet()) {
            String query = shape.getValue().apply(MetadataExtractor.MAX_QUERY_DEPTH);
            Map<String, String> keys = MetadataExtractor.keysOf(query);
            assertThat(keys).as(shape.getKey()).containsOnlyKeys("k");
            MetadataExtractor extractor = new MetadataExtractor(keys);
            try {
                assertThat(extractor.extract(record)).as(shape.getKey()).containsOnlyKeys("k");
            }
            catch (MetadataExtractor.ExtractionFailure e) {
                // arrays and objects are not partition key values; what matters is that they were evaluated
                assertThat(e).as(shape.getKey()).hasMessageMatching("Partition key k is an (array|object); it must be a string or a number");
            }
        }
    }

    @Test
    void refusesOneLevelMoreWithTheLimit()
    {
        for (Map.Entry<String, IntFunction<String>> shape : SHAPES.entrySet()) {
            String query = shape.getValue().apply(MetadataExtractor.MAX_QUERY_DEPTH + 1);
            assertThat(MetadataExtractor.depth(query)).as(shape.getKey()).isGreaterThanOrEqualTo(101);
            assertThatThrownBy(() -> MetadataExtractor.keysOf(query))
                    .as(shape.getKey())
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageEndingWith(" levels deep (brackets, and operators chained within a bracket); lakestack accepts at most 100 levels");
        }
        assertThatThrownBy(() -> MetadataExtractor.keysOf("{k: " + "[".repeat(100) + ".a" + "]".repeat(100) + "}"))
                .hasMessage("MetadataExtractionQuery '{k: " + "[".repeat(96) + "... (207 characters)' nests 101 levels deep (brackets, and operators "
                        + "chained within a bracket); lakestack accepts at most 100 levels");
    }

    @Test
    void refusesFiveThousandLevelsWithTheLimitNotAStackOverflow()
    {
        for (Map.Entry<String, IntFunction<String>> shape : SHAPES.entrySet()) {
            String query = shape.getValue().apply(5_000);
            assertThatThrownBy(() -> MetadataExtractor.keysOf(query))
                    .as(shape.getKey())
                    .isExactlyInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("lakestack accepts at most 100 levels");
        }
    }

    @Test
    void aQueryTooDeepToEvaluateSendsTheRecordToTheErrorOutputInsteadOfEndingTheDelivery()
            throws Exception
    {
        // not through keysOf, which refuses it: jackson-jq compiles a sum of 5,000 terms, and runs out of stack evaluating it
        MetadataExtractor extractor = new MetadataExtractor(Map.of("k", "1" + "+1".repeat(5_000)));

        assertThatThrownBy(() -> extractor.extract(JSON.readTree("{\"a\": 1}")))
                .isInstanceOf(MetadataExtractor.ExtractionFailure.class)
                .hasMessage("The MetadataExtractionQuery is nested too deeply to evaluate on the record");
    }
}
