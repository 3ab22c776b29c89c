package io.lakestack.services.s3;

/**
 * The ACL of one object version, or of a multipart upload until it completes, as {@link Acls} keeps it: one grant a
 * line.
 */
public record ObjectAcl(String grants)
{
    public ObjectAcl
    {
        grants = grants == null ? "" : grants;
    }
}
