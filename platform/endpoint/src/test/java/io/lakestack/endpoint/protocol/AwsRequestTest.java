package io.lakestack.endpoint.protocol;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bounded body is never read past its limit + 1 byte, and one whose declared length is over the limit not at all. */
class AwsRequestTest
{
    /** A body of {@code length} bytes that counts what is read of it. */
    private static final class CountingBody
            extends InputStream
    {
        private final long length;
        private long read;

        CountingBody(long length)
        {
            this.length = length;
        }

        @Override
        public int read()
        {
            if (read == length) {
                return -1;
            }
            read++;
            return 'x';
        }
    }

    private static AwsRequest request(Map<String, List<String>> headers, InputStream body)
    {
        return new AwsRequest("POST", "/", "", headers, body, "127.0.0.1");
    }

    private static ServiceException tooLarge(OptionalLong declared)
    {
        return ServiceException.user("TooLarge", 413, "declared " + declared);
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedWithoutReading()
    {
        CountingBody body = new CountingBody(1_000);
        AwsRequest request = request(Map.of("Content-Length", List.of("1000")), body);
        request.limitBody(100, AwsRequestTest::tooLarge);

        assertThatThrownBy(request::body).isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.httpStatus()).isEqualTo(413))
                .hasMessage("declared OptionalLong[1000]");
        assertThat(body.read).isZero();
        assertThatThrownBy(request::bodyStream).hasMessage("declared OptionalLong[1000]");
        assertThat(body.read).isZero();
    }

    @Test
    void chunkedBodyIsCutOneByteAfterTheLimit()
    {
        CountingBody body = new CountingBody(1_000_000);
        AwsRequest request = request(Map.of("Transfer-Encoding", List.of("chunked")), body);
        request.limitBody(100, AwsRequestTest::tooLarge);

        assertThatThrownBy(request::body).hasMessage("declared OptionalLong.empty");
        assertThat(body.read).isEqualTo(101);
        // asked again, the same answer, and nothing more read
        assertThatThrownBy(request::body).hasMessage("declared OptionalLong.empty");
        assertThat(body.read).isEqualTo(101);
    }

    @Test
    void bodyWithinTheLimitIsReadWhole()
    {
        AwsRequest exact = request(Map.of(), new CountingBody(100));
        exact.limitBody(100, AwsRequestTest::tooLarge);
        assertThat(exact.body()).hasSize(100);

        AwsRequest declared = request(Map.of("Content-Length", List.of("3")), new ByteArrayInputStream("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        declared.limitBody(3, AwsRequestTest::tooLarge);
        assertThat(declared.body()).containsExactly('a', 'b', 'c');
    }

    /** A declared length is read into one array of that size; what the stream really holds decides the body, and the limit still holds. */
    @Test
    void declaredLengthSizesTheReadButTheStreamDecides()
    {
        AwsRequest shorter = request(Map.of("Content-Length", List.of("50")), new CountingBody(20));
        shorter.limitBody(100, AwsRequestTest::tooLarge);
        assertThat(shorter.body()).hasSize(20);

        AwsRequest longerWithinLimit = request(Map.of("Content-Length", List.of("50")), new CountingBody(80));
        longerWithinLimit.limitBody(100, AwsRequestTest::tooLarge);
        assertThat(longerWithinLimit.body()).hasSize(80).containsOnly('x');

        CountingBody overLimit = new CountingBody(1_000);
        AwsRequest longerOverLimit = request(Map.of("Content-Length", List.of("50")), overLimit);
        longerOverLimit.limitBody(100, AwsRequestTest::tooLarge);
        assertThatThrownBy(longerOverLimit::body).hasMessage("declared OptionalLong.empty");
        assertThat(overLimit.read).isEqualTo(101);

        CountingBody negative = new CountingBody(30);
        AwsRequest negativeLength = request(Map.of("Content-Length", List.of("-5")), negative);
        negativeLength.limitBody(100, AwsRequestTest::tooLarge);
        assertThat(negativeLength.body()).hasSize(30);
    }

    @Test
    void boundedStreamFailsPastTheLimit()
            throws Exception
    {
        CountingBody body = new CountingBody(1_000);
        AwsRequest request = request(Map.of(), body);
        request.limitBody(100, AwsRequestTest::tooLarge);

        InputStream stream = request.bodyStream();
        assertThat(stream.readNBytes(100)).hasSize(100);
        assertThatThrownBy(stream::read).hasMessage("declared OptionalLong.empty");
        assertThat(body.read).isEqualTo(101);
    }

    @Test
    void unboundedBodyIsReadWhole()
    {
        AwsRequest request = request(Map.of(), new CountingBody(10_000));
        assertThat(request.body()).hasSize(10_000);
        assertThatThrownBy(() -> request.limitBody(100, AwsRequestTest::tooLarge)).isInstanceOf(IllegalStateException.class);
    }

    /** The HTTP server reads header bytes as ISO-8859-1; clients send UTF-8, and sign the text they meant. */
    @Test
    void headerValuesSentAsUtf8AreReadAsUtf8()
    {
        String sentAsUtf8 = new String("Hello World\u00e9 \u20ac".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(AwsRequest.utf8HeaderValue(sentAsUtf8)).isEqualTo("Hello World\u00e9 \u20ac");
        // a lone ISO-8859-1 byte is no UTF-8: kept as read
        assertThat(AwsRequest.utf8HeaderValue("Hello World\u00e9")).isEqualTo("Hello World\u00e9");
        assertThat(AwsRequest.utf8HeaderValue("plain ascii")).isEqualTo("plain ascii");
    }
}
