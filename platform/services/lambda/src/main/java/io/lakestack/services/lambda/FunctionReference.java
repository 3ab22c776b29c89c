package io.lakestack.services.lambda;

import io.lakestack.spi.ServiceException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function as a request names it: a name, a partial ARN ({@code <account>:function:<name>}) or a full ARN, each
 * optionally with a qualifier ({@code :<version or alias>}), and a {@code Qualifier} parameter that must agree with it.
 * An ARN of another account names a function that is not there, as Lambda answers it; an ARN of another region than
 * the function's is answered so by the service, which knows the function's region.
 *
 * @param region the region a full ARN names; empty for a name or a partial ARN, which reach the function from any region
 */
record FunctionReference(String name, Optional<String> qualifier, Optional<String> region)
{
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[a-zA-Z0-9_-]{1,128}");
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\\d{1}):)?(?:(\\d{12}):function:)?([a-zA-Z0-9_-]+)(?::(\\$LATEST|[a-zA-Z0-9_-]+))?");

    /**
     * @param accountId the only account there is: an ARN of another is a function that does not exist
     */
    static FunctionReference parse(String reference, Optional<String> qualifierParameter, String accountId)
    {
        Matcher matcher = REFERENCE.matcher(reference);
        if (reference.length() > 170 || !matcher.matches() || matcher.group(3).length() > 64) {
            throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + reference + "' at 'functionName' failed to "
                    + "satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
                    + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        if (matcher.group(2) != null && !matcher.group(2).equals(accountId)) {
            throw ServiceException.user("ResourceNotFoundException", 404, "Function not found: " + reference + " (lakestack runs account "
                    + accountId + " only)");
        }
        Optional<String> fromArn = Optional.ofNullable(matcher.group(4));
        if (qualifierParameter.isPresent()) {
            if (!QUALIFIER.matcher(qualifierParameter.get()).matches()) {
                throw ServiceException.user("ValidationException", "1 validation error detected: Value '" + qualifierParameter.get()
                        + "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
            }
            if (fromArn.isPresent() && !fromArn.get().equals(qualifierParameter.get())) {
                throw ServiceException.user("InvalidParameterValueException", "The derived qualifier from the function name does not match the "
                        + "specified qualifier.");
            }
        }
        return new FunctionReference(matcher.group(3), fromArn.or(() -> qualifierParameter), Optional.ofNullable(matcher.group(1)));
    }
}
