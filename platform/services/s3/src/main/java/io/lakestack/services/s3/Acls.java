package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3 access control lists, as lakestack keeps them (the S3 server underneath ignores canned ACLs and refuses grants):
 * canned ACLs ({@code x-amz-acl}), explicit grants ({@code x-amz-grant-*} headers, or an {@code AccessControlPolicy}
 * document), validated as S3 validates them, and answered by GetBucketAcl and GetObjectAcl with the owner's id and
 * display name. lakestack has one account, so the only grantees are the owner and the groups {@code AllUsers},
 * {@code AuthenticatedUsers} and {@code LogDelivery}; a grant to any other canonical user id is refused
 * ({@code InvalidArgument}), as S3 refuses a user that does not exist, and so is a grant by e-mail address.
 *
 * <p>An ACL is kept as text, one grant a line: {@code <type> <grantee> <permission>}.
 */
final class Acls
{
    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    private static final Set<String> GROUPS = Set.of(ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY);
    private static final List<String> PERMISSIONS = List.of("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP");
    private static final Map<String, String> GRANT_HEADERS = Map.of("x-amz-grant-read", "READ", "x-amz-grant-write", "WRITE",
            "x-amz-grant-read-acp", "READ_ACP", "x-amz-grant-write-acp", "WRITE_ACP", "x-amz-grant-full-control", "FULL_CONTROL");
    /** The headers of a request that lakestack answers and the S3 server never sees. */
    static final Set<String> REQUEST_HEADERS = Set.of("x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
            "x-amz-grant-write-acp", "x-amz-grant-full-control");
    private static final Pattern GRANTEE = Pattern.compile("\\s*(id|uri|emailAddress)\\s*=\\s*\"?([^\",]*)\"?\\s*(,|$)", Pattern.CASE_INSENSITIVE);
    private static final String XMLNS = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    private static final String XSI = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

    /** One grant: a canonical user (by id) or a group (by URI), and a permission. */
    record Grant(String type, String grantee, String permission)
    {
        String line()
        {
            return type + " " + grantee + " " + permission;
        }
    }

    private Acls() {}

    /** The ACL every bucket and object has until another is set: the owner's full control. */
    static List<Grant> ownerOnly(BucketSubresources.Owner owner)
    {
        return List.of(new Grant("CanonicalUser", owner.id(), "FULL_CONTROL"));
    }

