package io.lakestack.services.s3;

import io.lakestack.spi.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ACLs: canned ACLs and AccessControlPolicy documents as grants, what is refused, the answer's document, and what anyone may do. */
class AclsTest
{
    private static final BucketSubresources.Owner OWNER = new BucketSubresources.Owner("owner-id", "lakestack");
    private static final Acls.Grant FULL = new Acls.Grant("CanonicalUser", "owner-id", "FULL_CONTROL");
    private static final String XSI = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

    private static void assertRefused(Executable executable, int status, String code, String message)
    {
        assertThatThrownBy(executable::execute).isInstanceOfSatisfying(ServiceException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static List<Acls.Grant> policy(String grants)
    {
        return Acls.fromDocument(("<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>owner-id</ID></Owner>"
                + "<AccessControlList>" + grants + "</AccessControlList></AccessControlPolicy>").getBytes(StandardCharsets.UTF_8), OWNER);
    }

    @Test
    void cannedAclsAreGrants()
    {
        assertThat(Acls.canned("private", OWNER, true)).containsExactly(FULL);
        assertThat(Acls.canned("public-read", OWNER, false)).containsExactly(FULL, new Acls.Grant("Group", Acls.ALL_USERS, "READ"));
        assertThat(Acls.canned("public-read-write", OWNER, true)).containsExactly(FULL, new Acls.Grant("Group", Acls.ALL_USERS, "READ"),
                new Acls.Grant("Group", Acls.ALL_USERS, "WRITE"));
        assertThat(Acls.canned("authenticated-read", OWNER, true)).containsExactly(FULL, new Acls.Grant("Group", Acls.AUTHENTICATED_USERS, "READ"));
        assertThat(Acls.canned("bucket-owner-full-control", OWNER, false)).containsExactly(FULL);
        assertThat(Acls.canned("log-delivery-write", OWNER, true)).containsExactly(FULL, new Acls.Grant("Group", Acls.LOG_DELIVERY, "WRITE"),
                new Acls.Grant("Group", Acls.LOG_DELIVERY, "READ_ACP"));
        assertRefused(() -> Acls.canned("log-delivery-write", OWNER, false), 400, "InvalidArgument", "The canned ACL log-delivery-write applies to buckets only");
    }

    @Test
    void aPolicyDocumentIsReadAndKeptAsText()
    {
        List<Acls.Grant> grants = policy("<Grant><Grantee " + XSI + " xsi:type=\"CanonicalUser\"><ID>owner-id</ID></Grantee><Permission>FULL_CONTROL"
                + "</Permission></Grant><Grant><Grantee " + XSI + " xsi:type=\"Group\"><URI>" + Acls.ALL_USERS + "</URI></Grantee><Permission>READ"
                + "</Permission></Grant>");
        assertThat(grants).containsExactly(FULL, new Acls.Grant("Group", Acls.ALL_USERS, "READ"));
        assertThat(Acls.parse(Acls.text(grants))).isEqualTo(grants);
        assertThat(policy("")).isEmpty();
        assertThat(Acls.parse(Acls.text(List.of()))).isEmpty();
    }

    @Test
    void grantsToUnknownUsersAndBadDocumentsAreRefused()
    {
        assertRefused(() -> policy("<Grant><Grantee " + XSI + " xsi:type=\"CanonicalUser\"><ID>_foo</ID></Grantee><Permission>FULL_CONTROL</Permission>"
                + "</Grant>"), 400, "InvalidArgument", "Invalid id: _foo is no canonical user id lakestack knows; its one account is owner-id");
        assertRefused(() -> policy("<Grant><Grantee " + XSI + " xsi:type=\"Group\"><URI>http://example.com/group</URI></Grantee><Permission>READ"
                + "</Permission></Grant>"), 400, "InvalidArgument", "Invalid group uri: http://example.com/group; the groups are " + Acls.ALL_USERS + ", "
                + Acls.AUTHENTICATED_USERS + " and " + Acls.LOG_DELIVERY);
        assertRefused(() -> policy("<Grant><Grantee " + XSI + " xsi:type=\"CanonicalUser\"><ID>owner-id</ID></Grantee><Permission>ALL</Permission>"
                + "</Grant>"), 400, "MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema: "
                + "a Grant's Permission is one of [FULL_CONTROL, WRITE, WRITE_ACP, READ, READ_ACP], not 'ALL'");
        assertRefused(() -> policy("<Grant><Grantee " + XSI + " xsi:type=\"AmazonCustomerByEmail\"><EmailAddress>a@example.com</EmailAddress></Grantee>"
                + "<Permission>READ</Permission></Grant>"), 400, "UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any "
                + "account on record: lakestack has no e-mail addresses; grant by id");
    }

    @Test
    void theAnswerListsGroupGrantsFirstAndNamesTheOwner()
    {
        assertThat(Acls.document(OWNER, Acls.canned("public-read", OWNER, false))).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>owner-id</ID><DisplayName>lakestack</DisplayName></Owner>"
                + "<AccessControlList><Grant><Grantee " + XSI + " xsi:type=\"Group\"><URI>" + Acls.ALL_USERS + "</URI></Grantee><Permission>READ"
                + "</Permission></Grant><Grant><Grantee " + XSI + " xsi:type=\"CanonicalUser\"><ID>owner-id</ID><DisplayName>lakestack</DisplayName>"
                + "</Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>");
    }

    @Test
    void anyoneMayDoWhatAllUsersAreGranted()
    {
        assertThat(Acls.allowsAnyone(Acls.canned("private", OWNER, false), "READ")).isFalse();
        assertThat(Acls.allowsAnyone(Acls.canned("authenticated-read", OWNER, false), "READ")).isFalse();
        assertThat(Acls.allowsAnyone(Acls.canned("public-read", OWNER, false), "READ")).isTrue();
        assertThat(Acls.allowsAnyone(Acls.canned("public-read", OWNER, false), "WRITE")).isFalse();
        assertThat(Acls.allowsAnyone(Acls.canned("public-read-write", OWNER, true), "WRITE")).isTrue();
        assertThat(Acls.allowsAnyone(List.of(new Acls.Grant("Group", Acls.ALL_USERS, "FULL_CONTROL")), "WRITE")).isTrue();
    }

    @Test
    void ownersInListingsGetTheirDisplayName()
    {
        byte[] listing = "<ListBucketResult><Contents><Key>a</Key><Owner><ID>owner-id</ID></Owner></Contents><Owner><ID>x</ID><DisplayName>named</DisplayName></Owner></ListBucketResult>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(S3Service.withDisplayNames(listing, OWNER), StandardCharsets.UTF_8)).isEqualTo("<ListBucketResult><Contents><Key>a</Key>"
                + "<Owner><ID>owner-id</ID><DisplayName>lakestack</DisplayName></Owner></Contents><Owner><ID>x</ID><DisplayName>named</DisplayName></Owner>"
                + "</ListBucketResult>");
    }
}
