package io.lakestack.endpoint;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the AWS-compatible endpoint. Every key has a documented default; {@link #toString()} never shows a
 * secret key.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #BIND}</td><td>127.0.0.1</td><td>address to listen on; loopback unless said otherwise</td></tr>
 *   <tr><td>{@value #PORT}</td><td>4566</td><td>HTTP port for every service</td></tr>
 *   <tr><td>{@value #REGION}</td><td>us-east-1</td><td>region reported where a request names none</td></tr>
 *   <tr><td>{@value #ACCOUNT_ID}</td><td>000000000000</td><td>the one account lakestack runs</td></tr>
 *   <tr><td>{@value #ACCESS_KEY}</td><td>test</td><td>access key id requests must be signed with</td></tr>
 *   <tr><td>{@value #SECRET_KEY}</td><td>test</td><td>its secret access key</td></tr>
 *   <tr><td>{@value #VERIFY_SIGNATURES}</td><td>true</td><td>refuse unsigned and wrongly signed requests</td></tr>
 *   <tr><td>{@value #HOSTNAMES}</td><td>localhost</td><td>host names for virtual-hosted S3 ({@code bucket.localhost})</td></tr>
 * </table>
 */
public final class EndpointConfig
{
    public static final String BIND = "endpoint.bind";
    public static final String PORT = "endpoint.port";
    public static final String REGION = "endpoint.region";
    public static final String ACCOUNT_ID = "endpoint.account-id";
    public static final String ACCESS_KEY = "endpoint.access-key";
    public static final String SECRET_KEY = "endpoint.secret-key";
    public static final String VERIFY_SIGNATURES = "endpoint.verify-signatures";
    public static final String HOSTNAMES = "endpoint.hostnames";

    public static final int DEFAULT_PORT = 4566;
    private static final Set<String> KEYS = Set.of(BIND, PORT, REGION, ACCOUNT_ID, ACCESS_KEY, SECRET_KEY, VERIFY_SIGNATURES, HOSTNAMES);
    private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern ACCOUNT_PATTERN = Pattern.compile("\\d{12}");

    private final String bindAddress;
    private final int port;
    private final String region;
    private final String accountId;
    private final String accessKey;
    private final String secretKey;
    private final boolean verifySignatures;
    private final Set<String> hostnames;

    private EndpointConfig(String bindAddress, int port, String region, String accountId, String accessKey, String secretKey,
            boolean verifySignatures, Set<String> hostnames)
    {
        this.bindAddress = requireNonNull(bindAddress, "bindAddress is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be between 0 and 65535, not " + port);
        }
        this.port = port;
        if (!REGION_PATTERN.matcher(region).matches()) {
            throw new IllegalArgumentException(REGION + " must look like us-east-1, not '" + region + "'");
        }
        this.region = region;
        if (!ACCOUNT_PATTERN.matcher(accountId).matches()) {
            throw new IllegalArgumentException(ACCOUNT_ID + " must be 12 digits, not '" + accountId + "'");
        }
        this.accountId = accountId;
        if (accessKey.isBlank() || secretKey.isBlank()) {
            throw new IllegalArgumentException(ACCESS_KEY + " and " + SECRET_KEY + " must not be empty");
        }
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.verifySignatures = verifySignatures;
        this.hostnames = Set.copyOf(hostnames);
    }

    public static EndpointConfig defaults()
    {
        return fromMap(Map.of());
    }

    /**
     * Reads the keys above; a missing key takes its default.
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value, naming the key
     */
    public static EndpointConfig fromMap(Map<String, String> properties)
    {
        for (String key : properties.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown endpoint setting '" + key + "'; known settings: " + new java.util.TreeSet<>(KEYS));
            }
        }
        int port;
        String portText = properties.getOrDefault(PORT, String.valueOf(DEFAULT_PORT));
        try {
            port = Integer.parseInt(portText.trim());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT + " must be a number, not '" + portText + "'");
        }
        String verify = properties.getOrDefault(VERIFY_SIGNATURES, "true").trim();
        if (!verify.equals("true") && !verify.equals("false")) {
            throw new IllegalArgumentException(VERIFY_SIGNATURES + " must be true or false, not '" + verify + "'");
        }
        Set<String> hostnames = new LinkedHashSet<>();
        for (String hostname : properties.getOrDefault(HOSTNAMES, "localhost").split(",")) {
            if (!hostname.isBlank()) {
                hostnames.add(hostname.trim());
            }
        }
        return new EndpointConfig(
                properties.getOrDefault(BIND, "127.0.0.1").trim(),
                port,
                properties.getOrDefault(REGION, "us-east-1").trim(),
                properties.getOrDefault(ACCOUNT_ID, "000000000000").trim(),
                properties.getOrDefault(ACCESS_KEY, "test"),
                properties.getOrDefault(SECRET_KEY, "test"),
                Boolean.parseBoolean(verify),
                hostnames);
    }

    /** A copy with the given settings replaced. */
    public EndpointConfig with(Map<String, String> overrides)
    {
        Map<String, String> merged = new HashMap<>(toMap());
        merged.putAll(overrides);
        return fromMap(merged);
    }

    /** The settings as keys and values, secret included; for handing on, not for printing. */
    public Map<String, String> toMap()
    {
        return Map.of(BIND, bindAddress, PORT, String.valueOf(port), REGION, region, ACCOUNT_ID, accountId,
                ACCESS_KEY, accessKey, SECRET_KEY, secretKey, VERIFY_SIGNATURES, String.valueOf(verifySignatures),
                HOSTNAMES, String.join(",", List.copyOf(hostnames)));
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public int port()
    {
        return port;
    }

    public String region()
    {
        return region;
    }

    public String accountId()
    {
        return accountId;
    }

    public String accessKey()
    {
        return accessKey;
    }

    public String secretKey()
    {
        return secretKey;
    }

    public boolean verifySignatures()
    {
        return verifySignatures;
    }

    public Set<String> hostnames()
    {
        return hostnames;
    }

    @Override
    public String toString()
    {
        return "EndpointConfig{bind=" + bindAddress + ", port=" + port + ", region=" + region + ", accountId=" + accountId
                + ", accessKey=" + accessKey + ", secretKey=****, verifySignatures=" + verifySignatures + ", hostnames=" + hostnames + "}";
    }
}
