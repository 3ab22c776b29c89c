package io.lakestack.services.sts;

import io.lakestack.endpoint.auth.Authenticator;
import io.lakestack.endpoint.auth.TemporaryCredentials;
import io.lakestack.endpoint.query.QueryInput;
import io.lakestack.endpoint.query.QueryProtocolService;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.store.RecordStore;
import io.lakestack.spi.store.RecordStores;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * AWS Security Token Service on the Query protocol: {@code GetCallerIdentity}, {@code AssumeRole} and
 * {@code GetSessionToken}, which SDK code, the AWS CLI and Terraform call first.
 *
 * <p>lakestack has one account and no IAM policies: every role can be assumed by every caller, and a session's
 * permissions are the account's. The credentials issued are real ones: kept in the record store {@value #STORE}
 * (so that every endpoint on the same Kafka accepts them, across restarts), signed with like any other, accepted only
 * with their session token and only until they expire ({@code ExpiredToken} after). Settings that would narrow a
 * session's permissions or need an MFA device ({@code Policy}, {@code PolicyArns}, {@code SerialNumber},
 * {@code TokenCode}) cannot be applied without IAM and are refused, as are session {@code Tags} and
 * {@code ProvidedContexts}.
 */
public final class StsService
        extends QueryProtocolService
        implements TemporaryCredentials
{
    public static final String STORE = "sts.sessions";

    private static final long MAX_REQUEST_BYTES = 64 * 1024;
    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final char[] KEY_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final RecordStore<StoredSession> sessions;
    private final String accountId;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** A session STS issued: who it is for and what it signs with. */
    public record StoredSession(String accessKeyId, String secretAccessKey, String sessionToken, long expirationMillis, String arn, String userId)
    {
        public StoredSession
        {
            requireNonNull(accessKeyId, "accessKeyId is null");
            requireNonNull(secretAccessKey, "secretAccessKey is null");
            requireNonNull(sessionToken, "sessionToken is null");
            requireNonNull(arn, "arn is null");
            requireNonNull(userId, "userId is null");
        }
    }

    public StsService(RecordStores stores, String accountId, Clock clock)
    {
        super("sts", NAMESPACE, "ValidationError");
        this.sessions = requireNonNull(stores, "stores is null").open(STORE, StoredSession.class);
        this.accountId = requireNonNull(accountId, "accountId is null");
        this.clock = requireNonNull(clock, "clock is null");
        operation("GetCallerIdentity", (input, caller, result) -> {
            Optional<StoredSession> session = sessions.get(caller.accessKey());
            result.element("UserId", session.map(StoredSession::userId).orElse(accountId));
            result.element("Account", accountId);
            result.element("Arn", session.map(StoredSession::arn).orElse("arn:aws:iam::" + accountId + ":root"));
        });
        operation("AssumeRole", this::assumeRole);
        operation("GetSessionToken", this::getSessionToken);
    }

    private void assumeRole(QueryInput input, Authenticator.Caller caller, XmlWriter result)
    {
        String roleArn = input.requiredString("RoleArn");
        if (roleArn.length() < 20 || roleArn.length() > 2048) {
            throw input.invalid("roleArn", roleArn, "Member must have length between 20 and 2048");
        }
        var role = ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            throw ServiceException.user("ValidationError", roleArn + " is invalid: a role ARN is arn:aws:iam::<account>:role/<name>");
        }
        String sessionName = input.requiredString("RoleSessionName");
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw input.invalid("roleSessionName", sessionName, "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
        }
        int seconds = input.integer("DurationSeconds", 900, 43_200).orElse(3600);
        refuseUnapplicable(input);
        input.string("ExternalId").ifPresent(id -> {
            if (!EXTERNAL_ID.matcher(id).matches()) {
                throw input.invalid("externalId", id, "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length between 2 and 1224");
            }
        });
        Optional<String> sourceIdentity = input.string("SourceIdentity");
        sourceIdentity.ifPresent(identity -> {
            if (!SOURCE_IDENTITY.matcher(identity).matches() || identity.startsWith("aws:")) {
                throw input.invalid("sourceIdentity", identity, "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
            }
        });
        String roleId = "AROA" + randomKey(17);
        String arn = "arn:aws:sts::" + accountId + ":assumed-role/" + role.group(1) + "/" + sessionName;
        StoredSession session = issue(seconds, arn, roleId + ":" + sessionName);
        credentials(result, session);
        result.start("AssumedRoleUser").element("AssumedRoleId", session.userId()).element("Arn", arn).end("AssumedRoleUser");
        result.element("PackedPolicySize", "0");
        sourceIdentity.ifPresent(identity -> result.element("SourceIdentity", identity));
    }

    private void getSessionToken(QueryInput input, Authenticator.Caller caller, XmlWriter result)
    {
        int seconds = input.integer("DurationSeconds", 900, 129_600).orElse(43_200);
        refuseUnapplicable(input);
        if (sessions.get(caller.accessKey()).isPresent()) {
            throw ServiceException.user("AccessDenied", 403, "Cannot call GetSessionToken with session credentials");
        }
        credentials(result, issue(seconds, "arn:aws:iam::" + accountId + ":root", accountId));
    }

    private static void refuseUnapplicable(QueryInput input)
    {
        for (String name : new String[] {"Policy", "PolicyArns.member.1", "SerialNumber", "TokenCode", "Tags.member.1.Key", "TransitiveTagKeys.member.1",
                "ProvidedContexts.member.1.ProviderArn"}) {
            if (input.has(name)) {
                String parameter = name.replaceFirst("\\..*", "");
                throw ServiceException.user("ValidationError", parameter + " cannot be applied by lakestack: it has no IAM policies, MFA devices or "
                        + "session tags, and every session has the account's permissions. Leave " + parameter + " out.");
            }
        }
    }

    private StoredSession issue(int seconds, String arn, String userId)
    {
        long expiration = Instant.ofEpochMilli(clock.millis()).plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        StoredSession session = new StoredSession("ASIA" + randomKey(16), randomSecret(30), randomSecret(96), expiration, arn, userId);
        // sessions that expired are of no more use
        sessions.all().forEach((key, stored) -> {
            if (stored.expirationMillis() <= clock.millis()) {
                sessions.delete(key);
            }
        });
        sessions.put(session.accessKeyId(), session);
        return session;
    }

    private static void credentials(XmlWriter result, StoredSession session)
    {
        result.start("Credentials")
                .element("AccessKeyId", session.accessKeyId())
                .element("SecretAccessKey", session.secretAccessKey())
                .element("SessionToken", session.sessionToken())
                .element("Expiration", Instant.ofEpochMilli(session.expirationMillis()).toString())
                .end("Credentials");
    }

    private String randomKey(int length)
    {
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.append(KEY_CHARACTERS[random.nextInt(KEY_CHARACTERS.length)]);
        }
        return key.toString();
    }

    private String randomSecret(int bytes)
    {
        byte[] secret = new byte[bytes];
        random.nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /** STS's requests are small forms; a session policy, the largest field, is at most 2,048 characters. */
    @Override
    public OptionalLong maxRequestBytes()
    {
        return OptionalLong.of(MAX_REQUEST_BYTES);
    }

    @Override
    public Optional<Session> find(String accessKey)
    {
        if (!accessKey.startsWith("ASIA")) {
            return Optional.empty();
        }
        return sessions.get(accessKey).map(session -> new Session(session.secretAccessKey(), session.sessionToken(), session.expirationMillis()));
    }
}
