package io.agentload.bench;

import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimLoop;
import io.agentload.trajectory.Session;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One simulator trial as the SLO search runs it: 200 agents on h200x8 serving llama-3.1-70b for 10 minutes of
 * virtual time. Reports trials per second and, as the {@code requests} counter, simulated requests per CPU second.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBench {

    private List<Session> sessions;

    /** Requests the simulated agents completed, reported per second of benchmark time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Simulated {
        public long requests;

        @Setup(Level.Iteration)
        public void reset() {
            requests = 0;
        }
    }

    @Setup
    public void sessions() {
        sessions = SimLoop.agenticSessions(200, 40, 7);
    }

    @Benchmark
    public SimLoop.Result trial200AgentsTenMinutes(Simulated simulated) {
        SimLoop.Result r = SimLoop.run(Engine.create(EngineConfig.of("h200x8", "llama-3.1-70b")), sessions, 200, 600);
        simulated.requests += r.finished();
        return r;
    }
}
