package io.lakestack.services.s3;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** CORS rules as S3 applies them: the first rule whose origin, method and requested headers match. */
class CorsRulesTest
{
    private static final CorsRules RULES = CorsRules.of("<CORSConfiguration><CORSRule><AllowedOrigin>*suffix</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
            + "</CORSRule><CORSRule><AllowedOrigin>start*end</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
            + "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>x-amz-meta-*</AllowedHeader>"
            + "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>");

    @Test
    void theFirstMatchingRuleDecides()
    {
        assertThat(RULES.headers("foo.suffix", "GET", List.of(), false).map(headers -> headers.get("Access-Control-Allow-Origin"))).contains("foo.suffix");
        assertThat(RULES.headers("start12end", "GET", List.of(), false).map(headers -> headers.get("Access-Control-Allow-Methods"))).contains("GET");
        assertThat(RULES.headers("0start12end", "GET", List.of(), false)).isEmpty();
        assertThat(RULES.headers("foo.suffix.get", "GET", List.of(), false)).isEmpty();
        assertThat(RULES.headers("anything", "PUT", List.of("X-Amz-Meta-Team"), true)).contains(Map.of(
                "Access-Control-Allow-Origin", "*",
                "Access-Control-Allow-Methods", "PUT",
                "Access-Control-Allow-Headers", "X-Amz-Meta-Team",
                "Access-Control-Expose-Headers", "ETag",
                "Access-Control-Max-Age", "60",
                "Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"));
        assertThat(RULES.headers("anything", "PUT", List.of("x-amz-acl"), true)).isEmpty();
        assertThat(RULES.headers("anything", "DELETE", List.of(), true)).isEmpty();
        assertThat(CorsRules.requestedHeaders(Optional.of(" a, b ,,c"))).containsExactly("a", "b", "c");
    }
}
