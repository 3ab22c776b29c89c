package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lifecycle configurations: what is kept (rules lakestack applies), what is refused, and when a rule is due. */
class BucketLifecycleTest
{
    private static String document(String rules)
    {
        return "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + rules + "</LifecycleConfiguration>";
    }

    private static void assertRefused(String rules, int status, String code)
    {
        assertThatThrownBy(() -> BucketLifecycle.validated(document(rules).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(code);
                    assertThat(e.httpStatus()).isEqualTo(status);
                });
    }

    @Test
    void rulesLakestackAppliesAreKeptEachWithAnId()
    {
        String kept = BucketLifecycle.validated(document("<Rule><Prefix>tmp/</Prefix><Status>Enabled</Status><Expiration><Days>31</Days></Expiration></Rule>"
                + "<Rule><ID>uploads</ID><Filter><And><Prefix>in/</Prefix><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter>"
                + "<Status>Disabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
                + "</Rule><Rule><ID>dated</ID><Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>")
                .getBytes(StandardCharsets.UTF_8));
        List<BucketLifecycle.Rule> rules = BucketLifecycle.rules(kept);
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).id()).hasSize(36);
        assertThat(rules.get(0)).isEqualTo(new BucketLifecycle.Rule(rules.get(0).id(), true, "tmp/", Optional.empty(), Optional.empty(), Optional.of(31),
                Optional.empty(), Optional.empty()));
        assertThat(rules.get(1)).isEqualTo(new BucketLifecycle.Rule("uploads", false, "in/", Optional.of(10L), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(2)));
        assertThat(rules.get(2).expirationDate()).contains(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(rules.get(2).prefix()).isEmpty();
    }

    @Test
    void whatS3RefusesAndWhatLakestackWouldNotApplyAreRefused()
    {
        assertRefused("<Rule><ID>" + "a".repeat(256) + "</ID><Prefix/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>", 400,
                "InvalidArgument");
        assertRefused("<Rule><ID>same</ID><Prefix/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>"
                + "<Rule><ID>same</ID><Prefix/><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>", 400, "InvalidArgument");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>enabled</Status><Expiration><Days>2</Days></Expiration></Rule>", 400, "MalformedXML");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Expiration><Date>20200101</Date></Expiration></Rule>", 400, "InvalidArgument");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Expiration><Date>2020-01-01T12:00:00Z</Date></Expiration></Rule>", 400,
                "InvalidArgument");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule>", 400, "InvalidArgument");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status></Rule>", 400, "MalformedXML");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>",
                501, "NotImplemented");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Transition><Date>20220927</Date><StorageClass>GLACIER</StorageClass>"
                + "</Transition></Rule>", 400, "InvalidArgument");
        assertRefused("<Rule><ID>r</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>2</Days></Expiration></Rule>", 501, "NotImplemented");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><Expiration><Days>2</Days><ExpiredObjectDeleteMarker>true"
                + "</ExpiredObjectDeleteMarker></Expiration></Rule>", 400, "MalformedXML");
        assertRefused("<Rule><ID>r</ID><Prefix/><Status>Enabled</Status><NoncurrentVersionTransition><NoncurrentDays>2</NoncurrentDays>"
                + "<StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition></Rule>", 501, "NotImplemented");
    }

    @Test
    void versionRulesAreKept()
    {
        List<BucketLifecycle.Rule> rules = BucketLifecycle.rules(BucketLifecycle.validated(document("<Rule><ID>markers</ID><Filter><Prefix>foo</Prefix>"
                + "</Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"
                + "<Rule><ID>old</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays>"
                + "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>").getBytes(StandardCharsets.UTF_8)));
        assertThat(rules.get(0).expiredObjectDeleteMarker()).isTrue();
        assertThat(rules.get(0).prefix()).isEqualTo("foo");
        assertThat(rules.get(1).noncurrentDays()).contains(2);
        assertThat(rules.get(1).newerNoncurrentVersions()).contains(3);
        assertThat(rules.get(1).noncurrentExpired(Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-12-01T23:59:59Z"))).isFalse();
        assertThat(rules.get(1).noncurrentExpired(Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"))).isTrue();
    }

    @Test
    void daysCountFromCreationRoundedUpToMidnightUtc()
    {
        BucketLifecycle.Rule oneDay = new BucketLifecycle.Rule("r", true, "", Optional.empty(), Optional.empty(), Optional.of(1), Optional.empty(),
                Optional.empty());
        Instant created = Instant.parse("2026-11-29T10:15:30Z");
        assertThat(oneDay.expired(created, Instant.parse("2026-11-30T23:59:59Z"))).isFalse();
        assertThat(oneDay.expired(created, Instant.parse("2026-12-01T00:00:00Z"))).isTrue();
        assertThat(BucketLifecycle.nextMidnight(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        BucketLifecycle.Rule sized = new BucketLifecycle.Rule("r", true, "in/", Optional.of(10L), Optional.of(20L), Optional.of(1), Optional.empty(),
                Optional.empty());
        assertThat(sized.matches("in/a", 15)).isTrue();
        assertThat(sized.matches("in/a", 10)).isFalse();
        assertThat(sized.matches("in/a", 20)).isFalse();
        assertThat(sized.matches("out/a", 15)).isFalse();
    }
}
