package io.lakestack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Which tests of ceph/s3-tests' {@code test_s3.py} {@code ./lakestack conformance s3} leaves out, and why: the file
 * {@code s3-tests.selection} next to this class, in blocks of one reason each ({@code reason:} lines), followed by the
 * suite's pytest marks ({@code marker NAME}) and test names or patterns ({@code test NAME}) it excludes.
 */
record S3TestsSelection(List<Group> groups)
{
    static final String RESOURCE = "conformance/s3-tests.selection";

    private static final Pattern MARKER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TEST = Pattern.compile("[A-Za-z0-9_*\\[\\]\\-.]+");

    /** One reason and what it excludes. */
    record Group(String reason, List<String> markers, List<String> tests)
    {
        Group
        {
            requireNonNull(reason, "reason is null");
            markers = List.copyOf(markers);
            tests = List.copyOf(tests);
        }
    }

    S3TestsSelection
    {
        groups = List.copyOf(groups);
    }

    /** The selection lakestack ships. */
    static S3TestsSelection bundled()
    {
        try (InputStream in = S3TestsSelection.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from lakestack's classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a selection file.
     *
     * @throws IllegalArgumentException naming the line that is not a comment, a {@code reason:}, a {@code marker} or a
     *         {@code test} line, or a marker or test before any reason, or a reason that excludes nothing
     */
    static S3TestsSelection parse(String text)
    {
        List<Group> groups = new ArrayList<>();
        StringBuilder reason = null;
        List<String> markers = new ArrayList<>();
        List<String> tests = new ArrayList<>();
        int reasonLine = 0;
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("reason:")) {
                String words = line.substring("reason:".length()).strip();
                if (reason != null && markers.isEmpty() && tests.isEmpty()) {
                    reason.append(' ').append(words);
                    continue;
                }
                if (reason != null) {
                    groups.add(new Group(reason.toString(), markers, tests));
                }
                if (words.isEmpty()) {
                    throw new IllegalArgumentException("line " + number + ": a reason says why: reason: <why these tests are left out>");
                }
                reason = new StringBuilder(words);
                reasonLine = number;
                markers = new ArrayList<>();
                tests = new ArrayList<>();
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !(parts[0].equals("marker") || parts[0].equals("test"))) {
                throw new IllegalArgumentException("line " + number + ": expected 'reason: ...', 'marker NAME' or 'test NAME', found: " + line);
            }
            if (reason == null) {
                throw new IllegalArgumentException("line " + number + ": '" + line + "' comes before any 'reason:' line");
            }
            if (parts[0].equals("marker")) {
                if (!MARKER.matcher(parts[1]).matches()) {
                    throw new IllegalArgumentException("line " + number + ": not a pytest mark name: " + parts[1]);
                }
                markers.add(parts[1]);
            }
            else {
                if (!TEST.matcher(parts[1]).matches()) {
                    throw new IllegalArgumentException("line " + number + ": not a test name or pattern: " + parts[1]);
                }
                tests.add(parts[1]);
            }
        }
        if (reason != null) {
            if (markers.isEmpty() && tests.isEmpty()) {
                throw new IllegalArgumentException("line " + reasonLine + ": the reason excludes no marker and no test");
            }
            groups.add(new Group(reason.toString(), markers, tests));
        }
        return new S3TestsSelection(groups);
    }

    List<String> markers()
    {
        return groups.stream().flatMap(group -> group.markers().stream()).toList();
    }

    List<String> tests()
    {
        return groups.stream().flatMap(group -> group.tests().stream()).toList();
    }

    /** pytest's {@code -m} expression that leaves out every marked group: {@code not (a or b)}; empty when there is none. */
    String markerExpression()
    {
        List<String> markers = markers();
        return markers.isEmpty() ? "" : "not (" + String.join(" or ", markers) + ")";
    }

    /**
     * Whether a test name or pattern of the file names a test: without {@code *} it is a test function, which matches
     * the test and every parametrized instance of it ({@code test_copy_enc} matches {@code test_copy_enc[a-b-1]}, and
     * {@code test_bucket_list} does not match {@code test_bucket_list_empty}); with {@code *} it is a pattern over the
     * full name, parameters included, where {@code *} stands for any characters and everything else for itself.
     */
    static boolean matches(String nameOrPattern, String test)
    {
        if (nameOrPattern.indexOf('*') < 0) {
            int bracket = test.indexOf('[');
            return (bracket < 0 ? test : test.substring(0, bracket)).equals(nameOrPattern);
        }
        String regex = Arrays.stream(nameOrPattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
        return test.matches(regex);
    }

    /** The group whose test names match the test first, if one does (marked groups cannot be told from a name). */
    Optional<Group> groupOf(String test)
    {
        return groups.stream().filter(group -> group.tests().stream().anyMatch(name -> matches(name, test))).findFirst();
    }
}
