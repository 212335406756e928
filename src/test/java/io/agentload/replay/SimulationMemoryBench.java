package io.agentload.replay;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.WorkloadShape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's memory at long contexts (issue #13, item 3): one trial of {@code agents} agents on
 * {@code target} replaying generated coding-agent sessions whose contexts grow toward {@code contextLimit} tokens
 * (the published shape scaled to that window, {@code WorkloadShape.withScaledContextLimit}), in a JVM limited to a
 * 2 GB heap ({@code -Xmx2g}; an {@link OutOfMemoryError} fails the benchmark). Prints the live heap before the
 * trial and the largest heap the collectors left after any collection during it (every collection reports the heap
 * in use after it: the live set plus what a young collection kept, so an upper bound), the live heap a full
 * collection leaves at the trial's end with its records and engine still held, the growth per agent, the trial's
 * requests and its CPU; records keep only their gaps' summary unless {@code -p itlDetail=true}. A model whose context
 * is shorter than the limit is given the limit ({@code maxContextTokens}), so that the requests are served rather
 * than refused.
 *
 * <p>Run with {@code ./mvnw -B -q -o -Pbench test-compile exec:exec -Dbench=SimulationMemoryBench
 * -Dbench.opts="-p agents=10000 -p contextLimit=131072 -p windowSeconds=120"} (and {@code -p agents=1000
 * -p contextLimit=1048576}; {@code -p itlDetail=true} for records with every gap).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimulationMemoryBench {

    /** System and model, as {@code system/model}, on every replica of the system. */
    @Param("gb300-nvl72/deepseek-v3")
    public String target;

    @Param("10000")
    public int agents;

    /** The generator's context limit: sessions grow toward it. */
    @Param("131072")
    public int contextLimit;

    /** Sessions the agents replay (each agent takes them in its own order). */
    @Param("2000")
    public int sessions;

    @Param("120")
    public double windowSeconds;

    @Param("300")
    public double maxWarmUpSeconds;

    /** Whether records keep every inter-token gap ({@code --itl-detail}) or only their summary (the default). */
    @Param("false")
    public boolean itlDetail;

    @Benchmark
    public long trial() {
        List<Session> generated = Trajectories.sessions(
                Trajectories.generate(WorkloadShape.codingAgent().withScaledContextLimit(contextLimit), sessions, 7));
        String[] parts = target.split("/");
        EngineConfig config = EngineConfig.of(parts[0], parts[1]);
        if (config.model().maxContextTokens() < contextLimit) {
            config = EngineConfig.of(config.system(), config.model().withMaxContextTokens(contextLimit));
        }
        TrialPlan plan = TrialPlan.defaults().withWarmUpSeconds(0, maxWarmUpSeconds).withMeasurementSeconds(windowSeconds);
        VirtualTimeDriver driver = VirtualTimeDriver.builder(config, generated).plan(plan).itlDetail(itlDetail).build();
        long idle = liveHeap();
        AtomicLong peak = watchCollections();
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        Trial t = driver.computeApart(0, agents).trial();
        double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
        // What a full collection leaves with the trial's records and its engine still held: the live set at the end.
        long atEnd = liveHeap();
        long most = Math.max(peak.get(), atEnd);
        double meanPrompt = t.records().stream().mapToLong(RequestRecord::inputTokens).average().orElse(0);
        System.out.printf(Locale.ROOT, "%n%s, %,d agents, contexts to %,d tokens (mean prompt %,.0f): %,d requests in "
                        + "%.0f virtual s, %.1f s of CPU; live heap %.0f MB idle, %.0f MB at most during the trial "
                        + "(max heap %.0f MB): %,.0f bytes per agent; %.0f MB live at its end (records and engine "
                        + "held): %,.0f bytes per agent%n",
                target, agents, contextLimit, meanPrompt, t.records().size(), t.endTime(), cpu, idle / 1e6, most / 1e6,
                Runtime.getRuntime().maxMemory() / 1e6, (double) (most - idle) / agents, atEnd / 1e6,
                (double) (atEnd - idle) / agents);
        return t.records().size();
    }

    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The largest heap in use after any collection from now on. */
    private static AtomicLong watchCollections() {
        AtomicLong peak = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                peak.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        return peak;
    }
}
