package io.lakestack.cli;

import io.lakestack.embedded.EngineCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs ceph/s3-tests ({@code s3tests/functional/test_s3.py}, from a checkout given with {@code --suite}) against an S3
 * endpoint, lakestack's by default, with the selection of {@link S3TestsSelection}, and prints how many tests passed.
 * The suite runs in a Python environment of its own in lakestack's cache ({@link S3TestsEnvironment}); its
 * configuration is written for the endpoint, with the endpoint's own answer to {@code ListBuckets} as the main user's
 * canonical id and display name, as one fills them in for an AWS account.
 */
@Command(name = "s3", description = "Run ceph/s3-tests (test_s3.py, with lakestack's selection) against an S3 endpoint and print the pass rate.")
final class S3ConformanceCommand
        implements Callable<Integer>
{
    static final String TEST_FILE = "s3tests/functional/test_s3.py";
    private static final String PLUGIN = "lakestack_s3tests_selection";
    private static final String BUCKET_PREFIX = "s3tests-{random}-";
    private static final Pattern PROGRESS = Pattern.compile("^[.FEsxX]+\\s*\\[\\s*\\d+%]\\s*$");
    private static final String OWNER_SCRIPT = String.join("\n",
            "import sys",
            "import boto3",
            "from botocore.config import Config",
            "endpoint, key, secret, region = sys.argv[1:5]",
            "client = boto3.client('s3', endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret, region_name=region,",
            "                      config=Config(retries={'max_attempts': 1}, connect_timeout=5, read_timeout=30))",
            "try:",
            "    owner = client.list_buckets().get('Owner', {})",
            "except Exception as e:",
            "    print(e)",
            "    sys.exit(2)",
            "print(owner.get('ID', ''))",
            "print(owner.get('DisplayName', ''))",
            "");

    @Option(names = "--suite", required = true, paramLabel = "DIR", description = "A checkout of ceph/s3-tests (the directory with s3tests/ and requirements.txt).")
    Path suite;

    @Option(names = "--endpoint", paramLabel = "URL", description = "The S3 endpoint to test (default: ${DEFAULT-VALUE}, lakestack's).")
    URI endpoint = URI.create("http://127.0.0.1:4566");

    @Option(names = "--report", paramLabel = "FILE", description = "Write each test's outcome there: a plain list (outcome, test, message), or pytest's JUnit XML "
            + "when FILE ends with .xml.")
    Path report;

    @Option(names = "--access-key", paramLabel = "ID", description = "Access key the suite signs with (default: $LAKESTACK_ACCESS_KEY, else test).")
    String accessKey = System.getenv().getOrDefault("LAKESTACK_ACCESS_KEY", "test");

    @Option(names = "--secret-key", paramLabel = "SECRET", description = "Its secret access key (default: $LAKESTACK_SECRET_KEY, else test).")
    String secretKey = System.getenv().getOrDefault("LAKESTACK_SECRET_KEY", "test");

    @Option(names = "--region", paramLabel = "REGION", description = "Region the suite signs for (default: ${DEFAULT-VALUE}).")
    String region = "us-east-1";

    @Option(names = "--python", paramLabel = "COMMAND", description = "Python 3 with venv to build the suite's environment with (default: ${DEFAULT-VALUE}).")
    String python = "python3";

    @Parameters(paramLabel = "PYTEST_ARGS", arity = "0..*", description = "More arguments for pytest, after --: e.g. -- -k test_bucket_list_empty")
    List<String> pytestArguments = new ArrayList<>();

    @Override
    public Integer call()
            throws Exception
    {
        PrintStream out = System.out;
        Path suiteDirectory = suite.toAbsolutePath().normalize();
        if (!Files.isRegularFile(suiteDirectory.resolve(TEST_FILE)) || !Files.isRegularFile(suiteDirectory.resolve("requirements.txt"))) {
            out.println("lakestack: " + suiteDirectory + " is not a checkout of ceph/s3-tests: it needs " + TEST_FILE + " and requirements.txt "
                    + "(git clone https://github.com/ceph/s3-tests)");
            return 2;
        }
        String scheme = Optional.ofNullable(endpoint.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            out.println("lakestack: --endpoint must be an http or https URL, such as http://127.0.0.1:4566; got " + endpoint);
            return 2;
        }
        S3TestsSelection selection = S3TestsSelection.bundled();
        Path home = EngineCache.cacheRoot().resolve("conformance").resolve("s3-tests");

        S3TestsEnvironment.Requirements requirements = S3TestsEnvironment.requirements(
                Files.readAllLines(suiteDirectory.resolve("requirements.txt"), StandardCharsets.UTF_8));
        S3TestsEnvironment.Environment environment = new S3TestsEnvironment(home, out).ready(python, requirements);
        out.println("lakestack: Python environment " + environment.venv()
                + (environment.munchStandIn() ? " (munch: lakestack's minimal stand-in module, as pip cannot install munch here)" : ""));

        // the last run against each endpoint is kept, in a directory of its own
        Path runs = home.resolve("runs");
        Files.createDirectories(runs);
        String runName = endpoint.getHost().replaceAll("[^A-Za-z0-9.-]", "_") + "-" + port();
        try (FileChannel lockFile = FileChannel.open(runs.resolve(runName + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                out.println("lakestack: another conformance run against " + endpoint + " is under way; wait for it to end");
                return 1;
            }
            return run(out, suiteDirectory, selection, environment, runs.resolve(runName));
        }
    }

    private int run(PrintStream out, Path suiteDirectory, S3TestsSelection selection, S3TestsEnvironment.Environment environment, Path runDirectory)
            throws IOException, InterruptedException
    {
        S3TestsEnvironment.deleteTree(runDirectory);
        Files.createDirectories(runDirectory);

        List<String> owner = owner(environment.python(), runDirectory);
        if (owner == null) {
            return 1;
        }
        out.println("lakestack: " + endpoint + " answers ListBuckets for access key " + accessKey + " with owner "
                + (owner.get(0).isEmpty() ? "(none)" : owner.get(0)) + (owner.get(1).isEmpty() ? "" : " (" + owner.get(1) + ")"));

        Path configuration = runDirectory.resolve("s3tests.conf");
        Files.writeString(configuration, configuration(owner.get(0), owner.get(1)), StandardCharsets.UTF_8);
        Path exclude = runDirectory.resolve("exclude.txt");
        Files.write(exclude, selection.tests(), StandardCharsets.UTF_8);
        copyResource("conformance/" + PLUGIN + ".py", runDirectory.resolve(PLUGIN + ".py"));
        Path selectionReport = runDirectory.resolve("selection.txt");
        Path junit = runDirectory.resolve("junit.xml");
        Path log = runDirectory.resolve("pytest.log");

        List<String> command = new ArrayList<>(List.of(environment.python().toString(), "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider",
                "-q", "--tb=short", "-rN", "--junitxml=" + junit, "-o", "junit_family=xunit2"));
        if (!selection.markerExpression().isEmpty()) {
            command.addAll(List.of("-m", selection.markerExpression()));
        }
        command.add(TEST_FILE);
        command.addAll(pytestArguments);

        ProcessBuilder builder = new ProcessBuilder(command).directory(suiteDirectory.toFile()).redirectErrorStream(true);
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("AWS_"));
        variables.put("AWS_DEFAULT_REGION", region);
        variables.put("AWS_CONFIG_FILE", runDirectory.resolve("no-aws-config").toString());
        variables.put("AWS_SHARED_CREDENTIALS_FILE", runDirectory.resolve("no-aws-credentials").toString());
        variables.put("AWS_EC2_METADATA_DISABLED", "true");
        // every test is judged by its first answer: botocore would retry a 500 (or a BadDigest) up to four times with
        // back-off, which hides nothing worth hiding from a local server and costs minutes
        variables.put("AWS_MAX_ATTEMPTS", "1");
        variables.put("AWS_RETRY_MODE", "standard");
        variables.put("S3TEST_CONF", configuration.toString());
        variables.put("PYTHONPATH", runDirectory.toString());
        variables.put("PYTHONDONTWRITEBYTECODE", "1");
        variables.put("LAKESTACK_S3TESTS_EXCLUDE", exclude.toString());
        variables.put("LAKESTACK_S3TESTS_SELECTION_REPORT", selectionReport.toString());
        variables.put("LAKESTACK_S3TESTS_BUCKET_PREFIX", BUCKET_PREFIX);

        out.println("lakestack: running " + TEST_FILE + " of " + suiteDirectory + " against " + endpoint + " (pytest's output: " + log + ")");
        long start = System.nanoTime();
        Process pytest = builder.start();
        pytest.getOutputStream().close();
        Thread stopper = new Thread(() -> pytest.toHandle().destroy());
        Runtime.getRuntime().addShutdownHook(stopper);
        boolean selectionPrinted = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(pytest.getInputStream(), StandardCharsets.UTF_8));
                Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                logWriter.write(line);
                logWriter.write('\n');
                if (!selectionPrinted && Files.isRegularFile(selectionReport)) {
                    selectionPrinted = printSelection(out, selection, selectionReport, !pytestArguments.isEmpty());
                }
                if (PROGRESS.matcher(line).matches()) {
                    out.println("  " + line);
                }
            }
        }
        int exit = pytest.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopper);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        if (!selectionPrinted && Files.isRegularFile(selectionReport)) {
            printSelection(out, selection, selectionReport, !pytestArguments.isEmpty());
        }
        if (!Files.isRegularFile(junit) || exit > 1) {
            out.println("lakestack: pytest ended with exit status " + exit + (Files.isRegularFile(junit) ? "" : " and no results") + "; see " + log);
            return 1;
        }

        PytestResults results;
        try (InputStream in = Files.newInputStream(junit)) {
            results = PytestResults.parse(in);
        }
        Path outcomes = runDirectory.resolve("outcomes.txt");
        Files.writeString(outcomes, results.outcomeList(), StandardCharsets.UTF_8);
        if (report != null) {
            Path target = report.toAbsolutePath();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.copy(target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml") ? junit : outcomes, target,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        PytestResults.Counts counts = results.counts();
        out.println(String.format(Locale.ROOT, "s3-tests against %s: %d selected, %d passed, %d failed, %d errored%s, %d skipped; pass rate %.1f%% "
                        + "(passed of passed, failed and errored) in %d s", endpoint, counts.selected(), counts.passed(), counts.failed(),
                counts.errored(), counts.erroredInTearDown() == 0 ? "" : " (" + counts.erroredInTearDown() + " of them passed, then failed in tear-down)",
                counts.skipped(), counts.passRate(), seconds));
        out.println("lakestack: each test's outcome: " + (report != null ? report.toAbsolutePath() : outcomes));
        return 0;
    }

    /** The owner's canonical id and display name, or null (said why) when the endpoint does not answer ListBuckets. */
    private List<String> owner(Path venvPython, Path runDirectory)
            throws IOException, InterruptedException
    {
        Path script = runDirectory.resolve("owner.py");
        Files.writeString(script, OWNER_SCRIPT, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(venvPython.toString(), script.toString(), endpoint.toString(), accessKey, secretKey, region)
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process process = builder.start();
        process.getOutputStream().close();
        String answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            System.out.println("lakestack: ListBuckets on " + endpoint + " failed: " + answer.strip()
                    + (endpoint.getPort() == 4566 ? " -- is lakestack running? (./lakestack up -d), or give another --endpoint" : ""));
            return null;
        }
        List<String> lines = new ArrayList<>(answer.lines().toList());
        while (lines.size() < 2) {
            lines.add("");
        }
        return List.of(lines.get(lines.size() - 2).strip(), lines.get(lines.size() - 1).strip());
    }

    /**
     * The suite's configuration for the endpoint. Every user section names the one access key: the suite's set-up
     * and tear-down list buckets as its alt and tenant users too, and the tests that need a user of their own are
     * not selected.
     */
    String configuration(String ownerId, String ownerName)
    {
        boolean secure = endpoint.getScheme().equalsIgnoreCase("https");
        int port = port();
        String userId = ownerId.isEmpty() ? accessKey : ownerId;
        StringBuilder conf = new StringBuilder();
        conf.append("# written by ./lakestack conformance s3 for ").append(endpoint).append('\n');
        conf.append("[DEFAULT]\nhost = ").append(endpoint.getHost()).append("\nport = ").append(port)
                .append("\nis_secure = ").append(secure ? "True" : "False").append("\nssl_verify = False\n\n");
        conf.append("[fixtures]\nbucket prefix = ").append(BUCKET_PREFIX).append("\n\n");
        Map<String, String> users = new LinkedHashMap<>();
        users.put("s3 main", "main");
        users.put("s3 alt", "alt");
        users.put("s3 tenant", "tenant");
        users.put("iam", "iam");
        users.put("iam root", "iamroot");
        users.put("iam alt root", "iamaltroot");
        for (Map.Entry<String, String> user : users.entrySet()) {
            conf.append('[').append(user.getKey()).append("]\n");
            conf.append("display_name = ").append(ownerName).append('\n');
            conf.append("user_id = ").append(userId).append('\n');
            conf.append("email = ").append(user.getValue()).append("@example.com\n");
            conf.append("access_key = ").append(accessKey).append('\n');
            conf.append("secret_key = ").append(secretKey).append('\n');
            if (user.getKey().equals("s3 tenant")) {
                conf.append("tenant = tenant\n");
            }
            conf.append('\n');
        }
        return conf.toString();
    }

    private int port()
    {
        return endpoint.getPort() > 0 ? endpoint.getPort() : (endpoint.getScheme().equalsIgnoreCase("https") ? 443 : 80);
    }

    private static boolean printSelection(PrintStream out, S3TestsSelection selection, Path selectionReport, boolean narrowed)
            throws IOException
    {
        Map<String, Integer> counts = new LinkedHashMap<>();
        int collected = -1;
        int selected = -1;
        int deselected = -1;
        int byName = 0;
        List<String> unmatched = new ArrayList<>();
        List<String> lines = Files.readAllLines(selectionReport, StandardCharsets.UTF_8);
        for (String line : lines) {
            String[] parts = line.split(" ", 2);
            if (parts.length < 2) {
                continue;
            }
            switch (parts[0]) {
                case "collected" -> collected = Integer.parseInt(parts[1].strip());
                case "selected" -> selected = Integer.parseInt(parts[1].strip());
                case "deselected" -> deselected = Integer.parseInt(parts[1].strip());
                case "excluded" -> {
                    byName++;
                    String test = parts[1].split("\t", 2)[0];
                    String reason = selection.groupOf(test).map(S3TestsSelection.Group::reason).orElse("(no reason)");
                    counts.merge(reason, 1, Integer::sum);
                }
                case "unmatched" -> unmatched.add(parts[1].strip());
                default -> {
                }
            }
        }
        if (selected < 0) {
            return false;
        }
        out.println("lakestack: " + collected + " tests in " + TEST_FILE + ", " + selected + " selected; left out:");
        out.println(String.format(Locale.ROOT, "  %4d  by the suite's marks%s: %s", deselected - byName, narrowed ? " and the pytest arguments" : "",
                String.join(", ", selection.markers())));
        for (S3TestsSelection.Group group : selection.groups()) {
            Integer count = counts.get(group.reason());
            if (count != null) {
                out.println(String.format(Locale.ROOT, "  %4d  %s", count, shorten(group.reason(), 110)));
            }
        }
        if (!unmatched.isEmpty() && !narrowed) {
            out.println("lakestack: names in the selection that match no test of this suite: " + String.join(", ", unmatched));
        }
        return true;
    }

    private static String shorten(String text, int length)
    {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }

    private static void copyResource(String resource, Path target)
            throws IOException
    {
        try (InputStream in = S3ConformanceCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from lakestack's classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
