package io.agentload.bench;

import io.agentload.trajectory.PromptLayout;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Turn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;

/** Hashing a 131K-token prompt into 16-token prefix blocks: the simulator does this once per request. */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PromptLayoutBench {

    private final PromptLayout layout = PromptLayout.of(new Session("s", "java", List.of(
            new Turn("s", 0, "java", 131_072, 0, "sys", 8_000, 200, 0, List.of())))).get(0);

    @Benchmark
    public long[] blockHashes131k() {
        return layout.blockHashes(16, 42);
    }
}
