package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ErrorKind;
import io.lakestack.spi.ServiceException;
import org.w3c.dom.Element;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A bucket's lifecycle configuration, limited to the rules lakestack applies ({@link LifecycleRunner}): expiration of
 * current objects after a number of days or from a date, removal of expired delete markers, expiration of noncurrent
 * versions a number of days after they became noncurrent (keeping the newest ones asked for), and abort of multipart
 * uploads left incomplete for a number of days, filtered by key prefix and object size. Rules that would need what
 * lakestack does not have are refused with {@code NotImplemented} rather than kept and never applied: transitions (one
 * storage tier) and tag filters.
 */
final class BucketLifecycle
{
    private static final Set<String> ACTIONS = Set.of("Expiration", "AbortIncompleteMultipartUpload", "NoncurrentVersionExpiration");
    private static final Set<String> NOT_APPLIED = Set.of("Transition", "NoncurrentVersionTransition");

    private BucketLifecycle() {}

    /** One rule as the runner applies it. */
    record Rule(String id, boolean enabled, String prefix, Optional<Long> objectSizeGreaterThan, Optional<Long> objectSizeLessThan,
            Optional<Integer> expirationDays, Optional<Instant> expirationDate, Optional<Integer> abortIncompleteUploadDays,
            boolean expiredObjectDeleteMarker, Optional<Integer> noncurrentDays, Optional<Integer> newerNoncurrentVersions)
    {
        Rule(String id, boolean enabled, String prefix, Optional<Long> objectSizeGreaterThan, Optional<Long> objectSizeLessThan,
                Optional<Integer> expirationDays, Optional<Instant> expirationDate, Optional<Integer> abortIncompleteUploadDays)
        {
            this(id, enabled, prefix, objectSizeGreaterThan, objectSizeLessThan, expirationDays, expirationDate, abortIncompleteUploadDays, false,
                    Optional.empty(), Optional.empty());
        }

        /** Whether a version that became noncurrent at that time has expired. */
        boolean noncurrentExpired(Instant becameNoncurrent, Instant now)
        {
            return noncurrentDays.map(days -> !now.isBefore(nextMidnight(becameNoncurrent.plus(Duration.ofDays(days))))).orElse(false);
        }

        boolean matches(String key, long size)
        {
            return key.startsWith(prefix) && objectSizeGreaterThan.map(limit -> size > limit).orElse(true)
                    && objectSizeLessThan.map(limit -> size < limit).orElse(true);
        }

        /**
         * Whether an object created at that time has expired: S3 adds the days to the creation time and rounds up to the
         * next midnight UTC.
         */
        boolean expired(Instant created, Instant now)
        {
            if (expirationDate.isPresent()) {
                return !now.isBefore(expirationDate.get());
            }
            return expirationDays.map(days -> !now.isBefore(nextMidnight(created.plus(Duration.ofDays(days))))).orElse(false);
        }

        boolean abandoned(Instant initiated, Instant now)
        {
            return abortIncompleteUploadDays.map(days -> !now.isBefore(nextMidnight(initiated.plus(Duration.ofDays(days))))).orElse(false);
        }
    }

