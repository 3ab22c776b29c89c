package io.lakestack.services.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.endpoint.protocol.AwsRequest;
import io.lakestack.endpoint.protocol.AwsResponse;
import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.ObjectStore;
import io.lakestack.spi.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The sub-resources of a bucket ({@code ?tagging}, {@code ?cors}...), which the S3 server either lacks or takes for
 * other operations (a PUT of one for CreateBucket, a GET for ListObjects). Each is answered here or refused, and only
 * the ones the S3 server implements reach it:
 * <ul>
 *     <li>kept by lakestack ({@link BucketConfiguration}, in a {@link RecordStore} by bucket, deleted with the bucket):
 *     tagging, CORS, policy (kept, never enforced: lakestack has one account and authorizes by signature alone), default
 *     encryption (SSE-S3, {@code AES256}, which S3 applies to every bucket without one; SSE-KMS is refused, lakestack having
 *     no key management service), public access block (its BlockPublicAcls and IgnorePublicAcls applied to ACLs), lifecycle (the
 *     rules lakestack applies, {@link BucketLifecycle}; others refused);</li>
 *     <li>answered as S3 answers a bucket that does not use them: website, replication, accelerate, request payment,
 *     logging;</li>
 *     <li>the bucket's ACL ({@link Acls}), kept with its configurations;</li>
 *     <li>forwarded to the S3 server: location, versioning, object lock, uploads, versions, delete, listings;</li>
 *     <li>anything else S3 has: 501 {@code NotImplemented} naming it.</li>
 * </ul>
 */
final class BucketSubresources
{
    private static final Logger log = LoggerFactory.getLogger(BucketSubresources.class);

    static final Set<String> KEPT = Set.of("tagging", "cors", "policy", "encryption", "publicAccessBlock", "lifecycle", "ownershipControls");
    private static final Set<String> ANSWERED = Set.of("website", "replication", "accelerate", "requestPayment", "logging", "acl");
    /** Every other sub-resource of a bucket S3 has; they are refused by name. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("analytics", "intelligent-tiering", "inventory", "metrics",
            "policyStatus", "metadataTable", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable", "torrent", "session",
            "restore", "select", "legal-hold", "retention", "abac");
    private static final int MAX_POLICY_BYTES = 20 * 1024;
    private static final Set<String> CORS_METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");
    private static final Set<String> PUBLIC_ACCESS_BLOCK_FIELDS = Set.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets");
    private static final String DEFAULT_ENCRYPTION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServerSideEncryptionConfiguration "
            + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
            + "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
    private static final String XMLNS = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordStore<BucketConfiguration> configurations;
    private final ObjectStore objects;

    BucketSubresources(RecordStore<BucketConfiguration> configurations, ObjectStore objects)
    {
        this.configurations = requireNonNull(configurations, "configurations is null");
        this.objects = requireNonNull(objects, "objects is null");
    }

    /** The sub-resource of a request to a bucket that this class answers, if it has one. */
    static Optional<String> answeredHere(AwsRequest request)
    {
        return request.queryParameters().stream()
                .map(Map.Entry::getKey)
                .filter(name -> KEPT.contains(name) || ANSWERED.contains(name) || NOT_IMPLEMENTED.contains(name))
                .findFirst();
    }

    Optional<BucketConfiguration> configuration(String bucket)
    {
        return configurations.get(bucket);
    }

    void deleted(String bucket)
    {
        if (configurations.get(bucket).isPresent()) {
            configurations.delete(bucket);
        }
    }

