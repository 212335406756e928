package io.agentload.replay;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What the shared core costs a trial: metrics of a 1,000-agent trial with 50,000 measured requests (20 inter-token
 * gaps each), judging it by a tier, and appending 10,000 records to a run's request log with one flush.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class SloBench {

    private Trial trial;
    private TrialMetrics metrics;
    private List<RequestRecord> batch;
    private Path dir;
    private Run run;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        List<RequestRecord> records = new ArrayList<>();
        for (int a = 0; a < 1000; a++) {
            for (int k = 0; k < 50; k++) {
                double send = 10 + k * 3 + random.nextDouble(), ttft = 0.1 + random.nextDouble();
                float[] gaps = new float[20];
                for (int g = 0; g < gaps.length; g++) gaps[g] = (float) (0.01 + 0.02 * random.nextDouble());
                records.add(RequestRecord.builder().trial(0, a).turn("s" + a, k, a).sendTime(send)
                        .firstByteTime(send + ttft).tokenTimes(send + ttft, send + ttft + 2).endTime(send + ttft + 2)
                        .tokens(30_000, 27_000, 150).interTokenLatencies(gaps).build());
            }
        }
        trial = new Trial(0, 1000, 0, 10, 160, 165, false, false, records, Optional.of(new TrialMetrics.MeanPower(5600, "gpu, modelled")));
        metrics = TrialMetrics.of(trial);
        batch = records.subList(0, 10_000);
        dir = Files.createTempDirectory("slo-bench");
        run = Run.builder(dir.resolve("run")).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        run.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Benchmark
    public TrialMetrics metricsOf50kRequests() {
        return TrialMetrics.of(trial);
    }

    @Benchmark
    public TrialMetrics.TierCheck checkTier() {
        return metrics.check(new SloTier(60, 3));
    }

    @Benchmark
    public Run append10kAndFlush() {
        batch.forEach(run::append);
        run.flush();
        return run;
    }
}
