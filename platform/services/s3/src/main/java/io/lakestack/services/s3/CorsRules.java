package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.Xml;
import org.w3c.dom.Element;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A bucket's CORS configuration applied as S3 applies it: the first rule whose origin, method and (for a preflight)
 * requested headers all match decides the {@code Access-Control-*} headers of the answer. An origin or header pattern
 * holds at most one {@code *}, standing for any text.
 */
final class CorsRules
{
    /** One {@code <CORSRule>}. */
    record Rule(List<String> origins, List<String> methods, List<String> headers, List<String> exposeHeaders, Optional<String> maxAgeSeconds)
    {
    }

    private final List<Rule> rules;

    private CorsRules(List<Rule> rules)
    {
        this.rules = List.copyOf(rules);
    }

    static CorsRules of(String document)
    {
        List<Rule> rules = new ArrayList<>();
        for (Element rule : Xml.children(Xml.parse(document.getBytes(StandardCharsets.UTF_8)), "CORSRule")) {
            rules.add(new Rule(texts(rule, "AllowedOrigin"), texts(rule, "AllowedMethod"), texts(rule, "AllowedHeader"), texts(rule, "ExposeHeader"),
                    Xml.childText(rule, "MaxAgeSeconds")));
        }
        return new CorsRules(rules);
    }

    /**
     * The headers of an answer to a request from {@code origin} with {@code method} (for a preflight, the method and
     * headers it asks about), or empty when no rule allows it.
     */
    Optional<Map<String, String>> headers(String origin, String method, List<String> requestHeaders, boolean preflight)
    {
        for (Rule rule : rules) {
            Optional<String> allowedOrigin = rule.origins().stream().filter(pattern -> matches(pattern, origin)).findFirst();
            if (allowedOrigin.isEmpty() || !rule.methods().contains(method)) {
                continue;
            }
            if (!requestHeaders.stream().allMatch(header -> rule.headers().stream().anyMatch(pattern -> matches(pattern.toLowerCase(Locale.ROOT),
                    header.toLowerCase(Locale.ROOT))))) {
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            boolean anyOrigin = allowedOrigin.get().equals("*");
            headers.put("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
            headers.put("Access-Control-Allow-Methods", String.join(", ", rule.methods()));
            if (!anyOrigin) {
                headers.put("Access-Control-Allow-Credentials", "true");
            }
            if (preflight && !requestHeaders.isEmpty()) {
                headers.put("Access-Control-Allow-Headers", String.join(", ", requestHeaders));
            }
            if (!rule.exposeHeaders().isEmpty()) {
                headers.put("Access-Control-Expose-Headers", String.join(", ", rule.exposeHeaders()));
            }
            rule.maxAgeSeconds().ifPresent(maxAge -> headers.put("Access-Control-Max-Age", maxAge));
            headers.put("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
            return Optional.of(headers);
        }
        return Optional.empty();
    }

    /** The headers a preflight's {@code Access-Control-Request-Headers} names. */
    static List<String> requestedHeaders(Optional<String> value)
    {
        return value.map(text -> Arrays.stream(text.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList()).orElse(List.of());
    }

    static boolean matches(String pattern, String value)
    {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.length() >= prefix.length() + suffix.length() && value.startsWith(prefix) && value.endsWith(suffix);
    }

    private static List<String> texts(Element parent, String name)
    {
        return Xml.children(parent, name).stream().map(element -> element.getTextContent().trim()).toList();
    }
}
