package io.agentload.sim;

import io.agentload.internal.MonotonicClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The server's own record of every request that reached the engine, one JSON object per line, appended and written
 * to the file as each request ends (a crash loses nothing already ended). Instants are epoch microseconds on the
 * server's {@link MonotonicClock}, so a client can check its own TTFT against {@code first_token_us -
 * received_us}; a field is null when there is nothing to report (no token written before an abort):
 *
 * <pre>{@code
 * {"id":"cmpl-…","endpoint":"completions","stream":true,"prompt_tokens":30000,"cached_tokens":29984,
 *  "output_tokens":200,"finish_reason":"length","received_us":…,"first_token_due_us":…,"first_token_us":…,
 *  "last_token_due_us":…,"last_write_us":…}
 * }</pre>
 *
 * {@code received_us}: the request's first byte was read; {@code first_token_due_us}: the engine's simulated instant
 * of the first token; {@code first_token_us}: the write carrying the first token began (for a non-streaming
 * request, the response's write), so no client can see the token before it, however the server's thread is
 * scheduled around the write; {@code last_token_due_us}: the simulated instant of the last token written;
 * {@code last_write_us}: the last write of the response returned.
 * {@code finish_reason} is {@code length}, or {@code abort} when the client went away (or the server stopped) first,
 * and then {@code output_tokens} counts the tokens written and {@code cached_tokens} is null.
 */
final class FirstTokenLog implements AutoCloseable {

    /**
     * One request's line.
     *
     * @param cachedTokens     null when the request was abandoned before it finished
     * @param firstTokenDue    engine-time seconds of the first token, NaN when none came
     * @param lastTokenDue     engine-time seconds of the last token written, NaN when none was
     * @param firstTokenNanos  {@link System#nanoTime()} before the first token's write, {@link #NONE} when none was
     * @param lastWriteNanos   {@link System#nanoTime()} after the last write, {@link #NONE} when nothing was written
     */
    record Entry(String id, boolean chat, boolean stream, int promptTokens, Integer cachedTokens, int outputTokens,
                 boolean aborted, long receivedNanos, double firstTokenDue, long firstTokenNanos, double lastTokenDue,
                 long lastWriteNanos) {}

    /** A {@link System#nanoTime()} that never happened. */
    static final long NONE = Long.MIN_VALUE;

    private final FileChannel file;
    private final MonotonicClock clock;

    private FirstTokenLog(FileChannel file, MonotonicClock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Appends to {@code path}, creating it if needed. */
    static FirstTokenLog open(Path path, MonotonicClock clock) {
        try {
            return new FirstTokenLog(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the first-token log " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes one line; a failing disk is reported on standard error once per failure, never to the client. */
    void write(Entry e) {
        String line = "{\"id\":" + ReplyFormat.quote(e.id()) + ",\"endpoint\":\"" + (e.chat() ? "chat.completions" : "completions")
                + "\",\"stream\":" + e.stream() + ",\"prompt_tokens\":" + e.promptTokens() + ",\"cached_tokens\":"
                + e.cachedTokens() + ",\"output_tokens\":" + e.outputTokens() + ",\"finish_reason\":\""
                + (e.aborted() ? "abort" : "length") + "\",\"received_us\":" + clock.epochMicros(e.receivedNanos())
                + ",\"first_token_due_us\":" + micros(e.firstTokenDue()) + ",\"first_token_us\":" + micros(e.firstTokenNanos())
                + ",\"last_token_due_us\":" + micros(e.lastTokenDue()) + ",\"last_write_us\":" + micros(e.lastWriteNanos())
                + "}\n";
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            try {
                while (bytes.hasRemaining()) file.write(bytes);
            } catch (IOException ex) {
                System.err.println("agentload serve: cannot append to the first-token log: " + ex.getMessage());
            }
        }
    }

    private String micros(double engineSeconds) {
        return Double.isNaN(engineSeconds) ? "null" : Long.toString(clock.epochMicros(engineSeconds));
    }

    private String micros(long nanos) {
        return nanos == NONE ? "null" : Long.toString(clock.epochMicros(nanos));
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the first-token log", e);
        }
    }
}
