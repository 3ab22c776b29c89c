package io.lakestack.connectors.lambda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The JDKs on this machine a Java runtime may run on: those configured, else {@code JAVA_HOME}, the JDK of this JVM,
 * and the ones under {@code /usr/lib/jvm}, {@code /opt/java} and SDKMAN's candidates. A JDK is known by its
 * {@code release} file and must have {@code bin/java}.
 */
final class JavaHomes
{
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);

    record Jdk(Path home, int feature, String version)
    {
        Jdk
        {
            requireNonNull(home, "home is null");
            requireNonNull(version, "version is null");
        }

        Path java()
        {
            return home.resolve("bin").resolve("java");
        }
    }

    private final List<Path> configured;

    JavaHomes(List<Path> configured)
    {
        this.configured = List.copyOf(configured);
    }

    /** The JDK of the lowest version that is at least {@code feature}: the closest to what Lambda runs. */
    Optional<Jdk> atLeast(int feature)
    {
        return all().stream()
                .filter(jdk -> jdk.feature() >= feature)
                .min(Comparator.comparingInt(Jdk::feature).thenComparing(Jdk::version, Comparator.reverseOrder()));
    }

    /** Where JDKs were looked for, for a message that says what to install and where. */
    String searched()
    {
        if (!configured.isEmpty()) {
            return "the JDKs configured in " + ProcessFunctionRunnerConfig.JAVA_HOMES + " (" + configured + ")";
        }
        return "JAVA_HOME, this JVM's JDK, /usr/lib/jvm, /opt/java and ~/.sdkman/candidates/java";
    }

    List<Jdk> all()
    {
        Map<Path, Jdk> found = new LinkedHashMap<>();
        for (Path candidate : candidates()) {
            jdk(candidate).ifPresent(jdk -> found.putIfAbsent(jdk.home(), jdk));
        }
        return new ArrayList<>(found.values());
    }

    private List<Path> candidates()
    {
        if (!configured.isEmpty()) {
            return configured;
        }
        List<Path> candidates = new ArrayList<>();
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            candidates.add(Path.of(javaHome));
        }
        candidates.add(Path.of(System.getProperty("java.home")));
        candidates.addAll(children(Path.of("/usr/lib/jvm")));
        candidates.addAll(children(Path.of("/opt/java")));
        candidates.addAll(children(Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java")));
        return candidates;
    }

    private static List<Path> children(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
        catch (IOException e) {
            return List.of();
        }
    }

    static Optional<Jdk> jdk(Path home)
    {
        try {
            Path real = home.toRealPath();
            Path release = real.resolve("release");
            if (!Files.isRegularFile(release) || !Files.isExecutable(real.resolve("bin").resolve("java"))) {
                return Optional.empty();
            }
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
            if (!matcher.find()) {
                return Optional.empty();
            }
            String version = matcher.group(1);
            return Optional.of(new Jdk(real, feature(version), version));
        }
        catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code 17.0.15} is 17, {@code 25} is 25, {@code 1.8.0_392} is 8. */
    static int feature(String version)
    {
        String[] parts = version.split("[._+-]");
        int first = Integer.parseInt(parts[0]);
        return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    }
}
