package io.lakestack.services.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestack.spi.ServiceException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The policy of an S3 browser upload, checked as S3 checks it: a base64 JSON document with an {@code expiration} in
 * the future and {@code conditions} that every form field (and the bucket) must meet, none of the fields left
 * uncovered. Conditions: {@code {"field": "value"}} and {@code ["eq", "$field", "value"]} (exact),
 * {@code ["starts-with", "$field", "prefix"]}, {@code ["content-length-range", min, max]} (the file's size).
 */
final class PostPolicy
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields a policy need not cover: the credentials, the policy itself, the file, and x-ignore-* ones. */
    private static final Set<String> UNCOVERED = Set.of("policy", "signature", "awsaccesskeyid", "x-amz-signature", "file");

    private PostPolicy() {}

    /**
     * @param fields the form's fields by lower-case name, with the bucket the form was posted to as {@code bucket}
     * @throws ServiceException 400 {@code InvalidPolicyDocument} for a policy that cannot be read, 403
     *         {@code AccessDenied} for one the upload does not meet, 400 {@code EntityTooLarge} / {@code EntityTooSmall}
     *         for a file outside its {@code content-length-range}
     */
    static void check(String policyBase64, Map<String, String> fields, long fileSize, Instant now)
    {
        JsonNode policy;
        try {
            policy = JSON.readTree(new String(Base64.getMimeDecoder().decode(policyBase64), StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException | JsonProcessingException e) {
            throw invalid("Invalid Policy: it is not base64 of a JSON document");
        }
        if (policy == null || !policy.isObject()) {
            throw invalid("Invalid Policy: it is not a JSON object");
        }
        JsonNode expiration = policy.get("expiration");
        if (expiration == null || !expiration.isTextual()) {
            throw invalid("Invalid Policy: Policy missing expiration.");
        }
        Instant expires;
        try {
            expires = OffsetDateTime.parse(expiration.asText()).toInstant();
        }
        catch (DateTimeParseException e) {
            throw invalid("Invalid Policy: Invalid 'expiration' value: '" + expiration.asText() + "'");
        }
        if (!now.isBefore(expires)) {
            throw accessDenied("Invalid according to Policy: Policy expired.");
        }
        JsonNode conditions = policy.get("conditions");
        if (conditions == null || !conditions.isArray()) {
            throw invalid("Invalid Policy: Policy missing conditions.");
        }
        Set<String> covered = new HashSet<>();
        for (JsonNode condition : conditions) {
            if (condition.isObject()) {
                if (condition.size() != 1) {
                    throw invalid("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
                }
                Iterator<Map.Entry<String, JsonNode>> entry = condition.fields();
                Map.Entry<String, JsonNode> only = entry.next();
                String field = only.getKey().toLowerCase(Locale.ROOT);
                covered.add(field);
                if (!only.getValue().isTextual() || !only.getValue().asText().equals(fields.get(field))) {
                    throw failed(condition);
                }
                continue;
            }
            if (!condition.isArray() || condition.size() == 0 || !condition.get(0).isTextual()) {
                throw invalid("Invalid Policy: Invalid Condition: " + condition);
            }
            String operation = condition.get(0).asText().toLowerCase(Locale.ROOT);
            switch (operation) {
                case "eq", "starts-with" -> {
                    if (condition.size() != 3 || !condition.get(1).isTextual() || !condition.get(1).asText().startsWith("$") || !condition.get(2).isTextual()) {
                        throw invalid("Invalid Policy: Invalid '" + operation + "' Condition: " + condition + "; give [\"" + operation
                                + "\", \"$field\", \"value\"]");
                    }
                    String field = condition.get(1).asText().substring(1).toLowerCase(Locale.ROOT);
                    covered.add(field);
                    String value = fields.get(field);
                    String expected = condition.get(2).asText();
                    boolean met = value != null && (operation.equals("eq") ? value.equals(expected) : value.startsWith(expected));
                    if (!met && !(value == null && operation.equals("starts-with") && expected.isEmpty())) {
                        throw failed(condition);
                    }
                }
                case "content-length-range" -> {
                    if (condition.size() != 3 || !condition.get(1).canConvertToLong() || !condition.get(2).canConvertToLong()
                            || condition.get(1).asLong() < 0 || condition.get(2).asLong() < condition.get(1).asLong()) {
                        throw invalid("Invalid Policy: Invalid content-length-range Condition: " + condition
                                + "; give [\"content-length-range\", min, max] with 0 <= min <= max");
                    }
                    if (fileSize > condition.get(2).asLong()) {
                        throw ServiceException.user("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (" + fileSize + " bytes; the "
                                + "policy allows " + condition.get(2).asLong() + ")");
                    }
                    if (fileSize < condition.get(1).asLong()) {
                        throw ServiceException.user("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size (" + fileSize
                                + " bytes; the policy asks for " + condition.get(1).asLong() + ")");
                    }
                }
                default -> throw invalid("Invalid Policy: Invalid Condition: unknown operation '" + condition.get(0).asText() + "'");
            }
        }
        for (String field : fields.keySet()) {
            if (!UNCOVERED.contains(field) && !field.startsWith("x-ignore-") && !covered.contains(field)) {
                throw accessDenied("Invalid according to Policy: Extra input fields: " + field);
            }
        }
    }

    private static ServiceException invalid(String message)
    {
        return ServiceException.user("InvalidPolicyDocument", message);
    }

    private static ServiceException failed(JsonNode condition)
    {
        return accessDenied("Invalid according to Policy: Policy Condition failed: " + condition);
    }

    private static ServiceException accessDenied(String message)
    {
        return ServiceException.user("AccessDenied", 403, message);
    }
}
