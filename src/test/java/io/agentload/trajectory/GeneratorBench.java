package io.agentload.trajectory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generating 10,000 coding-agent sessions (about 290,000 turns): with calibration, as
 * {@code Trajectories.generate} does it, and from an already calibrated generator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GeneratorBench {

    private final WorkloadShape shape = WorkloadShape.codingAgent();
    private final WorkloadGenerator calibrated = WorkloadGenerator.of(shape);

    @Benchmark
    public List<Session> calibrateAndGenerate10kSessions() {
        return WorkloadGenerator.of(shape).sessions(10_000, 42);
    }

    @Benchmark
    public List<Session> generate10kSessions() {
        return calibrated.sessions(10_000, 42);
    }

    @Benchmark
    public WorkloadGenerator calibrate() {
        return WorkloadGenerator.of(shape);
    }
}
