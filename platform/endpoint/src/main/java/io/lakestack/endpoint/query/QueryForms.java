package io.lakestack.endpoint.query;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.QueryStrings;
import io.lakestack.spi.ServiceException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /**
     * @throws ServiceException {@code MalformedQueryString} when a parameter is not percent-encoded UTF-8: taken as it
     *         is, it would be another value than the one sent
     */
    public static Map<String, String> parameters(AwsRequest request)
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        try {
            QueryStrings.parseStrict(request.rawQuery(), false).forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
            if (request.method().equals("POST")) {
                String body = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(request.body())).toString();
                QueryStrings.parseStrict(body, true).forEach(entry -> parameters.put(entry.getKey(), entry.getValue()));
            }
        }
        catch (CharacterCodingException e) {
            throw malformed("the request body is not UTF-8");
        }
        catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
        return parameters;
    }

    private static ServiceException malformed(String reason)
    {
        return ServiceException.user("MalformedQueryString", "The query string contains a syntax error: " + reason + ".");
    }
}
