package io.lakestack.endpoint.query;

import io.lakestack.spi.ServiceException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The input of one Query protocol operation: flat parameters, where lists are {@code Name.member.1},
 * {@code Name.member.2}... (or {@code Name.1}, {@code Name.2}...) and maps are {@code Name.entry.1.key} /
 * {@code Name.entry.1.value} (or the names the service uses, as SQS's {@code Attribute.1.Name} /
 * {@code Attribute.1.Value}). Invalid input gets the service's validation error in AWS's words.
 */
public final class QueryInput
{
    private final Map<String, String> parameters;
    private final String validationError;

    public QueryInput(Map<String, String> parameters, String validationError)
    {
        this.parameters = Map.copyOf(parameters);
        this.validationError = requireNonNull(validationError, "validationError is null");
    }

    public Map<String, String> parameters()
    {
        return parameters;
    }

    public boolean has(String name)
    {
        return parameters.containsKey(name);
    }

    public Optional<String> string(String name)
    {
        return Optional.ofNullable(parameters.get(name));
    }

    public String requiredString(String name)
    {
        String value = parameters.get(name);
        if (value == null) {
            throw ServiceException.user("MissingParameter", "The request must contain the parameter " + name + ".");
        }
        return value;
    }

    public String requiredString(String name, Pattern pattern, int maxLength)
    {
        String value = requiredString(name);
        if (value.length() > maxLength || !pattern.matcher(value).matches()) {
            throw invalid(name, value, "Member must satisfy regular expression pattern: " + pattern.pattern() + " and have length less than or equal to "
                    + maxLength);
        }
        return value;
    }

    public Optional<Integer> integer(String name, int min, int max)
    {
        Optional<String> text = string(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        int value;
        try {
            value = Integer.parseInt(text.get().trim());
        }
        catch (NumberFormatException e) {
            throw ServiceException.user("InvalidParameterValue", "Value " + text.get() + " for parameter " + name + " is invalid. Reason: it is not a number.");
        }
        if (value < min || value > max) {
            throw invalid(name, text.get(), "Member must have value between " + min + " and " + max);
        }
        return Optional.of(value);
    }

    public Optional<Boolean> bool(String name)
    {
        return string(name).map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ServiceException.user("InvalidParameterValue", "Value " + text + " for parameter " + name + " is invalid. Reason: it must be "
                    + "true or false.");
        });
    }

    /** {@code Name.member.N} or {@code Name.N}, for N = 1, 2, ... until one is missing. */
    public List<String> list(String name)
    {
        List<String> values = new ArrayList<>();
        Set<String> read = new HashSet<>();
        String prefix = parameters.containsKey(name + ".member.1") ? name + ".member." : name + ".";
        for (int i = 1; parameters.containsKey(prefix + i); i++) {
            values.add(parameters.get(prefix + i));
            read.add(prefix + i);
        }
        checkMembers(name, read);
        return values;
    }

    /** A map from {@code Name.N.<keyName>} / {@code Name.N.<valueName>}, N = 1, 2, ... ({@code Name.entry.N...} too). */
    public Map<String, String> map(String name, String keyName, String valueName)
    {
        Map<String, String> map = new LinkedHashMap<>();
        Set<String> read = new HashSet<>();
        String prefix = parameters.containsKey(name + ".entry.1." + keyName) ? name + ".entry." : name + ".";
        for (int i = 1; parameters.containsKey(prefix + i + "." + keyName); i++) {
            String key = parameters.get(prefix + i + "." + keyName);
            String value = parameters.get(prefix + i + "." + valueName);
            if (value == null) {
                throw ServiceException.user(validationError, "The parameter " + prefix + i + "." + valueName + " is missing for " + key);
            }
            map.put(key, value);
            read.add(prefix + i + "." + keyName);
            read.add(prefix + i + "." + valueName);
        }
        checkMembers(name, read);
        return map;
    }

    /**
     * Refuses a member of the list or map {@code name} that was not read: numbered from 0, after a gap, or a value
     * without its key. Left out, the request would mean less than was sent.
     *
     * @param read the parameters under {@code name} that were read
     */
    public void checkMembers(String name, Set<String> read)
    {
        for (String parameter : parameters.keySet()) {
            if (parameter.startsWith(name + ".") && !read.contains(parameter)) {
                throw ServiceException.user(validationError, "The parameter " + parameter + " is not a member of " + name
                        + ": members are numbered 1, 2, 3... without gaps, and each map entry has its key and value");
            }
        }
    }

    /** A validation error about a parameter, in AWS's words. */
    public ServiceException invalid(String name, String value, String constraint)
    {
        return ServiceException.user(validationError, "1 validation error detected: Value '" + value + "' at '" + name + "' failed to satisfy constraint: "
                + constraint);
    }
}
