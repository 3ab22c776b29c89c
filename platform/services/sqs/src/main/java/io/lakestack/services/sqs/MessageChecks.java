package io.lakestack.services.sqs;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.sqs.MessageAttribute;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** What SQS checks in a message: its body's characters, its attributes, its size, its FIFO ids. */
final class MessageChecks
{
    static final int MAX_ATTRIBUTES = 10;
    static final String INVALID_CHARACTERS = "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD "
            + "| #x10000 to #x10FFFF";
    static final String TRACE_HEADER = "AWSTraceHeader";

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,256}");
    private static final Pattern DATA_TYPE = Pattern.compile("(String|Number|Binary)(\\.[A-Za-z0-9_.-]+)?");
    /** Alphanumeric and punctuation characters: printable ASCII but the space. */
    private static final Pattern FIFO_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final BigDecimal MAX_NUMBER = new BigDecimal("1E126");
    private static final BigDecimal MIN_NUMBER = new BigDecimal("-1E128");

    private MessageChecks() {}

    static void body(Optional<String> body)
    {
        if (body.isEmpty() || body.get().isEmpty()) {
            throw SqsErrors.missingParameter("MessageBody");
        }
        if (!validCharacters(body.get())) {
            throw SqsErrors.error(SqsErrors.INVALID_MESSAGE_CONTENTS, INVALID_CHARACTERS);
        }
    }

    /** Whether every character is one XML 1.0 allows: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
    static boolean validCharacters(String text)
    {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            boolean valid = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            if (!valid) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    static Map<String, MessageAttribute> messageAttributes(Map<String, SqsInput.AttributeValue> given)
    {
        if (given.size() > MAX_ATTRIBUTES) {
            throw SqsErrors.invalidParameter("Number of message attributes [" + given.size() + "] exceeds the allowed maximum [" + MAX_ATTRIBUTES + "].");
        }
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            checkName(name);
            attributes.put(name, attribute("Message (user) attribute", name, value));
        });
        return attributes;
    }

    /** Message system attributes: {@code AWSTraceHeader}, a string, is the only one. */
    static Map<String, MessageAttribute> systemAttributes(Map<String, SqsInput.AttributeValue> given)
    {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            if (!name.equals(TRACE_HEADER)) {
                throw SqsErrors.invalidParameter("Message system attribute name '" + name + "' is invalid. The only message system attribute is "
                        + TRACE_HEADER + ".");
            }
            MessageAttribute attribute = attribute("Message system attribute", name, value);
            if (!attribute.dataType().equals("String")) {
                throw SqsErrors.invalidParameter("Message system attribute '" + name + "' must be of type 'String'.");
            }
            attributes.put(name, attribute);
        });
        return attributes;
    }

    private static void checkName(String name)
    {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!ATTRIBUTE_NAME.matcher(name).matches()) {
            throw SqsErrors.invalidParameter("Message (user) attribute name '" + name + "' is invalid. A name can contain alphanumeric characters, "
                    + "hyphens (-), underscores (_) and periods (.), and be 1 to 256 characters long.");
        }
        if (lower.startsWith("aws.") || lower.startsWith("amazon.") || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            throw SqsErrors.invalidParameter("Message (user) attribute name '" + name + "' is invalid. You can't use message attribute names beginning "
                    + "with 'AWS.' or 'Amazon.', starting or ending with a period, or with periods in succession.");
        }
    }

    private static MessageAttribute attribute(String kind, String name, SqsInput.AttributeValue value)
    {
        String type = value.dataType().orElse("");
        if (type.isEmpty()) {
            throw SqsErrors.invalidParameter(kind + " '" + name + "' must contain a non-empty message attribute type.");
        }
        if (type.length() > 256 || !DATA_TYPE.matcher(type).matches()) {
            throw SqsErrors.invalidParameter("The type of " + kind.toLowerCase(Locale.ROOT) + " '" + name + "' is invalid. You must use only the "
                    + "following supported type prefixes: Binary, Number, String.");
        }
        String base = type.contains(".") ? type.substring(0, type.indexOf('.')) : type;
        if (base.equals("Binary")) {
            if (value.binaryValue().isEmpty() || value.binaryValue().get().length == 0) {
                throw SqsErrors.invalidParameter(kind + " '" + name + "' must contain a non-empty value of type 'Binary'.");
            }
            if (value.stringValue().isPresent()) {
                throw SqsErrors.invalidParameter(kind + " '" + name + "' of type '" + type + "' must not have a StringValue.");
            }
            return MessageAttribute.binary(type, value.binaryValue().get());
        }
        if (value.stringValue().isEmpty() || value.stringValue().get().isEmpty()) {
            throw SqsErrors.invalidParameter(kind + " '" + name + "' must contain a non-empty value of type '" + base + "'.");
        }
        if (value.binaryValue().isPresent()) {
            throw SqsErrors.invalidParameter(kind + " '" + name + "' of type '" + type + "' must not have a BinaryValue.");
        }
        String text = value.stringValue().get();
        if (!validCharacters(text)) {
            throw SqsErrors.invalidParameter(INVALID_CHARACTERS);
        }
        if (base.equals("Number") && !number(text)) {
            throw SqsErrors.invalidParameter("Can't cast the value of " + kind.toLowerCase(Locale.ROOT) + " '" + name + "' to a number.");
        }
        return MessageAttribute.string(type, text);
    }

    /** A number SQS takes: up to 38 digits of precision, from -10^128 to 10^126. */
    private static boolean number(String text)
    {
        try {
            BigDecimal number = new BigDecimal(text.trim());
            return number.precision() <= 38 && number.compareTo(MAX_NUMBER) <= 0 && number.compareTo(MIN_NUMBER) >= 0;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    /** The size SQS holds a message to: its body and its attributes' names, types and values, in bytes. */
    static long size(String body, Map<String, MessageAttribute> attributes)
    {
        long size = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttribute> attribute : attributes.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
            size += attribute.getValue().dataType().getBytes(StandardCharsets.UTF_8).length;
            size += attribute.getValue().stringValue().map(text -> text.getBytes(StandardCharsets.UTF_8).length)
                    .orElseGet(() -> attribute.getValue().binaryValue().orElseThrow().length);
        }
        return size;
    }

    /** A {@code MessageGroupId}, {@code MessageDeduplicationId} or {@code ReceiveRequestAttemptId}: 1 to 128 alphanumeric and punctuation characters. */
    static String fifoId(String parameter, String value)
    {
        if (!FIFO_ID.matcher(value).matches()) {
            throw SqsErrors.invalidParameter(parameter, value, parameter + " can only include alphanumeric and punctuation characters. 1 to 128 in length.");
        }
        return value;
    }

    static ServiceException tooLong(int maximumMessageSize, boolean batch)
    {
        return SqsErrors.invalidParameter("One or more parameters " + (batch ? "cannot be validated" : "are invalid") + ". Reason: Message must be shorter than "
                + maximumMessageSize + " bytes.");
    }
}
