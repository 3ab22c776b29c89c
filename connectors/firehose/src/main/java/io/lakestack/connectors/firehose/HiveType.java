package io.lakestack.connectors.firehose;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A column type as the catalog writes it ({@code bigint}, {@code decimal(10,2)}, {@code array<string>},
 * {@code map<string,int>}, {@code struct<name:string,age:int>}), parsed into a tree.
 *
 * @param kind the type's name in lower case
 * @param precision for decimal, varchar and char
 * @param fieldNames the field names of a struct, in order
 */
public record HiveType(String kind, int precision, int scale, List<HiveType> children, List<String> fieldNames)
{
    public HiveType
    {
        requireNonNull(kind, "kind is null");
        children = List.copyOf(children);
        fieldNames = List.copyOf(fieldNames);
    }

    public static HiveType parse(String text)
    {
        Parser parser = new Parser(text);
        HiveType type = parser.type();
        parser.skipSpaces();
        if (parser.position != text.length()) {
            throw new IllegalArgumentException("unexpected '" + text.substring(parser.position) + "' after the type in '" + text + "'");
        }
        return type;
    }

    public boolean isPrimitive()
    {
        return children.isEmpty() && !kind.equals("struct");
    }

    public HiveType element()
    {
        return children.get(0);
    }

    public HiveType key()
    {
        return children.get(0);
    }

    public HiveType value()
    {
        return children.get(1);
    }

    @Override
    public String toString()
    {
        return switch (kind) {
            case "decimal" -> "decimal(" + precision + "," + scale + ")";
            case "varchar", "char" -> kind + "(" + precision + ")";
            case "array" -> "array<" + element() + ">";
            case "map" -> "map<" + key() + "," + value() + ">";
            case "struct" -> {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < children.size(); i++) {
                    fields.add(fieldNames.get(i) + ":" + children.get(i));
                }
                yield "struct<" + String.join(",", fields) + ">";
            }
            default -> kind;
        };
    }

    private static final class Parser
    {
        private final String text;
        private int position;

        Parser(String text)
        {
            this.text = text;
        }

        HiveType type()
        {
            String name = word().toLowerCase(Locale.ROOT);
            switch (name) {
                case "boolean", "tinyint", "smallint", "int", "integer", "bigint", "float", "double", "string", "binary", "date", "timestamp":
                    return new HiveType(name.equals("integer") ? "int" : name, 0, 0, List.of(), List.of());
                case "decimal": {
                    int precision = 10;
                    int scale = 0;
                    if (peek('(')) {
                        expect('(');
                        precision = number();
                        if (peek(',')) {
                            expect(',');
                            scale = number();
                        }
                        expect(')');
                    }
                    return new HiveType("decimal", precision, scale, List.of(), List.of());
                }
                case "varchar", "char": {
                    expect('(');
                    int length = number();
                    expect(')');
                    return new HiveType(name, length, 0, List.of(), List.of());
                }
                case "array": {
                    expect('<');
                    HiveType element = type();
                    expect('>');
                    return new HiveType("array", 0, 0, List.of(element), List.of());
                }
                case "map": {
                    expect('<');
                    HiveType key = type();
                    expect(',');
                    HiveType value = type();
                    expect('>');
                    return new HiveType("map", 0, 0, List.of(key, value), List.of());
                }
                case "struct": {
                    expect('<');
                    List<HiveType> fields = new ArrayList<>();
                    List<String> names = new ArrayList<>();
                    while (!peek('>')) {
                        if (!fields.isEmpty()) {
                            expect(',');
                        }
                        names.add(fieldName());
                        expect(':');
                        fields.add(type());
                    }
                    expect('>');
                    return new HiveType("struct", 0, 0, fields, names);
                }
                default:
                    throw new IllegalArgumentException("unknown type '" + name + "' in '" + text + "'");
            }
        }

        private String fieldName()
        {
            skipSpaces();
            if (peek('`')) {
                int end = text.indexOf('`', position + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed ` in '" + text + "'");
                }
                String name = text.substring(position + 1, end);
                position = end + 1;
                return name;
            }
            int start = position;
            while (position < text.length() && text.charAt(position) != ':') {
                position++;
            }
            return text.substring(start, position).strip();
        }

        private String word()
        {
            skipSpaces();
            int start = position;
            while (position < text.length() && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
                position++;
            }
            if (start == position) {
                throw new IllegalArgumentException("a type is expected at position " + start + " of '" + text + "'");
            }
            return text.substring(start, position);
        }

        private int number()
        {
            String word = word();
            try {
                return Integer.parseInt(word);
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("a number is expected, not '" + word + "', in '" + text + "'");
            }
        }

        private boolean peek(char c)
        {
            skipSpaces();
            return position < text.length() && text.charAt(position) == c;
        }

        private void expect(char c)
        {
            if (!peek(c)) {
                throw new IllegalArgumentException("'" + c + "' is expected at position " + position + " of '" + text + "'");
            }
            position++;
        }

        void skipSpaces()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }
    }
}
