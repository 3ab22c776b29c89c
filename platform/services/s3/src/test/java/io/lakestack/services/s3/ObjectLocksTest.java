package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.s3.S3Upstream;
import io.lakestack.spi.store.MemoryRecordStores;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Object lock documents as S3 checks them, and what a version's lock allows as time passes on a controlled clock. */
class ObjectLocksTest
{
    private static final String XMLNS = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final MemoryRecordStores stores = new MemoryRecordStores();
    private final RecordStore<BucketConfiguration> configurations = stores.open("configurations", BucketConfiguration.class);
    private final RecordStore<ObjectLockState> states = stores.open("states", ObjectLockState.class);
    private final ObjectLocks locks = new ObjectLocks(configurations, states, unused(S3Upstream.class), unused(ObjectStore.class), clock);

    private static <T> T unused(Class<T> type)
    {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            throw new AssertionError("not used here: " + method.getName());
        }));
    }

    private static byte[] bytes(String document)
    {
        return document.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(Executable executable, int status, String code, String message)
    {
        assertThatThrownBy(executable::execute).isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static String configuration(String retention)
    {
        return "<ObjectLockConfiguration " + XMLNS + "><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>" + retention
                + "</DefaultRetention></Rule></ObjectLockConfiguration>";
    }

    @Test
    void aLockConfigurationIsKeptInItsCanonicalForm()
    {
        assertThat(ObjectLocks.validatedConfiguration(bytes(configuration("<Years>1</Years><Mode>COMPLIANCE</Mode>"))))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ObjectLockConfiguration " + XMLNS + "><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                        + "<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>");
        assertThat(ObjectLocks.validatedConfiguration(bytes("<ObjectLockConfiguration " + XMLNS + "><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                + "</ObjectLockConfiguration>")))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ObjectLockConfiguration " + XMLNS + "><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                        + "</ObjectLockConfiguration>");
    }

    @Test
    void aLockConfigurationIsRefusedAsS3RefusesIt()
    {
        String malformed = "The XML you provided was not well-formed or did not validate against our published schema: ";
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>"))), 400,
                "MalformedXML", malformed + "a DefaultRetention has either Days or Years, not both");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode>"))), 400,
                "MalformedXML", malformed + "a DefaultRetention has either Days or Years, not neither");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode><Days>0</Days>"))), 400,
                "InvalidRetentionPeriod", "Default retention period must be a positive integer value.");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode><Years>-1</Years>"))), 400,
                "InvalidRetentionPeriod", "Default retention period must be a positive integer value.");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode><Years>101</Years>"))), 400,
                "InvalidRetentionPeriod", "Default retention period is too large: at most 100 years, not 101");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>governance</Mode><Days>1</Days>"))), 400,
                "MalformedXML", malformed + "the default retention's Mode must be GOVERNANCE or COMPLIANCE, not 'governance'");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes(configuration("<Mode>GOVERNANCE</Mode><Days>one</Days>"))), 400,
                "MalformedXML", malformed + "a retention period is a whole number, not 'one'");
        assertRefused(() -> ObjectLocks.validatedConfiguration(bytes("<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled>"
                + "</ObjectLockConfiguration>")), 400, "MalformedXML", malformed + "ObjectLockEnabled must be Enabled, not 'Disabled'");
    }

    @Test
    void retentionAndLegalHoldDocumentsAreChecked()
    {
        assertThat(ObjectLocks.retention(bytes("<Retention " + XMLNS + "><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate>"
                + "</Retention>"))).isEqualTo(new ObjectLocks.Retention("GOVERNANCE", Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(ObjectLocks.retention(bytes("<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T02:00:00+02:00</RetainUntilDate>"
                + "</Retention>"))).isEqualTo(new ObjectLocks.Retention("COMPLIANCE", Instant.parse("2030-01-01T00:00:00Z")));
        String malformed = "The XML you provided was not well-formed or did not validate against our published schema: ";
        assertRefused(() -> ObjectLocks.retention(bytes("<Retention><Mode>abc</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>")),
                400, "MalformedXML", malformed + "a Retention's Mode is GOVERNANCE or COMPLIANCE, not 'abc'");
        assertRefused(() -> ObjectLocks.retention(bytes("<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030</RetainUntilDate></Retention>")),
                400, "MalformedXML", malformed + "RetainUntilDate is an ISO 8601 date and time, such as 2030-01-01T00:00:00Z, not '2030'");
        assertThat(ObjectLocks.legalHold(bytes("<LegalHold " + XMLNS + "><Status>ON</Status></LegalHold>"))).isEqualTo("ON");
        assertRefused(() -> ObjectLocks.legalHold(bytes("<LegalHold><Status>abc</Status></LegalHold>")), 400, "MalformedXML",
                malformed + "a LegalHold's Status is ON or OFF, not 'abc'");
    }

    @Test
    void defaultRetentionCountsFromCreation()
    {
        Instant created = Instant.parse("2028-02-29T10:00:00Z");
        assertThat(new ObjectLocks.DefaultRetention("GOVERNANCE", 1, 0).until(created)).isEqualTo(Instant.parse("2028-03-01T10:00:00Z"));
        assertThat(new ObjectLocks.DefaultRetention("COMPLIANCE", 0, 1).until(created)).isEqualTo(Instant.parse("2029-02-28T10:00:00Z"));
    }

    @Test
    void aProtectedVersionIsRefusedDeletionUntilItsRetentionEnds()
    {
        configurations.put("b", BucketConfiguration.NONE.with("object-lock", Optional.of(ObjectLocks.validatedConfiguration(bytes(
                "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>")))));
        String until = "2026-11-29T12:01:00.000Z";
        states.put(ObjectLocks.versionKey("b", "governed", "v1"), ObjectLockState.NONE.withRetention("GOVERNANCE", until));
        states.put(ObjectLocks.versionKey("b", "complied", "v1"), ObjectLockState.NONE.withRetention("COMPLIANCE", until));
        states.put(ObjectLocks.versionKey("b", "held", "v1"), ObjectLockState.NONE.withLegalHold("ON"));
        states.put(ObjectLocks.versionKey("b", "released", "v1"), ObjectLockState.NONE.withLegalHold("OFF"));

        assertThat(locks.deleteRefusal("b", "governed", "v1", false)).contains("Access Denied because object protected by object lock.");
        assertThat(locks.deleteRefusal("b", "governed", "v1", true)).isEmpty();
        assertThat(locks.deleteRefusal("b", "complied", "v1", true)).contains("Access Denied because object protected by object lock.");
        assertThat(locks.deleteRefusal("b", "held", "v1", true)).contains("Access Denied because object protected by object lock.");
        assertThat(locks.deleteRefusal("b", "released", "v1", false)).isEmpty();
        assertThat(locks.deleteRefusal("b", "unlocked", "v1", false)).isEmpty();
        assertRefused(() -> locks.checkDelete("b", "complied", "v1", true), 403, "AccessDenied", "Access Denied because object protected by object lock.");

        clock.advance(Duration.ofMinutes(1));
        // retained until 12:01:00.000, and it is 12:01:00.000 now: the retention is over
        assertThat(locks.deleteRefusal("b", "complied", "v1", false)).isEmpty();
        assertThat(locks.deleteRefusal("b", "governed", "v1", false)).isEmpty();
        assertThat(locks.deleteRefusal("b", "held", "v1", false)).contains("Access Denied because object protected by object lock.");
    }

    @Test
    void aRetentionInForceIsLengthenedButNotShortened()
    {
        ObjectLockState governed = ObjectLockState.NONE.withRetention("GOVERNANCE", "2026-11-30T00:00:00.000Z");
        ObjectLockState complied = ObjectLockState.NONE.withRetention("COMPLIANCE", "2026-11-30T00:00:00.000Z");
        Instant later = Instant.parse("2026-12-01T00:00:00Z");
        Instant earlier = Instant.parse("2026-11-29T18:00:00Z");

        locks.checkRetentionChange(governed, new ObjectLocks.Retention("GOVERNANCE", later), false);
        locks.checkRetentionChange(complied, new ObjectLocks.Retention("COMPLIANCE", later), false);
        locks.checkRetentionChange(governed, new ObjectLocks.Retention("GOVERNANCE", earlier), true);
        locks.checkRetentionChange(governed, new ObjectLocks.Retention("COMPLIANCE", later), true);
        String denied = "Access Denied because object protected by object lock.";
        assertRefused(() -> locks.checkRetentionChange(governed, new ObjectLocks.Retention("GOVERNANCE", earlier), false), 403, "AccessDenied", denied);
        assertRefused(() -> locks.checkRetentionChange(governed, new ObjectLocks.Retention("COMPLIANCE", later), false), 403, "AccessDenied", denied);
        assertRefused(() -> locks.checkRetentionChange(complied, new ObjectLocks.Retention("COMPLIANCE", earlier), true), 403, "AccessDenied", denied);
        assertRefused(() -> locks.checkRetentionChange(complied, new ObjectLocks.Retention("GOVERNANCE", later), true), 403, "AccessDenied", denied);

        // once it has run out, any retention may be set
        clock.set(Instant.parse("2026-11-30T00:00:01Z").toEpochMilli());
        locks.checkRetentionChange(complied, new ObjectLocks.Retention("GOVERNANCE", later), false);
    }
}
