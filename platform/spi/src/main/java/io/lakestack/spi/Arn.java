package io.lakestack.spi;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An Amazon Resource Name, {@code arn:<partition>:<service>:<region>:<account>:<resource>}, read into its parts. The
 * resource is everything after the fifth colon and may itself contain colons and slashes
 * ({@code function:f:live}, {@code rule/bus/name}); the region and the account may be empty ({@code arn:aws:s3:::bucket}).
 * What a resource part means is its service's business: this type only splits and joins.
 *
 * <p>A service resolves an ARN to one of its resources only when the ARN's region and account are the resource's own,
 * as AWS does: {@link #isIn} is that check.
 *
 * @param partition {@code aws}, {@code aws-cn}, {@code aws-us-gov}...
 * @param region empty for global resources
 * @param accountId twelve digits, or empty
 */
public record Arn(String partition, String service, String region, String accountId, String resource)
{
    private static final Pattern ARN = Pattern.compile("arn:(aws(?:-[a-z]+)*):([a-zA-Z0-9-]+):([a-z0-9-]*):(\\d{12}|):(.+)", Pattern.DOTALL);

    public Arn
    {
        requireNonNull(partition, "partition is null");
        requireNonNull(service, "service is null");
        requireNonNull(region, "region is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(resource, "resource is null");
    }

    /** The ARN of a resource of the {@code aws} partition. */
    public static Arn of(String service, String region, String accountId, String resource)
    {
        return new Arn("aws", service, region, accountId, resource);
    }

    /** The text read as an ARN; empty when it is not one (fewer than six parts, or a part of the wrong shape). */
    public static Optional<Arn> parse(String text)
    {
        requireNonNull(text, "text is null");
        Matcher matcher = ARN.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Arn(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4), matcher.group(5)));
    }

    /** The text read as an ARN of the service; empty when it is not an ARN, or one of another service. */
    public static Optional<Arn> parse(String text, String service)
    {
        return parse(text).filter(arn -> arn.service().equals(service));
    }

    /** Whether the ARN names a resource of this region and account. */
    public boolean isIn(String region, String accountId)
    {
        return this.region.equals(region) && this.accountId.equals(accountId);
    }

    /** The ARN as text: {@code arn:<partition>:<service>:<region>:<account>:<resource>}. */
    @Override
    public String toString()
    {
        return "arn:" + partition + ":" + service + ":" + region + ":" + accountId + ":" + resource;
    }
}
