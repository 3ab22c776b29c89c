package io.lakestack.endpoint.query;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.QueryStrings;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a Query protocol request: those of its query string, then those of its form-encoded body (which
 * win). In a form, {@code +} is a space, as HTML forms encode it.
 */
public final class QueryForms
{
    private QueryForms() {}

    public static Map<String, String> parameters(AwsRequest request)
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        request.queryParameters().forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
        if (request.method().equals("POST")) {
            String form = new String(request.body(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(decode(name), decode(value));
            }
        }
        return parameters;
    }

    private static String decode(String encoded)
    {
        return QueryStrings.decode(encoded.replace('+', ' '));
    }
}
