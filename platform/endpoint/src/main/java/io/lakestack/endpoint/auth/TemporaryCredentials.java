package io.lakestack.endpoint.auth;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Credentials issued for a while, as STS issues them: an access key whose requests carry the session token
 * ({@code X-Amz-Security-Token}) and are signed with the session's secret until it expires.
 */
public interface TemporaryCredentials
{
    TemporaryCredentials NONE = accessKey -> Optional.empty();

    /** The session of an access key this endpoint issued; empty for any other key. */
    Optional<Session> find(String accessKey);

    /**
     * @param expirationMillis when the credentials stop being accepted
     */
    record Session(String secretKey, String sessionToken, long expirationMillis)
    {
        public Session
        {
            requireNonNull(secretKey, "secretKey is null");
            requireNonNull(sessionToken, "sessionToken is null");
        }
    }
}
