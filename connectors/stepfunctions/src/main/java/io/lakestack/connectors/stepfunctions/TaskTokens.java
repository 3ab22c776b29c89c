package io.lakestack.connectors.stepfunctions;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task tokens ({@code $$.Task.Token}): derived from where the task is in its execution's history (the execution, the
 * {@code TaskStateEntered} event id and the retry count), so an execution resumed from its history hands out the same
 * token, and a token names the execution it belongs to.
 */
public final class TaskTokens
{
    private static final Pattern IDENTITY = Pattern.compile("(arn:aws:states:[a-z0-9-]+:[0-9]{12}:(?:execution|express):[^:#]+:[^:#]+)#([0-9]+)#([0-9]+)");

    private TaskTokens() {}

    /** The token of the attempt {@code retryCount} of the task entered at event {@code enteredId}. */
    public static String of(String executionArn, long enteredId, int retryCount)
    {
        String identity = executionArn + "#" + enteredId + "#" + retryCount;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(identity.getBytes(StandardCharsets.UTF_8));
    }

    /** The execution a token belongs to; empty when the text is no task token. */
    public static Optional<String> executionArn(String token)
    {
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(token);
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Matcher matcher = IDENTITY.matcher(new String(decoded, StandardCharsets.UTF_8));
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
