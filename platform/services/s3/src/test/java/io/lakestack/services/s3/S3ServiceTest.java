package io.lakestack.services.s3;

import io.lakestack.endpoint.testing.RecordedResponse;
import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.events.EventSink;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.RecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 service against a hand-written S3 server: what it forwards, what it refuses first, and how answers come back. */
class S3ServiceTest
{
    private static final Authenticator.Caller CALLER = new Authenticator.Caller("test", "us-east-1");

    @TempDir
    static Path spool;

    private final RecordingUpstream upstream = new RecordingUpstream();
    private final S3Service service = new S3Service(upstream, new NoObjects(), new NoRecords<>(), new NoRecords<>(), new NoRecords<>(), new NoRecords<>(), new NoRecords<>(), new NoEvents(), "000000000000", Set.of("localhost"),
            Clock.fixed(Instant.parse("2026-11-21T10:15:30Z"), ZoneOffset.UTC), spool);

    @Test
    void aRangeS3CannotParseIsLeftOut()
    {
        for (String range : List.of("bytes=0-9", "bytes=5-", "bytes=-5", "bytes=0-0", "bytes=100-200", " bytes=1-2 ")) {
            assertThat(S3Service.isByteRange(range)).as(range).isTrue();
        }
        for (String range : List.of("bytes=abc", "bytes=5-2", "bytes=0-1,3-4", "items=0-9", "bytes=", "bytes=-", "bytes=1-2-3", "0-9",
                "bytes=99999999999999999999-", "bytes= 0-9")) {
            assertThat(S3Service.isByteRange(range)).as(range).isFalse();
        }

        Map<String, List<String>> readable = Map.of("range", List.of("bytes=0-9"), "host", List.of("localhost"));
        assertThat(S3Service.withoutUnreadableRange(readable)).isSameAs(readable);
        assertThat(S3Service.withoutUnreadableRange(Map.of("range", List.of("bytes=abc"), "host", List.of("localhost"))))
                .containsOnly(Map.entry("host", List.of("localhost")));
        assertThat(S3Service.withoutUnreadableRange(Map.of("range", List.of("bytes=0-1", "bytes=3-4"))))
                .isEmpty();
    }

    @Test
    void anUnreadableRangeIsNotForwarded()
            throws Exception
    {
        upstream.answer(200, "application/octet-stream", "whole");
        service.handle(request("GET", "/bucket/key", "", Map.of("range", "bytes=abc")), CALLER, new RecordedResponse());
        service.handle(request("GET", "/bucket/key", "", Map.of("range", "bytes=1-2")), CALLER, new RecordedResponse());

        // each GetObject asks for the object's tags too, for its x-amz-tagging-count
        assertThat(upstream.received).filteredOn(received -> !received.rawQuery().startsWith("tagging")).extracting(received -> received.headers().get("range"))
                .containsExactly(null, List.of("bytes=1-2"));
    }

    @Test
    void keysLongerThan1024BytesAreRefusedBeforeAnythingIsForwarded()
            throws Exception
    {
        String longest = "k".repeat(1024);
        String tooLong = "k".repeat(1025);
        for (AwsRequest refused : List.of(
                request("PUT", "/bucket/" + tooLong, "", Map.of()),
                // 513 characters, 1,026 bytes
                request("PUT", "/bucket/" + "%C3%A9".repeat(513), "", Map.of()),
                request("PUT", "/bucket/" + tooLong, "", Map.of("x-amz-copy-source", "/bucket/source")),
                request("POST", "/bucket/" + tooLong, "uploads", Map.of()))) {
            assertThatThrownBy(() -> service.handle(refused, CALLER, new RecordedResponse()))
                    .isInstanceOfSatisfying(ServiceException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo("KeyTooLongError");
                        assertThat(e.httpStatus()).isEqualTo(400);
                    })
                    .hasMessage("Your key is too long");
        }
        assertThat(upstream.received).isEmpty();

