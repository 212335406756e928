package io.agentload.endpoint;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * What one streamed request measured, whether it succeeded or not (a fault is a status, never an exception). Times
 * are {@link System#nanoTime()} readings; one that was never reached is {@link #NOT_REACHED}. Fields map one to one
 * onto a replay request record.
 *
 * <p>TTFT is first token minus send (docs/run-folder.md, "Metrics (from measured requests)"): the send time is read on
 * the request's own thread just before it executes the call (connection, headers, body, response), with no queue or
 * hand-off after it, so nothing the client does before the request reaches the network is left out. A "token" time is
 * the arrival of a streamed chunk carrying output (text, reasoning or a tool call); chunks usually carry one token, and
 * {@link #outputTokens()} comes from the server's {@code usage}.
 *
 * @param request        what was sent
 * @param status         {@link #OK}, or the fault: {@link #REFUSED}, {@code http_<code>}, {@link #TIMEOUT},
 *                       {@link #STREAM_CUT}, {@link #MALFORMED_SSE}, {@link #STREAM_ERROR}, {@link #MISSING_USAGE},
 *                       {@link #IO_ERROR}, {@link #CANCELLED} or {@link #CLIENT_ERROR}
 * @param detail         for a fault, what happened and to which request (URL without secrets, agent, session,
 *                       turn); empty when ok
 * @param sendNanos      when the request was handed to the HTTP client
 * @param writtenNanos   when the HTTP client had written the whole request (headers and body) to the connection:
 *                       its upload, part of TTFT, as the server starts only once it has read it all; or
 *                       {@link #NOT_REACHED}
 * @param firstByteNanos when the response headers arrived (time to first byte), or {@link #NOT_REACHED}
 * @param endNanos       when the stream finished, failed or was given up
 * @param inputTokens    {@code usage.prompt_tokens}; without usage, the prompt length sent
 * @param cachedTokens   {@code usage.prompt_tokens_details.cached_tokens}, or -1 when the server did not report it
 * @param outputTokens   {@code usage.completion_tokens}; without usage, the number of output chunks received
 * @param usageReported  whether the server sent {@code usage} (false means the token counts are the client's)
 * @param finishReason   the last {@code finish_reason} streamed, or empty
 * @param chunkNanos     arrival time of every output chunk, in order: the first is the first token, the last is the
 *                       last token, the gaps are the inter-token latencies
 */
public record CompletionResult(
        EndpointRequest request,
        String status,
        String detail,
        long sendNanos,
        long writtenNanos,
        long firstByteNanos,
        long endNanos,
        int inputTokens,
        int cachedTokens,
        int outputTokens,
        boolean usageReported,
        String finishReason,
        long[] chunkNanos) {

    /** A time that was never reached. */
    public static final long NOT_REACHED = Long.MIN_VALUE;

    /** The request streamed to its end with {@code usage}. */
    public static final String OK = "ok";
    /** Nothing accepted the connection. */
    public static final String REFUSED = "refused";
    /** The connect, first-token or total timeout passed; the detail says which. */
    public static final String TIMEOUT = "timeout";
    /** The stream ended or broke before {@code [DONE]} and before any finish reason. */
    public static final String STREAM_CUT = "stream_cut";
    /** The body was not server-sent events of OpenAI chunks: a bad line, invalid JSON, or another content type. */
    public static final String MALFORMED_SSE = "malformed_sse";
    /** The server streamed an {@code error} object instead of a chunk. */
    public static final String STREAM_ERROR = "stream_error";
    /** The generation finished ([DONE] or a finish reason) without a {@code usage} chunk: counts are the client's. */
    public static final String MISSING_USAGE = "missing_usage";
    /** Another I/O failure before the response (unknown host, TLS, a connection closed before any response). */
    public static final String IO_ERROR = "io_error";
    /** The caller cancelled the request, or closed the endpoint while it ran. */
    public static final String CANCELLED = "cancelled";
    /** A bug in the client itself; the detail holds the exception. */
    public static final String CLIENT_ERROR = "client_error";

    public CompletionResult {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        finishReason = finishReason == null ? "" : finishReason;
        chunkNanos = chunkNanos.clone();
    }

    /** The status of an HTTP error response: {@code http_429}, {@code http_500}... */
    public static String http(int code) {
        return "http_" + code;
    }

    /** Whether the request completed with usage ({@link #OK}). */
    public boolean ok() {
        return OK.equals(status);
    }

    /** Arrival time of every output chunk (a copy). */
    @Override
    public long[] chunkNanos() {
        return chunkNanos.clone();
    }

    /** Output chunks received, counted by the client. */
    public int outputChunks() {
        return chunkNanos.length;
    }

    /** When the first output chunk arrived, or {@link #NOT_REACHED}. */
    public long firstTokenNanos() {
        return chunkNanos.length == 0 ? NOT_REACHED : chunkNanos[0];
    }

    /** When the last output chunk arrived, or {@link #NOT_REACHED}. */
    public long lastTokenNanos() {
        return chunkNanos.length == 0 ? NOT_REACHED : chunkNanos[chunkNanos.length - 1];
    }

    /** Time to first token in seconds, or NaN when no token arrived. */
    public double ttftSeconds() {
        return since(firstTokenNanos());
    }

    /** Send to the end of the request's upload, in seconds, or NaN when it was never written whole. */
    public double uploadSeconds() {
        return since(writtenNanos);
    }

    /** Time to first byte (response headers) in seconds, or NaN when no response arrived. */
    public double timeToFirstByteSeconds() {
        return since(firstByteNanos);
    }

    /** Send to end of stream, in seconds. */
    public double e2eSeconds() {
        return since(endNanos);
    }

    /**
     * Output speed, (output tokens - 1) / (last token - first token) (docs/run-folder.md, "Metrics (from measured
     * requests)"), or NaN with fewer than two tokens or when they arrived together.
     */
    public double outputTokensPerSecond() {
        long span = lastTokenNanos() - firstTokenNanos();
        return chunkNanos.length < 2 || outputTokens < 2 || span <= 0 ? Double.NaN : (outputTokens - 1) / (span / 1e9);
    }

    private double since(long nanos) {
        return nanos == NOT_REACHED ? Double.NaN : (nanos - sendNanos) / 1e9;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompletionResult r && request.equals(r.request) && status.equals(r.status)
                && detail.equals(r.detail) && sendNanos == r.sendNanos && writtenNanos == r.writtenNanos
                && firstByteNanos == r.firstByteNanos
                && endNanos == r.endNanos && inputTokens == r.inputTokens && cachedTokens == r.cachedTokens
                && outputTokens == r.outputTokens && usageReported == r.usageReported
                && finishReason.equals(r.finishReason) && Arrays.equals(chunkNanos, r.chunkNanos);
    }

    @Override
    public int hashCode() {
        return Objects.hash(request, status, sendNanos, endNanos, outputTokens) * 31 + Arrays.hashCode(chunkNanos);
    }

    /** One line: status, request, TTFT, tokens and speed (no chunk times). */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CompletionResult[%s, %s, ttft %.3f s, e2e %.3f s, input %d (cached %d),"
                        + " output %d in %d chunks%s, %.1f tok/s%s]",
                status, request.describe(), ttftSeconds(), e2eSeconds(), inputTokens, cachedTokens, outputTokens,
                chunkNanos.length, usageReported ? "" : " (client-counted)", outputTokensPerSecond(),
                detail.isEmpty() ? "" : ": " + detail);
    }
}