    static Instant nextMidnight(Instant time)
    {
        LocalDate day = time.atOffset(ZoneOffset.UTC).toLocalDate();
        Instant midnight = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        return midnight.equals(time) ? time : day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /**
     * The document to keep: the client's, each rule given an ID when it has none (as S3 does).
     *
     * @throws ServiceException S3's errors for what it refuses ({@code MalformedXML}, {@code InvalidArgument}), and
     *         {@code NotImplemented} for rules lakestack would not apply
     */
    static String validated(byte[] body)
    {
        Element root = Xml.parse(body);
        if (!Xml.localName(root).equals("LifecycleConfiguration")) {
            throw malformed("the root element must be LifecycleConfiguration, not " + Xml.localName(root));
        }
        List<Element> rules = Xml.children(root, "Rule");
        if (rules.isEmpty() || rules.size() > 1000) {
            throw malformed("a <LifecycleConfiguration> has 1 to 1000 <Rule>s, not " + rules.size());
        }
        Set<String> ids = new HashSet<>();
        for (Element rule : rules) {
            Optional<String> id = Xml.childText(rule, "ID");
            if (id.isEmpty()) {
                Element generated = rule.getOwnerDocument().createElementNS(rule.getNamespaceURI(), "ID");
                generated.setTextContent(UUID.randomUUID().toString());
                rule.insertBefore(generated, rule.getFirstChild());
                id = Optional.of(generated.getTextContent());
            }
            if (id.get().length() > 255) {
                throw ServiceException.user("InvalidArgument", "ID length should not exceed allowed limit of 255");
            }
            if (!ids.add(id.get())) {
                throw ServiceException.user("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule: " + id.get());
            }
            rule(rule, id.get());
        }
        return serialize(root);
    }

    /** The rules of a document {@link #validated} accepted. */
    static List<Rule> rules(String document)
    {
        Element root = Xml.parse(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Rule> rules = new ArrayList<>();
        for (Element rule : Xml.children(root, "Rule")) {
            rules.add(rule(rule, Xml.childText(rule, "ID").orElse("")));
        }
        return rules;
    }

    private static Rule rule(Element rule, String id)
    {
        String status = Xml.childText(rule, "Status").orElse("");
        if (!status.equals("Enabled") && !status.equals("Disabled")) {
            throw malformed("a rule's Status is Enabled or Disabled, not '" + status + "'");
        }
        for (Element child : Xml.children(rule)) {
            String name = Xml.localName(child);
            if (NOT_APPLIED.contains(name)) {
                if (name.equals("Transition")) {
                    Xml.childText(child, "Date").ifPresent(BucketLifecycle::midnight);
                }
                throw notImplemented("rule " + id + " has a " + name + ", which lakestack does not apply (it has one storage class); give "
                        + "Expiration, NoncurrentVersionExpiration or AbortIncompleteMultipartUpload rules");
            }
        }
        String prefix = Xml.childText(rule, "Prefix").orElse("");
        Optional<Long> greaterThan = Optional.empty();
        Optional<Long> lessThan = Optional.empty();
        List<Element> filters = Xml.children(rule, "Filter");
        if (!filters.isEmpty()) {
            Element filter = filters.get(0);
            List<Element> and = Xml.children(filter, "And");
            Element conditions = and.isEmpty() ? filter : and.get(0);
            if (!Xml.children(conditions, "Tag").isEmpty()) {
                throw notImplemented("rule " + id + " filters by tag, which lakestack does not apply; filter by Prefix or object size");
            }
            prefix = Xml.childText(conditions, "Prefix").orElse(prefix);
            greaterThan = Xml.childText(conditions, "ObjectSizeGreaterThan").map(value -> number(value, "ObjectSizeGreaterThan"));
            lessThan = Xml.childText(conditions, "ObjectSizeLessThan").map(value -> number(value, "ObjectSizeLessThan"));
        }
        Optional<Integer> days = Optional.empty();
        Optional<Instant> date = Optional.empty();
        boolean expiredObjectDeleteMarker = false;
        List<Element> expiration = Xml.children(rule, "Expiration");
        if (!expiration.isEmpty()) {
            Element action = expiration.get(0);
            Optional<String> deleteMarker = Xml.childText(action, "ExpiredObjectDeleteMarker");
            if (deleteMarker.isPresent() && !deleteMarker.get().equals("true") && !deleteMarker.get().equals("false")) {
                throw malformed("ExpiredObjectDeleteMarker is true or false, not '" + deleteMarker.get() + "'");
            }
            expiredObjectDeleteMarker = deleteMarker.filter("true"::equals).isPresent();
            days = Xml.childText(action, "Days").map(value -> positive(value, "Days"));
            date = Xml.childText(action, "Date").map(BucketLifecycle::midnight);
            int given = (days.isPresent() ? 1 : 0) + (date.isPresent() ? 1 : 0) + (deleteMarker.isPresent() ? 1 : 0);
            if (given != 1) {
                throw malformed("an Expiration has one of Days, Date and ExpiredObjectDeleteMarker");
            }
        }
        Optional<Integer> noncurrentDays = Optional.empty();
        Optional<Integer> newerNoncurrentVersions = Optional.empty();
        List<Element> noncurrent = Xml.children(rule, "NoncurrentVersionExpiration");
        if (!noncurrent.isEmpty()) {
            noncurrentDays = Optional.of(positive(Xml.childText(noncurrent.get(0), "NoncurrentDays").orElse(""), "NoncurrentDays"));
            newerNoncurrentVersions = Xml.childText(noncurrent.get(0), "NewerNoncurrentVersions").map(value -> positive(value, "NewerNoncurrentVersions"));
        }
        Optional<Integer> abortDays = Optional.empty();
        List<Element> abort = Xml.children(rule, "AbortIncompleteMultipartUpload");
        if (!abort.isEmpty()) {
            abortDays = Optional.of(positive(Xml.childText(abort.get(0), "DaysAfterInitiation").orElse(""), "DaysAfterInitiation"));
        }
        if (Xml.children(rule).stream().map(Xml::localName).noneMatch(ACTIONS::contains)) {
            throw malformed("rule " + id + " has no action: give Expiration, NoncurrentVersionExpiration or AbortIncompleteMultipartUpload");
        }
        return new Rule(id, status.equals("Enabled"), prefix, greaterThan, lessThan, days, date, abortDays, expiredObjectDeleteMarker, noncurrentDays,
                newerNoncurrentVersions);
    }

    private static Instant midnight(String value)
    {
        try {
            Instant instant = value.length() == 10 ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC) : OffsetDateTime.parse(value).toInstant();
            if (!instant.equals(nextMidnight(instant))) {
                throw ServiceException.user("InvalidArgument", "'Date' must be at midnight GMT: " + value);
            }
            return instant;
        }
        catch (DateTimeParseException e) {
            throw ServiceException.user("InvalidArgument", "Invalid Date: '" + value + "'; give an ISO 8601 date at midnight GMT, such as 2030-01-01 or "
                    + "2030-01-01T00:00:00Z");
        }
    }

    private static int positive(String value, String name)
    {
        long number = number(value, name);
        if (number < 1 || number > Integer.MAX_VALUE) {
            throw ServiceException.user("InvalidArgument", "'" + name + "' for an action must be a positive integer, not " + value);
        }
        return (int) number;
    }

    private static long number(String value, String name)
    {
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException e) {
            throw malformed(name + " must be a whole number, not '" + value + "'");
        }
    }

    private static String serialize(Element root)
    {
        try {
            javax.xml.transform.Transformer transformer = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new javax.xml.transform.dom.DOMSource(root), new javax.xml.transform.stream.StreamResult(out));
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("writing a parsed document back", e);
        }
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: "
                + detail);
    }

    private static ServiceException notImplemented(String detail)
    {
        return new ServiceException(ErrorKind.USER, "NotImplemented", 501, "A header or query you provided implies functionality that is not "
                + "implemented: PutBucketLifecycleConfiguration: " + detail);
    }
}
