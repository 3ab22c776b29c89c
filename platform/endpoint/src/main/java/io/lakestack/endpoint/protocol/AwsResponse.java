package io.lakestack.endpoint.protocol;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;

import static java.util.Objects.requireNonNull;

/**
 * The answer to one request, as a service writes it: status, headers, then a body streamed once. Nothing is sent
 * before the first byte of the body is written or the service returns, so an error found before that replaces it
 * ({@link #reset()}).
 */
public interface AwsResponse
{
    void setStatus(int status);

    /** Sets a header, replacing the values it had. */
    void setHeader(String name, String value);

    void addHeader(String name, String value);

    void setContentType(String contentType);

    void setContentLengthLong(long length);

    default void setContentLength(int length)
    {
        setContentLengthLong(length);
    }

    OutputStream getOutputStream()
            throws IOException;

    /** Whether the status and headers have been sent, after which the answer can no longer change. */
    boolean isCommitted();

    /** Forgets the status, headers and buffered body written so far. */
    void reset();

    static AwsResponse of(HttpServletResponse response)
    {
        requireNonNull(response, "response is null");
        return new AwsResponse()
        {
            @Override
            public void setStatus(int status)
            {
                response.setStatus(status);
            }

            @Override
            public void setHeader(String name, String value)
            {
                response.setHeader(name, value);
            }

            @Override
            public void addHeader(String name, String value)
            {
                response.addHeader(name, value);
            }

            @Override
            public void setContentType(String contentType)
            {
                response.setContentType(contentType);
            }

            @Override
            public void setContentLengthLong(long length)
            {
                response.setContentLengthLong(length);
            }

            @Override
            public OutputStream getOutputStream()
                    throws IOException
            {
                return response.getOutputStream();
            }

            @Override
            public boolean isCommitted()
            {
                return response.isCommitted();
            }

            @Override
            public void reset()
            {
                response.reset();
            }
        };
    }
}
