package io.agentload.endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict JSON (RFC 8259) reader over one event's bytes, walked in place: strings are measured without being
 * decoded, nothing is allocated unless a string is asked for, and anything that is not JSON throws an
 * {@link EndpointException} naming the byte where it went wrong. A client reads thousands of streamed chunks a
 * second on one core, and a general parser's set-up per chunk cost more than the chunk's own bytes.
 *
 * <p>Objects and arrays are read with a loop: {@code beginObject(); while (nextField()) { ... }} reads or skips one
 * value per field, and {@code beginArray(); while (nextElement()) { ... }} one per element.
 */
final class JsonScanner {

    /** What the value at the cursor is. */
    enum Kind {
        OBJECT("an object"), ARRAY("an array"), STRING("a string"), NUMBER("a number"), TRUE("a boolean"),
        FALSE("a boolean"), NULL("null");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Nesting deeper than this is refused (as Jackson's default limit does), so a hostile event cannot exhaust the stack. */
    static final int MAX_DEPTH = 1000;

    private final byte[] bytes;
    private final int end;
    private int pos;
    private int depth;
    private boolean afterOpen;
    private boolean escaped;
    private int nameStart;
    private int nameEnd;
    private boolean nameEscaped;
    private int valueStart;

    /** Reads {@code bytes[0, length)}. */
    JsonScanner(byte[] bytes, int length) {
        this.bytes = bytes;
        this.end = length;
    }

    /** The kind of the next value, which is not consumed. */
    Kind peek() {
        skipWhitespace();
        if (pos >= end) throw malformed("unexpected end of data");
        byte c = bytes[pos];
        return switch (c) {
            case '{' -> Kind.OBJECT;
            case '[' -> Kind.ARRAY;
            case '"' -> Kind.STRING;
            case 't' -> Kind.TRUE;
            case 'f' -> Kind.FALSE;
            case 'n' -> Kind.NULL;
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield Kind.NUMBER;
                throw malformed("unexpected " + describe(c));
            }
        };
    }

    void beginObject() {
        open('{');
    }

    void beginArray() {
        open('[');
    }

    /** Moves to the current object's next field and reads its name; false once the object has ended. */
    boolean nextField() {
        if (!more('}')) return false;
        if (pos >= end || bytes[pos] != '"') throw malformed("expected a field name");
        nameStart = pos + 1;
        scanString();
        nameEnd = pos - 1;
        nameEscaped = escaped;
        skipWhitespace();
        if (pos >= end || bytes[pos] != ':') throw malformed("expected ':' after a field name");
        pos++;
        return true;
    }

    /** Moves to the current array's next element; false once the array has ended. */
    boolean nextElement() {
        return more(']');
    }

    /** The name of the field {@link #nextField()} moved to is {@code ascii}. */
    boolean nameIs(byte[] ascii) {
        if (nameEscaped) return decode(nameStart, nameEnd).equals(new String(ascii, StandardCharsets.US_ASCII));
        return Arrays.equals(bytes, nameStart, nameEnd, ascii, 0, ascii.length);
    }

    /** Consumes a string and returns its length in UTF-16 characters, as Java would count the decoded text. */
    int stringLength() {
        expect(Kind.STRING);
        return scanString();
    }

    /** Consumes a string and returns it decoded. */
    String string() {
        expect(Kind.STRING);
        int start = pos + 1;
        scanString();
        return escaped ? decode(start, pos - 1) : new String(bytes, start, pos - 1 - start, StandardCharsets.UTF_8);
    }

