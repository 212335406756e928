package io.agentload.endpoint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of one streamed request, written straight to the connection: the prompt is generated token by token
 * as it is written, so a 131K-token prompt never exists in memory as an array or a string. The body is the same
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

    /** Decimal digits of a non-negative int. */
    static int digits(int n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }
}
