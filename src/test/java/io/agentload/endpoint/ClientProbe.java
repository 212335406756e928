package io.agentload.endpoint;

import io.agentload.trajectory.PromptLayout;
import okio.Buffer;
import okio.BufferedSink;

import java.io.IOException;
import java.util.Arrays;

/**
 * The client's internal steps, run on their own for the benchmarks in {@code io.agentload.bench} (which cannot see
 * the package's internals): building and writing a request body, and the work between a read from the connection
 * returning and an output chunk being recorded (SSE framing and chunk parsing, as {@link Exchange} does it).
 */
public final class ClientProbe {

    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

    private ClientProbe() {
    }

    /** Builds a completions body as {@link Endpoint#send} does (its length computed) and writes it to {@code sink}. */
    public static long writeCompletionsBody(PromptLayout layout, long salt, int outputTokens, BufferedSink sink) throws IOException {
        BodyOptions options = new BodyOptions("meta-llama/Llama-3.1-8B-Instruct", 0, true, true, TokenIdRange.DEFAULT);
        CompletionsBody body = new CompletionsBody(options, new PromptTokens(layout, salt, options.tokenIds()), outputTokens);
        body.writeTo(sink);
        return body.contentLength();
    }

    /** Reads {@code stream} up to its first output chunk and returns that chunk's arrival stamp (a nanoTime). */
    public static long firstToken(byte[] stream) throws IOException {
        long[] first = {CompletionResult.NOT_REACHED};
        new SseReader(new Buffer().write(stream), System::nanoTime, System.nanoTime()).read((data, length, arrival) -> {
            if (ChunkParser.parse(data, length).hasOutput()) {
                first[0] = arrival;
                return false;
            }
            return true;
        });
        return first[0];
    }

    /** Reads the whole stream and returns the number of output chunks in it. */
    public static int outputChunks(byte[] stream) throws IOException {
        int[] chunks = {0};
        new SseReader(new Buffer().write(stream), System::nanoTime, System.nanoTime()).read((data, length, arrival) -> {
            if (Arrays.equals(data, 0, length, DONE, 0, DONE.length)) return false;
            if (ChunkParser.parse(data, length).hasOutput()) chunks[0]++;
            return true;
        });
        return chunks[0];
    }
}