    /**
     * Consumes any value; returns it when it is a whole number from 0 to {@link Integer#MAX_VALUE}, else -1 (the
     * value's text is then {@link #lastValue()}).
     */
    int count() {
        Kind kind = peek();
        valueStart = pos;
        if (kind != Kind.NUMBER) {
            skipValue();
            return -1;
        }
        boolean integer = scanNumber();
        if (!integer || bytes[valueStart] == '-' || pos - valueStart > 10) return -1;
        long value = 0;
        for (int i = valueStart; i < pos; i++) value = value * 10 + (bytes[i] - '0');
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /** The text of the value {@link #count()} consumed, at most 40 bytes of it. */
    String lastValue() {
        int length = Math.min(pos - valueStart, 40);
        return new String(bytes, valueStart, length, StandardCharsets.UTF_8) + (pos - valueStart > 40 ? "..." : "");
    }

    /** Consumes one value of any kind, checking it all. */
    void skipValue() {
        switch (peek()) {
            case OBJECT -> {
                beginObject();
                while (nextField()) skipValue();
            }
            case ARRAY -> {
                beginArray();
                while (nextElement()) skipValue();
            }
            case STRING -> scanString();
            case NUMBER -> scanNumber();
            case TRUE -> literal("true");
            case FALSE -> literal("false");
            case NULL -> literal("null");
        }
    }

    /** Only whitespace is left. */
    boolean atEnd() {
        skipWhitespace();
        return pos >= end;
    }

    private void expect(Kind kind) {
        Kind actual = peek();
        if (actual != kind) throw malformed("expected " + kind + ", found " + actual);
    }

    private void open(char c) {
        skipWhitespace();
        if (pos >= end || bytes[pos] != c) throw malformed("expected '" + c + "'");
        if (++depth > MAX_DEPTH) throw malformed("nested deeper than " + MAX_DEPTH + " levels");
        pos++;
        afterOpen = true;
    }

    /** Before an element: false (and the container closed) at {@code close}, else past the comma if one is due. */
    private boolean more(char close) {
        skipWhitespace();
        if (pos >= end) throw malformed("unexpected end of data");
        if (bytes[pos] == close) {
            pos++;
            depth--;
            afterOpen = false;
            return false;
        }
        if (afterOpen) {
            afterOpen = false;
            return true;
        }
        if (bytes[pos] != ',') throw malformed("expected ',' or '" + close + "'");
        pos++;
        skipWhitespace();
        return true;
    }

    /** Consumes the string whose quote is at the cursor; returns its UTF-16 length and notes whether it had escapes. */
    private int scanString() {
        pos++;
        escaped = false;
        int chars = 0;
        while (true) {
            if (pos >= end) throw malformed("unterminated string");
            int c = bytes[pos] & 0xff;
            if (c == '"') {
                pos++;
                return chars;
            }
            if (c == '\\') {
                escaped = true;
                scanEscape();
                chars++;
            } else if (c < 0x20) {
                throw malformed("control character " + describe((byte) c) + " inside a string");
            } else if (c < 0x80) {
                pos++;
                chars++;
            } else {
                int extra = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
                if (extra < 0 || pos + extra >= end) throw malformed("invalid UTF-8");
                for (int i = 1; i <= extra; i++) {
                    if ((bytes[pos + i] & 0xC0) != 0x80) throw malformed("invalid UTF-8");
                }
                pos += extra + 1;
                chars += extra == 3 ? 2 : 1;
            }
        }
    }

    private void scanEscape() {
        if (pos + 1 >= end) throw malformed("unterminated string");
        switch (bytes[pos + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos += 2;
            case 'u' -> {
                if (pos + 6 > end) throw malformed("unterminated string");
                for (int i = 2; i < 6; i++) {
                    if (Character.digit(bytes[pos + i], 16) < 0) throw malformed("malformed \\u escape");
                }
                pos += 6;
            }
            default -> throw malformed("unknown escape \\" + (char) (bytes[pos + 1] & 0xff));
        }
    }

    /** Decodes the string body {@code [from, to)}, escapes included (checked already by {@link #scanString()}). */
    private String decode(int from, int to) {
        StringBuilder s = new StringBuilder(to - from);
        int run = from;
        for (int i = from; i < to; ) {
            if (bytes[i] != '\\') {
                i++;
                continue;
            }
            s.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
            byte e = bytes[i + 1];
            switch (e) {
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append((char) Integer.parseInt(new String(bytes, i + 2, 4, StandardCharsets.US_ASCII), 16));
                default -> s.append((char) e);
            }
            i += e == 'u' ? 6 : 2;
            run = i;
        }
        return s.append(new String(bytes, run, to - run, StandardCharsets.UTF_8)).toString();
    }

    /** Consumes a number (RFC 8259's grammar); true when it has neither fraction nor exponent. */
    private boolean scanNumber() {
        if (bytes[pos] == '-') pos++;
        if (pos < end && bytes[pos] == '0') {
            pos++;
        } else if (digits() == 0) {
            throw malformed("malformed number");
        }
        boolean integer = true;
        if (pos < end && bytes[pos] == '.') {
            pos++;
            if (digits() == 0) throw malformed("malformed number");
            integer = false;
        }
        if (pos < end && (bytes[pos] == 'e' || bytes[pos] == 'E')) {
            pos++;
            if (pos < end && (bytes[pos] == '+' || bytes[pos] == '-')) pos++;
            if (digits() == 0) throw malformed("malformed number");
            integer = false;
        }
        return integer;
    }

    private int digits() {
        int start = pos;
        while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') pos++;
        return pos - start;
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || bytes[pos + i] != word.charAt(i)) throw malformed("unexpected " + describe(bytes[pos]));
        }
        pos += word.length();
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = bytes[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            pos++;
        }
    }

    private EndpointException malformed(String why) {
        return new EndpointException("event data is not valid JSON: " + why + " at byte " + pos);
    }

    private static String describe(byte c) {
        int b = c & 0xff;
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
    }
}
