package io.agentload.endpoint;

import java.time.Duration;

/**
 * What {@link FakeOpenAiServer} answers to one request: a correct OpenAI stream (the official wire format for
 * completions or chat, chosen by the request's path) shaped by {@code with*} copies, or a fault. Immutable once
 * returned: each {@code with*} changes a fresh copy.
 */
public final class Reply {

    enum Kind { STREAM, STATUS, STALL, CLOSE, RAW }

    Kind kind;
    int tokens = -1;
    Duration firstTokenDelay = Duration.ZERO;
    Duration interval = Duration.ZERO;
    int cutAfter = -1;
    int stallAfter = -1;
    boolean usage = true;
    boolean done = true;
    String lineEnding = "\n";
    boolean keepAliveComments;
    int eventsPerWrite = 1;
    int hugeText;
    int cachedTokens;
    int reasoningChunks;
    int status = 200;
    String body = "";
    String headers = "";
    String contentType = "application/json";

    private Reply(Kind kind) {
        this.kind = kind;
    }

    private Reply copy() {
        Reply r = new Reply(kind);
        r.tokens = tokens;
        r.firstTokenDelay = firstTokenDelay;
        r.interval = interval;
        r.cutAfter = cutAfter;
        r.stallAfter = stallAfter;
        r.usage = usage;
        r.done = done;
        r.lineEnding = lineEnding;
        r.keepAliveComments = keepAliveComments;
        r.eventsPerWrite = eventsPerWrite;
        r.hugeText = hugeText;
        r.cachedTokens = cachedTokens;
        r.reasoningChunks = reasoningChunks;
        r.status = status;
        r.body = body;
        r.headers = headers;
        r.contentType = contentType;
        return r;
    }

    /** A correct stream of as many one-token chunks as the request's {@code max_tokens}, then usage and [DONE]. */
    public static Reply stream() {
        return new Reply(Kind.STREAM);
    }

    /** A correct stream of {@code tokens} one-token chunks. */
    public static Reply stream(int tokens) {
        Reply r = new Reply(Kind.STREAM);
        r.tokens = tokens;
        return r;
    }

    /** An HTTP error (or any status) with a JSON body and no stream. */
    public static Reply status(int status, String jsonBody) {
        Reply r = new Reply(Kind.STATUS);
        r.status = status;
        r.body = jsonBody;
        return r;
    }

    /** Reads the request and never answers. */
    public static Reply stall() {
        return new Reply(Kind.STALL);
    }

    /** Reads the request and closes the connection without a response. */
    public static Reply closeWithoutResponse() {
        return new Reply(Kind.CLOSE);
    }

    /** A 200 event stream whose body is exactly {@code events}, however wrong. */
    public static Reply raw(String events) {
        Reply r = new Reply(Kind.RAW);
        r.body = events;
        return r;
    }

    /** Sends this header too, as {@code name: value} (with {@link #status}: {@code Retry-After} for a 429, say). */
    public Reply withHeader(String name, String value) {
        Reply r = copy();
        r.headers = headers + name + ": " + value + "\r\n";
        return r;
    }

    /** With {@link #status}: the body's content type instead of {@code application/json}. */
    public Reply withContentType(String type) {
        Reply r = copy();
        r.contentType = type;
        return r;
    }

    /** Waits this long after the headers before the first output chunk. */
    public Reply withFirstTokenDelay(Duration d) {
        Reply r = copy();
        r.firstTokenDelay = d;
        return r;
    }

    /** Waits this long between output chunks. */
    public Reply withInterval(Duration d) {
        Reply r = copy();
        r.interval = d;
        return r;
    }

    /** Closes the connection mid-stream, without the chunked terminator, after this many output chunks. */
    public Reply cutAfter(int chunks) {
        Reply r = copy();
        r.cutAfter = chunks;
        return r;
    }

    /** Stops writing, connection open, after this many output chunks. */
    public Reply stallAfter(int chunks) {
        Reply r = copy();
        r.stallAfter = chunks;
        return r;
    }

    /** Leaves out the usage chunk. */
    public Reply withoutUsage() {
        Reply r = copy();
        r.usage = false;
        return r;
    }

    /** Leaves out {@code data: [DONE]}. */
    public Reply withoutDone() {
        Reply r = copy();
        r.done = false;
        return r;
    }

    /** Ends lines with this ({@code "\n"}, {@code "\r\n"} or {@code "\r"}). */
    public Reply withLineEnding(String ending) {
        Reply r = copy();
        r.lineEnding = ending;
        return r;
    }

    /** Writes a {@code : keep-alive} comment before every event. */
    public Reply withKeepAliveComments() {
        Reply r = copy();
        r.keepAliveComments = true;
        return r;
    }

    /** Puts this many events in each write (and so, usually, in each read of the client). */
    public Reply withEventsPerWrite(int events) {
        Reply r = copy();
        r.eventsPerWrite = events;
        return r;
    }

    /** Makes the first output chunk's text this many characters long: one line of that size. */
    public Reply withHugeText(int chars) {
        Reply r = copy();
        r.hugeText = chars;
        return r;
    }

    /** Reports this many cached prompt tokens in usage. */
    public Reply withCachedTokens(int cached) {
        Reply r = copy();
        r.cachedTokens = cached;
        return r;
    }

    /** Streams this many reasoning chunks ({@code delta.reasoning_content}) before the content, in chat. */
    public Reply withReasoning(int chunks) {
        Reply r = copy();
        r.reasoningChunks = chunks;
        return r;
    }
}
