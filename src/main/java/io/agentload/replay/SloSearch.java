package io.agentload.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Finds, for each {@link SloTier}, the largest number of concurrent agents a system serves within the tier
 * (docs/design.md, "Tiers and the SLO search"), and from it agents per GPU and Agents per Megawatt.
 *
 * <pre>{@code
 * SloResult result = SloSearch.over(runner).withTiers(SloTier.parse("20,60,100")).withGpus(8).run();
 * result.tiers().get(0).maxAgents();
 * result.tiers().get(0).agentsPerMegawatt();
 * }</pre>
 *
 * <p>The search ramps N from {@code startAgents} by {@code growth} (x2) until every tier has failed (or N reaches
 * {@code maxAgents}), then bisects each tier's bracket, one trial at the midpoint of the first tier still open, until
 * the largest passing N is next to the smallest failing one (or within {@code tolerance} of it, relative). One trial
 * at N answers every tier, so brackets shrink together and a concurrency is never run twice. A tier's result is the
 * largest N that passed below the smallest N that failed: a failure never lets a larger passing N count, so noise
 * can only lower a result, and the tier says whether every trial agreed with it ({@code consistent}).
 *
 * <p>Trial counts: the ramp runs at most {@code ceil(log_growth(C / startAgents)) + 2} trials for capacity C, and
 * each tier's bisection at most {@code ceil(log2(bracket))}; trials serve every tier, so three tiers usually cost
 * far fewer than three searches. Every trial is kept: the SLO curves are the search's by-product.
 *
 * <p>Each trial is told its open tiers, those that no trial at its N or fewer agents has failed: the only ones whose
 * verdict there can move a result. A runner may stop the trial once each of them certainly fails or passes (the
 * simulator does, {@link Trial#cutAtVerdict()}), which leaves every result as the whole trial would.
 *
 * <p>Threads ({@link #withThreads}): when the runner's trials are independent (the simulator's), the trial the search
 * needs next runs beside the trials it would need after it for the likeliest verdicts (see {@code speculate}); a guess
 * the verdict proves wrong is cancelled. Trials are taken, numbered, told their open tiers and placed exactly as one
 * thread would, so the result and the run folder do not depend on the number of threads (a test holds both to it).
 *
 * <p>{@link #run(Run)} records into a run folder: request records as they complete, {@code trials.parquet} after
 * each trial, then {@code summary.json} and {@code report.html}. On a resumed run ({@link Run#resume}) the trials
 * already in {@code trials.parquet} are rebuilt from the recorded requests and reused, so the search goes on where
 * it stopped; requests of a trial that was cut short stay in the log under their trial number and are not used.
 */
final class SloSearch {

    /** Tiers whose verdicts the speculation combines (2^n guesses); later tiers are guessed to fail. */
    static final int GUESSED_TIERS = 6;

    private final TrialRunner runner;
    private final List<SloTier> tiers;
    private final int gpus;
    private final int startAgents;
    private final int maxAgents;
    private final double growth;
    private final double tolerance;
    private final int threads;
    private final Consumer<TrialMetrics> listener;

    private SloSearch(TrialRunner runner, List<SloTier> tiers, int gpus, int startAgents, int maxAgents,
                      double growth, double tolerance, int threads, Consumer<TrialMetrics> listener) {
        this.runner = runner;
        this.tiers = List.copyOf(tiers);
        this.gpus = gpus;
        this.startAgents = startAgents;
        this.maxAgents = maxAgents;
        this.growth = growth;
        this.tolerance = tolerance;
        this.threads = threads;
        this.listener = listener;
        if (this.tiers.isEmpty()) throw new IllegalArgumentException("no tiers to search");
        if (gpus < 1) throw new IllegalArgumentException("gpus " + gpus + " < 1");
        if (startAgents < 1 || maxAgents < startAgents) {
            throw new IllegalArgumentException("agents from " + startAgents + " to " + maxAgents);
        }
        if (!(growth > 1)) throw new IllegalArgumentException("growth " + growth + " is not above 1");
        if (!(tolerance >= 0 && tolerance < 1)) throw new IllegalArgumentException("tolerance " + tolerance);
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " < 1");
    }

    /** A search over trials from {@code runner}: default tiers, 1 GPU, 1 to 65,536 agents, doubling, exact, 1 thread. */
    public static SloSearch over(TrialRunner runner) {
        return new SloSearch(runner, SloTier.defaults(), 1, 1, 1 << 16, 2, 0, 1, m -> { });
    }

    /** A copy searching these tiers. */
    public SloSearch withTiers(List<SloTier> tiers) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads, listener);
    }

    /** A copy dividing max agents by this many GPUs for agents per GPU. */
    public SloSearch withGpus(int gpus) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads, listener);
    }

    /** A copy ramping from {@code start} agents up to at most {@code max}. */
    public SloSearch withAgents(int start, int max) {
        return new SloSearch(runner, tiers, gpus, start, max, growth, tolerance, threads, listener);
    }

    /** A copy multiplying N by {@code growth} at each ramp step. */
    public SloSearch withGrowth(double growth) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads, listener);
    }

    /**
     * A copy that stops bisecting a tier once its bracket is within {@code tolerance} of its lower end (0.05: 5%),
     * trading exactness for fewer trials; 0 bisects to the exact N.
     */
    public SloSearch withTolerance(double tolerance) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads, listener);
    }

    /**
     * A copy that, when the runner's trials are {@linkplain TrialRunner#independent() independent}, keeps up to
     * {@code threads} trials running at once: the one the search needs next and, speculatively, the ones it would
     * need after it for the likeliest verdicts. Only the trials the one-at-a-time search
     * runs are kept, numbered and placed as it would, so the result and the run folder do not depend on the threads.
     */
    public SloSearch withThreads(int threads) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads, listener);
    }

    /** A copy telling {@code listener} about each trial as the search takes it, in trial order. */
    public SloSearch withTrialListener(Consumer<TrialMetrics> listener) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance, threads,
                Objects.requireNonNull(listener, "listener"));
    }

    /** Runs the search without recording it. */
    public SloResult run() {
        return new Search(r -> { }, null).run(0);
    }

    /**
     * Runs the search recording into {@code run}, reusing the trials it already holds, and writes
     * {@code trials.parquet}, {@code summary.json} and {@code report.html}.
     */
    public SloResult run(Run run) {
        SloResult result = runUnreported(run);
        SearchFiles.write(run, result);
        return result;
    }

    /**
     * {@link #run(Run)} without the files written from the result ({@code trials.parquet} as the search left it, no
     * {@code summary.json} or {@code report.html}), for a caller that writes them while it does other work.
     */
    SloResult runUnreported(Run run) {
        List<RequestRecord> recorded = run.records();
        Search search = new Search(run::append, run);
        int next = 0;
        for (RequestRecord r : recorded) next = Math.max(next, r.trial() + 1);
        for (TrialMetrics t : TrialsTable.load(run, recorded)) {
            search.add(t);
            next = Math.max(next, t.trial() + 1);
        }
        return search.run(next);
    }

    /**
     * Which concurrency the search tries next, from the verdicts of the trials so far: the ramp from
     * {@code startAgents} by {@code growth} until every tier has failed or N reaches {@code maxAgents}, then the
     * midpoint of the first tier whose bracket is still open. A value: {@link #with} returns a changed copy, so the
     * search can ask what it would do after a trial that has not finished yet.
     */
    private final class Plan {
        private final TreeMap<Integer, boolean[]> verdicts;
        private final int rampAgents;
        private final boolean rampDone;

        Plan() {
            this(new TreeMap<>(), startAgents, false);
        }

        private Plan(TreeMap<Integer, boolean[]> verdicts, int rampAgents, boolean rampDone) {
            this.verdicts = verdicts;
            this.rampAgents = rampAgents;
            this.rampDone = rampDone;
        }

        /** The plan after a trial at {@code agents} with one verdict per tier, in the tiers' order. */
        Plan with(int agents, boolean[] verdict) {
            TreeMap<Integer, boolean[]> copy = new TreeMap<>(verdicts);
            copy.put(agents, verdict.clone());
            return new Plan(copy, rampAgents, rampDone).settled();
        }

        /** The next concurrency to try, or -1 when every tier's answer is found. */
        int next() {
            if (!rampDone) return rampAgents;
            for (int t = 0; t < tiers.size(); t++) {
                int hi = smallestFailing(t);
                if (hi == Integer.MAX_VALUE) continue;
                int lo = largestPassingBelow(t, hi);
                if (hi - lo > Math.max(1, (int) Math.floor(tolerance * lo))) return lo + (hi - lo) / 2;
            }
            return -1;
        }

        /** Moves the ramp past every point already tried, stopping it once every tier has failed. */
        private Plan settled() {
            int n = rampAgents;
            boolean done = rampDone;
            while (!done && verdicts.containsKey(n)) {
                if (everyTierFailed() || n >= maxAgents) {
                    done = true;
                } else {
                    n = (int) Math.min(maxAgents, Math.max(n + 1L, (long) Math.ceil(n * growth)));
                }
            }
            return n == rampAgents && done == rampDone ? this : new Plan(verdicts, n, done);
        }

        /**
         * The tiers whose verdict at {@code agents} can still move a result: those no trial at this N or fewer has
         * failed. A tier that passed above N is open too, since a failure at N would lower its result. Never empty
         * for the trial the search needs: the ramp stops once every tier has failed, and a bisection midpoint lies
         * below its tier's first failure.
         */
        List<SloTier> open(int agents) {
            List<SloTier> open = new ArrayList<>();
            for (int t = 0; t < tiers.size(); t++) if (smallestFailing(t) > agents) open.add(tiers.get(t));
            return open;
        }

        private boolean everyTierFailed() {
            for (int t = 0; t < tiers.size(); t++) if (smallestFailing(t) == Integer.MAX_VALUE) return false;
            return true;
        }

        int smallestFailing(int tier) {
            for (Map.Entry<Integer, boolean[]> e : verdicts.entrySet()) if (!e.getValue()[tier]) return e.getKey();
            return Integer.MAX_VALUE;
        }

        int largestPassingBelow(int tier, int bound) {
            int best = 0;
            for (Map.Entry<Integer, boolean[]> e : verdicts.headMap(bound, false).entrySet()) {
                if (e.getValue()[tier]) best = e.getKey();
            }
            return best;
        }
    }

    /** A trial's verdict on each tier, in the tiers' order. */
    private boolean[] verdict(TrialMetrics m) {
        boolean[] v = new boolean[tiers.size()];
        for (int t = 0; t < v.length; t++) v[t] = m.check(tiers.get(t)).passed();
        return v;
    }

    /** A trial the search may need: its number, agents, the plan after it, and the tiers it can still decide. */
    private record Guess(int number, int agents, Plan plan, List<SloTier> open) {
        Guess(int number, int agents, Plan plan) {
            this(number, agents, plan, plan.open(agents));
        }
    }

    /**
     * Up to {@code count} trials worth starting beside trial {@code number} at {@code agents}, which {@code plan}
     * needs next, likeliest first and breadth first: for every verdict the pending trial could give, the trial the
     * search would run after it, then the trials after those. A trial is its N and its open tiers (they decide where
     * it may be cut), so verdicts add up only when they lead to both. Among equals the larger N goes first, because a
     * passing trial runs its whole window while a failing one on the simulator stops early
     * (docs/simulator-speed.md), so a guess that the pending trial passes costs the least when wrong; then the one
     * with more tiers still open, that is, the pending trial passing its open tiers: a tier fails once in a ramp of
     * many steps, and at a bisection's midpoint the looser tiers, below their own first failure, mostly pass.
     */
    private List<Guess> speculate(Plan plan, int number, int agents, int count) {
        List<Guess> out = new ArrayList<>();
        List<Guess> level = List.of(new Guess(number, agents, plan));
        while (out.size() < count && !level.isEmpty()) {
            List<Guess> deeper = new ArrayList<>();
            for (Guess g : level) {
                Map<Next, Integer> votes = new HashMap<>();
                Map<Next, Guess> after = new LinkedHashMap<>();
                for (boolean[] v : everyVerdict()) {
                    Plan q = g.plan().with(g.agents(), v);
                    int m = q.next();
                    if (m < 0) continue;
                    Guess next = new Guess(g.number() + 1, m, q);
                    Next key = new Next(m, next.open());
                    votes.merge(key, 1, Integer::sum);
                    after.putIfAbsent(key, next);
                }
                List<Guess> order = new ArrayList<>(after.values());
                order.sort(Comparator.comparing((Guess n) -> votes.get(new Next(n.agents(), n.open())))
                        .thenComparing(Guess::agents).thenComparing(n -> n.open().size()).reversed());
                for (Guess next : order) {
                    if (out.size() == count) return out;
                    out.add(next);
                    deeper.add(next);
                }
            }
            level = deeper;
        }
        return out;
    }

    /** The trial after a pending one, for one of its verdicts: its N and open tiers (its number is the next one). */
    private record Next(int agents, List<SloTier> open) {
    }

    /** Every combination of per-tier verdicts (tiers beyond {@value #GUESSED_TIERS} are guessed to fail). */
    private List<boolean[]> everyVerdict() {
        int guessed = Math.min(tiers.size(), GUESSED_TIERS);
        List<boolean[]> all = new ArrayList<>(1 << guessed);
        for (int bits = 0; bits < 1 << guessed; bits++) {
            boolean[] v = new boolean[tiers.size()];
            for (int t = 0; t < guessed; t++) v[t] = (bits >> t & 1) != 0;
            all.add(v);
        }
        return all;
    }

    /** The search's state: the trials taken so far, by N and in order, and the trials computing ahead of need. */
    private final class Search {
        private final Consumer<RequestRecord> sink;
        private final Run run;
        private final TreeMap<Integer, TrialMetrics> byAgents = new TreeMap<>();
        private final List<TrialMetrics> inOrder = new ArrayList<>();
        private final Map<Guess, Future<TrialRunner.Placement>> ahead = new HashMap<>();
        private Plan plan = new Plan();
        private int nextTrial;

        Search(Consumer<RequestRecord> sink, Run run) {
            this.sink = sink;
            this.run = run;
        }

        void add(TrialMetrics m) {
            byAgents.put(m.agents(), m);
            inOrder.add(m);
            plan = plan.with(m.agents(), verdict(m));
        }

        SloResult run(int firstTrial) {
            nextTrial = firstTrial;
            boolean parallel = threads > 1 && runner.independent();
            ExecutorService pool = parallel ? Executors.newFixedThreadPool(threads, SloSearch::daemon) : null;
            try {
                for (int n = plan.next(); n >= 0; n = plan.next()) {
                    if (parallel) {
                        takeAhead(pool, n);
                    } else {
                        record(judge(n, runner.run(nextTrial, n, plan.open(n), sink)));
                    }
                }
            } finally {
                if (pool != null) pool.shutdownNow();
            }
            return result();
        }

        /**
         * Takes the trial at {@code agents} numbered {@code nextTrial}, computed on the pool beside the likeliest
         * trials after it. Its verdict is taken first and the trials it makes likeliest are started before its records
         * and files are written, so that no thread waits for the writing.
         */
        private void takeAhead(ExecutorService pool, int agents) {
            Guess needed = startAhead(pool, agents);
            Guess key = ahead.keySet().stream().filter(k -> sameTrial(k, needed)).findFirst().orElseThrow();
            Future<TrialRunner.Placement> f = ahead.remove(key);
            List<RequestRecord> records = new ArrayList<>();
            Trial trial;
            try {
                trial = f.get().place(records::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplayException("search interrupted while trial " + nextTrial + " at " + agents + " agents ran");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new ReplayException("trial " + nextTrial + " at " + agents + " agents failed: " + e.getCause());
            }
            TrialMetrics m = judge(agents, trial);
            int next = plan.next();
            if (next >= 0) startAhead(pool, next);
            records.forEach(sink);
            record(m);
        }

        /**
         * Makes sure the trial at {@code agents} numbered {@code nextTrial} and the likeliest trials after it are
         * computing on the pool, cancels speculative trials the search no longer needs, and returns the needed one.
         */
        private Guess startAhead(ExecutorService pool, int agents) {
            Guess needed = new Guess(nextTrial, agents, plan);
            List<Guess> wanted = new ArrayList<>();
            wanted.add(needed);
            wanted.addAll(speculate(plan, nextTrial, agents, threads - 1));
            ahead.entrySet().removeIf(e -> {
                boolean drop = wanted.stream().noneMatch(w -> sameTrial(w, e.getKey()));
                if (drop) e.getValue().cancel(true);
                return drop;
            });
            for (Guess g : wanted) {
                if (ahead.keySet().stream().noneMatch(k -> sameTrial(k, g))) {
                    ahead.put(g, pool.submit(() -> runner.compute(g.number(), g.agents(), g.open())));
                }
            }
            return needed;
        }

        /** Checks that {@code trial} is the one asked for, takes its verdict into the plan and returns its metrics. */
        private TrialMetrics judge(int agents, Trial trial) {
            if (trial.agents() != agents || trial.trial() != nextTrial) {
                throw new IllegalStateException("asked for trial " + nextTrial + " at " + agents + " agents, got trial "
                        + trial.trial() + " at " + trial.agents());
            }
            nextTrial++;
            TrialMetrics m = TrialMetrics.of(trial);
            add(m);
            return m;
        }

        /** Tells the listener about a judged trial and writes its records and the trials so far to the run folder. */
        private void record(TrialMetrics m) {
            listener.accept(m);
            if (run != null) {
                run.flush();
                run.writeTable(TrialsTable.FILE, TrialsTable.of(inOrder, tiers));
            }
        }

        private SloResult result() {
            List<SloResult.TierResult> results = new ArrayList<>();
            for (int t = 0; t < tiers.size(); t++) {
                SloTier tier = tiers.get(t);
                int hi = plan.smallestFailing(t);
                int max = plan.largestPassingBelow(t, hi);
                boolean consistent = byAgents.entrySet().stream()
                        .allMatch(e -> e.getValue().check(tier).passed() == (e.getKey() <= max));
                results.add(SloResult.TierResult.of(tier, max, hi == Integer.MAX_VALUE, consistent, gpus,
                        max == 0 ? Optional.empty() : byAgents.get(max).power()));
            }
            return new SloResult(results, inOrder, gpus);
        }
    }

    /**
     * Two guesses name the same trial when they agree on its number, agents and open tiers, whatever verdicts led to
     * them (verdicts that differ only on a tier closed at this N run the same trial).
     */
    private static boolean sameTrial(Guess a, Guess b) {
        return a.number() == b.number() && a.agents() == b.agents() && a.open().equals(b.open());
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "agentload-trial");
        t.setDaemon(true);
        return t;
    }
}
