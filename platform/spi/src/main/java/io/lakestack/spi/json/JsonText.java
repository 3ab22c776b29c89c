package io.lakestack.spi.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for patterns, filter policies and the documents they are matched against, in plain Java so that
 * the contracts stay free of libraries: objects become {@code LinkedHashMap}s (a repeated key is an error), arrays
 * {@code List}s, numbers {@code BigDecimal}s, {@code null} {@link #NULL}. Besides whole documents ({@link #parse}), it
 * reads a document piece by piece ({@link #reader}), for a caller that checks each piece where it stands and reports
 * the place ({@link #location()}).
 */
public final class JsonText
{
    /** JSON's {@code null}, distinct from a missing value. */
    public static final Object NULL = new Object()
    {
        @Override
        public String toString()
        {
            return "null";
        }
    };

    private final String text;
    private int position;

    private JsonText(String text)
    {
        this.text = text;
    }

    /** @throws IllegalArgumentException saying where the text is not JSON */
    public static Object parse(String text)
    {
        JsonText reader = new JsonText(text);
        reader.skipSpace();
        Object value = reader.value();
        reader.skipSpace();
        if (reader.position != text.length()) {
            throw reader.error("unexpected content after the JSON value");
        }
        return value;
    }

    /** A reader at the start of the text. */
    public static JsonText reader(String text)
    {
        return new JsonText(text);
    }

    /** The text being read. */
    public String text()
    {
        return text;
    }

    /** The offset of the next character to read. */
    public int position()
    {
        return position;
    }

    /** Where the reader stands, as {@code line: L, column: C} (both counted from 1). */
    public String location()
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(position, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line: " + line + ", column: " + (position - lineStart + 1);
    }

    /** Whether only white space is left. */
    public boolean atEnd()
    {
        skipSpace();
        return position >= text.length();
    }

    /** The next character after white space, not consumed. */
    public char next()
    {
        skipSpace();
        return peek();
    }

    /** Consumes the next character after white space when it is {@code c}. */
    public boolean consume(char c)
    {
        skipSpace();
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    /** Reads the string that comes next (after white space). */
    public String readString()
    {
        skipSpace();
        if (peek() != '"') {
            throw error("expected a string");
        }
        return string();
    }

    /** Reads the value that comes next (after white space), whole. */
    public Object readValue()
    {
        skipSpace();
        return value();
    }

    /** Consumes {@code c} after white space, or fails saying it was expected. */
    public void require(char c)
    {
        skipSpace();
        expect(c);
    }

    /** Writes a value as {@link #parse} reads it (maps, lists, strings, numbers, booleans, {@link #NULL}) as compact JSON. */
    public static String write(Object value)
    {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out)
    {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        }
        else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        }
        else if (value instanceof String text) {
            quote(text, out);
        }
        else if (value == null || value == NULL) {
            out.append("null");
        }
        else {
            out.append(value);
        }
    }

    /** The characters of a JSON string for {@code text}, without the surrounding quotes. */
    public static String escape(String text)
    {
        StringBuilder out = new StringBuilder();
        quote(text, out);
        return out.substring(1, out.length() - 1);
    }

    private static void quote(String text, StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value()
    {
        if (position >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(position);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object()
    {
        Map<String, Object> object = new LinkedHashMap<>();
        position++;
        skipSpace();
        if (peek() == '}') {
            position++;
            return object;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a field name");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            if (object.put(key, value()) != null) {
                throw error("duplicate field '" + key + "'");
            }
            skipSpace();
            char next = peek();
            position++;
            if (next == '}') {
                return object;
            }
            if (next != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array()
    {
        List<Object> array = new ArrayList<>();
        position++;
        skipSpace();
        if (peek() == ']') {
            position++;
            return array;
        }
        while (true) {
            skipSpace();
            array.add(value());
            skipSpace();
            char next = peek();
            position++;
            if (next == ']') {
                return array;
            }
            if (next != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string()
    {
        StringBuilder value = new StringBuilder();
        position++;
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return value.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = peek();
            position++;
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw error("incomplete \\u escape");
                    }
                    try {
                        value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    }
                    catch (NumberFormatException e) {
                        throw error("invalid \\u escape");
                    }
                    position += 4;
                }
                default -> throw error("invalid escape '\\" + escaped + "'");
            }
        }
    }

    private BigDecimal number()
    {
        int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
        String number = text.substring(start, position);
        if (!number.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
            throw error("invalid number " + number);
        }
        return new BigDecimal(number);
    }

    private Object literal(String word, Object value)
    {
        if (!text.startsWith(word, position)) {
            throw error("unexpected characters");
        }
        position += word.length();
        return value;
    }

    private char peek()
    {
        if (position >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(position);
    }

    private void expect(char c)
    {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private void skipSpace()
    {
        while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
    }

    private IllegalArgumentException error(String reason)
    {
        return new IllegalArgumentException("not valid JSON at character " + position + ": " + reason);
    }
}
