package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pages merged from the S3 server's objects and common prefixes, and the tokens that continue them. */
class ObjectListingsTest
{
    private static final String UPSTREAM = "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
            + "<Contents><Key>test/top.txt</Key><Size>3</Size><Owner><ID>me</ID></Owner></Contents>"
            + "<CommonPrefixes><Prefix>test/a/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>test/b/</Prefix></CommonPrefixes>"
            + "<CommonPrefixes><Prefix>test/c/</Prefix></CommonPrefixes></ListBucketResult>";

    private static AwsRequest get(String query)
    {
        return new AwsRequest("GET", "/b", query, Map.of("host", List.of("127.0.0.1:4566")), new ByteArrayInputStream(new byte[0]), "127.0.0.1");
    }

    @Test
    void commonPrefixesCountAgainstMaxKeys()
    {
        AwsRequest request = get("list-type=2&prefix=test%2F&delimiter=%2F&max-keys=1");
        ObjectListings.UpstreamQuery query = ObjectListings.upstreamQuery(request, "b");
        assertThat(query.rawQuery()).isEqualTo("list-type=2&max-keys=2&prefix=test%2F&delimiter=%2F");
        String page = new String(ObjectListings.page(request, "b", query, UPSTREAM.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        String token = ObjectListings.tokenOf("b", "test/a/");
        assertThat(page).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Name>b</Name><Prefix>test/</Prefix><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><Delimiter>/</Delimiter>"
                + "<IsTruncated>true</IsTruncated><NextContinuationToken>" + token + "</NextContinuationToken>"
                + "<CommonPrefixes><Prefix>test/a/</Prefix></CommonPrefixes></ListBucketResult>");

        AwsRequest next = get("list-type=2&prefix=test%2F&delimiter=%2F&continuation-token=" + token);
        ObjectListings.UpstreamQuery nextQuery = ObjectListings.upstreamQuery(next, "b");
        assertThat(nextQuery.cursor()).contains("test/a/");
        assertThat(nextQuery.rawQuery()).endsWith("&start-after=test%2Fa%2F");
        // the S3 server gives test/a/ again (keys under it follow the cursor): it is left out
        String rest = new String(ObjectListings.page(next, "b", nextQuery, UPSTREAM.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(rest).contains("<KeyCount>3</KeyCount>", "<IsTruncated>false</IsTruncated>", "<ContinuationToken>" + token + "</ContinuationToken>",
                "<Contents><Key>test/top.txt</Key><Size>3</Size><Owner><ID>me</ID></Owner></Contents>"
                        + "<CommonPrefixes><Prefix>test/b/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>test/c/</Prefix></CommonPrefixes>");
    }

    @Test
    void aListingWithoutPrefixOrMarkerSaysSoAndV1NamesItsNextMarker()
    {
        AwsRequest request = get("delimiter=%2F&max-keys=2");
        String page = new String(ObjectListings.page(request, "b", ObjectListings.upstreamQuery(request, "b"), UPSTREAM.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        assertThat(page).contains("<Prefix></Prefix><Marker></Marker><MaxKeys>2</MaxKeys>", "<NextMarker>test/b/</NextMarker>")
                .doesNotContain("KeyCount");
    }

    @Test
    void tokensAreBoundToTheirBucketAndCannotBeForged()
    {
        String token = ObjectListings.tokenOf("b", "k\u00e9y/\u20ac");
        assertThat(ObjectListings.cursorOf("b", token)).isEqualTo("k\u00e9y/\u20ac");
        for (String forged : List.of("", "bm9wZQ", "bm9wZQ.AAAAAAAAAAAAAAAAAAAAAA", token + "x", "%%%.%%%")) {
            assertThatThrownBy(() -> ObjectListings.cursorOf("b", forged)).isInstanceOfSatisfying(ServiceException.class,
                    e -> assertThat(e.errorCode()).isEqualTo("InvalidArgument"));
        }
        assertThatThrownBy(() -> ObjectListings.cursorOf("other", token)).isInstanceOfSatisfying(ServiceException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(400));
    }

    @Test
    void onlyListingParametersMakeAListing()
    {
        assertThat(ObjectListings.isListing(get(""))).isTrue();
        assertThat(ObjectListings.isListing(get("prefix=a&marker=b&max-keys=3&delimiter=%2F&encoding-type=url"))).isTrue();
        assertThat(ObjectListings.isListing(get("list-type=2&fetch-owner=true&start-after=x"))).isTrue();
        assertThat(ObjectListings.isListing(get("policy"))).isFalse();
        assertThat(ObjectListings.isListing(get("versions"))).isFalse();
    }
}