    /** Whether a request names an ACL in its headers. */
    static boolean hasHeaders(AwsRequest request)
    {
        return request.headers().keySet().stream().anyMatch(name -> REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The ACL a request sets with its headers ({@code x-amz-acl}, {@code x-amz-grant-*}), if it sets one.
     *
     * @param bucket whether the ACL is a bucket's (some canned ACLs are for buckets only)
     */
    static Optional<List<Grant>> fromHeaders(AwsRequest request, BucketSubresources.Owner owner, boolean bucket)
    {
        Optional<String> canned = request.header("x-amz-acl").map(String::trim);
        List<Grant> grants = new ArrayList<>();
        for (String header : List.of("x-amz-grant-full-control", "x-amz-grant-write", "x-amz-grant-write-acp", "x-amz-grant-read", "x-amz-grant-read-acp")) {
            Optional<String> value = request.header(header);
            if (value.isPresent()) {
                grants.addAll(granteesOf(header, value.get(), GRANT_HEADERS.get(header), owner));
            }
        }
        if (canned.isPresent() && !grants.isEmpty()) {
            throw ServiceException.user("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed");
        }
        if (canned.isPresent()) {
            return Optional.of(canned(canned.get(), owner, bucket));
        }
        return grants.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(grants));
    }

    static List<Grant> canned(String acl, BucketSubresources.Owner owner, boolean bucket)
    {
        Grant full = new Grant("CanonicalUser", owner.id(), "FULL_CONTROL");
        return switch (acl) {
            // the bucket owner is the object owner: lakestack has one account
            case "private", "bucket-owner-read", "bucket-owner-full-control" -> List.of(full);
            case "public-read" -> List.of(full, new Grant("Group", ALL_USERS, "READ"));
            case "public-read-write" -> List.of(full, new Grant("Group", ALL_USERS, "READ"), new Grant("Group", ALL_USERS, "WRITE"));
            case "authenticated-read" -> List.of(full, new Grant("Group", AUTHENTICATED_USERS, "READ"));
            case "log-delivery-write" -> {
                if (!bucket) {
                    throw ServiceException.user("InvalidArgument", "The canned ACL log-delivery-write applies to buckets only");
                }
                yield List.of(full, new Grant("Group", LOG_DELIVERY, "WRITE"), new Grant("Group", LOG_DELIVERY, "READ_ACP"));
            }
            case "aws-exec-read" -> throw new ServiceException(ErrorKind.USER, "NotImplemented", 501, "A header or query you provided implies "
                    + "functionality that is not implemented: x-amz-acl: aws-exec-read; lakestack has no EC2 to grant it to");
            default -> throw ServiceException.user("InvalidArgument", "The canned ACL '" + acl + "' is not one of private, public-read, "
                    + "public-read-write, authenticated-read, bucket-owner-read, bucket-owner-full-control, log-delivery-write");
        };
    }

    private static List<Grant> granteesOf(String header, String value, String permission, BucketSubresources.Owner owner)
    {
        List<Grant> grants = new ArrayList<>();
        Matcher matcher = GRANTEE.matcher(value);
        int at = 0;
        while (at < value.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw ServiceException.user("InvalidArgument", "The header " + header + " is a comma-separated list of id=\"...\", uri=\"...\" "
                        + "or emailAddress=\"...\", not '" + value + "'");
            }
            grants.add(grant(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2).trim(), permission, owner));
            at = matcher.end();
        }
        return grants;
    }

    private static Grant grant(String kind, String grantee, String permission, BucketSubresources.Owner owner)
    {
        return switch (kind) {
            case "id" -> {
                if (!grantee.equals(owner.id())) {
                    throw ServiceException.user("InvalidArgument", "Invalid id: " + grantee + " is no canonical user id lakestack knows; its one "
                            + "account is " + owner.id());
                }
                yield new Grant("CanonicalUser", grantee, permission);
            }
            case "uri" -> {
                if (!GROUPS.contains(grantee)) {
                    throw ServiceException.user("InvalidArgument", "Invalid group uri: " + grantee + "; the groups are " + ALL_USERS + ", "
                            + AUTHENTICATED_USERS + " and " + LOG_DELIVERY);
                }
                yield new Grant("Group", grantee, permission);
            }
            default -> throw ServiceException.user("UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account "
                    + "on record: lakestack has no e-mail addresses; grant by id");
        };
    }

    /** The ACL of an {@code AccessControlPolicy} document (PutBucketAcl, PutObjectAcl). */
    static List<Grant> fromDocument(byte[] document, BucketSubresources.Owner owner)
    {
        Element root = Xml.parse(document);
        if (!Xml.localName(root).equals("AccessControlPolicy")) {
            throw malformed("the root element must be AccessControlPolicy, not " + Xml.localName(root));
        }
        Optional<String> ownerId = Xml.children(root, "Owner").stream().findFirst().flatMap(element -> Xml.childText(element, "ID"));
        if (ownerId.isPresent() && !ownerId.get().trim().equals(owner.id())) {
            throw ServiceException.user("AccessDenied", 403, "Access Denied: the Owner of an AccessControlPolicy is the owner's id " + owner.id());
        }
        List<Element> lists = Xml.children(root, "AccessControlList");
        List<Grant> grants = new ArrayList<>();
        for (Element list : lists) {
            for (Element grant : Xml.children(list, "Grant")) {
                Element grantee = Xml.children(grant, "Grantee").stream().findFirst()
                        .orElseThrow(() -> malformed("each Grant has a Grantee"));
                String permission = Xml.childText(grant, "Permission").map(String::trim).orElse("");
                if (!PERMISSIONS.contains(permission)) {
                    throw malformed("a Grant's Permission is one of " + PERMISSIONS + ", not '" + permission + "'");
                }
                String type = grantee.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type");
                Optional<String> id = Xml.childText(grantee, "ID").map(String::trim);
                Optional<String> uri = Xml.childText(grantee, "URI").map(String::trim);
                Optional<String> email = Xml.childText(grantee, "EmailAddress").map(String::trim);
                if (type.isEmpty()) {
                    type = id.isPresent() ? "CanonicalUser" : uri.isPresent() ? "Group" : "AmazonCustomerByEmail";
                }
                grants.add(switch (type) {
                    case "CanonicalUser" -> grant("id", id.orElseThrow(() -> malformed("a CanonicalUser Grantee has an ID")), permission, owner);
                    case "Group" -> grant("uri", uri.orElseThrow(() -> malformed("a Group Grantee has a URI")), permission, owner);
                    case "AmazonCustomerByEmail" -> grant("emailAddress", email.orElse(""), permission, owner);
                    default -> throw malformed("a Grantee's xsi:type is CanonicalUser, Group or AmazonCustomerByEmail, not '" + type + "'");
                });
            }
        }
        return List.copyOf(grants);
    }

    static String text(List<Grant> grants)
    {
        StringBuilder text = new StringBuilder();
        grants.forEach(grant -> text.append(grant.line()).append('\n'));
        return text.toString();
    }

    static List<Grant> parse(String text)
    {
        List<Grant> grants = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                String[] fields = line.split(" ", 3);
                grants.add(new Grant(fields[0], fields[1], fields[2]));
            }
        }
        return grants;
    }

    /** The {@code AccessControlPolicy} document GetBucketAcl and GetObjectAcl answer. */
    static String document(BucketSubresources.Owner owner, List<Grant> grants)
    {
        String ownerXml = "<ID>" + Xml.escape(owner.id()) + "</ID><DisplayName>" + Xml.escape(owner.displayName()) + "</DisplayName>";
        StringBuilder document = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy " + XMLNS + "><Owner>")
                .append(ownerXml).append("</Owner><AccessControlList>");
        // grants to groups first, then to the owner: an ACL is a set, and this is the order S3's answers list it in
        List<Grant> ordered = new ArrayList<>(grants);
        ordered.sort(Comparator.comparing(grant -> grant.type().equals("Group") ? 0 : 1));
        for (Grant grant : ordered) {
            document.append("<Grant><Grantee ").append(XSI).append(" xsi:type=\"").append(grant.type()).append("\">");
            if (grant.type().equals("CanonicalUser")) {
                document.append(grant.grantee().equals(owner.id()) ? ownerXml : "<ID>" + Xml.escape(grant.grantee()) + "</ID>");
            }
            else {
                document.append("<URI>").append(Xml.escape(grant.grantee())).append("</URI>");
            }
            document.append("</Grantee><Permission>").append(grant.permission()).append("</Permission></Grant>");
        }
        return document.append("</AccessControlList></AccessControlPolicy>").toString();
    }

    /** Whether an ACL grants anything to everyone or to every AWS account ({@code AllUsers}, {@code AuthenticatedUsers}), as S3 judges ACLs public. */
    static boolean isPublic(List<Grant> grants)
    {
        return grants.stream().anyMatch(grant -> grant.type().equals("Group") && (grant.grantee().equals(ALL_USERS) || grant.grantee().equals(AUTHENTICATED_USERS)));
    }

    static ServiceException publicAclBlocked(String bucket)
    {
        return ServiceException.user("AccessDenied", 403, "Access Denied: the public access block of bucket " + bucket + " has BlockPublicAcls, "
                + "so no ACL granting AllUsers or AuthenticatedUsers is taken");
    }

    /** Whether an ACL lets anyone, unsigned, do what needs {@code permission} ({@code READ} or {@code WRITE}). */
    static boolean allowsAnyone(List<Grant> grants, String permission)
    {
        return grants.stream().anyMatch(grant -> grant.type().equals("Group") && grant.grantee().equals(ALL_USERS)
                && (grant.permission().equals(permission) || grant.permission().equals("FULL_CONTROL")));
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedACLError", "The XML you provided was not well-formed or did not validate against our published "
                + "schema: " + detail);
    }
}
