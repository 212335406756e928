package io.agentload.replay;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * verdict there can move a result. A runner may stop the trial once all of them certainly fail (the simulator does,
 * {@link Trial#cutAtVerdict()}), which leaves every result as the whole trial would.
 *
 * <p>{@link #run(Run)} records into a run folder: request records as they complete, {@code trials.parquet} after
 * each trial, then {@code summary.json} and {@code report.html}. On a resumed run ({@link Run#resume}) the trials
 * already in {@code trials.parquet} are rebuilt from the recorded requests and reused, so the search goes on where
 * it stopped; requests of a trial that was cut short stay in the log under their trial number and are not used.
 */
final class SloSearch {

    private final TrialRunner runner;
    private final List<SloTier> tiers;
    private final int gpus;
    private final int startAgents;
    private final int maxAgents;
    private final double growth;
    private final double tolerance;

    private SloSearch(TrialRunner runner, List<SloTier> tiers, int gpus, int startAgents, int maxAgents,
                      double growth, double tolerance) {
        this.runner = runner;
        this.tiers = List.copyOf(tiers);
        this.gpus = gpus;
        this.startAgents = startAgents;
        this.maxAgents = maxAgents;
        this.growth = growth;
        this.tolerance = tolerance;
        if (this.tiers.isEmpty()) throw new IllegalArgumentException("no tiers to search");
        if (gpus < 1) throw new IllegalArgumentException("gpus " + gpus + " < 1");
        if (startAgents < 1 || maxAgents < startAgents) {
            throw new IllegalArgumentException("agents from " + startAgents + " to " + maxAgents);
        }
        if (!(growth > 1)) throw new IllegalArgumentException("growth " + growth + " is not above 1");
        if (!(tolerance >= 0 && tolerance < 1)) throw new IllegalArgumentException("tolerance " + tolerance);
    }

    /** A search over trials from {@code runner}: default tiers, 1 GPU, 1 to 65,536 agents, doubling, exact. */
    public static SloSearch over(TrialRunner runner) {
        return new SloSearch(runner, SloTier.defaults(), 1, 1, 1 << 16, 2, 0);
    }

    /** A copy searching these tiers. */
    public SloSearch withTiers(List<SloTier> tiers) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance);
    }

    /** A copy dividing max agents by this many GPUs for agents per GPU. */
    public SloSearch withGpus(int gpus) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance);
    }

    /** A copy ramping from {@code start} agents up to at most {@code max}. */
    public SloSearch withAgents(int start, int max) {
        return new SloSearch(runner, tiers, gpus, start, max, growth, tolerance);
    }

    /** A copy multiplying N by {@code growth} at each ramp step. */
    public SloSearch withGrowth(double growth) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance);
    }

    /**
     * A copy that stops bisecting a tier once its bracket is within {@code tolerance} of its lower end (0.05: 5%),
     * trading exactness for fewer trials; 0 bisects to the exact N.
     */
    public SloSearch withTolerance(double tolerance) {
        return new SloSearch(runner, tiers, gpus, startAgents, maxAgents, growth, tolerance);
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
        List<RequestRecord> recorded = run.records();
        Search search = new Search(run::append, run);
        int next = 0;
        for (RequestRecord r : recorded) next = Math.max(next, r.trial() + 1);
        for (TrialMetrics t : TrialsTable.load(run, recorded)) {
            search.add(t);
            next = Math.max(next, t.trial() + 1);
        }
        SloResult result = search.run(next);
        SearchFiles.write(run, result);
        return result;
    }

    /** One search's state: the trials run so far by N. */
    private final class Search {
        private final Consumer<RequestRecord> sink;
        private final Run run;
        private final TreeMap<Integer, TrialMetrics> byAgents = new TreeMap<>();
        private final List<TrialMetrics> inOrder = new ArrayList<>();
        private int nextTrial;

        Search(Consumer<RequestRecord> sink, Run run) {
            this.sink = sink;
            this.run = run;
        }

        void add(TrialMetrics m) {
            byAgents.put(m.agents(), m);
            inOrder.add(m);
        }

        SloResult run(int firstTrial) {
            nextTrial = firstTrial;
            int n = startAgents;
            while (true) {
                trialAt(n);
                if (tiers.stream().allMatch(t -> smallestFailing(t) != Integer.MAX_VALUE) || n >= maxAgents) break;
                n = (int) Math.min(maxAgents, Math.max(n + 1L, (long) Math.ceil(n * growth)));
            }
            while (true) {
                int mid = -1;
                for (SloTier t : tiers) {
                    int hi = smallestFailing(t);
                    if (hi == Integer.MAX_VALUE) continue;
                    int lo = largestPassingBelow(t, hi);
                    if (hi - lo > Math.max(1, (int) Math.floor(tolerance * lo))) {
                        mid = lo + (hi - lo) / 2;
                        break;
                    }
                }
                if (mid < 0) break;
                trialAt(mid);
            }
            return result();
        }

        private void trialAt(int agents) {
            if (byAgents.containsKey(agents)) return;
            Trial trial = runner.run(nextTrial, agents, open(agents), sink);
            if (trial.agents() != agents || trial.trial() != nextTrial) {
                throw new IllegalStateException("asked for trial " + nextTrial + " at " + agents + " agents, got trial "
                        + trial.trial() + " at " + trial.agents());
            }
            nextTrial++;
            add(TrialMetrics.of(trial));
            if (run != null) {
                run.flush();
                run.writeTable(TrialsTable.FILE, TrialsTable.of(inOrder, tiers));
            }
        }

        /**
         * The tiers whose verdict at {@code agents} can still move a result: those no trial at this N or fewer has
         * failed. A tier that passed above N is open too, since a failure at N would lower its result. Never empty:
         * the ramp stops once every tier has failed, and a bisection midpoint lies below its tier's first failure.
         */
        private List<SloTier> open(int agents) {
            return tiers.stream().filter(t -> smallestFailing(t) > agents).toList();
        }

        private int smallestFailing(SloTier tier) {
            for (Map.Entry<Integer, TrialMetrics> e : byAgents.entrySet()) {
                if (!e.getValue().check(tier).passed()) return e.getKey();
            }
            return Integer.MAX_VALUE;
        }

        private int largestPassingBelow(SloTier tier, int bound) {
            int best = 0;
            for (Map.Entry<Integer, TrialMetrics> e : byAgents.headMap(bound, false).entrySet()) {
                if (e.getValue().check(tier).passed()) best = e.getKey();
            }
            return best;
        }

        private SloResult result() {
            List<SloResult.TierResult> results = new ArrayList<>();
            for (SloTier t : tiers) {
                int hi = smallestFailing(t);
                int max = largestPassingBelow(t, hi);
                boolean consistent = byAgents.entrySet().stream()
                        .allMatch(e -> e.getValue().check(t).passed() == (e.getKey() <= max));
                results.add(SloResult.TierResult.of(t, max, hi == Integer.MAX_VALUE, consistent, gpus,
                        max == 0 ? Optional.empty() : byAgents.get(max).power()));
            }
            return new SloResult(results, inOrder, gpus);
        }
    }
}
