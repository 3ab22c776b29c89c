package io.lakestack.connectors.lambda;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link ProcessFunctionRunner}. Every key has a documented default; {@link #toString()} never shows the
 * secret key or the session token.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #ENDPOINT_URL}</td><td>http://127.0.0.1:4566</td><td>lakestack's endpoint, given to every
 *       function as {@code AWS_ENDPOINT_URL} so that the AWS SDKs in a handler reach lakestack</td></tr>
 *   <tr><td>{@value #ACCESS_KEY}</td><td>test</td><td>{@code AWS_ACCESS_KEY_ID} of every function</td></tr>
 *   <tr><td>{@value #SECRET_KEY}</td><td>test</td><td>{@code AWS_SECRET_ACCESS_KEY} of every function</td></tr>
 *   <tr><td>{@value #SESSION_TOKEN}</td><td>(none)</td><td>{@code AWS_SESSION_TOKEN} of every function; not set
 *       when empty</td></tr>
 *   <tr><td>{@value #CACHE_DIR}</td><td>{@code $LAKESTACK_CACHE/lambda}, else {@code ~/.cache/lakestack/lambda}</td>
 *       <td>unpacked deployment packages (by {@code CodeSha256}), Python virtual environments with boto3, the
 *       runtimes' own files; shared by every runner on the machine</td></tr>
 *   <tr><td>{@value #WORK_DIR}</td><td>the JVM's temporary directory</td><td>where the execution environments'
 *       working directories are made (a data directory's {@code tmp/} in the embedded stack, cleared at every start)</td></tr>
 *   <tr><td>{@value #IDLE_TIMEOUT}</td><td>300</td><td>seconds an idle execution environment stays warm</td></tr>
 *   <tr><td>{@value #INIT_TIMEOUT}</td><td>10</td><td>seconds a new environment may take to initialise before the
 *       invocation's own time-out starts counting (Lambda's init phase limit)</td></tr>
 *   <tr><td>{@value #JAVA_HOMES}</td><td>(found)</td><td>comma-separated JDK directories the Java runtimes may use;
 *       when empty, {@code JAVA_HOME}, this JVM's own JDK and those under {@code /usr/lib/jvm}, {@code /opt/java}
 *       and SDKMAN's are looked at</td></tr>
 *   <tr><td>{@value #PYTHON_EXECUTABLES}</td><td>(found)</td><td>comma-separated Python interpreters the Python
 *       runtimes may use; when empty, {@code python3.X} and {@code python3} on the {@code PATH} and pyenv's
 *       versions are looked at</td></tr>
 *   <tr><td>{@value #JAVA_RUNTIME_CLASSPATH}</td><td>(the build's)</td><td>path-separated jars of AWS's Java runtime
 *       interface client and its libraries; when empty, the list the build wrote into this module's jar</td></tr>
 * </table>
 */
public final class ProcessFunctionRunnerConfig
{
    public static final String ENDPOINT_URL = "lambda.endpoint-url";
    public static final String ACCESS_KEY = "lambda.access-key";
    public static final String SECRET_KEY = "lambda.secret-key";
    public static final String SESSION_TOKEN = "lambda.session-token";
    public static final String CACHE_DIR = "lambda.cache-dir";
    public static final String WORK_DIR = "lambda.work-dir";
    public static final String IDLE_TIMEOUT = "lambda.idle-timeout-seconds";
    public static final String INIT_TIMEOUT = "lambda.init-timeout-seconds";
    public static final String JAVA_HOMES = "lambda.java-homes";
    public static final String PYTHON_EXECUTABLES = "lambda.python-executables";
    public static final String JAVA_RUNTIME_CLASSPATH = "lambda.java-runtime-classpath";

    private static final Set<String> KEYS = Set.of(ENDPOINT_URL, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, CACHE_DIR, WORK_DIR, IDLE_TIMEOUT, INIT_TIMEOUT,
            JAVA_HOMES, PYTHON_EXECUTABLES, JAVA_RUNTIME_CLASSPATH);

    private final URI endpointUrl;
    private final String accessKey;
    private final String secretKey;
    private final Optional<String> sessionToken;
    private final Path cacheDirectory;
    private final Path workDirectory;
    private final Duration idleTimeout;
    private final Duration initTimeout;
    private final List<Path> javaHomes;
    private final List<Path> pythonExecutables;
    private final List<Path> javaRuntimeClasspath;

    private ProcessFunctionRunnerConfig(URI endpointUrl, String accessKey, String secretKey, Optional<String> sessionToken, Path cacheDirectory, Path workDirectory,
            Duration idleTimeout, Duration initTimeout, List<Path> javaHomes, List<Path> pythonExecutables, List<Path> javaRuntimeClasspath)
    {
        this.endpointUrl = requireNonNull(endpointUrl, "endpointUrl is null");
        this.accessKey = requireNonNull(accessKey, "accessKey is null");
        this.secretKey = requireNonNull(secretKey, "secretKey is null");
        this.sessionToken = requireNonNull(sessionToken, "sessionToken is null");
        this.cacheDirectory = requireNonNull(cacheDirectory, "cacheDirectory is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
        this.initTimeout = requireNonNull(initTimeout, "initTimeout is null");
        this.javaHomes = List.copyOf(javaHomes);
        this.pythonExecutables = List.copyOf(pythonExecutables);
        this.javaRuntimeClasspath = List.copyOf(javaRuntimeClasspath);
    }

    public static ProcessFunctionRunnerConfig defaults()
    {
        return fromMap(Map.of());
    }

    /**
     * Reads the keys above; a missing key takes its default.
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value, naming the key
     */
    public static ProcessFunctionRunnerConfig fromMap(Map<String, String> properties)
    {
        for (String key : properties.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown Lambda runner setting '" + key + "'; known settings: " + new TreeSet<>(KEYS));
            }
        }
        String accessKey = properties.getOrDefault(ACCESS_KEY, "test");
        String secretKey = properties.getOrDefault(SECRET_KEY, "test");
        if (accessKey.isBlank() || secretKey.isBlank()) {
            throw new IllegalArgumentException(ACCESS_KEY + " and " + SECRET_KEY + " must not be empty");
        }
        String sessionToken = properties.getOrDefault(SESSION_TOKEN, "");
        String cacheDir = properties.getOrDefault(CACHE_DIR, "").trim();
        String workDir = properties.getOrDefault(WORK_DIR, "").trim();
        return new ProcessFunctionRunnerConfig(
                endpointUrl(properties.getOrDefault(ENDPOINT_URL, "http://127.0.0.1:4566").trim()),
                accessKey,
                secretKey,
                sessionToken.isEmpty() ? Optional.empty() : Optional.of(sessionToken),
                cacheDir.isEmpty() ? defaultCacheDirectory() : Path.of(cacheDir),
                workDir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(workDir),
                seconds(properties, IDLE_TIMEOUT, 300, 1),
                seconds(properties, INIT_TIMEOUT, 10, 1),
                paths(properties.getOrDefault(JAVA_HOMES, ""), ","),
                paths(properties.getOrDefault(PYTHON_EXECUTABLES, ""), ","),
                paths(properties.getOrDefault(JAVA_RUNTIME_CLASSPATH, ""), java.io.File.pathSeparator));
    }

    /** A copy with the given settings replaced. */
    public ProcessFunctionRunnerConfig with(Map<String, String> overrides)
    {
        Map<String, String> merged = new HashMap<>(toMap());
        merged.putAll(overrides);
        return fromMap(merged);
    }

    /** The settings as keys and values, secrets included; for handing on, not for printing. */
    public Map<String, String> toMap()
    {
        Map<String, String> map = new HashMap<>();
        map.put(ENDPOINT_URL, endpointUrl.toString());
        map.put(ACCESS_KEY, accessKey);
        map.put(SECRET_KEY, secretKey);
        map.put(SESSION_TOKEN, sessionToken.orElse(""));
        map.put(CACHE_DIR, cacheDirectory.toString());
        map.put(WORK_DIR, workDirectory.toString());
        map.put(IDLE_TIMEOUT, String.valueOf(idleTimeout.toSeconds()));
        map.put(INIT_TIMEOUT, String.valueOf(initTimeout.toSeconds()));
        map.put(JAVA_HOMES, join(javaHomes, ","));
        map.put(PYTHON_EXECUTABLES, join(pythonExecutables, ","));
        map.put(JAVA_RUNTIME_CLASSPATH, join(javaRuntimeClasspath, java.io.File.pathSeparator));
        return Map.copyOf(map);
    }

    public URI endpointUrl()
    {
        return endpointUrl;
    }

    public String accessKey()
    {
        return accessKey;
    }

    public String secretKey()
    {
        return secretKey;
    }

    public Optional<String> sessionToken()
    {
        return sessionToken;
    }

    public Path cacheDirectory()
    {
        return cacheDirectory;
    }

    /** Where the execution environments' working directories are made. */
    public Path workDirectory()
    {
        return workDirectory;
    }

    public Duration idleTimeout()
    {
        return idleTimeout;
    }

    public Duration initTimeout()
    {
        return initTimeout;
    }

    /** The JDKs named by {@value #JAVA_HOMES}; empty when they are to be found. */
    public List<Path> javaHomes()
    {
        return javaHomes;
    }

    /** The interpreters named by {@value #PYTHON_EXECUTABLES}; empty when they are to be found. */
    public List<Path> pythonExecutables()
    {
        return pythonExecutables;
    }

    /** The jars named by {@value #JAVA_RUNTIME_CLASSPATH}; empty when the build's list is to be used. */
    public List<Path> javaRuntimeClasspath()
    {
        return javaRuntimeClasspath;
    }

    @Override
    public String toString()
    {
        return "ProcessFunctionRunnerConfig{endpointUrl=" + endpointUrl + ", accessKey=" + accessKey + ", secretKey=****, sessionToken="
                + (sessionToken.isPresent() ? "****" : "(none)") + ", cacheDirectory=" + cacheDirectory + ", workDirectory=" + workDirectory + ", idleTimeout=" + idleTimeout.toSeconds()
                + "s, initTimeout=" + initTimeout.toSeconds() + "s, javaHomes=" + javaHomes + ", pythonExecutables=" + pythonExecutables
                + ", javaRuntimeClasspath=" + (javaRuntimeClasspath.isEmpty() ? "(the build's)" : javaRuntimeClasspath) + "}";
    }

    static Path defaultCacheDirectory()
    {
        String cache = System.getenv("LAKESTACK_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache, "lambda");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lakestack", "lambda");
    }

    private static URI endpointUrl(String text)
    {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(ENDPOINT_URL + " must be an http:// or https:// URL with a host, not '" + text + "'");
            }
            return uri;
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT_URL + " must be an http:// or https:// URL with a host, not '" + text + "'", e);
        }
    }

    private static Duration seconds(Map<String, String> properties, String key, int defaultSeconds, int minimum)
    {
        String text = properties.getOrDefault(key, String.valueOf(defaultSeconds)).trim();
        long value;
        try {
            value = Long.parseLong(text);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number of seconds, not '" + text + "'");
        }
        if (value < minimum) {
            throw new IllegalArgumentException(key + " must be at least " + minimum + ", not " + value);
        }
        return Duration.ofSeconds(value);
    }

    private static List<Path> paths(String text, String separator)
    {
        List<Path> paths = new ArrayList<>();
        for (String entry : text.split(java.util.regex.Pattern.quote(separator))) {
            if (!entry.isBlank()) {
                paths.add(Path.of(entry.trim()));
            }
        }
        return paths;
    }

    private static String join(List<Path> paths, String separator)
    {
        return String.join(separator, paths.stream().map(Path::toString).toList());
    }
}
