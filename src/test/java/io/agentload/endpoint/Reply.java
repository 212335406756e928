package io.agentload.endpoint;

import java.time.Duration;

/**
 * What {@link FakeOpenAiServer} answers to one request: a correct OpenAI stream (the official wire format for
 * completions or chat, chosen by the request's path) shaped by {@code with*} copies, or a fault.
 */
public final class Reply {

    enum Kind { STREAM, STATUS, STALL, CLOSE, RAW }

    final Kind kind;
    final int tokens;
    final Duration firstTokenDelay;
    final Duration interval;
    final int cutAfter;
    final int stallAfter;
    final boolean usage;
    final boolean done;
    final String lineEnding;
    final boolean keepAliveComments;
    final int eventsPerWrite;
    final int hugeText;
    final int cachedTokens;
    final int reasoningChunks;
    final int status;
    final String body;

    private Reply(Kind kind, int tokens, Duration firstTokenDelay, Duration interval, int cutAfter, int stallAfter,
                  boolean usage, boolean done, String lineEnding, boolean keepAliveComments, int eventsPerWrite,
                  int hugeText, int cachedTokens, int reasoningChunks, int status, String body) {
        this.kind = kind;
        this.tokens = tokens;
        this.firstTokenDelay = firstTokenDelay;
        this.interval = interval;
        this.cutAfter = cutAfter;
        this.stallAfter = stallAfter;
        this.usage = usage;
        this.done = done;
        this.lineEnding = lineEnding;
        this.keepAliveComments = keepAliveComments;
        this.eventsPerWrite = eventsPerWrite;
        this.hugeText = hugeText;
        this.cachedTokens = cachedTokens;
        this.reasoningChunks = reasoningChunks;
        this.status = status;
        this.body = body;
    }

    private static Reply of(Kind kind, int tokens, int status, String body) {
        return new Reply(kind, tokens, Duration.ZERO, Duration.ZERO, -1, -1, true, true, "\n", false, 1, 0, 0, 0, status, body);
    }

    /** A correct stream of as many one-token chunks as the request's {@code max_tokens}, then usage and [DONE]. */
    public static Reply stream() {
        return of(Kind.STREAM, -1, 200, "");
    }

    /** A correct stream of {@code tokens} one-token chunks. */
    public static Reply stream(int tokens) {
        return of(Kind.STREAM, tokens, 200, "");
    }

    /** An HTTP error (or any status) with a JSON body and no stream. */
    public static Reply status(int status, String jsonBody) {
        return of(Kind.STATUS, 0, status, jsonBody);
    }

    /** Reads the request and never answers. */
    public static Reply stall() {
        return of(Kind.STALL, 0, 0, "");
    }

    /** Reads the request and closes the connection without a response. */
    public static Reply closeWithoutResponse() {
        return of(Kind.CLOSE, 0, 0, "");
    }

    /** A 200 event stream whose body is exactly {@code events}, however wrong. */
    public static Reply raw(String events) {
        return of(Kind.RAW, 0, 200, events);
    }

    private Reply copy(Duration firstTokenDelay, Duration interval, int cutAfter, int stallAfter, boolean usage,
                       boolean done, String lineEnding, boolean keepAliveComments, int eventsPerWrite, int hugeText,
                       int cachedTokens, int reasoningChunks) {
        return new Reply(kind, tokens, firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding,
                keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks, status, body);
    }

    /** Waits this long after the headers before the first output chunk. */
    public Reply withFirstTokenDelay(Duration d) {
        return copy(d, interval, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Waits this long between output chunks. */
    public Reply withInterval(Duration d) {
        return copy(firstTokenDelay, d, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Closes the connection mid-stream, without the chunked terminator, after this many output chunks. */
    public Reply cutAfter(int chunks) {
        return copy(firstTokenDelay, interval, chunks, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Stops writing, connection open, after this many output chunks. */
    public Reply stallAfter(int chunks) {
        return copy(firstTokenDelay, interval, cutAfter, chunks, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Leaves out the usage chunk. */
    public Reply withoutUsage() {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, false, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Leaves out {@code data: [DONE]}. */
    public Reply withoutDone() {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, false, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Ends lines with this ({@code "\n"}, {@code "\r\n"} or {@code "\r"}). */
    public Reply withLineEnding(String ending) {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, ending, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Writes a {@code : keep-alive} comment before every event. */
    public Reply withKeepAliveComments() {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding, true, eventsPerWrite, hugeText, cachedTokens, reasoningChunks);
    }

    /** Puts this many events in each write (and so, usually, in each read of the client). */
    public Reply withEventsPerWrite(int events) {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, events, hugeText, cachedTokens, reasoningChunks);
    }

    /** Makes the first output chunk's text this many characters long: one line of that size. */
    public Reply withHugeText(int chars) {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, chars, cachedTokens, reasoningChunks);
    }

    /** Reports this many cached prompt tokens in usage. */
    public Reply withCachedTokens(int cached) {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cached, reasoningChunks);
    }

    /** Streams this many reasoning chunks ({@code delta.reasoning_content}) before the content, in chat. */
    public Reply withReasoning(int chunks) {
        return copy(firstTokenDelay, interval, cutAfter, stallAfter, usage, done, lineEnding, keepAliveComments, eventsPerWrite, hugeText, cachedTokens, chunks);
    }
}
