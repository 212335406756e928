package io.agentload.bench;

import io.agentload.endpoint.ClientProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The client's CPU cost from "bytes arrived" to "token recorded": SSE framing and chunk parsing of what one read
 * brings. {@code firstToken}: a chat stream's role chunk and first content chunk (vLLM's exact wire format);
 * {@code chunk}: one completions chunk; {@code stream200}: a whole 200-token completions stream with usage and
 * [DONE]; {@code line200k}: one chunk whose text is 200,000 characters.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamParseBench {

    private static final String HEAD = "{\"id\":\"cmpl-8d2e6f0c1b7a4e3f9a5b2c1d0e9f8a7b\",\"object\":\"%s\",\"created\":1767225600,"
            + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",";

    private final byte[] firstToken = bytes(
            "data: " + HEAD.formatted("chat.completion.chunk") + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                    + "data: " + HEAD.formatted("chat.completion.chunk") + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" The\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
    private final byte[] chunk = bytes(completionsChunk(" token", "null"));
    private final byte[] stream200 = bytes(completionsChunk(" token", "null").repeat(199) + completionsChunk(" end", "\"length\"")
            + "data: " + HEAD.formatted("text_completion") + "\"choices\":[],\"usage\":{\"prompt_tokens\":27000,"
            + "\"total_tokens\":27200,\"completion_tokens\":200,\"prompt_tokens_details\":{\"cached_tokens\":26000}}}\n\n"
            + "data: [DONE]\n\n");
    private final byte[] line200k = bytes(completionsChunk(" " + "x".repeat(199_999), "null"));

    private static String completionsChunk(String text, String finishReason) {
        return "data: " + HEAD.formatted("text_completion") + "\"choices\":[{\"index\":0,\"text\":\"" + text
                + "\",\"logprobs\":null,\"finish_reason\":" + finishReason + ",\"stop_reason\":null}],\"usage\":null}\n\n";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public long firstToken() throws IOException {
        return ClientProbe.firstToken(firstToken);
    }

    @Benchmark
    public long chunk() throws IOException {
        return ClientProbe.firstToken(chunk);
    }

    @Benchmark
    public int stream200() throws IOException {
        return ClientProbe.outputChunks(stream200);
    }

    @Benchmark
    public long line200k() throws IOException {
        return ClientProbe.firstToken(line200k);
    }
}
