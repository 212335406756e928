package io.agentload.endpoint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of one streamed request, written straight to the connection: the prompt is generated token by token
 * as it is written, so a 1M-token prompt (about 6 MB of token ids) never exists in memory as an array or a string:
 * the sending thread allocates about 140 KB for one (MillionTokenPromptTest). The body is the same
 * bytes every time it is written (OkHttp may write it twice when it retries on a stale keep-alive connection), and
 * its exact length is known before sending, so it goes out with a {@code Content-Length} rather than chunked.
 */
abstract sealed class PromptBody extends RequestBody permits CompletionsBody, ChatBody {

    private static final MediaType JSON = MediaType.get("application/json");

    private final byte[] head;
    private final byte[] tail;
    private final long contentLength;

    /**
     * @param promptField the field holding the prompt ({@code prompt} or {@code messages})
     * @param promptBytes the exact length of the value {@link #writePrompt} writes
     */
    PromptBody(BodyOptions options, int outputTokens, String promptField, long promptBytes) {
        StringBuilder json = new StringBuilder(160).append("{\"model\":\"")
                .append(JsonStringEncoder.getInstance().quoteAsString(options.model()))
                .append("\",\"max_tokens\":").append(outputTokens);
        if (options.minTokens()) json.append(",\"min_tokens\":").append(outputTokens);
        if (options.ignoreEos()) json.append(",\"ignore_eos\":true");
        json.append(",\"temperature\":").append(options.temperature())
                .append(",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"")
                .append(promptField).append("\":");
        this.head = json.toString().getBytes(StandardCharsets.UTF_8);
        this.tail = new byte[] {'}'};
        this.contentLength = head.length + promptBytes + tail.length;
    }

    @Override
    public final MediaType contentType() {
        return JSON;
    }

    @Override
    public final long contentLength() {
        return contentLength;
    }

    @Override
    public final void writeTo(BufferedSink sink) throws IOException {
        sink.write(head);
        writePrompt(sink);
        sink.write(tail);
    }

    /** Writes the prompt's JSON value, exactly as many bytes as announced to the constructor. */
    abstract void writePrompt(BufferedSink sink) throws IOException;

    /** Ids per batch when walking a prompt (4 KiB, whatever the prompt's length). */
    static final int BATCH = 1_024;

    /** Decimal digits of a non-negative int. */
    static int digits(int n) {
        if (n < 100_000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1_000 ? 3 : n < 10_000 ? 4 : 5;
        return n < 10_000_000 ? (n < 1_000_000 ? 6 : 7) : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10;
    }
}
