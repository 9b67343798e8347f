package io.scopeenforcer.example.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 parser for request bodies: one JSON object, nothing before or after it but whitespace.
 * Values become {@code Map} (members in order), {@code List}, {@code String}, {@code Long} (integers that fit)
 * or {@code Double} (finite only), {@code Boolean} and {@code null}.
 *
 * <p>Why not nimbus's {@code JSONObjectUtils.parse}: it reads leniently (unquoted names, single quotes,
 * {@code NaN}), answers {@code null} to the text {@code null}, and a number such as {@code 1e999} becomes an
 * infinity that the JSON writer then refuses, a 500 on the way out. Here every such input is refused on the
 * way in, with a message that never quotes the input. Nesting is bounded ({@link #MAX_DEPTH}) so a body of
 * {@code [[[[...} cannot exhaust the stack; duplicate names are refused (RFC 8259 §4 leaves their meaning
 * open, and two readers may disagree on which one wins). Not thread-safe; one instance per body.
 */
final class JsonReader {

    /** Deeper than any demo payload needs; far below what would exhaust a request thread's stack. */
    static final int MAX_DEPTH = 32;

    /** Why the text is not accepted; the message is fixed text, never a piece of the input. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON object.
     *
     * @throws Malformed for anything else: another JSON value, invalid JSON, trailing text, nesting deeper than
     *     {@link #MAX_DEPTH}, a duplicate member name, a number that is not finite as a double, an unpaired
     *     surrogate
     */
    static Map<String, Object> parseObject(String text) throws Malformed {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (reader.pos >= text.length()) {
            throw new Malformed("the body is empty: send a JSON object");
        }
        if (text.charAt(reader.pos) != '{') {
            throw new Malformed("the body is not a JSON object");
        }
        Map<String, Object> object = reader.object(1);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw new Malformed("the body has text after its JSON object");
        }
        return object;
    }

    private Object value(int depth) throws Malformed {
        skipWhitespace();
        if (pos >= text.length()) {
            throw truncated();
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw invalid();
        }
    }

    private Map<String, Object> object(int depth) throws Malformed {
        checkDepth(depth);
        pos++; // {
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length()) {
                throw truncated();
            }
            if (peek() != '"') {
                throw invalid();
            }
            String name = string();
            skipWhitespace();
            expect(':');
            Object value = value(depth);
            if (members.containsKey(name)) {
                throw new Malformed("the body names a member twice");
            }
            members.put(name, value);
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw invalid();
            }
        }
    }

    private List<Object> array(int depth) throws Malformed {
        checkDepth(depth);
        pos++; // [
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return items;
        }
        while (true) {
            items.add(value(depth));
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                throw invalid();
            }
        }
    }

    private String string() throws Malformed {
        pos++; // "
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                // RFC 8259 §7: control characters must be escaped.
                throw invalid();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hex4());
                default -> throw invalid();
            }
        }
        String s = out.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // RFC 8259 §8.2: an unpaired surrogate is not Unicode text, and readers treat it differently.
                throw new Malformed("the body has a string that is not valid Unicode");
            }
        }
        return s;
    }

    private char hex4() throws Malformed {
        if (pos + 4 > text.length()) {
            throw truncated();
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
                throw invalid();
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    /** RFC 8259 §6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    private Object number() throws Malformed {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw invalid();
        }
        boolean integer = true;
        if (peek() == '.') {
            pos++;
            integer = false;
            if (!digits()) {
                throw invalid();
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integer = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw invalid();
            }
        }
        String literal = text.substring(start, pos);
        if (integer && literal.length() <= 19) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                // Over Long.MAX_VALUE: falls through to double.
            }
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            throw new Malformed("the body has a number out of range");
        }
        return d;
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private void literal(String word) throws Malformed {
        if (!text.startsWith(word, pos)) {
            throw pos + word.length() > text.length() && word.startsWith(text.substring(pos)) ? truncated()
                    : invalid();
        }
        pos += word.length();
    }

    private void checkDepth(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw new Malformed("the body nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) throws Malformed {
        if (next() != c) {
            throw invalid();
        }
    }

    /** The next character, or end of text as a truncation. */
    private char next() throws Malformed {
        if (pos >= text.length()) {
            throw truncated();
        }
        return text.charAt(pos++);
    }

    /** The next character without consuming it; NUL at the end, which no branch accepts. */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        // RFC 8259 §2: space, tab, line feed, carriage return; nothing else.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static Malformed invalid() {
        return new Malformed("the body is not valid JSON");
    }

    private static Malformed truncated() {
        return new Malformed("the body ends in the middle of its JSON");
    }
}
