package io.lakestack.cli;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of each test in pytest's JUnit XML ({@code --junitxml}). pytest writes a test twice when it failed and
 * its teardown failed too; it counts once here, by its worst outcome: failed, then errored (its setup or teardown
 * failed), then skipped, then passed.
 */
record PytestResults(List<Outcome> outcomes)
{
    /** How pytest's message of an error in a fixture's tear-down begins (a failed test has a failure as well). */
    static final String TEAR_DOWN_ERROR = "failed on teardown";

    enum Kind
    {
        // in order of precedence: a later kind wins over an earlier one for the same test
        PASSED, SKIPPED, ERRORED, FAILED;

        String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A test's outcome and, unless it passed, the first line of pytest's message. */
    record Outcome(String test, Kind kind, String message)
    {
        Outcome
        {
            requireNonNull(test, "test is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(message, "message is null");
        }
    }

    /**
     * How many tests ran, and how they ended; {@code erroredInTearDown} of the errored ones passed, and then their
     * tear-down failed (pytest counts those as passed and as an error).
     */
    record Counts(int selected, int passed, int failed, int errored, int skipped, int erroredInTearDown)
    {
        /** Passed tests among those that ran and were not skipped, in percent; 0 when none ran. */
        double passRate()
        {
            int ran = passed + failed + errored;
            return ran == 0 ? 0 : 100.0 * passed / ran;
        }
    }

    PytestResults
    {
        outcomes = List.copyOf(outcomes);
    }

    static PytestResults parse(InputStream junitXml)
            throws IOException
    {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()
            {
                @Override
                public void fatalError(SAXParseException e)
                        throws SAXException
                {
                    throw e;
                }
            });
            document = builder.parse(junitXml);
        }
        catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not pytest's JUnit XML: " + e.getMessage(), e);
        }
        Map<String, Outcome> byTest = new LinkedHashMap<>();
        NodeList cases = document.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            String name = testCase.getAttribute("name");
            String className = testCase.getAttribute("classname");
            String key = className.isEmpty() ? name : className + "::" + name;
            Outcome outcome = outcome(name, testCase);
            byTest.merge(key, outcome, (known, next) -> next.kind().compareTo(known.kind()) > 0 ? next : known);
        }
        return new PytestResults(new ArrayList<>(byTest.values()));
    }

    private static Outcome outcome(String name, Element testCase)
    {
        Kind kind = Kind.PASSED;
        String message = "";
        for (Node child = testCase.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (!(child instanceof Element element)) {
                continue;
            }
            Kind childKind = switch (element.getTagName()) {
                case "failure" -> Kind.FAILED;
                case "error" -> Kind.ERRORED;
                case "skipped" -> Kind.SKIPPED;
                default -> null;
            };
            if (childKind != null && childKind.compareTo(kind) > 0) {
                kind = childKind;
                message = firstLine(element.getAttribute("message"));
            }
        }
        return new Outcome(name, kind, message);
    }

    private static String firstLine(String message)
    {
        String line = message.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }

    Counts counts()
    {
        int passed = 0;
        int failed = 0;
        int errored = 0;
        int skipped = 0;
        int erroredInTearDown = 0;
        for (Outcome outcome : outcomes) {
            switch (outcome.kind()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case ERRORED -> {
                    errored++;
                    if (outcome.message().startsWith(TEAR_DOWN_ERROR)) {
                        erroredInTearDown++;
                    }
                }
                case SKIPPED -> skipped++;
            }
        }
        return new Counts(outcomes.size(), passed, failed, errored, skipped, erroredInTearDown);
    }

    /** One line a test, {@code <outcome> <test>} and, unless it passed, {@code : <message>}. */
    String outcomeList()
    {
        StringBuilder list = new StringBuilder();
        for (Outcome outcome : outcomes) {
            list.append(String.format(Locale.ROOT, "%-8s %s", outcome.kind().label(), outcome.test()));
            if (!outcome.message().isEmpty()) {
                list.append(": ").append(outcome.message());
            }
            list.append('\n');
        }
        return list.toString();
    }
}
