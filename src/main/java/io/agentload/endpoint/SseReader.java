package io.agentload.endpoint;

import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Splits a {@code text/event-stream} body into events (the WHATWG server-sent events format) and stamps each with the
 * time its last byte arrived. Lines may end in LF, CRLF or a lone CR and may be up to {@link #MAX_EVENT_BYTES} long (a
 * 200 KB line is read like any other; a longer line or event stops the stream, before it fills the memory); comments ({@code :keep-alive}) and the {@code event}, {@code id} and
 * {@code retry} fields are skipped; several {@code data} lines of one event are joined with LF. Any other line is not
 * server-sent events and stops the stream with an {@link EndpointException}.
 *
 * <p>Each read from the connection is stamped once, right after it returns, and every event completed by that read
 * gets the stamp: parsing and the handler's work come after it and never delay a recorded time.
 */
final class SseReader {

    /** Receives each event's data. */
    @FunctionalInterface
    interface Handler {
        /**
         * The event's data is {@code data[0, length)}; the array is the reader's own and is overwritten by the next
         * event. Returns false to stop reading (after {@code [DONE]}).
         */
        boolean event(byte[] data, int length, long arrivalNanos) throws IOException;
    }

    /**
     * The longest line or event read: an OpenAI chunk carries a token or a few (a tool call's arguments, at most some
     * KB), so 16 MiB is no chunk at all, whatever the server meant.
     */
    static final int MAX_EVENT_BYTES = 16 << 20;

    private static final ByteString LINE_ENDS = ByteString.encodeUtf8("\r\n");
    private static final ByteString DATA = ByteString.encodeUtf8("data");
    private static final ByteString EVENT = ByteString.encodeUtf8("event");
    private static final ByteString ID = ByteString.encodeUtf8("id");
    private static final ByteString RETRY = ByteString.encodeUtf8("retry");

    private final BufferedSource source;
    private final LongSupplier clock;
    private long arrivalNanos;
    private int line;
    private byte[] data = new byte[1024];
    private int dataLength;

    /**
     * @param arrivalNanos when the bytes already buffered in {@code source} arrived (they came with the headers)
     */
    SseReader(BufferedSource source, LongSupplier clock, long arrivalNanos) {
        this.source = source;
        this.clock = clock;
        this.arrivalNanos = arrivalNanos;
    }

    /**
     * Reads events until the handler returns false (true is returned) or the stream ends (false). At the end of the
     * stream, complete {@code data} lines not yet followed by a blank line still make an event; a partial last line
     * is dropped, as the format requires.
     */
    boolean read(Handler handler) throws IOException {
        Buffer buffer = source.getBuffer();
        boolean hasData = false, skipLf = false;
        long scanned = 0;
        while (true) {
            if (skipLf && buffer.size() > 0) {
                if (buffer.getByte(0) == '\n') buffer.skip(1);
                skipLf = false;
            }
            long end = buffer.indexOfElement(LINE_ENDS, scanned);
            if (end < 0) {
                scanned = buffer.size();
                if (scanned > MAX_EVENT_BYTES) throw tooLong("line " + (line + 1));
                if (!source.request(scanned + 1)) {
                    return hasData && !handler.event(data, dataLength, arrivalNanos);
                }
                arrivalNanos = clock.getAsLong();
                continue;
            }
            line++;
            scanned = 0;
            if (end == 0) {
                if (hasData) {
                    hasData = false;
                    int length = dataLength;
                    dataLength = 0;
                    if (!handler.event(data, length, arrivalNanos)) {
                        buffer.skip(1);
                        return true;
                    }
                }
            } else if (buffer.getByte(0) == ':') {
                buffer.skip(end);
            } else if (isField(buffer, end, DATA)) {
                long valueStart = end > DATA.size() ? DATA.size() + 1 : DATA.size();
                if (valueStart < end && buffer.getByte(valueStart) == ' ') valueStart++;
                buffer.skip(valueStart);
                append(buffer, (int) (end - valueStart), hasData);
                hasData = true;
            } else if (isField(buffer, end, EVENT) || isField(buffer, end, ID) || isField(buffer, end, RETRY)) {
                buffer.skip(end);
            } else {
                String text = buffer.readUtf8(Math.min(end, 80));
                throw new EndpointException("line " + line + " of the event stream is not a server-sent event field: '"
                        + text + (end > 80 ? "...'" : "'"));
            }
            skipLf = buffer.readByte() == '\r';
        }
    }

    /** Moves {@code n} bytes from the buffer to the event's data, after a line feed when the event has data already. */
    private void append(Buffer buffer, int n, boolean afterLine) {
        int need = dataLength + n + (afterLine ? 1 : 0);
        if (need > MAX_EVENT_BYTES) throw tooLong("the event ending on line " + line);
        if (need > data.length) data = Arrays.copyOf(data, Math.max(need, data.length * 2));
        if (afterLine) data[dataLength++] = '\n';
        for (int end = dataLength + n; dataLength < end; ) dataLength += buffer.read(data, dataLength, end - dataLength);
    }

    private static EndpointException tooLong(String what) {
        return new EndpointException(what + " of the event stream is longer than " + (MAX_EVENT_BYTES >> 20)
                + " MiB: not an OpenAI chunk");
    }

    /** The line {@code [0, end)} is the field {@code name}: the name alone, or followed by a colon. */
    private static boolean isField(Buffer buffer, long end, ByteString name) {
        int n = name.size();
        return end >= n && buffer.rangeEquals(0, name) && (end == n || buffer.getByte(n) == ':');
    }
}
