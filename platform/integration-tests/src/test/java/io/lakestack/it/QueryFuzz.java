package io.lakestack.it;

import io.lakestack.testing.TestStack;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fuzzing of a Query protocol service (form-encoded {@code Action=...} requests): every case made of each operation,
 * sent signed, must be answered within {@link JsonFuzz#BOUND}, never with a 5xx, and, when it is the client's error,
 * with a 4xx and the Query error document ({@code ErrorResponse/Error/Code} one of the service's errors, a
 * {@code Message}).
 *
 * <p>An operation is one line: its name ({@code +} before it when the well-formed request succeeds), then its
 * parameters as they are sent, {@code Name=value}, a {@code !} before the {@code =} of a required one; the members of
 * a list or map ({@code Tags.member.1.Key=k}, {@code Attribute.1.Name=n}) are required with their top-level name. A parameter marked {@code ~}
 * ({@code Message~=text}) takes long values (a message body): it is not sent huge. One marked {@code ^} is a batch
 * entry's: a bad value may fail the entry alone, in a 200 answer that says so.
 */
final class QueryFuzz
{
    /** The first member number of a list or map parameter: {@code Tags.member.1.Key}, {@code Attribute.1.Name}. */
    private static final Pattern MEMBER_NUMBER = Pattern.compile("\\.(member\\.|entry\\.)?(1)(\\.|$)");
    private static final String[] NOT_A_FORM = {"%", "%zz", "a=%4", "Action=%", "a=%G1", "%E0%A4%A=b"};

    private QueryFuzz() {}

    /**
     * @param entryFailure what a batch answer holds for an entry that failed on its own (SQS's
     *         {@code <BatchResultErrorEntry>}, SNS's {@code <Failed><member>})
     */
    record Service(String signingName, String version, Set<String> errors, String entryFailure, List<Operation> operations)
    {
        Service(String signingName, String version, Set<String> errors, String entryFailure, String... operations)
        {
            this(signingName, version, errors, entryFailure, Arrays.stream(operations).map(QueryFuzz::operation).toList());
        }
    }

    /** @param inEntry a batch entry's, whose bad value may fail that entry alone, in a 200 answer, as AWS's batches do */
    record Parameter(String name, String value, boolean required, boolean longValues, boolean inEntry)
    {
        String topLevel()
        {
            int dot = name.indexOf('.');
            return dot < 0 ? name : name.substring(0, dot);
        }
    }

    record Operation(String name, boolean succeeds, List<Parameter> parameters) {}

    /** @param entryMayFail whether a 200 answer with the entry failed is the error the case must get */
    record Case(String operation, String description, byte[] body, boolean mustFail, boolean entryMayFail)
    {
        Case(String operation, String description, byte[] body, boolean mustFail)
        {
            this(operation, description, body, mustFail, false);
        }

        @Override
        public String toString()
        {
            String text = new String(body, StandardCharsets.UTF_8);
            return operation + " [" + description + "] " + (text.length() > 160 ? text.substring(0, 157) + "..." : text);
        }
    }

    static Operation operation(String line)
    {
        String[] words = line.trim().split("\\s+");
        boolean succeeds = words[0].startsWith("+");
        List<Parameter> parameters = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int equals = word.indexOf('=');
            String name = word.substring(0, equals);
            String marks = name.replaceAll("^.*?([!~^]*)$", "$1");
            name = name.substring(0, name.length() - marks.length());
            parameters.add(new Parameter(name, word.substring(equals + 1), marks.contains("!"), marks.contains("~"), marks.contains("^")));
        }
        return new Operation(succeeds ? words[0].substring(1) : words[0], succeeds, List.copyOf(parameters));
    }

    static Set<String> fuzzedOperations(Service service)
    {
        return service.operations().stream().map(Operation::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The cases of every operation of the service, from one seed. */
    static List<Case> cases(Service service, long seed)
    {
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>();
        for (Operation operation : service.operations()) {
            cases.addAll(cases(service, operation, random));
        }
        return cases;
    }

    private static List<Case> cases(Service service, Operation operation, Random random)
    {
        String name = operation.name();
        Map<String, String> base = new LinkedHashMap<>();
        operation.parameters().forEach(parameter -> base.put(parameter.name(), parameter.value()));
        boolean anyRequired = operation.parameters().stream().anyMatch(Parameter::required);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case(name, "well-formed", form(service, name, base), !operation.succeeds()));
        cases.add(new Case(name, "no parameters", form(service, name, Map.of()), anyRequired));
        cases.add(new Case(name, "not a form", ((random.nextBoolean() ? "" : "Action=" + name + "&") + NOT_A_FORM[random.nextInt(NOT_A_FORM.length)])
                .getBytes(StandardCharsets.UTF_8), true));
        Map<String, String> unknown = new LinkedHashMap<>(base);
        unknown.put("FuzzUnknown" + random.nextInt(1000), "fuzz");
        cases.add(new Case(name, "unknown parameter", form(service, name, unknown), !operation.succeeds()));
        for (String required : operation.parameters().stream().filter(Parameter::required).map(Parameter::topLevel).distinct().toList()) {
            Map<String, String> without = new LinkedHashMap<>(base);
            without.keySet().removeIf(key -> key.equals(required) || key.startsWith(required + "."));
            cases.add(new Case(name, "without " + required, form(service, name, without), true));
        }
        for (Parameter parameter : operation.parameters()) {
            if (!parameter.longValues()) {
                Map<String, String> huge = new LinkedHashMap<>(base);
                huge.put(parameter.name(), FuzzInputs.hugeString(random));
                cases.add(new Case(name, "huge " + parameter.name(), form(service, name, huge), true, parameter.inEntry()));
            }
            cases.add(new Case(name, "invalid UTF-8 in " + parameter.name(), invalidUtf8(service, name, base, parameter.name(), random), true));
            Matcher numbered = MEMBER_NUMBER.matcher(parameter.name());
            if (numbered.find()) {
                Map<String, String> renumbered = new LinkedHashMap<>();
                String index = random.nextBoolean() ? "0" : "99999999999";
                String other = parameter.name().substring(0, numbered.start(2)) + index + parameter.name().substring(numbered.end(2));
                base.forEach((key, value) -> renumbered.put(key.equals(parameter.name()) ? other : key, value));
                cases.add(new Case(name, "member " + index + " in " + parameter.name(), form(service, name, renumbered), true));
            }
        }
        return cases;
    }

    private static byte[] form(Service service, String action, Map<String, String> parameters)
    {
        StringBuilder form = new StringBuilder("Action=").append(encode(action)).append("&Version=").append(encode(service.version()));
        parameters.forEach((key, value) -> form.append('&').append(encode(key)).append('=').append(encode(value)));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The form with one parameter's value followed by percent-encoded bytes that are not UTF-8. */
    private static byte[] invalidUtf8(Service service, String action, Map<String, String> base, String parameter, Random random)
    {
        String[] invalid = {"%FF", "%C3%28", "%E2%82", "%ED%A0%80", "%F8%88%80%80%80", "%C0%AF", "%FE%FE"};
        Map<String, String> without = new LinkedHashMap<>(base);
        without.remove(parameter);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(form(service, action, without));
        body.writeBytes(("&" + encode(parameter) + "=" + encode(base.get(parameter)) + invalid[random.nextInt(invalid.length)]).getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static String encode(String text)
    {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends every case; returns what went wrong, one line each (empty when nothing did). */
    static List<String> run(TestStack stack, Service service, List<Case> cases)
    {
        return JsonFuzz.run(cases, fuzz -> JsonFuzz.check(() -> JsonFuzz.send(stack, service.signingName(), "POST", "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), fuzz.body()), fuzz.mustFail() && !fuzz.entryMayFail(),
                response -> queryError(service, response), response -> fuzz.entryMayFail() && !response.body().contains(service.entryFailure())
                        ? "accepted with " + response.statusCode() + " and no entry failed " + JsonFuzz.abbreviate(response.body()) : null));
    }

    /** The operations the service implements, as it lists them when asked for one it does not have. */
    static Set<String> implementedOperations(TestStack stack, Service service)
            throws Exception
    {
        HttpResponse<String> response = JsonFuzz.send(stack, service.signingName(), "POST", "/", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form(service, "FuzzNoSuchOperation", Map.of()));
        Element error = error(response.body());
        String message = text(error, "Message");
        return Arrays.stream(message.substring(message.indexOf(" supports ") + " supports ".length()).split(", ")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** What is wrong with a Query error: it must be {@code <ErrorResponse><Error><Code>...</Code><Message>...}. */
    private static String queryError(Service service, HttpResponse<String> response)
    {
        int status = response.statusCode();
        Element error;
        try {
            error = error(response.body());
        }
        catch (Exception e) {
            return "an error that is not a Query error document (" + e.getMessage() + "): " + status + " " + JsonFuzz.abbreviate(response.body());
        }
        String code = text(error, "Code");
        if (!service.errors().contains(code) || text(error, "Message").isBlank()) {
            return "an error the service does not answer malformed input with: " + status + " " + JsonFuzz.abbreviate(response.body());
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml")) {
            return "an error of Content-Type " + response.headers().firstValue("Content-Type").orElse("(none)");
        }
        return null;
    }

    private static Element error(String body)
            throws Exception
    {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        if (!document.getDocumentElement().getTagName().equals("ErrorResponse")) {
            throw new IllegalArgumentException("the root is " + document.getDocumentElement().getTagName());
        }
        NodeList errors = document.getDocumentElement().getElementsByTagName("Error");
        if (errors.getLength() != 1) {
            throw new IllegalArgumentException(errors.getLength() + " Error elements");
        }
        return (Element) errors.item(0);
    }

    private static String text(Element parent, String name)
    {
        NodeList nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }
}
