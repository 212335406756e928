package io.agentload.trajectory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Importing the real traces: the 12,031-line Mooncake conversation trace and all nine AA replay traces (174 calls,
 * tokenized with o200k_base). It lives beside the package-private importers it calls; run it with
 * {@code ./mvnw -B -q -o -Pbench test-compile exec:exec -Dbench=TraceImportBench} (add
 * {@code -Dbench.opts="-bm ss -wi 0 -i 1 -f 5"} for cold first imports, tokenizer loading included).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TraceImportBench {

    private Path conversationTrace;
    private Path aaTraces;

    @Setup
    public void locate() {
        conversationTrace = RealTraces.path("mooncake/conversation_trace.jsonl");
        aaTraces = RealTraces.path("aa-agentperf-local");
    }

    @Benchmark
    public List<Turn> mooncakeConversation() {
        return MooncakeTrace.read(conversationTrace);
    }

    @Benchmark
    public List<Turn> aaAllTraces() {
        return AaReplayTrace.read(aaTraces);
    }
}
