package io.lakestack.services.s3;

import java.util.Optional;

/**
 * The configurations of one bucket that lakestack keeps itself, the S3 server having none of them, each as the
 * document the client put once it passed S3's checks (XML; the policy as JSON). Empty where none is set.
 *
 * @param tagging {@code PutBucketTagging}'s {@code <Tagging>}
 * @param cors {@code PutBucketCors}'s {@code <CORSConfiguration>}
 * @param policy {@code PutBucketPolicy}'s policy: kept and returned, never enforced (one account, no IAM)
 * @param encryption {@code PutBucketEncryption}'s {@code <ServerSideEncryptionConfiguration>} (SSE-S3 only)
 * @param publicAccessBlock {@code PutPublicAccessBlock}'s {@code <PublicAccessBlockConfiguration>}: its BlockPublicAcls and
 *         IgnorePublicAcls are applied to ACLs; BlockPublicPolicy and RestrictPublicBuckets are kept (no policy is evaluated)
 * @param lifecycle {@code PutBucketLifecycleConfiguration}'s {@code <LifecycleConfiguration>}, of rules lakestack
 *         applies ({@link LifecycleRunner})
 * @param objectLock the bucket's {@code <ObjectLockConfiguration>} when object lock is enabled on it ({@link ObjectLocks})
 * @param acl the bucket's ACL ({@link Acls}, one grant a line) when one other than the owner's full control was set
 * @param ownershipControls {@code PutBucketOwnershipControls}'s {@code <OwnershipControls>}; {@code BucketOwnerEnforced} disables ACLs
 */
public record BucketConfiguration(Optional<String> tagging, Optional<String> cors, Optional<String> policy, Optional<String> encryption,
        Optional<String> publicAccessBlock, Optional<String> lifecycle, Optional<String> objectLock,
        Optional<String> acl, Optional<String> ownershipControls)
{
    public static final BucketConfiguration NONE = new BucketConfiguration(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public BucketConfiguration
    {
        // records written before a field existed read it as null
        tagging = tagging == null ? Optional.empty() : tagging;
        cors = cors == null ? Optional.empty() : cors;
        policy = policy == null ? Optional.empty() : policy;
        encryption = encryption == null ? Optional.empty() : encryption;
        publicAccessBlock = publicAccessBlock == null ? Optional.empty() : publicAccessBlock;
        lifecycle = lifecycle == null ? Optional.empty() : lifecycle;
        objectLock = objectLock == null ? Optional.empty() : objectLock;
        acl = acl == null ? Optional.empty() : acl;
        ownershipControls = ownershipControls == null ? Optional.empty() : ownershipControls;
    }

    /** The document of a sub-resource ({@code tagging}, {@code cors}, {@code policy}, {@code encryption}, {@code publicAccessBlock}, {@code lifecycle}). */
    Optional<String> get(String subresource)
    {
        return switch (subresource) {
            case "tagging" -> tagging;
            case "cors" -> cors;
            case "policy" -> policy;
            case "encryption" -> encryption;
            case "publicAccessBlock" -> publicAccessBlock;
            case "lifecycle" -> lifecycle;
            case "object-lock" -> objectLock;
            case "acl" -> acl;
            case "ownershipControls" -> ownershipControls;
            default -> throw new IllegalArgumentException("not a bucket configuration lakestack keeps: " + subresource);
        };
    }

    /** This configuration with the document of one sub-resource set (or removed, when empty). */
    BucketConfiguration with(String subresource, Optional<String> document)
    {
        return switch (subresource) {
            case "tagging" -> new BucketConfiguration(document, cors, policy, encryption, publicAccessBlock, lifecycle, objectLock, acl, ownershipControls);
            case "cors" -> new BucketConfiguration(tagging, document, policy, encryption, publicAccessBlock, lifecycle, objectLock, acl, ownershipControls);
            case "policy" -> new BucketConfiguration(tagging, cors, document, encryption, publicAccessBlock, lifecycle, objectLock, acl, ownershipControls);
            case "encryption" -> new BucketConfiguration(tagging, cors, policy, document, publicAccessBlock, lifecycle, objectLock, acl, ownershipControls);
            case "publicAccessBlock" -> new BucketConfiguration(tagging, cors, policy, encryption, document, lifecycle, objectLock, acl, ownershipControls);
            case "lifecycle" -> new BucketConfiguration(tagging, cors, policy, encryption, publicAccessBlock, document, objectLock, acl, ownershipControls);
            case "object-lock" -> new BucketConfiguration(tagging, cors, policy, encryption, publicAccessBlock, lifecycle, document, acl, ownershipControls);
            case "acl" -> new BucketConfiguration(tagging, cors, policy, encryption, publicAccessBlock, lifecycle, objectLock, document, ownershipControls);
            case "ownershipControls" -> new BucketConfiguration(tagging, cors, policy, encryption, publicAccessBlock, lifecycle, objectLock, acl, document);
            default -> throw new IllegalArgumentException("not a bucket configuration lakestack keeps: " + subresource);
        };
    }

    boolean isEmpty()
    {
        return this.equals(NONE);
    }
}