        upstream.answer(200, null, "");
        service.handle(request("PUT", "/bucket/" + longest, "", Map.of()), CALLER, new RecordedResponse());
        service.handle(request("GET", "/bucket/" + tooLong, "", Map.of()), CALLER, new RecordedResponse());
        service.handle(request("GET", "/bucket/" + tooLong, "tagging", Map.of()), CALLER, new RecordedResponse());
        assertThat(upstream.received).extracting(received -> received.method() + " " + received.rawQuery())
                .containsExactly("PUT ", "GET ", "GET tagging", "GET tagging");
    }

    @Test
    void anErrorWithoutAnS3DocumentBecomesOne()
    {
        Map<Integer, String> codes = new LinkedHashMap<>();
        codes.put(400, "InvalidRequest");
        codes.put(404, "InvalidRequest");
        codes.put(405, "MethodNotAllowed");
        codes.put(500, "InternalError");
        codes.put(501, "NotImplemented");
        codes.put(503, "InternalError");
        for (Map.Entry<Integer, String> code : codes.entrySet()) {
            int status = code.getKey();
            upstream.answer(status, "text/html;charset=utf-8", "<!doctype html><html><body><h1>HTTP Status " + status + "</h1></body></html>");
            AwsRequest request = request("PUT", "/bucket/a%5Cb", "x=1", Map.of());

            assertThatThrownBy(() -> service.handle(request, CALLER, new RecordedResponse()))
                    .isInstanceOfSatisfying(ServiceException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(code.getValue());
                        assertThat(e.httpStatus()).isEqualTo(status);
                        assertThat(e.kind()).isEqualTo(status >= 500 ? ErrorKind.EXTERNAL : ErrorKind.USER);
                    })
                    .hasMessage("The S3 server " + (status >= 500 ? "failed on" : "refused") + " PUT /bucket/a%5Cb?x=1 with HTTP " + status
                            + " and no S3 error; lakestack's log has its answer (request id " + request.requestId() + ").");
        }
        upstream.answer(400, "application/problem+json", "{\"detail\":\"Failed to convert 'fetch-owner' with value: 'maybe'\",\"status\":400}");
        assertThatThrownBy(() -> service.handle(request("GET", "/bucket", "list-type=2&fetch-owner=maybe", Map.of()), CALLER, new RecordedResponse()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidRequest"));
        upstream.answer(400, "application/xml", "<Map><status>400</status></Map>");
        assertThatThrownBy(() -> service.handle(request("GET", "/bucket", "fetch-owner=maybe", Map.of()), CALLER, new RecordedResponse()))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.errorCode()).isEqualTo("InvalidRequest"));
    }

    @Test
    void anS3ErrorAndAnAnswerToHeadComeBackAsTheServerGaveThemWithARequestId()
            throws Exception
    {
        String noSuchKey = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
        upstream.answer(404, "application/xml", noSuchKey);
        RecordedResponse response = new RecordedResponse();
        AwsRequest get = request("GET", "/bucket/missing", "", Map.of());
        service.handle(get, CALLER, response);
        assertThat(response.status()).isEqualTo(404);
        // with the request id S3 puts in every error
        assertThat(response.text())
                .isEqualTo(noSuchKey.replace("</Error>", "<RequestId>" + get.requestId() + "</RequestId></Error>"));

        upstream.answer(404, "text/html", "");
        RecordedResponse head = new RecordedResponse();
        service.handle(request("HEAD", "/bucket/missing", "", Map.of()), CALLER, head);
        assertThat(head.status()).isEqualTo(404);
    }

    private static AwsRequest request(String method, String path, String query, Map<String, String> headers)
    {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("host", List.of("127.0.0.1:4566"));
        headers.forEach((name, value) -> lists.put(name, List.of(value)));
        return new AwsRequest(method, path, query, lists, new ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    /** An S3 server that gives one answer to everything and keeps what it was asked. */
    private static final class RecordingUpstream
            implements S3Upstream
    {
        private final List<Request> received = new ArrayList<>();
        private int status;
        private String contentType;
        private String body;

        void answer(int status, String contentType, String body)
        {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        @Override
        public Response exchange(Request request)
        {
            received.add(request);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (contentType != null) {
                headers.put("Content-Type", List.of(contentType));
            }
            return new Response(status, headers, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static final class NoObjects
            implements ObjectStore
    {
        @Override
        public List<Entry> list(String bucket, String prefix)
        {
            return List.of();
        }

        @Override
        public byte[] read(String bucket, String key, long offset, int length)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ObjectInfo> head(String bucket, String key)
        {
            return Optional.empty();
        }

        @Override
        public boolean bucketExists(String bucket)
        {
            return true;
        }

        @Override
        public void createBucket(String bucket)
        {
        }

        @Override
        public void put(String bucket, String key, Path file, String contentType)
        {
        }
    }

    private static final class NoRecords<T>
            implements RecordStore<T>
    {
        @Override
        public Optional<T> get(String key)
        {
            return Optional.empty();
        }

        @Override
        public void put(String key, T record)
        {
        }

        @Override
        public void delete(String key)
        {
        }

        @Override
        public SortedMap<String, T> all()
        {
            return new TreeMap<>();
        }

        @Override
        public void subscribe(Listener<T> listener)
        {
        }
    }

    private static final class NoEvents
            implements EventSink
    {
        @Override
        public void declare(String topic)
        {
        }

        @Override
        public void publish(String topic, String key, byte[] value, Map<String, String> headers)
        {
        }

        @Override
        public void declareOrdered(String topic)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public long publishOrdered(String topic, String key, byte[] value, Map<String, String> headers)
        {
            throw new UnsupportedOperationException("not used by these tests");
        }
    }
}
