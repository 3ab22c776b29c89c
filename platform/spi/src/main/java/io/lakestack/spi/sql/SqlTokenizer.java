package io.lakestack.spi.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits SQL-like text into tokens with their positions, for the small grammars lakestack reads itself: Athena
 * statements (to classify them, bind {@code ?} parameters and parse HiveQL DDL) and Glue's partition filter
 * expressions. Every dialect shares these rules: white space separates tokens; {@code '...'} and {@code "..."} are
 * {@link Kind#STRING}s and {@code `...`} a {@link Kind#QUOTED_NAME}, in which the quote doubled stands for itself
 * (whether {@code "..."} is a string or a name is the grammar's choice, see {@link Token#isName()}); {@code <=},
 * {@code >=}, {@code <>} and {@code !=} are one symbol each. A dialect adds {@link Feature}s.
 *
 * <p>Without {@link Feature#OPERATOR_DELIMITED_WORDS}, a word starts with a letter, {@code _} or {@code $} and goes on
 * with letters, digits, {@code _} and {@code $}; a number starts with a digit (or a {@code .} and a digit) and goes on
 * with letters, digits and dots ({@code 1.5e3}, {@code 0x1F}); {@code ||} is one symbol; any other character is a
 * symbol of its own.
 */
public final class SqlTokenizer
{
    private static final String QUOTES = "'\"`";
    private static final Set<String> TWO_CHARACTER_SYMBOLS = Set.of("<=", ">=", "<>", "!=", "||");
    private static final String OPERATOR_CHARACTERS = "()<>=!,";

    public enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, SYMBOL }

    /** What a dialect adds to the rules every dialect shares. */
    public enum Feature
    {
        /** Comments are skipped: {@code --} to the end of the line, and {@code /&#42;} to the next {@code &#42;/}. */
        COMMENTS,
        /**
         * In {@code '...'} and {@code "..."}, a backslash escapes the next character, as in HiveQL: {@code \n},
         * {@code \t}, {@code \r} and {@code \0} stand for their control characters, any other escaped character for
         * itself.
         */
        BACKSLASH_ESCAPES,
        /**
         * A word runs up to white space, a quote or one of {@code ( ) < > = ! ,}, and so holds characters such as
         * {@code -} and {@code .}: {@code event-date} is one word. Such a word is a {@link Kind#NUMBER} when a digit
         * starts it, after an optional sign and an optional dot ({@code 10}, {@code -5}, {@code +.5}, {@code 1col}).
         * Glue's partition filter expressions read unquoted names and signed numbers this way.
         */
        OPERATOR_DELIMITED_WORDS
    }

    /**
     * @param text the token's value: a word, number or symbol as written; a string or name without its quotes, with
     *         escapes resolved
     * @param start the offset of its first character (its opening quote) in the text
     * @param end the offset after its last character (its closing quote)
     * @param quote the quote of a {@link Kind#STRING} or {@link Kind#QUOTED_NAME}, {@code 0} for other kinds
     */
    public record Token(Kind kind, String text, int start, int end, char quote)
    {
        /** Whether this is the keyword, in any case; never true of a quoted token. */
        public boolean is(String keyword)
        {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        public boolean isSymbol(String symbol)
        {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        /** An identifier: a bare word, a back-quoted name or a double-quoted one. */
        public boolean isName()
        {
            return kind == Kind.WORD || kind == Kind.QUOTED_NAME || (kind == Kind.STRING && quote == '"');
        }

        public String upper()
        {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    /** Text that ends inside a quote or a comment. */
    public static final class UnclosedException
            extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        private final int offset;
        private final String opening;

        UnclosedException(int offset, String opening)
        {
            super("unclosed " + opening + (opening.equals("/*") ? " comment" : " quote"));
            this.offset = offset;
            this.opening = opening;
        }

        /** Where the quote or comment opens. */
        public int offset()
        {
            return offset;
        }

        /** {@code '}, {@code "}, {@code `} or {@code /*}. */
        public String opening()
        {
            return opening;
        }
    }

    private final Set<Feature> features;

    private SqlTokenizer(Set<Feature> features)
    {
        this.features = Set.copyOf(features);
    }

    /** A tokenizer of the rules every dialect shares, and of these features. */
    public static SqlTokenizer of(Feature... features)
    {
        Set<Feature> set = EnumSet.noneOf(Feature.class);
        set.addAll(List.of(features));
        return new SqlTokenizer(set);
    }

    /**
     * The tokens of the text, comments left out.
     *
     * @throws UnclosedException for a quote or comment that does not close
     */
    public List<Token> tokenize(String text)
    {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            }
            else if (features.contains(Feature.COMMENTS) && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end + 1;
            }
            else if (features.contains(Feature.COMMENTS) && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new UnclosedException(i, "/*");
                }
                i = end + 2;
            }
            else if (QUOTES.indexOf(c) >= 0) {
                tokens.add(quoted(text, i));
                i = tokens.get(tokens.size() - 1).end();
            }
            else if (features.contains(Feature.OPERATOR_DELIMITED_WORDS) && OPERATOR_CHARACTERS.indexOf(c) < 0) {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && OPERATOR_CHARACTERS.indexOf(text.charAt(i)) < 0
                        && QUOTES.indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                String word = text.substring(start, i);
                tokens.add(new Token(startsNumber(word) ? Kind.NUMBER : Kind.WORD, word, start, i, (char) 0));
            }
            else if (!features.contains(Feature.OPERATOR_DELIMITED_WORDS) && (Character.isDigit(c) || (c == '.' && isDigit(text, i + 1)))) {
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, text.substring(start, i), start, i, (char) 0));
            }
            else if (!features.contains(Feature.OPERATOR_DELIMITED_WORDS) && (Character.isLetter(c) || c == '_' || c == '$')) {
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, text.substring(start, i), start, i, (char) 0));
            }
            else {
                i += i + 1 < text.length() && TWO_CHARACTER_SYMBOLS.contains(text.substring(i, i + 2)) ? 2 : 1;
                tokens.add(new Token(Kind.SYMBOL, text.substring(start, i), start, i, (char) 0));
            }
        }
        return tokens;
    }

    private Token quoted(String text, int start)
    {
        char quote = text.charAt(start);
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (true) {
            if (i >= text.length()) {
                throw new UnclosedException(start, String.valueOf(quote));
            }
            char next = text.charAt(i);
            if (next == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (next == '\\' && quote != '`' && features.contains(Feature.BACKSLASH_ESCAPES) && i + 1 < text.length()) {
                value.append(switch (text.charAt(i + 1)) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> text.charAt(i + 1);
                });
                i += 2;
                continue;
            }
            value.append(next);
            i++;
        }
        return new Token(quote == '`' ? Kind.QUOTED_NAME : Kind.STRING, value.toString(), start, i, quote);
    }

    private static boolean startsNumber(String word)
    {
        int digit = word.startsWith("-") || word.startsWith("+") ? 1 : 0;
        if (word.startsWith(".", digit)) {
            digit++;
        }
        return isDigit(word, digit);
    }

    private static boolean isDigit(String text, int index)
    {
        return index < text.length() && Character.isDigit(text.charAt(index));
    }
}
