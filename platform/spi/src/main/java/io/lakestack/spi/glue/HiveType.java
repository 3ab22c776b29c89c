package io.lakestack.spi.glue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A Hive column type, as Glue columns carry them, parsed into a tree: {@code map<string,array<struct<a:int>>>} is a
 * map whose value is an array whose element is a struct. {@link #parse} accepts the spellings the metastore accepts,
 * and {@link #toString} writes the metastore's canonical one: lower case, no spaces, synonyms replaced
 * ({@code INTEGER} -> {@code int}, {@code double precision} -> {@code double}, {@code numeric} -> {@code decimal}),
 * struct field comments and the backticks around field names left out. Parsing the canonical spelling gives the
 * same type back, unless a field name needs its backticks (it holds white space or a colon). Types come from
 * {@link #parse}; the constructor checks only that a struct has one name per field.
 *
 * <pre>
 * type      := primitive | decimal[(p[,s])] | numeric[(p[,s])] | varchar(n) | char(n)
 *            | array&lt;type&gt; | map&lt;primitive,type&gt; | struct&lt;field[,field]*&gt; | uniontype&lt;type[,type]*&gt;
 * field     := name:type [comment 'text']      (name in backticks, or up to ':' or a space)
 * primitive := boolean | tinyint | smallint | int | integer | bigint | float | double | double precision | string
 *            | binary | date | timestamp | void      (and decimal, varchar, char)
 * </pre>
 *
 * Keywords are case-insensitive; decimal precision is 1 to 38 and its scale at most the precision, a varchar holds 1
 * to 65535 characters and a char 1 to 255. Arrays, maps, structs and uniontypes nest at most
 * {@value #MAX_NESTING_DEPTH} levels deep ({@code array<array<int>>} is two levels): far more than any real schema
 * needs, and few enough that every reader of a type, in lakestack and in the engines, can walk it without running out
 * of stack.
 *
 * @param kind the type's canonical name: {@code boolean}, {@code tinyint}, {@code smallint}, {@code int},
 *         {@code bigint}, {@code float}, {@code double}, {@code string}, {@code binary}, {@code date},
 *         {@code timestamp}, {@code void}, {@code decimal}, {@code varchar}, {@code char}, {@code array}, {@code map},
 *         {@code struct} or {@code uniontype}
 * @param parameters the numbers in parentheses as written: a decimal's precision and scale (either may be left
 *         out, see {@link #precision()} and {@link #scale()}), the length of a varchar or char; empty for any other kind
 * @param children the element of an array; the key and the value of a map; the types of a struct's fields; the
 *         alternatives of a uniontype; empty for a primitive type
 * @param fieldNames the names of a struct's fields, in order, without backticks; empty for any other kind
 */
public record HiveType(String kind, List<Integer> parameters, List<HiveType> children, List<String> fieldNames)
{
    private static final Set<String> PRIMITIVES = Set.of("boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "string",
            "binary", "date", "timestamp", "void");
    private static final Set<String> COMPLEX = Set.of("array", "map", "struct", "uniontype");
    /** How many levels of array, map, struct and uniontype a type may nest. */
    public static final int MAX_NESTING_DEPTH = 100;
    /** Longer type texts are shortened in error messages. */
    private static final int QUOTED_LENGTH = 200;
    /** What Hive reads a {@code decimal} written without precision or scale as: {@code decimal(10,0)}. */
    private static final int DEFAULT_PRECISION = 10;
    private static final int DEFAULT_SCALE = 0;

    public HiveType
    {
        requireNonNull(kind, "kind is null");
        parameters = List.copyOf(parameters);
        children = List.copyOf(children);
        fieldNames = List.copyOf(fieldNames);
        if (!fieldNames.isEmpty() && fieldNames.size() != children.size()) {
            throw new IllegalArgumentException("a struct needs one name per field, not " + fieldNames.size() + " names for " + children.size() + " fields");
        }
    }

    /**
     * @throws IllegalArgumentException saying where the type stops making sense:
     *         {@code invalid type '<text>' at position <n>: <reason>} (a text longer than 200 characters is shortened
     *         to its start and its length), also when it nests deeper than {@value #MAX_NESTING_DEPTH} levels
     */
    public static HiveType parse(String text)
    {
        Parser parser = new Parser(text);
        HiveType type = parser.type();
        parser.skipSpaces();
        if (parser.position != text.length()) {
            throw parser.error("unexpected '" + text.substring(parser.position) + "'");
        }
        return type;
    }

    /** Whether the type holds one value: not an array, map, struct or uniontype. Partition keys must be primitive. */
    public boolean isPrimitive()
    {
        return !COMPLEX.contains(kind);
    }

    /** An array's element type. */
    public HiveType element()
    {
        return child("array", 0);
    }

    /** A map's key type. */
    public HiveType key()
    {
        return child("map", 0);
    }

    /** A map's value type. */
    public HiveType value()
    {
        return child("map", 1);
    }

    /** A decimal's precision: as written, or 10 when left out. */
    public int precision()
    {
        requireKind("decimal");
        return parameters.isEmpty() ? DEFAULT_PRECISION : parameters.get(0);
    }

    /** A decimal's scale: as written, or 0 when left out. */
    public int scale()
    {
        requireKind("decimal");
        return parameters.size() < 2 ? DEFAULT_SCALE : parameters.get(1);
    }

    /** The maximum length of a varchar or char. */
    public int length()
    {
        if (!kind.equals("varchar") && !kind.equals("char")) {
            throw new IllegalStateException(this + " has no length");
        }
        return parameters.get(0);
    }

    /** The canonical spelling, as the metastore stores it. */
    @Override
    public String toString()
    {
        return switch (kind) {
            case "decimal", "varchar", "char" -> parameters.isEmpty() ? kind : kind + "(" + String.join(",", parameters.stream().map(String::valueOf).toList()) + ")";
            case "array" -> "array<" + element() + ">";
            case "map" -> "map<" + key() + "," + value() + ">";
            case "struct" -> {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < children.size(); i++) {
                    fields.add(fieldNames.get(i) + ":" + children.get(i));
                }
                yield "struct<" + String.join(",", fields) + ">";
            }
            case "uniontype" -> "uniontype<" + String.join(",", children.stream().map(HiveType::toString).toList()) + ">";
            default -> kind;
        };
    }

    private HiveType child(String expectedKind, int index)
    {
        requireKind(expectedKind);
        return children.get(index);
    }

    private void requireKind(String expectedKind)
    {
        if (!kind.equals(expectedKind)) {
            throw new IllegalStateException(this + " is not a " + expectedKind);
        }
    }

    private static HiveType primitive(String kind, List<Integer> parameters)
    {
        return new HiveType(kind, parameters, List.of(), List.of());
    }

    private static HiveType nested(String kind, List<HiveType> children)
    {
        return new HiveType(kind, List.of(), children, List.of());
    }

    private static final class Parser
    {
        private final String text;
        private int position;
        private int depth;

        Parser(String text)
        {
            this.text = requireNonNull(text, "text is null");
        }

        HiveType type()
        {
            skipSpaces();
            String word = word().toLowerCase(Locale.ROOT);
            switch (word) {
                case "integer":
                    return primitive("int", List.of());
                case "double":
                    skipSpaces();
                    if (text.regionMatches(true, position, "precision", 0, 9)) {
                        position += 9;
                    }
                    return primitive("double", List.of());
                case "decimal":
                case "numeric":
                    return primitive("decimal", decimalParameters());
                case "varchar":
                    return primitive("varchar", List.of(requiredLength(65535)));
                case "char":
                    return primitive("char", List.of(requiredLength(255)));
                case "array":
                    enter();
                    expect('<');
                    HiveType element = type();
                    expect('>');
                    depth--;
                    return nested("array", List.of(element));
                case "map":
                    enter();
                    expect('<');
                    HiveType key = type();
                    if (!key.isPrimitive()) {
                        throw error("map keys must be of a primitive type, not " + key);
                    }
                    expect(',');
                    HiveType value = type();
                    expect('>');
                    depth--;
                    return nested("map", List.of(key, value));
                case "struct":
                    enter();
                    HiveType struct = struct();
                    depth--;
                    return struct;
                case "uniontype":
                    enter();
                    expect('<');
                    List<HiveType> alternatives = new ArrayList<>();
                    alternatives.add(type());
                    while (peek(',')) {
                        expect(',');
                        alternatives.add(type());
                    }
                    expect('>');
                    depth--;
                    return nested("uniontype", alternatives);
                default:
                    if (PRIMITIVES.contains(word)) {
                        return primitive(word, List.of());
                    }
                    throw error(word.isEmpty() ? "a type is missing" : "'" + word + "' is not a Hive type");
            }
        }

        /** One level deeper: refused beyond the limit, before the parser's own recursion could run out of stack. */
        private void enter()
        {
            if (++depth > MAX_NESTING_DEPTH) {
                throw error("arrays, maps, structs and uniontypes nest more than " + MAX_NESTING_DEPTH + " levels deep; lakestack accepts at most "
                        + MAX_NESTING_DEPTH + " levels");
            }
        }

        private HiveType struct()
        {
            expect('<');
            List<String> names = new ArrayList<>();
            List<HiveType> types = new ArrayList<>();
            skipSpaces();
            if (peek('>')) {
                throw error("a struct needs at least one field");
            }
            do {
                if (!names.isEmpty()) {
                    expect(',');
                }
                skipSpaces();
                String name = fieldName();
                expect(':');
                HiveType type = type();
                skipSpaces();
                if (text.regionMatches(true, position, "comment", 0, 7)) {
                    position += 7;
                    skipSpaces();
                    skipQuoted();
                }
                names.add(name);
                types.add(type);
                skipSpaces();
            }
            while (peek(','));
            expect('>');
            return new HiveType("struct", List.of(), types, names);
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

        /** Precision and scale, each only if written. */
        private List<Integer> decimalParameters()
        {
            skipSpaces();
            if (!peek('(')) {
                return List.of();
            }
            expect('(');
            int precision = number();
            if (precision < 1 || precision > 38) {
                throw error("decimal precision must be between 1 and 38, not " + precision);
            }
            List<Integer> parameters = new ArrayList<>(List.of(precision));
            if (peek(',')) {
                expect(',');
                int scale = number();
                if (scale > precision) {
                    throw error("decimal scale " + scale + " is larger than its precision " + precision);
                }
                parameters.add(scale);
            }
            expect(')');
            return parameters;
        }

        private int requiredLength(int maxLength)
        {
            expect('(');
            int length = number();
            if (length < 1 || length > maxLength) {
                throw error("length must be between 1 and " + maxLength + ", not " + length);
            }
            expect(')');
            return length;
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
            String quoted = text.length() <= QUOTED_LENGTH ? text : text.substring(0, QUOTED_LENGTH / 2) + "... (" + text.length() + " characters)";
            return new IllegalArgumentException("invalid type '" + quoted + "' at position " + position + ": " + message);
        }
    }
}
