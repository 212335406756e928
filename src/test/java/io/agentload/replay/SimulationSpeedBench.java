package io.agentload.replay;

import io.agentload.sim.Engine;
import io.agentload.sim.EngineConfig;
import io.agentload.trajectory.Session;
import io.agentload.trajectory.Trajectories;
import io.agentload.trajectory.Turn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What one simulated trial costs and how the cost grows (issue #13): each benchmark runs a sweep of single trials
 * in one JVM, after a small trial that warms the JIT, and prints one row per trial and, for each row after the first,
 * the exponent of the growth from the row before (1: the CPU per virtual second grows as the swept quantity: agents,
 * replicas, or the mean prompt of the trial's requests in the context sweep).
 * <ul>
 *   <li>{@code agents}: {@link #agents} agents on the whole target (every replica simulated);</li>
 *   <li>{@code replicas}: {@link #agentsPerReplica} agents per replica on 1, 3, ... of the target's replicas, so the
 *   load per replica stays the same and only the number of replicas grows;</li>
 *   <li>{@code contexts}: {@link #contextAgents} agents on sessions cut before the first turn whose prompt plus
 *   output exceeds each of {@link #contextCaps} tokens (0: the sample as shipped).</li>
 * </ul>
 * Every row gives the trial's warm-up and its virtual seconds (warm-up, window, cool-down), simulated requests (every phase) and engine
 * steps (replica steps, {@link Engine.Counters#steps()}), the CPU seconds of the benchmark thread
 * ({@link ThreadMXBean}) and of the whole process (JIT and GC included), wall seconds and the collectors' time, then
 * requests and steps per thread-CPU-second. A trial whose thread CPU passes {@link #cpuBudgetSeconds} is cut there
 * (its row is marked {@code cut}); its rates hold for the part that ran, and the full trial's CPU is extrapolated
 * from the CPU per virtual second so far. Sessions come from the shipped {@code data/coding-agent-sample.parquet}.
 *
 * <p>Run with {@code ./mvnw -B -q -o -Pbench test-compile exec:exec -Dbench=SimulationSpeedBench}; pick a sweep and
 * a target with {@code -Dbench=SimulationSpeedBench.agents -Dbench.opts="-p target=gb300-nvl72/deepseek-v3
 * -p agents=512:1024"} (lists take colons there: JMH splits parameters at commas). The trials run in one thread, as
 * {@link VirtualTimeDriver} runs them. Figures and what they mean: docs/simulator-speed.md.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Timeout(time = 2, timeUnit = TimeUnit.HOURS) // JMH's default 10 minutes interrupt a rack trial on a loaded machine
@State(Scope.Benchmark)
public class SimulationSpeedBench {

    /** System and model, as {@code system/model}; the default layout (all the system's replicas). */
    @Param({"h200x8/llama-3.1-70b", "gb300-nvl72/deepseek-v3"})
    public String target;

    /** The {@code agents} sweep: agent counts, separated by commas or (on JMH's command line) colons. */
    @Param("100,1000,10000")
    public String agents;

    /** The {@code replicas} sweep: agents per replica. */
    @Param("64")
    public int agentsPerReplica;

    /** The {@code contexts} sweep: agents on the whole target. */
    @Param("256")
    public int contextAgents;

    /** The {@code contexts} sweep: longest prompt plus output kept, separated as {@link #agents}; 0: all of it. */
    @Param("8192,32768,0")
    public String contextCaps;

    /** Measurement window of every trial. */
    @Param("60")
    public double windowSeconds;

    /** Longest warm-up of every trial (an overloaded trial warms up this long). */
    @Param("120")
    public double maxWarmUpSeconds;

    /**
     * Tiers open in every trial, as {@code --tiers} takes them ({@code 20:10}; several separated by {@code ;}), so that
     * a trial stops at its certain verdict as a search's does; empty: none, the whole trial.
     */
    @Param("")
    public String openTiers;

    /** Thread CPU after which a trial is cut and extrapolated. */
    @Param("300")
    public double cpuBudgetSeconds;

    private List<Session> sample;

    @Setup
    public void readSample() {
        sample = Trajectories.sessions(Trajectories.read(Path.of("data/coding-agent-sample.parquet")));
    }

    @Benchmark
    public List<Row> agents() {
        Sweep sweep = new Sweep("agents on " + target);
        for (int n : ints(agents)) sweep.add(String.valueOf(n), n, trial(config(0), sample, n));
        return sweep.print();
    }

    @Benchmark
    public List<Row> replicas() {
        int all = config(0).replicas();
        Sweep sweep = new Sweep("replicas of " + target + " at " + agentsPerReplica + " agents each");
        List<Integer> counts = new ArrayList<>();
        for (int r = 1; r < all; r *= 3) counts.add(r);
        counts.add(all);
        for (int r : counts) sweep.add(String.valueOf(r), r, trial(config(r), sample, r * agentsPerReplica));
        return sweep.print();
    }

    @Benchmark
    public List<Row> contexts() {
        Sweep sweep = new Sweep("context cap on " + target + " at " + contextAgents + " agents");
        for (int cap : ints(contextCaps)) {
            Row row = trial(config(0), cut(sample, cap), contextAgents);
            sweep.add(cap == 0 ? "all" : String.valueOf(cap), row.meanPrompt(), row);
        }
        return sweep.print();
    }

    /** One trial's measurement. */
    public record Row(int agents, int replicas, double warmUpSeconds, double virtualSeconds, long requests, long steps, double meanPrompt,
                      double threadCpu, double processCpu, double wall, double gc, boolean cut) {
        double requestsPerCpu() {
            return requests / threadCpu;
        }

        double stepsPerCpu() {
            return steps / threadCpu;
        }

        /** Thread CPU per virtual second, the figure whose growth the sweep reports. */
        double cpuPerVirtualSecond() {
            return threadCpu / virtualSeconds;
        }
    }

    private EngineConfig config(int replicas) {
        String[] parts = target.split("/");
        EngineConfig c = EngineConfig.of(parts[0], parts[1]);
        return replicas == 0 ? c : c.withReplicas(replicas);
    }

    private TrialPlan plan() {
        return TrialPlan.defaults().withWarmUpSeconds(0, maxWarmUpSeconds).withMeasurementSeconds(windowSeconds);
    }

    private boolean warmedUp;

    private Row trial(EngineConfig config, List<Session> sessions, int agentCount) {
        if (!warmedUp) {
            VirtualTimeDriver.builder(config, sessions).plan(plan().withWarmUpSeconds(0, 10).withMeasurementSeconds(10))
                    .build().run(0, Math.min(agentCount, 32), r -> { });
            warmedUp = true;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        VirtualTimeDriver driver = VirtualTimeDriver.builder(config, sessions).plan(plan()).build();
        Budget budget = new Budget(threads, cpuBudgetSeconds);
        long gc0 = gcMillis(), process0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
        boolean cut = false;
        double warmUp = Double.NaN;
        try {
            Trial t = driver.computeApart(0, agentCount, tiers(), budget).trial();
            warmUp = t.windowStart() - t.startTime();
        } catch (Budget.Spent e) {
            cut = true;
        }
        double threadCpu = (threads.getCurrentThreadCpuTime() - budget.start) / 1e9;
        double processCpu = (os.getProcessCpuTime() - process0) / 1e9, wall = (System.nanoTime() - wall0) / 1e9;
        Engine.Counters c = driver.lastEngine().counters();
        return new Row(agentCount, config.replicas(), warmUp, c.time(), budget.requests, c.steps(),
                budget.requests == 0 ? 0 : (double) budget.promptTokens / budget.requests, threadCpu, processCpu, wall,
                (gcMillis() - gc0) / 1e3, cut);
    }

    /** Counts the trial's records and cuts the trial once the thread has spent its CPU budget. */
    private static final class Budget implements Consumer<RequestRecord> {
        static final class Spent extends RuntimeException {
            Spent() {
                super(null, null, false, false);
            }
        }

        final ThreadMXBean threads;
        final long start;
        final long limit;
        long requests;
        long promptTokens;

        Budget(ThreadMXBean threads, double seconds) {
            this.threads = threads;
            this.start = threads.getCurrentThreadCpuTime();
            this.limit = start + (long) (seconds * 1e9);
        }

        @Override
        public void accept(RequestRecord r) {
            requests++;
            promptTokens += r.inputTokens();
            // Reading the thread's CPU time costs about a microsecond: look every 256 records.
            if ((requests & 255) == 0 && threads.getCurrentThreadCpuTime() > limit) throw new Spent();
        }
    }

    /**
     * The rows of one sweep, printed with the growth from each row to the next: agents, replicas, or (for the
     * context sweep) the mean prompt the trial's requests had.
     */
    private final class Sweep {
        private final String title;
        private final List<String> labels = new ArrayList<>();
        private final List<Double> xs = new ArrayList<>();
        private final List<Row> rows = new ArrayList<>();

        Sweep(String title) {
            this.title = title;
        }

        /** A row whose growth from the previous one is measured against {@code x}. */
        void add(String label, double x, Row row) {
            labels.add(label);
            xs.add(x);
            rows.add(row);
        }

        List<Row> print() {
            System.out.printf("%n%s; %.0f s window, warm-up at most %.0f s, CPU budget %.0f s a trial%n", title,
                    windowSeconds, maxWarmUpSeconds, cpuBudgetSeconds);
            System.out.printf("%8s %8s %5s %7s %9s %10s %11s %8s %8s %8s %7s %6s %10s %10s %9s %8s%n", "x", "agents",
                    "repl", "warm-up", "virtual s", "requests", "steps", "prompt", "thr CPU", "proc CPU", "wall", "GC",
                    "req/CPU-s", "step/CPU-s", "CPU/vs", "growth");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                String growth = "";
                if (i > 0) {
                    Row p = rows.get(i - 1);
                    double dx = Math.log(xs.get(i) / xs.get(i - 1));
                    if (dx != 0) growth = String.format("x^%.2f", Math.log(r.cpuPerVirtualSecond() / p.cpuPerVirtualSecond()) / dx);
                }
                System.out.printf("%8s %8d %5d %7.1f %9.1f %,10d %,11d %8.0f %8.2f %8.2f %7.2f %6.2f %,10.0f %,10.0f %9.4f %8s%s%n",
                        labels.get(i), r.agents, r.replicas, r.warmUpSeconds, r.virtualSeconds,
                        r.requests, r.steps, r.meanPrompt, r.threadCpu, r.processCpu, r.wall, r.gc, r.requestsPerCpu(),
                        r.stepsPerCpu(), r.cpuPerVirtualSecond(), growth,
                        r.cut ? String.format("  cut at %.0f virtual s; a full %.0f s warm-up and %.0f s window at "
                                + "this rate, drain not counted: about %.0f CPU s", r.virtualSeconds, maxWarmUpSeconds, windowSeconds,
                                r.cpuPerVirtualSecond() * (maxWarmUpSeconds + windowSeconds)) : "");
            }
            return rows;
        }
    }

    /** Each session up to (not including) its first turn whose prompt plus output exceeds {@code cap}; 0: all. */
    static List<Session> cut(List<Session> sessions, int cap) {
        if (cap == 0) return sessions;
        List<Session> out = new ArrayList<>();
        for (Session s : sessions) {
            List<Turn> kept = new ArrayList<>();
            for (Turn t : s.turns()) {
                if ((long) t.inputTokens() + t.outputTokens() > cap) break;
                kept.add(t);
            }
            if (!kept.isEmpty()) out.add(new Session(s.sessionId(), s.language(), kept));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no session starts under " + cap + " tokens");
        return out;
    }

    private List<SloTier> tiers() {
        return openTiers.isBlank() ? List.of() : SloTier.parse(openTiers.replace(';', ','));
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split("[,:]")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) total += Math.max(0, gc.getCollectionTime());
        return total;
    }
}
