package io.agentload.bench;

import io.agentload.endpoint.Endpoint;
import io.agentload.sim.EngineConfig;
import io.agentload.sim.SimServer;
import io.agentload.replay.Replay;
import io.agentload.replay.Simulation;
import io.agentload.replay.SloResult;
import io.agentload.replay.SloTier;
import io.agentload.replay.TrialMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The same benchmark in virtual time and in real time: one replica of Llama 3.1 8B on an H100 (the simulator's
 * h100x8 profile, one GPU used), the shipped coding-agent sample, tiers 20 and 60 tok/s, a {@code window}-second
 * measurement window after a warm-up of at most 120 s, the same seed. The virtual-time search runs on the simulator
 * ({@link Simulation}) for seeds 1 to {@code virtualSeeds}, which gives the noise of the answer across seeds; the
 * real-time search replays against the same engine behind {@code SimServer} on loopback ({@link Replay}) at seed
 * {@code seed}. Prints every tier's max agents both ways and each real-time trial's metrics. The two should agree
 * within the seed-to-seed noise; what differs by design: the real-time client's prompts do not resend the server's
 * answer, so the answer's blocks are never cached in real time (more prefill per turn), and real time adds the HTTP
 * path and the engine loop's wake-up lag to every TTFT. Score: wall time of the real-time search.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-XX:+UseZGC"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Timeout(time = 3, timeUnit = TimeUnit.HOURS)
public class RealVsVirtualBench {

    static final EngineConfig ONE_H100 = EngineConfig.of("h100x8", "llama-3.1-8b").withReplicas(1);
    static final Path SAMPLE = Path.of("data/coding-agent-sample.parquet");
    static final String TIERS = "20,60";

    @Param("1")
    public long seed;

    @Param("60")
    public int window;

    @Param("5")
    public int virtualSeeds;

    @Benchmark
    public SloResult bothWays() throws IOException {
        List<List<Integer>> virtual = new ArrayList<>();
        for (long s = 1; s <= virtualSeeds; s++) {
            SloResult v = Simulation.of(ONE_H100).withTrajectories(SAMPLE).withTiers(SloTier.parse(TIERS)).withWindow(Duration.ofNanos(Math.round((window) * 1e9))).withWarmUp(Duration.ZERO, Duration.ofSeconds(120))
                    .withSeed(s).search();
            virtual.add(v.tiers().stream().map(SloResult.TierResult::maxAgents).toList());
            System.out.printf("%n  virtual time, seed %d: max agents %s after %d trials%n", s, virtual.get(virtual.size() - 1),
                    v.trials().size());
        }
        Path dir = Files.createTempDirectory("agentload-real-vs-virtual");
        SloResult real;
        List<TrialMetrics> trials = new ArrayList<>();
        try (SimServer server = SimServer.builder(ONE_H100).port(0).build().start();
             Endpoint endpoint = Endpoint.builder().baseUrl(server.baseUrl()).model(server.modelName()).noApiKey()
                     .build()) {
            real = Replay.against(endpoint).withTrajectories(SAMPLE).withTiers(SloTier.parse(TIERS)).withWindow(Duration.ofSeconds(window))
                    .withWarmUp(Duration.ZERO, Duration.ofSeconds(120)).withSeed(seed).withTrialListener(m -> {
                        trials.add(m);
                        System.out.printf(Locale.ROOT, "  real-time trial %d: %d agents, TTFT p90 %.3f s%n", m.trial(),
                                m.agents(), m.ttft().p90());
                    }).search(dir);
        }
        System.out.printf(Locale.ROOT, "%n  h100x8/llama-3.1-8b, 1 replica, %s, tiers %s, %d s windows%n", SAMPLE, TIERS,
                window);
        for (int i = 0; i < real.tiers().size(); i++) {
            int tier = i;
            List<Integer> bySeed = virtual.stream().map(v -> v.get(tier)).toList();
            System.out.printf(Locale.ROOT, "  %-36s virtual time, seeds 1-%d: %s (seed %d: %d); real time, seed %d: %d%n",
                    real.tiers().get(i).tier().label(), virtualSeeds, bySeed, seed, bySeed.get((int) seed - 1), seed,
                    real.tiers().get(i).maxAgents());
        }
        for (TrialMetrics m : trials) {
            System.out.printf(Locale.ROOT, "  real-time trial %d: %d agents, warm-up %.0f s%s, %d measured requests, "
                            + "TTFT p90 %.3f s, cached %.2f, %s%n", m.trial(), m.agents(), m.windowStart() - m.startTime(),
                    m.warmUpCut() ? " (cut)" : "", m.measuredRequests(), m.ttft().p90(), m.cachedTokenRatio(),
                    real.tiers().stream().map(t -> m.check(t.tier())).map(c -> String.format(Locale.ROOT, "%.0f tok/s %s "
                            + "(%.0f%%)", c.tier().minOutputTokensPerSecond(), c.passed() ? "pass" : "fail",
                            100 * c.sharePassing())).collect(Collectors.joining(", ")));
        }
        return real;
    }
}
