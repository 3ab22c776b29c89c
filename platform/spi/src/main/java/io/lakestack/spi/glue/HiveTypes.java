package io.lakestack.spi.glue;

import java.util.Locale;
import java.util.Set;

/**
 * Hive type names, as Glue columns carry them: checks a type is well formed and writes it in the metastore's
 * canonical spelling ({@code INTEGER} -> {@code int}, {@code Array< String >} -> {@code array<string>}).
 *
 * <pre>
 * type      := primitive | decimal[(p[,s])] | varchar(n) | char(n)
 *            | array&lt;type&gt; | map&lt;primitive,type&gt; | struct&lt;name:type[,name:type]*&gt; | uniontype&lt;type[,type]*&gt;
 * primitive := boolean | tinyint | smallint | int | integer | bigint | float | double | double precision | string
 *            | binary | date | timestamp | void
 * </pre>
 */
public final class HiveTypes
{
    private static final Set<String> PRIMITIVES = Set.of("boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "string",
            "binary", "date", "timestamp", "void");

    private HiveTypes() {}

    /**
     * @throws IllegalArgumentException saying where the type stops making sense
     */
    public static String canonical(String type)
    {
        Parser parser = new Parser(type);
        String result = parser.type();
        parser.skipSpaces();
        if (parser.position != type.length()) {
            throw parser.error("unexpected '" + type.substring(parser.position) + "'");
        }
        return result;
    }

    public static boolean isValid(String type)
    {
        try {
            canonical(type);
            return true;
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the type is a primitive one, which partition keys must be. */
    public static boolean isPrimitive(String canonicalType)
    {
        return !canonicalType.startsWith("array<") && !canonicalType.startsWith("map<") && !canonicalType.startsWith("struct<")
                && !canonicalType.startsWith("uniontype<");
    }

    private static final class Parser
    {
        private final String text;
        private int position;

        Parser(String text)
        {
            this.text = text;
        }

        String type()
        {
            skipSpaces();
            String word = word().toLowerCase(Locale.ROOT);
            switch (word) {
                case "integer":
                    return "int";
                case "double":
                    skipSpaces();
                    if (text.regionMatches(true, position, "precision", 0, 9)) {
                        position += 9;
                    }
                    return "double";
                case "decimal":
                case "numeric":
                    return "decimal" + optionalNumbers(2, 38);
                case "varchar":
                    return "varchar" + requiredLength(65535);
                case "char":
                    return "char" + requiredLength(255);
                case "array":
                    expect('<');
                    String element = type();
                    expect('>');
                    return "array<" + element + ">";
                case "map":
                    expect('<');
                    String key = type();
                    if (!isPrimitive(key)) {
                        throw error("map keys must be of a primitive type, not " + key);
                    }
                    expect(',');
                    String value = type();
                    expect('>');
                    return "map<" + key + "," + value + ">";
                case "struct":
                    return struct();
                case "uniontype":
                    expect('<');
                    StringBuilder union = new StringBuilder("uniontype<").append(type());
                    while (peek(',')) {
                        expect(',');
                        union.append(',').append(type());
                    }
                    expect('>');
                    return union.append('>').toString();
                default:
                    if (PRIMITIVES.contains(word)) {
                        return word;
                    }
                    throw error(word.isEmpty() ? "a type is missing" : "'" + word + "' is not a Hive type");
            }
        }

        private String struct()
        {
            expect('<');
            StringBuilder struct = new StringBuilder("struct<");
            boolean first = true;
            skipSpaces();
            if (peek('>')) {
                throw error("a struct needs at least one field");
            }
            do {
                if (!first) {
                    expect(',');
                }
                skipSpaces();
                String field = fieldName();
                expect(':');
                String fieldType = type();
                skipSpaces();
                if (text.regionMatches(true, position, "comment", 0, 7)) {
                    position += 7;
                    skipSpaces();
                    skipQuoted();
                }
                struct.append(first ? "" : ",").append(field).append(':').append(fieldType);
                first = false;
                skipSpaces();
            }
            while (peek(','));
            expect('>');
            return struct.append('>').toString();
        }

        private String fieldName()
        {
            if (peek('`')) {
                int end = text.indexOf('`', position + 1);
                if (end < 0) {
                    throw error("unclosed ` in a field name");
                }
                String name = text.substring(position + 1, end);
                position = end + 1;
                return name;
            }
            int start = position;
            while (position < text.length() && text.charAt(position) != ':' && !Character.isWhitespace(text.charAt(position))) {
                position++;
            }
            if (start == position) {
                throw error("a struct field needs a name");
            }
            return text.substring(start, position);
        }

        private void skipQuoted()
        {
            if (position >= text.length() || (text.charAt(position) != '\'' && text.charAt(position) != '"')) {
                throw error("a comment must be a quoted string");
            }
            char quote = text.charAt(position);
            int end = text.indexOf(quote, position + 1);
            if (end < 0) {
                throw error("unclosed comment");
            }
            position = end + 1;
        }

        private String optionalNumbers(int max, int maxPrecision)
        {
            skipSpaces();
            if (!peek('(')) {
                return "";
            }
            expect('(');
            int precision = number();
            if (precision < 1 || precision > maxPrecision) {
                throw error("decimal precision must be between 1 and " + maxPrecision + ", not " + precision);
            }
            String result = "(" + precision;
            if (peek(',') && max > 1) {
                expect(',');
                int scale = number();
                if (scale > precision) {
                    throw error("decimal scale " + scale + " is larger than its precision " + precision);
                }
                result += "," + scale;
            }
            expect(')');
            return result + ")";
        }

        private String requiredLength(int maxLength)
        {
            expect('(');
            int length = number();
            if (length < 1 || length > maxLength) {
                throw error("length must be between 1 and " + maxLength + ", not " + length);
            }
            expect(')');
            return "(" + length + ")";
        }

        private int number()
        {
            skipSpaces();
            int start = position;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            if (start == position) {
                throw error("a number is missing");
            }
            return Integer.parseInt(text.substring(start, position));
        }

        private String word()
        {
            int start = position;
            while (position < text.length() && Character.isLetter(text.charAt(position))) {
                position++;
            }
            return text.substring(start, position);
        }

        private boolean peek(char c)
        {
            skipSpaces();
            return position < text.length() && text.charAt(position) == c;
        }

        private void expect(char c)
        {
            skipSpaces();
            if (position >= text.length() || text.charAt(position) != c) {
                throw error("'" + c + "' expected");
            }
            position++;
        }

        void skipSpaces()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        IllegalArgumentException error(String message)
        {
            return new IllegalArgumentException("invalid type '" + text + "' at position " + position + ": " + message);
        }
    }
}
