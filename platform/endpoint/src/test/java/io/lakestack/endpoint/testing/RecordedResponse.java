package io.lakestack.endpoint.testing;

import io.lakestack.endpoint.protocol.AwsResponse;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer a service wrote, for tests that call a service (or the endpoint's error rendering) without HTTP: status,
 * headers by case-insensitive name (a header added again is joined with a comma, as HTTP folds it) and body. Shipped in
 * the endpoint's test jar for the services' tests.
 */
public final class RecordedResponse
        implements AwsResponse
{
    private int status = 200;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public int status()
    {
        return status;
    }

    /** The headers by case-insensitive name. */
    public Map<String, String> headers()
    {
        return headers;
    }

    public byte[] body()
    {
        return body.toByteArray();
    }

    /** The body as UTF-8 text. */
    public String text()
    {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void setStatus(int status)
    {
        this.status = status;
    }

    @Override
    public void setHeader(String name, String value)
    {
        headers.put(name, value);
    }

    @Override
    public void addHeader(String name, String value)
    {
        headers.merge(name, value, (first, second) -> first + "," + second);
    }

    @Override
    public void setContentType(String contentType)
    {
        setHeader("content-type", contentType);
    }

    @Override
    public void setContentLengthLong(long length)
    {
        setHeader("content-length", Long.toString(length));
    }

    @Override
    public OutputStream getOutputStream()
    {
        return body;
    }

    @Override
    public boolean isCommitted()
    {
        return false;
    }

    @Override
    public void reset()
    {
        headers.clear();
        body.reset();
    }
}