    /**
     * @param checkedBody the body when {@link S3RequestChecks} read it already (a tagging document)
     * @param owner the account's canonical user id and display name, for the ACL
     */
    void handle(AwsRequest request, String bucket, String subresource, Optional<byte[]> checkedBody, Owner owner, AwsResponse response)
            throws IOException
    {
        String method = request.method();
        if (NOT_IMPLEMENTED.contains(subresource) || !Set.of("GET", "PUT", "DELETE").contains(method)) {
            throw notImplemented(method + " ?" + subresource + " (" + operation(method, subresource) + ")", "lakestack does not emulate it");
        }
        if (!objects.bucketExists(bucket)) {
            throw ServiceException.user("NoSuchBucket", 404, "The specified bucket does not exist: " + bucket);
        }
        if (KEPT.contains(subresource)) {
            handleKept(request, bucket, subresource, checkedBody, response);
            return;
        }
        switch (subresource) {
            case "website" -> answerUnconfigured(request, response, "PutBucketWebsite", "NoSuchWebsiteConfiguration",
                    "The specified bucket does not have a website configuration");
            case "replication" -> answerUnconfigured(request, response, "PutBucketReplication", "ReplicationConfigurationNotFoundError",
                    "The replication configuration was not found");
            case "accelerate" -> answerDefault(request, response, "PutBucketAccelerateConfiguration", "<AccelerateConfiguration " + XMLNS + "/>");
            case "requestPayment" -> answerDefault(request, response, "PutBucketRequestPayment",
                    "<RequestPaymentConfiguration " + XMLNS + "><Payer>BucketOwner</Payer></RequestPaymentConfiguration>");
            case "logging" -> answerDefault(request, response, "PutBucketLogging", "<BucketLoggingStatus " + XMLNS + "/>");
            case "acl" -> acl(request, bucket, owner, response);
            default -> throw new IllegalStateException("no answer for ?" + subresource);
        }
    }

    /** The account that owns every bucket. */
    record Owner(String id, String displayName)
    {
    }

