package io.agentload.endpoint;

import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.agentload.endpoint.CompletionResult.NOT_REACHED;

/**
 * One streamed request from send to result: the call, run on a thread of its own up to the response headers, its event
 * listener (which stamps the end of the request's upload and the arrival of the response headers), the reading of the
 * event stream on a thread of {@link ExchangeSettings#streams()}, the timeouts, and the classification of every way
 * the request can end. Apart from the timeout flag and the call (which a cancellation reads), its state is touched by
 * one thread at a time: the call's, then the stream's, which takes over when the headers have come.
 */
final class Exchange extends EventListener {

    /** Gives each call whose request carries an exchange that exchange as its event listener. */
    static final EventListener.Factory LISTENERS = call -> {
        Exchange exchange = call.request().tag(Exchange.class);
        return exchange == null ? EventListener.NONE : exchange;
    };

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int EXCERPT_BYTES = 2048;

    private final EndpointRequest request;
    private final ExchangeSettings settings;
    private final Result result = new Result(this);
    private volatile String timeout;
    /** Why the caller stopped the exchange ({@link #stop}), or null. */
    private volatile String stopped;
    private volatile Call call;
    /** When the call was sent; volatile for a caller watching the stream ({@link #progress}) from another thread. */
    private volatile long sendNanos = NOT_REACHED;
    private Future<?> firstTokenDeadline;
    private Future<?> totalDeadline;
    /** Re-armed by the watchdog itself while output keeps coming; read by {@link #finish} on the stream thread. */
    private volatile Future<?> stallDeadline;
    /** When the stream last sent an event, once output has begun. */
    private volatile long lastEventNanos;

    private long writtenNanos = NOT_REACHED;
    private long firstByteNanos = NOT_REACHED;
    private long[] chunkNanos = new long[64];
    private int chunks;
    /** The first output chunk's arrival and the chunks so far, for a caller watching the stream from another thread. */
    private volatile long firstChunkNanos = NOT_REACHED;
    private volatile int chunksSeen;
    private String finishReason = "";
    private Chunk.Usage usage;
    private String streamError;
    private boolean done;

    Exchange(EndpointRequest request, ExchangeSettings settings) {
        this.request = request;
        this.settings = settings;
        result.whenComplete((r, failure) -> {
            Call started = call;
            if (result.isCancelled() && started != null) started.cancel();
        });
    }

    /** The result, completed normally whatever the endpoint does; cancelling it cancels the call. */
    CompletableFuture<CompletionResult> result() {
        return result;
    }

