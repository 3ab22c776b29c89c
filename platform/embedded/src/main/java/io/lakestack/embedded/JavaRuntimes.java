package io.lakestack.embedded;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds installed JDKs: {@code LAKESTACK_JAVA_HOME}, {@code JAVA_HOME}, the running JVM, and the usual install
 * locations ({@code /usr/lib/jvm}, {@code /opt/java}, SDKMAN, macOS). Trino 476 needs Java 24 or newer; the other
 * engines run on 17 or newer.
 */
public final class JavaRuntimes
{
    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)(?:\\.[^\"]*)?\"", Pattern.MULTILINE);

    private JavaRuntimes() {}

    /** A JDK found on this machine. */
    public record Runtime(Path home, int feature)
    {
        public Path java()
        {
            return home.resolve("bin").resolve("java");
        }
    }

    public static List<Runtime> installed()
    {
        Set<Path> candidates = new LinkedHashSet<>();
        Optional.ofNullable(System.getenv("LAKESTACK_JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("java.home")));
        String home = System.getProperty("user.home");
        for (Path parent : List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"), Path.of("/usr/java"), Path.of("/opt"),
                Path.of(home, ".sdkman", "candidates", "java"), Path.of(home, ".jdks"), Path.of("/Library/Java/JavaVirtualMachines"))) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(parent)) {
                for (Path child : children) {
                    candidates.add(child);
                    candidates.add(child.resolve("Contents").resolve("Home"));
                }
            }
            catch (IOException ignored) {
                // an unreadable directory holds no JDK we can use
            }
        }
        List<Runtime> runtimes = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path candidate : candidates) {
            featureVersion(candidate).ifPresent(feature -> {
                try {
                    if (seen.add(candidate.toRealPath())) {
                        runtimes.add(new Runtime(candidate, feature));
                    }
                }
                catch (IOException ignored) {
                    // vanished while looking
                }
            });
        }
        return runtimes;
    }

    /** The newest JDK of at least {@code minimum}, preferring an explicitly chosen one ({@code LAKESTACK_JAVA_HOME}). */
    public static Optional<Runtime> find(int minimum)
    {
        List<Runtime> runtimes = installed();
        String chosen = System.getenv("LAKESTACK_JAVA_HOME");
        if (chosen != null) {
            Optional<Runtime> explicit = runtimes.stream().filter(runtime -> runtime.home().equals(Path.of(chosen)) && runtime.feature() >= minimum).findFirst();
            if (explicit.isPresent()) {
                return explicit;
            }
        }
        return runtimes.stream().filter(runtime -> runtime.feature() >= minimum).max(Comparator.comparingInt(Runtime::feature));
    }

    /**
     * @throws StackException saying which JDK is missing and how to get one
     */
    public static Runtime require(String component, int minimum)
    {
        return find(minimum).orElseThrow(() -> new StackException(component, "needs Java " + minimum + " or newer, found only "
                + describe(installed()) + ". Install a JDK " + minimum + "+ (for example Temurin 25: https://adoptium.net, or "
                + "'apt install temurin-25-jdk' from the Adoptium repository) and set LAKESTACK_JAVA_HOME to it"));
    }

    static String describe(List<Runtime> runtimes)
    {
        if (runtimes.isEmpty()) {
            return "none";
        }
        return String.join(", ", runtimes.stream().map(runtime -> "Java " + runtime.feature() + " (" + runtime.home() + ")").toList());
    }

    static Optional<Integer> featureVersion(Path home)
    {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            return Optional.empty();
        }
        try {
            Matcher matcher = VERSION.matcher(Files.readString(release));
            if (!matcher.find()) {
                return Optional.empty();
            }
            int major = Integer.parseInt(matcher.group(1));
            // "1.8.0_x" style versions are Java 8
            return Optional.of(major == 1 ? 8 : major);
        }
        catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
