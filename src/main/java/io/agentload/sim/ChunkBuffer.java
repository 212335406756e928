package io.agentload.sim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP chunk of a response stream, assembled in place: ASCII text is appended after room kept for the chunk's size
 * line, and {@link #seal} writes that line in front and the chunk's end behind, so the whole chunk leaves in one socket
 * write and a stream reuses one array for all its chunks instead of building strings and copies per event.
 */
final class ChunkBuffer {
    /** Room for the size line: up to 8 hex digits and CRLF. */
    private static final int HEAD = 10;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The end of a chunked body. */
    private static final byte[] END = {'0', '\r', '\n', '\r', '\n'};

    private byte[] bytes = new byte[512];
    private int length = HEAD;
    private int start = HEAD;

    /** Empties the buffer for the next chunk. */
    ChunkBuffer clear() {
        length = HEAD;
        start = HEAD;
        return this;
    }

    /** Appends ASCII text (every char below 128). */
    ChunkBuffer append(String ascii) {
        int n = ascii.length();
        room(n);
        for (int i = 0; i < n; i++) bytes[length + i] = (byte) ascii.charAt(i);
        length += n;
        return this;
    }

    ChunkBuffer append(byte[] ascii) {
        room(ascii.length);
        System.arraycopy(ascii, 0, bytes, length, ascii.length);
        length += ascii.length;
        return this;
    }

    ChunkBuffer append(char c) {
        room(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Appends a decimal number. */
    ChunkBuffer append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) return append(Long.toString(value));
            append('-');
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) digits++;
        room(digits);
        for (int i = length + digits - 1; i >= length; i--, value /= 10) bytes[i] = (byte) ('0' + value % 10);
        length += digits;
        return this;
    }

    /**
     * Frames what was appended as one HTTP chunk, with {@code last} followed by the end of the body; afterwards
     * {@link #array}, {@link #offset} and {@link #size} give the bytes to write. Once per chunk: {@link #clear} starts
     * the next.
     */
    void seal(boolean last) {
        int data = length - HEAD;
        start = HEAD - 2;
        bytes[start] = '\r';
        bytes[start + 1] = '\n';
        int v = data;
        do {
            bytes[--start] = HEX[v & 15];
            v >>>= 4;
        } while (v != 0);
        room(2 + END.length);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        if (last) {
            System.arraycopy(END, 0, bytes, length, END.length);
            length += END.length;
        }
    }

    byte[] array() {
        return bytes;
    }

    int offset() {
        return start;
    }

    int size() {
        return length - start;
    }

    private void room(int n) {
        if (length + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + n));
    }
}