    /**
     * Runs the call on the calling thread, its own: builds it, stamps the send time and executes it up to the response
     * headers, with no hand-off between threads before the request is written; then hands the response to a stream
     * thread. Servers send the headers ahead of the first token (vLLM and SGLang at once), so the stream thread is
     * reading by the time the first token comes; bytes that came with the headers keep the headers' arrival time. A
     * fault of the client itself (building the call) fails the future.
     */
    void run(Supplier<Call> newCall) {
        if (result.isDone()) return; // cancelled before its thread started
        if (settings.closed().getAsBoolean()) {
            refuse("the endpoint is closed");
            return;
        }
        Call started;
        try {
            started = newCall.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        call = started;
        if (result.isCancelled()) return; // cancelled while the call was built: nothing was sent
        if (stopped != null) { // stopped while the call was built: nothing was sent
            refuse(stopped);
            return;
        }
        sendNanos = System.nanoTime();
        firstTokenDeadline = schedule(settings.firstTokenTimeout(), "no first token within ");
        totalDeadline = schedule(settings.totalTimeout(), "stream not finished within ");
        Response response;
        try {
            response = started.execute();
        } catch (IOException e) {
            Outcome fault = failure(e, false);
            finish(fault.status(), fault.what(), System.nanoTime());
            return;
        } catch (RuntimeException e) {
            finish(CompletionResult.CLIENT_ERROR, e.toString(), System.nanoTime());
            return;
        }
        try {
            settings.streams().execute(() -> respond(response));
        } catch (RejectedExecutionException e) {
            respond(response); // the endpoint is closing: read what there is here
        }
    }

    /** What the stream has received so far; any thread. */
    Endpoint.Progress progress() {
        int seen = chunksSeen; // before firstChunkNanos: see the field's writes
        return new Endpoint.Progress(sendNanos, seen == 0 ? NOT_REACHED : firstChunkNanos, seen);
    }

    /** Ends an exchange that was never sent: {@code why} the client could not send it. */
    void refuse(String why) {
        sendNanos = System.nanoTime();
        finish(CompletionResult.CANCELLED, why, sendNanos);
    }

    private Future<?> schedule(Duration after, String what) {
        return settings.watchdog().schedule(() -> expire(what + seconds(after)), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private Future<?> watchStall(long inNanos) {
        return settings.watchdog().schedule(this::checkStall, inNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Runs on the watchdog: ends a stream silent for the stall timeout, or looks again when it would be. One task per
     * stall period, not one per chunk, so a fast stream costs the watchdog almost nothing.
     */
    private void checkStall() {
        if (result.isDone()) return;
        long limit = settings.stallTimeout().toNanos(), silent = System.nanoTime() - lastEventNanos;
        if (silent >= limit) expire("no output for " + seconds(settings.stallTimeout()) + " once the stream had begun");
        else stallDeadline = watchStall(limit - silent);
    }

    /**
     * Ends the exchange for the caller, keeping what it received: the result says {@link CompletionResult#CANCELLED}
     * with {@code why}, unless the exchange ended otherwise first. Safe from any thread: {@link #run} reads
     * {@link #stopped} after publishing {@link #call}, so one of the two sees the other.
     */
    void stop(String why) {
        if (stopped == null) stopped = why;
        Call started = call;
        if (started != null) started.cancel();
    }

    /** Runs on the watchdog: marks the exchange timed out and cancels the call, which ends any blocking read. */
    private void expire(String why) {
        if (timeout == null) timeout = why;
        call.cancel();
    }

    @Override
    public void requestBodyEnd(Call call, long byteCount) {
        writtenNanos = System.nanoTime();
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
        firstByteNanos = System.nanoTime();
    }

    private void respond(Response response) {
        Outcome outcome;
        try {
            outcome = read(response);
        } catch (EndpointException e) {
            outcome = new Outcome(CompletionResult.MALFORMED_SSE, e.getMessage() + " (after " + chunks + " output chunks)");
        } catch (IOException e) {
            outcome = finished() && timeout == null ? completed() : failure(e, true);
        } catch (RuntimeException e) {
            outcome = new Outcome(CompletionResult.CLIENT_ERROR, e.toString());
        }
        long end = System.nanoTime();
        response.close(); // before completing, so the connection is back in the pool for the caller's next request
        finish(outcome.status(), outcome.what(), end);
    }

    /** Reads the response to its end; returns the status and the detail. */
    private Outcome read(Response response) throws IOException {
        ResponseBody body = response.body();
        if (firstByteNanos == NOT_REACHED) firstByteNanos = System.nanoTime();
        if (!response.isSuccessful()) {
            String excerpt = excerpt(body.source());
            String retryAfter = response.header("Retry-After"); // the server's own word on when to come back
            String location = response.isRedirect() ? response.header("Location") : null;
            return new Outcome(CompletionResult.http(response.code()), "HTTP " + response.code()
                    + (retryAfter == null ? "" : " (Retry-After " + settings.excerpt(retryAfter) + ")")
                    + (location == null ? "" : " (a redirect to " + settings.excerpt(location) + ", not followed: the "
                    + "benchmark measures the server it was given)") + ": " + excerpt);
        }
        MediaType type = body.contentType();
        if (type != null && !(type.type().equals("text") && type.subtype().equals("event-stream"))) {
            return new Outcome(CompletionResult.MALFORMED_SSE, "content type " + type + ", not text/event-stream: "
                    + excerpt(body.source()));
        }
        new SseReader(body.source(), System::nanoTime, firstByteNanos).read(this::event);
        if (streamError != null) {
            return new Outcome(CompletionResult.STREAM_ERROR, "the server streamed an error after " + chunks
                    + " output chunks: " + settings.excerpt(streamError));
        }
        if (finished()) return completed();
        return new Outcome(CompletionResult.STREAM_CUT,
                "the stream ended after " + chunks + " output chunks, before [DONE]");
    }

    /** The generation is over: [DONE] came, or a finish reason (then only usage and [DONE] can be missing). */
    private boolean finished() {
        return done || !finishReason.isEmpty();
    }

    private Outcome completed() {
        return usage != null ? new Outcome(CompletionResult.OK, "")
                : new Outcome(CompletionResult.MISSING_USAGE, "the stream finished without usage; output tokens are the "
                + chunks + " output chunks counted by the client");
    }

    private boolean event(byte[] data, int length, long arrivalNanos) {
        lastEventNanos = arrivalNanos;
        if (Arrays.equals(data, 0, length, DONE, 0, DONE.length)) {
            done = true;
            return false;
        }
        Chunk chunk = ChunkParser.parse(data, length);
        if (chunk.error() != null) {
            streamError = chunk.error();
            return false;
        }
        if (chunk.hasOutput()) {
            if (chunks == 0) {
                firstTokenDeadline.cancel(false);
                stallDeadline = watchStall(settings.stallTimeout().toNanos());
                firstChunkNanos = arrivalNanos;
            }
            if (chunks == chunkNanos.length) chunkNanos = Arrays.copyOf(chunkNanos, chunks * 2);
            chunkNanos[chunks++] = arrivalNanos;
            chunksSeen = chunks; // after firstChunkNanos, so a reader that sees a chunk sees its time
        }
        if (chunk.finishReason() != null) finishReason = chunk.finishReason();
        if (chunk.usage() != null) usage = chunk.usage();
        return true;
    }

    /** Classifies an I/O failure before the response ({@code responded} false) or while streaming it. */
    private Outcome failure(IOException e, boolean responded) {
        String why = timeout;
        if (why != null) return new Outcome(CompletionResult.TIMEOUT, why + " (" + chunks + " output chunks received)");
        String stop = stopped;
        if (stop != null) return new Outcome(CompletionResult.CANCELLED, stop + " (" + chunks + " output chunks received)");
        if (settings.closed().getAsBoolean()) return new Outcome(CompletionResult.CANCELLED, "the endpoint was closed");
        if (call.isCanceled()) return new Outcome(CompletionResult.CANCELLED, "cancelled by the caller");
        if (responded) {
            return new Outcome(CompletionResult.STREAM_CUT, "the stream broke after " + chunks + " output chunks: " + e);
        }
        if (e instanceof ConnectException) return new Outcome(CompletionResult.REFUSED, e.toString());
        if (e instanceof SocketTimeoutException) return new Outcome(CompletionResult.TIMEOUT, "connect: " + e);
        return new Outcome(CompletionResult.IO_ERROR, e.toString());
    }

    private void finish(String status, String what, long endNanos) {
        if (firstTokenDeadline != null) firstTokenDeadline.cancel(false);
        if (totalDeadline != null) totalDeadline.cancel(false);
        Future<?> stall = stallDeadline;
        if (stall != null) stall.cancel(false);
        String detail = what.isEmpty() ? ""
                : settings.redact(what + " [POST " + settings.url() + ", " + request.describe() + "]");
        boolean reported = usage != null;
        result.complete(new CompletionResult(request, status, detail, sendNanos, writtenNanos, firstByteNanos, endNanos,
                reported ? usage.promptTokens() : request.inputTokens(),
                reported ? usage.cachedTokens() : -1,
                reported ? usage.completionTokens() : chunks,
                reported, finishReason, Arrays.copyOf(chunkNanos, chunks)));
    }

    /** The start of an error body, on one line; whatever arrived if the body breaks off. */
    private String excerpt(BufferedSource source) {
        Buffer buffer = source.getBuffer();
        try {
            source.request(EXCERPT_BYTES);
        } catch (IOException e) {
            // the excerpt is what arrived before the failure
        }
        return settings.excerpt(buffer.snapshot((int) Math.min(EXCERPT_BYTES, buffer.size())).utf8());
    }

    /** An exchange's future, through which {@link Endpoint#stop} finds the exchange. */
    static final class Result extends CompletableFuture<CompletionResult> {
        private final Exchange exchange;

        private Result(Exchange exchange) {
            this.exchange = exchange;
        }

        Exchange exchange() {
            return exchange;
        }
    }

    /** How an exchange ended: its status and, for a fault, what happened. */
    private record Outcome(String status, String what) {
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
