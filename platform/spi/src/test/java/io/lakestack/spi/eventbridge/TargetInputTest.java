package io.lakestack.spi.eventbridge;

import io.lakestack.spi.json.JsonText;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The input a target receives: the whole event, Input, InputPath and InputTransformer, and how PutTargets checks them. */
class TargetInputTest
{
    private static final String EVENT = "{\"id\":\"e-1\",\"source\":\"shop\",\"resources\":[\"r1\",\"r2\"],"
            + "\"detail\":{\"order\":\"o-1\",\"amount\":250.5,\"paid\":true,\"note\":\"say \\\"hi\\\"\",\"items\":[{\"sku\":\"a\"}],\"odd key\":1}}";
    private static final Object DOCUMENT = JsonText.parse(EVENT);
    private static final TargetInput.Context CONTEXT = new TargetInput.Context("arn:aws:events:us-east-1:000000000000:rule/r", "r",
            "2026-01-01T00:00:00Z");

    private static Target target(Optional<String> input, Optional<String> inputPath, Optional<Target.InputTransformer> transformer)
    {
        return new Target("t", "arn:aws:sqs:us-east-1:000000000000:q", Optional.empty(), input, inputPath, transformer, Target.RetryPolicy.DEFAULT,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static String transform(Map<String, String> paths, String template)
    {
        Target target = target(Optional.empty(), Optional.empty(), Optional.of(new Target.InputTransformer(paths, template)));
        TargetInput.check(target);
        return TargetInput.render(target, EVENT, DOCUMENT, CONTEXT);
    }

    private static String path(String path)
    {
        Target target = target(Optional.empty(), Optional.of(path), Optional.empty());
        TargetInput.check(target);
        return TargetInput.render(target, EVENT, DOCUMENT, CONTEXT);
    }

    @Test
    void wholeEventAndConstantInput()
    {
        assertThat(TargetInput.render(target(Optional.empty(), Optional.empty(), Optional.empty()), EVENT, DOCUMENT, CONTEXT)).isEqualTo(EVENT);
        assertThat(TargetInput.render(target(Optional.of("{\"fixed\": 1}"), Optional.empty(), Optional.empty()), EVENT, DOCUMENT, CONTEXT))
                .isEqualTo("{\"fixed\": 1}");
    }

    @Test
    void inputPath()
    {
        assertThat(path("$.detail.order")).isEqualTo("\"o-1\"");
        assertThat(path("$.detail.amount")).isEqualTo("250.5");
        assertThat(path("$.resources[1]")).isEqualTo("\"r2\"");
        assertThat(path("$.detail.items[0]")).isEqualTo("{\"sku\":\"a\"}");
        assertThat(path("$.detail['odd key']")).isEqualTo("1");
        assertThat(path("$.detail.missing")).isEqualTo("null");
        assertThat(path("$")).isEqualTo(JsonText.write(DOCUMENT));
    }

    @Test
    void transformerInJsonTemplateQuotesByPlace()
    {
        Map<String, String> paths = Map.of("order", "$.detail.order", "amount", "$.detail.amount", "paid", "$.detail.paid", "items", "$.detail.items",
                "note", "$.detail.note", "missing", "$.detail.missing");
        assertThat(transform(paths, "{\"order\": <order>, \"amount\": <amount>, \"paid\": <paid>, \"items\": <items>, \"missing\": <missing>}"))
                .isEqualTo("{\"order\": \"o-1\", \"amount\": 250.5, \"paid\": true, \"items\": [{\"sku\":\"a\"}], \"missing\": null}");
        assertThat(transform(paths, "{\"text\": \"order <order> of <amount>, note <note>, items <items>, missing '<missing>'\"}"))
                .isEqualTo("{\"text\": \"order o-1 of 250.5, note say \\\"hi\\\", items [{\\\"sku\\\":\\\"a\\\"}], missing ''\"}");
        assertThat(JsonText.parse(transform(paths, "{\"text\": \"<note> <items>\"}"))).isEqualTo(Map.of("text", "say \"hi\" [{\"sku\":\"a\"}]"));
    }

    @Test
    void transformerInStringTemplates()
    {
        Map<String, String> paths = Map.of("order", "$.detail.order", "amount", "$.detail.amount");
        assertThat(transform(paths, "\"order <order> of <amount>\"")).isEqualTo("\"order o-1 of 250.5\"");
        assertThat(transform(paths, "order <order> of <amount>")).isEqualTo("order o-1 of 250.5");
        assertThat(transform(paths, "<unknown> stays")).isEqualTo("<unknown> stays");
    }

    @Test
    void predefinedVariables()
    {
        assertThat(transform(Map.of(), "{\"rule\": \"<aws.events.rule-name>\", \"arn\": \"<aws.events.rule-arn>\", "
                + "\"at\": \"<aws.events.event.ingestion-time>\", \"event\": <aws.events.event.json>}"))
                .isEqualTo("{\"rule\": \"r\", \"arn\": \"arn:aws:events:us-east-1:000000000000:rule/r\", \"at\": \"2026-01-01T00:00:00Z\", \"event\": "
                        + JsonText.write(DOCUMENT) + "}");
    }

    @Test
    void checks()
    {
        assertThatThrownBy(() -> TargetInput.check(target(Optional.of("{}"), Optional.of("$.a"), Optional.empty())))
                .hasMessage("Only one of Input, InputPath, or InputTransformer can be provided for target t.");
        assertThatThrownBy(() -> TargetInput.check(target(Optional.of("{nope"), Optional.empty(), Optional.empty())))
                .hasMessageStartingWith("Input for target t is not valid JSON text: not valid JSON at character 1");
        assertThatThrownBy(() -> TargetInput.check(target(Optional.empty(), Optional.of("detail"), Optional.empty())))
                .hasMessage("InputPath for target t is not a valid JSON path: a JSON path starts with $: detail");
        assertThatThrownBy(() -> TargetInput.check(target(Optional.empty(), Optional.of("$.detail[*]"), Optional.empty())))
                .hasMessage("InputPath for target t is not a valid JSON path: lakestack reads JSON paths of names and indexes only (no '*', slices or "
                        + "filters): $.detail[*]");
        assertThatThrownBy(() -> transform(Map.of("bad key", "$.a"), "{}"))
                .hasMessage("InputPathsMap key 'bad key' of target t must be 1 to 256 letters, digits, '_' or '-'.");
        assertThatThrownBy(() -> transform(Map.of("a", "$..a"), "{}"))
                .hasMessage("InputPathsMap value for key 'a' of target t is not a valid JSON path: lakestack reads JSON paths of names and indexes only "
                        + "(no '..' or '*'): $..a");
        assertThatThrownBy(() -> transform(Map.of("a", "$.a"), "{\"a\": <a>"))
                .hasMessage("Invalid InputTemplate for target t: the template is a JSON object or array but does not read as JSON once its "
                        + "placeholders are filled in (not valid JSON at character 7: unexpected end of input).");
    }
}
