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
            QueryStrings.parse(new String(request.body(), StandardCharsets.UTF_8), true).forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
        }
        return parameters;
    }
}
