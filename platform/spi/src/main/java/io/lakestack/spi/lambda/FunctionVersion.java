package io.lakestack.spi.lambda;

import io.lakestack.spi.Arn;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One version of a function as it runs: {@code $LATEST} or a published number, with its code and configuration.
 *
 * @param arn the version's ARN, {@code arn:aws:lambda:<region>:<account>:function:<name>:<version>}
 * @param runtime the runtime identifier, e.g. {@code java21}, {@code python3.12}
 * @param handler as the runtime reads it: {@code package.Class::method} for Java, {@code module.function} for Python
 * @param environment the function's own environment variables (the runtime's are added by the runner)
 * @param codeSha256 the SHA-256 of the deployment package, base64, as Lambda reports {@code CodeSha256}
 * @param codeBucket the object store bucket holding the deployment package (a zip)
 * @param codeKey its key there
 * @param revisionId changes whenever the code or the configuration of this version changes
 */
public record FunctionVersion(
        String name,
        String version,
        String arn,
        String runtime,
        String handler,
        int memoryMb,
        int timeoutSeconds,
        Map<String, String> environment,
        String codeSha256,
        long codeSize,
        String codeBucket,
        String codeKey,
        String revisionId)
{
    public static final String LATEST = "$LATEST";

    public FunctionVersion
    {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(runtime, "runtime is null");
        requireNonNull(handler, "handler is null");
        environment = Map.copyOf(environment);
        requireNonNull(codeSha256, "codeSha256 is null");
        requireNonNull(codeBucket, "codeBucket is null");
        requireNonNull(codeKey, "codeKey is null");
        requireNonNull(revisionId, "revisionId is null");
    }

    /** The region the function was created in: that of its ARN. */
    public String region()
    {
        return Arn.parse(arn).map(Arn::region).orElseThrow(() -> new IllegalStateException("function " + name + " has no ARN: " + arn));
    }

    /** The log group of the function, as Lambda names it. */
    public String logGroup()
    {
        return "/aws/lambda/" + name;
    }
}
