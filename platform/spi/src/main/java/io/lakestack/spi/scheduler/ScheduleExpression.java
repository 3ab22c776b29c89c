package io.lakestack.spi.scheduler;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronConstraintsFactory;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An AWS schedule expression, as EventBridge Scheduler and EventBridge rules take it: {@code at(yyyy-mm-ddThh:mm:ss)}
 * (one time), {@code rate(value unit)} with unit {@code minute}, {@code hour} or {@code day} when the value is 1 and
 * {@code minutes}, {@code hours} or {@code days} otherwise, or {@code cron(minutes hours day-of-month month day-of-week
 * year)} with AWS's six fields: {@code , - * /} everywhere, {@code ?} in exactly one of day-of-month and day-of-week,
 * {@code L} and {@code W} in day-of-month, {@code L} and {@code #} in day-of-week, month names {@code JAN}-{@code DEC},
 * day names {@code SUN}-{@code SAT} (day-of-week 1 is Sunday), years 1970-2199.
 *
 * <p>What a caller may rely on: {@link #next} gives each occurrence strictly after an instant, at whole seconds.
 * {@code at} and {@code cron} are read as wall-clock times in the given time zone. Where the zone's clocks jump forward
 * (daylight saving time begins) an occurrence whose wall-clock time does not exist is skipped; where they fall back, a
 * wall-clock time that happens twice occurs once, at its first instant: the rules EventBridge Scheduler documents.
 * {@code rate} occurrences are {@code anchor + k * rate} for {@code k >= 0}, whatever the zone.
 */
public final class ScheduleExpression
{
    public enum Kind
    {
        AT, RATE, CRON
    }

    private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) ([a-z]+)\\)");
    private static final Pattern NTH = Pattern.compile("#(\\d+)");
    private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
    private static final CronDefinition AWS_CRON = CronDefinitionBuilder.defineCron()
            .withMinutes().withValidRange(0, 59).withStrictRange().and()
            .withHours().withValidRange(0, 23).withStrictRange().and()
            .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().supportsQuestionMark().withStrictRange().and()
            .withMonth().withValidRange(1, 12).withStrictRange().and()
            .withDayOfWeek().withValidRange(1, 7).withMondayDoWValue(2).supportsHash().supportsL().supportsQuestionMark().withStrictRange().and()
            .withYear().withValidRange(1970, 2199).withStrictRange().and()
            .withCronValidation(CronConstraintsFactory.ensureEitherDayOfWeekOrDayOfMonth())
            .instance();
    private static final CronParser PARSER = new CronParser(AWS_CRON);
    /** Parsed expressions by text: a schedule's owner asks for its next occurrence often. */
    private static final Map<String, ScheduleExpression> PARSED = new ConcurrentHashMap<>();
    private static final int MAX_PARSED = 10_000;
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
    /** How far ahead a cron expression is searched for a time that exists in its zone before it is taken to have none. */
    private static final int MAX_SKIPPED = 1000;

    private final String text;
    private final Kind kind;
    private final Optional<LocalDateTime> at;
    private final Optional<Duration> rate;
    private final Optional<ExecutionTime> cron;

    private ScheduleExpression(String text, Kind kind, Optional<LocalDateTime> at, Optional<Duration> rate, Optional<ExecutionTime> cron)
    {
        this.text = text;
        this.kind = kind;
        this.at = at;
        this.rate = rate;
        this.cron = cron;
    }

    /**
     * @throws IllegalArgumentException with AWS's message ({@code Invalid Schedule Expression <expression>.}) followed by
     *         what is wrong with it
     */
    public static ScheduleExpression parse(String text)
    {
        requireNonNull(text, "text is null");
        ScheduleExpression known = PARSED.get(text);
        if (known != null) {
            return known;
        }
        ScheduleExpression parsed = parseText(text);
        if (PARSED.size() >= MAX_PARSED) {
            PARSED.clear();
        }
        PARSED.put(text, parsed);
        return parsed;
    }

    private static ScheduleExpression parseText(String text)
    {
        Matcher matcher = AT.matcher(text);
        if (matcher.matches()) {
            try {
                return new ScheduleExpression(text, Kind.AT, Optional.of(LocalDateTime.parse(matcher.group(1))), Optional.empty(), Optional.empty());
            }
            catch (DateTimeParseException e) {
                throw invalid(text, matcher.group(1) + " is not a date and time");
            }
        }
        matcher = RATE.matcher(text);
        if (matcher.matches()) {
            return new ScheduleExpression(text, Kind.RATE, Optional.empty(), Optional.of(rate(text, matcher.group(1), matcher.group(2))), Optional.empty());
        }
        matcher = CRON.matcher(text);
        if (matcher.matches()) {
            String fields = matcher.group(1);
            if (fields.isBlank() || fields.strip().split("\\s+").length != 6) {
                throw invalid(text, "a cron expression has six fields: minutes hours day-of-month month day-of-week year");
            }
            if (!fields.contains("?")) {
                throw invalid(text, "one of day-of-month and day-of-week must be ?");
            }
            Matcher nth = NTH.matcher(fields.strip().split("\\s+")[4]);
            while (nth.find()) {
                int week = Integer.parseInt(nth.group(1));
                if (week < 1 || week > 5) {
                    throw invalid(text, "the week in day-of-week's # is 1 to 5, not " + week);
                }
            }
            try {
                Cron cron = PARSER.parse(fields.strip().toUpperCase(Locale.ROOT));
                cron.validate();
                return new ScheduleExpression(text, Kind.CRON, Optional.empty(), Optional.empty(), Optional.of(ExecutionTime.forCron(cron)));
            }
            catch (IllegalArgumentException e) {
                throw invalid(text, e.getMessage());
            }
        }
        throw invalid(text, "an expression is at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(minutes hours day-of-month month day-of-week year)");
    }

    /**
     * The zone of a {@code ScheduleExpressionTimezone}: an IANA time zone name such as {@code Europe/Paris}, or
     * {@code UTC}.
     *
     * @throws IllegalArgumentException when it names no zone
     */
    public static ZoneId zone(String name)
    {
        requireNonNull(name, "name is null");
        if (!ZONES.contains(name)) {
            throw new IllegalArgumentException("Invalid ScheduleExpressionTimezone " + name + ": not an IANA time zone name (such as UTC or Europe/Paris)");
        }
        return ZoneId.of(name);
    }

    private static Duration rate(String text, String value, String unit)
    {
        long amount;
        try {
            amount = Long.parseLong(value);
        }
        catch (NumberFormatException e) {
            throw invalid(text, "the value " + value + " is too large");
        }
        if (amount < 1) {
            throw invalid(text, "the value must be a positive whole number");
        }
        ChronoUnit chronoUnit = switch (unit) {
            case "minute", "minutes" -> ChronoUnit.MINUTES;
            case "hour", "hours" -> ChronoUnit.HOURS;
            case "day", "days" -> ChronoUnit.DAYS;
            default -> throw invalid(text, "the unit is minute(s), hour(s) or day(s), not " + unit);
        };
        boolean singular = !unit.endsWith("s");
        if (singular && amount != 1) {
            throw invalid(text, "a value other than 1 takes the plural unit " + unit + "s");
        }
        if (!singular && amount == 1) {
            throw invalid(text, "the value 1 takes the singular unit " + unit.substring(0, unit.length() - 1));
        }
        try {
            return Duration.of(amount, chronoUnit);
        }
        catch (ArithmeticException e) {
            throw invalid(text, "the value " + value + " is too large");
        }
    }

    private static IllegalArgumentException invalid(String text, String reason)
    {
        return new IllegalArgumentException("Invalid Schedule Expression " + text + ". " + reason.substring(0, 1).toUpperCase(Locale.ROOT) + reason.substring(1)
                + (reason.endsWith(".") ? "" : "."));
    }

    public String text()
    {
        return text;
    }

    public Kind kind()
    {
        return kind;
    }

    /** The period of a {@code rate} expression. */
    public Optional<Duration> rate()
    {
        return rate;
    }

    /**
     * The first occurrence strictly after {@code after}, or empty when there is none.
     *
     * @param zone the zone {@code at} and {@code cron} are read in
     * @param rateAnchor where {@code rate} occurrences count from (its first occurrence)
     */
    public Optional<Instant> next(Instant after, ZoneId zone, Instant rateAnchor)
    {
        requireNonNull(after, "after is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(rateAnchor, "rateAnchor is null");
        return switch (kind) {
            case AT -> {
                Optional<Instant> instant = exists(at.orElseThrow(), zone);
                yield instant.filter(time -> time.isAfter(after));
            }
            case RATE -> {
                long period = rate.orElseThrow().toMillis();
                if (after.isBefore(rateAnchor)) {
                    yield Optional.of(rateAnchor);
                }
                long steps = Math.floorDiv(after.toEpochMilli() - rateAnchor.toEpochMilli(), period) + 1;
                yield Optional.of(rateAnchor.plusMillis(steps * period));
            }
            case CRON -> nextCron(after, zone);
        };
    }

    private Optional<Instant> nextCron(Instant after, ZoneId zone)
    {
        // cron is searched in wall-clock time (a zone without daylight saving time), then placed in the real zone
        LocalDateTime local = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < MAX_SKIPPED; i++) {
            Optional<ZonedDateTime> candidate = cron.orElseThrow().nextExecution(local.atZone(ZoneOffset.UTC));
            if (candidate.isEmpty()) {
                return Optional.empty();
            }
            local = candidate.get().toLocalDateTime();
            Optional<Instant> instant = exists(local, zone);
            if (instant.isPresent() && instant.get().isAfter(after)) {
                return instant;
            }
        }
        return Optional.empty();
    }

    /** The instant of a wall-clock time in a zone: empty in a gap, the earlier instant in an overlap. */
    private static Optional<Instant> exists(LocalDateTime local, ZoneId zone)
    {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(local.atZone(zone).withEarlierOffsetAtOverlap().toInstant());
    }

    @Override
    public String toString()
    {
        return text;
    }
}