    private void handleKept(AwsRequest request, String bucket, String subresource, Optional<byte[]> checkedBody, AwsResponse response)
    {
        BucketConfiguration configuration = configurations.get(bucket).orElse(BucketConfiguration.NONE);
        switch (request.method()) {
            case "PUT" -> {
                String document = validated(subresource, checkedBody.orElseGet(() -> read(request, subresource.equals("policy")
                        ? MAX_POLICY_BYTES : S3RequestChecks.MAX_DOCUMENT_BYTES)));
                configurations.put(bucket, configuration.with(subresource, Optional.of(document)));
                log.info("bucket {}: {} configuration set", bucket, subresource);
                // PutBucketTagging and PutBucketPolicy answer 204, the others 200
                if (subresource.equals("tagging") || subresource.equals("policy")) {
                    noContent(request, response);
                }
                else {
                    write(request, response, 200, Optional.empty(), new byte[0]);
                }
            }
            case "DELETE" -> {
                BucketConfiguration without = configuration.with(subresource, Optional.empty());
                if (without.isEmpty()) {
                    deleted(bucket);
                }
                else {
                    configurations.put(bucket, without);
                }
                noContent(request, response);
            }
            default -> {
                Optional<String> document = configuration.get(subresource);
                if (document.isEmpty() && subresource.equals("encryption")) {
                    document = Optional.of(DEFAULT_ENCRYPTION);
                }
                if (document.isEmpty()) {
                    throw switch (subresource) {
                        case "tagging" -> ServiceException.user("NoSuchTagSet", 404, "The TagSet does not exist");
                        case "cors" -> ServiceException.user("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist");
                        case "policy" -> ServiceException.user("NoSuchBucketPolicy", 404, "The bucket policy does not exist");
                        case "lifecycle" -> ServiceException.user("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist");
                        case "ownershipControls" -> ServiceException.user("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not "
                                + "found");
                        default -> ServiceException.user("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found");
                    };
                }
                write(request, response, 200, Optional.of(subresource.equals("policy") ? "application/json" : "application/xml"),
                        document.get().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The document to keep, once it passes S3's checks. */
    static String validated(String subresource, byte[] body)
    {
        String text = new String(body, StandardCharsets.UTF_8);
        switch (subresource) {
            case "tagging" -> {
                // checked by S3RequestChecks before
            }
            case "policy" -> validatePolicy(text);
            case "cors" -> validateCors(body);
            case "encryption" -> validateEncryption(body);
            case "publicAccessBlock" -> validatePublicAccessBlock(body);
            case "lifecycle" -> {
                return BucketLifecycle.validated(body);
            }
            case "ownershipControls" -> validateOwnershipControls(body);
            default -> throw new IllegalArgumentException(subresource);
        }
        return text;
    }

    private static void validatePolicy(String text)
    {
        JsonNode policy;
        try {
            policy = text.isBlank() || text.charAt(0) != '{' ? null : JSON.readTree(text);
        }
        catch (JsonProcessingException e) {
            policy = null;
        }
        if (policy == null || !policy.isObject()) {
            throw ServiceException.user("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'");
        }
        JsonNode statements = policy.get("Statement");
        if (statements == null || !(statements.isArray() || statements.isObject()) || statements.isEmpty()) {
            throw ServiceException.user("MalformedPolicy", "Missing required field Statement");
        }
        for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
            String effect = statement.path("Effect").asText("");
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw ServiceException.user("MalformedPolicy", "Invalid effect: '" + effect + "'; a statement's Effect is Allow or Deny");
            }
            if (!statement.has("Action") && !statement.has("NotAction")) {
                throw ServiceException.user("MalformedPolicy", "Missing required field Action");
            }
        }
    }

    private static void validateCors(byte[] body)
    {
        Element root = Xml.parse(body);
        requireRoot(root, "CORSConfiguration");
        List<Element> rules = Xml.children(root, "CORSRule");
        if (rules.isEmpty() || rules.size() > 100) {
            throw malformed("a <CORSConfiguration> has 1 to 100 <CORSRule>s, not " + rules.size());
        }
        for (Element rule : rules) {
            List<Element> methods = Xml.children(rule, "AllowedMethod");
            if (methods.isEmpty() || Xml.children(rule, "AllowedOrigin").isEmpty()) {
                throw malformed("each <CORSRule> has at least one <AllowedMethod> and one <AllowedOrigin>");
            }
            for (Element method : methods) {
                if (!CORS_METHODS.contains(method.getTextContent().trim())) {
                    throw ServiceException.user("InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is "
                            + method.getTextContent().trim());
                }
            }
        }
    }

    private static void validateEncryption(byte[] body)
    {
        Element root = Xml.parse(body);
        requireRoot(root, "ServerSideEncryptionConfiguration");
        List<Element> rules = Xml.children(root, "Rule");
        if (rules.isEmpty()) {
            throw malformed("a <ServerSideEncryptionConfiguration> has a <Rule>");
        }
        for (Element rule : rules) {
            List<Element> defaults = Xml.children(rule, "ApplyServerSideEncryptionByDefault");
            if (defaults.size() != 1) {
                throw malformed("each <Rule> has one <ApplyServerSideEncryptionByDefault>");
            }
            String algorithm = Xml.childText(defaults.get(0), "SSEAlgorithm").orElse("").trim();
            switch (algorithm) {
                case "AES256" -> {
                    if (Xml.childText(defaults.get(0), "KMSMasterKeyID").isPresent()) {
                        throw ServiceException.user("InvalidArgument", "a KMSMasterKeyID is only allowed with the aws:kms and aws:kms:dsse algorithms");
                    }
                }
                case "aws:kms", "aws:kms:dsse" -> throw notImplemented("PutBucketEncryption with SSEAlgorithm " + algorithm,
                        "lakestack has no key management service, so it cannot apply SSE-KMS; use AES256 (SSE-S3)");
                default -> throw malformed("SSEAlgorithm is AES256, aws:kms or aws:kms:dsse, not '" + algorithm + "'");
            }
        }
    }

    private static void validateOwnershipControls(byte[] body)
    {
        Element root = Xml.parse(body);
        requireRoot(root, "OwnershipControls");
        List<Element> rules = Xml.children(root, "Rule");
        if (rules.size() != 1) {
            throw malformed("an <OwnershipControls> has one <Rule>, not " + rules.size());
        }
        String ownership = Xml.childText(rules.get(0), "ObjectOwnership").map(String::trim).orElse("");
        if (!Set.of("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter").contains(ownership)) {
            throw malformed("ObjectOwnership is BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter, not '" + ownership + "'");
        }
    }

    /** Whether the bucket's ownership controls disable ACLs ({@code BucketOwnerEnforced}). */
    boolean aclsDisabled(String bucket)
    {
        return configurations.get(bucket).flatMap(BucketConfiguration::ownershipControls).filter(document -> document.contains("BucketOwnerEnforced"))
                .isPresent();
    }

    /**
     * Checks an ACL about to be set on the bucket or one of its objects: refused where ownership controls disable ACLs
     * (but for the owner's full control, which they leave), and a public one where the public access block has
     * BlockPublicAcls.
     */
    void checkAcl(String bucket, List<Acls.Grant> grants, Owner owner)
    {
        if (aclsDisabled(bucket) && !grants.equals(Acls.ownerOnly(owner))) {
            throw ServiceException.user("AccessControlListNotSupported", "The bucket does not allow ACLs: its ownership controls are "
                    + "BucketOwnerEnforced");
        }
        if (Acls.isPublic(grants) && publicAccessBlocks(bucket, "BlockPublicAcls")) {
            throw Acls.publicAclBlocked(bucket);
        }
    }

    private static void validatePublicAccessBlock(byte[] body)
    {
        Element root = Xml.parse(body);
        requireRoot(root, "PublicAccessBlockConfiguration");
        for (Element field : Xml.children(root)) {
            String name = Xml.localName(field);
            String value = field.getTextContent().trim().toLowerCase(Locale.ROOT);
            if (!PUBLIC_ACCESS_BLOCK_FIELDS.contains(name) || !(value.equals("true") || value.equals("false"))) {
                throw malformed("a <PublicAccessBlockConfiguration> holds " + PUBLIC_ACCESS_BLOCK_FIELDS + ", each true or false, not <" + name + ">"
                        + value);
            }
        }
    }

    private static void answerUnconfigured(AwsRequest request, AwsResponse response, String putOperation, String errorCode, String message)
            throws IOException
    {
        switch (request.method()) {
            case "PUT" -> throw notImplemented(putOperation, "lakestack does not emulate it");
            case "GET" -> throw ServiceException.user(errorCode, 404, message);
            default -> noContent(request, response);
        }
    }

    private static void answerDefault(AwsRequest request, AwsResponse response, String putOperation, String document)
            throws IOException
    {
        switch (request.method()) {
            case "PUT" -> throw notImplemented(putOperation, "lakestack does not emulate it");
            case "GET" -> write(request, response, 200, Optional.of("application/xml"),
                    ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + document).getBytes(StandardCharsets.UTF_8));
            default -> noContent(request, response);
        }
    }

    /** The bucket's ACL: the one set, else the owner's full control. */
    List<Acls.Grant> acl(String bucket, Owner owner)
    {
        return configurations.get(bucket).flatMap(BucketConfiguration::acl).map(Acls::parse).orElseGet(() -> Acls.ownerOnly(owner));
    }

    /** Whether the bucket's public access block sets a field ({@code BlockPublicAcls}, {@code IgnorePublicAcls}...) true. */
    boolean publicAccessBlocks(String bucket, String field)
    {
        return configurations.get(bucket).flatMap(BucketConfiguration::publicAccessBlock)
                .flatMap(document -> Xml.childText(Xml.parse(document.getBytes(StandardCharsets.UTF_8)), field))
                .map(value -> value.trim().equalsIgnoreCase("true"))
                .orElse(false);
    }

    /** Sets a bucket's ACL (CreateBucket, PutBucketAcl); empty for the owner's full control. */
    void setAcl(String bucket, Optional<List<Acls.Grant>> grants)
    {
        BucketConfiguration configuration = configurations.get(bucket).orElse(BucketConfiguration.NONE);
        BucketConfiguration changed = configuration.with("acl", grants.map(Acls::text));
        if (changed.isEmpty()) {
            deleted(bucket);
        }
        else if (!changed.equals(configuration)) {
            configurations.put(bucket, changed);
        }
    }

    private void acl(AwsRequest request, String bucket, Owner owner, AwsResponse response)
            throws IOException
    {
        switch (request.method()) {
            case "GET" -> write(request, response, 200, Optional.of("application/xml"),
                    Acls.document(owner, acl(bucket, owner)).getBytes(StandardCharsets.UTF_8));
            case "PUT" -> {
                Optional<List<Acls.Grant>> fromHeaders = Acls.fromHeaders(request, owner, true);
                byte[] body = read(request, S3RequestChecks.MAX_DOCUMENT_BYTES);
                if (fromHeaders.isPresent() && body.length > 0) {
                    throw ServiceException.user("UnexpectedContent", "This request does not support content: an ACL is set by headers or by an "
                            + "AccessControlPolicy document, not both");
                }
                if (fromHeaders.isEmpty() && body.length == 0) {
                    throw ServiceException.user("MissingSecurityHeader", "Your request was missing a required header: x-amz-acl, an x-amz-grant-* "
                            + "header, or an AccessControlPolicy document");
                }
                List<Acls.Grant> grants = fromHeaders.isPresent() ? fromHeaders.get() : Acls.fromDocument(body, owner);
                checkAcl(bucket, grants, owner);
                setAcl(bucket, Optional.of(grants));
                log.info("bucket {}: ACL set", bucket);
                write(request, response, 200, Optional.empty(), new byte[0]);
            }
            default -> throw notImplemented("DELETE ?acl", "S3 has no such operation");
        }
    }

    private static String operation(String method, String subresource)
    {
        String name = subresource.isEmpty() ? subresource : Character.toUpperCase(subresource.charAt(0)) + subresource.substring(1);
        return switch (method) {
            case "GET" -> "GetBucket" + name;
            case "PUT" -> "PutBucket" + name;
            case "DELETE" -> "DeleteBucket" + name;
            default -> method + " of a bucket's " + subresource;
        };
    }

    private static ServiceException notImplemented(String what, String why)
    {
        return new ServiceException(ErrorKind.USER, "NotImplemented", 501, "A header or query you provided implies functionality that is not "
                + "implemented: " + what + "; " + why);
    }

    private static byte[] read(AwsRequest request, int maxBytes)
    {
        try {
            byte[] body = request.bodyStream().readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw ServiceException.user(maxBytes == MAX_POLICY_BYTES ? "PolicyTooLarge" : "MaxMessageLengthExceeded", "Your request was too big: "
                        + "the document is at most " + maxBytes + " bytes");
            }
            return body;
        }
        catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }

    private static void requireRoot(Element root, String name)
    {
        if (!Xml.localName(root).equals(name)) {
            throw malformed("the root element must be " + name + ", not " + Xml.localName(root));
        }
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: "
                + detail);
    }

    private static void noContent(AwsRequest request, AwsResponse response)
    {
        response.setStatus(204);
        response.setHeader("x-amz-request-id", request.requestId());
    }

    /** A 200 answer of an XML document, or of nothing when {@code document} is empty. */
    static void writeXml(AwsRequest request, AwsResponse response, byte[] document)
    {
        write(request, response, 200, document.length > 0 ? Optional.of("application/xml") : Optional.empty(), document);
    }

    private static void write(AwsRequest request, AwsResponse response, int status, Optional<String> contentType, byte[] body)
    {
        response.setStatus(status);
        response.setHeader("x-amz-request-id", request.requestId());
        contentType.ifPresent(response::setContentType);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        }
        catch (IOException e) {
            throw new UncheckedIOException("writing the answer", e);
        }
    }
}
