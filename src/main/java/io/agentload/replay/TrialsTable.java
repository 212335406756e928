package io.agentload.replay;

import org.jspecify.annotations.Nullable;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code trials.parquet}: one row per (trial, tier) with the trial's timeline, metrics and power and the tier's
 * verdict, so that {@code SELECT agents, share_passing FROM 'trials.parquet' WHERE min_output_tps = 60} draws an
 * SLO curve. It is also how a resumed search recovers its finished trials, and where their exact ITL percentiles
 * live when the request log kept only each request's summary of its gaps; with {@link AgentsFile}, it holds every
 * figure of a trial whose requests' rows the log did not keep.
 */
final class TrialsTable {

    static final String FILE = "trials.parquet";
    /** Whether the trial was cut at its verdict; absent from files written before trials could be. */
    private static final String CUT_AT_VERDICT = "cut_at_verdict";
    /** Requests sent in the warm-up and in the cool-down; absent from files written before 2026-12-07's evening. */
    private static final String WARM_UP_REQUESTS = "warm_up_requests", COOL_DOWN_REQUESTS = "cool_down_requests";
    /**
     * Whether {@code requests.parquet} keeps the trial's rows; written only by a search that dropped some
     * (docs/run-folder.md, "Size of a big search"): absent, every trial's rows are kept.
     */
    private static final String REQUESTS_KEPT = "requests_kept";
    /** Why each trial's window opened and its cool-down ended; absent from files written before 2026-12-07's night. */
    private static final String WINDOW_OPENED = "window_opened", COOL_DOWN_ENDED = "cool_down_ended";

    private TrialsTable() {
    }

    static Table of(List<TrialMetrics> trials, List<SloTier> tiers) {
        return of(trials, tiers, null);
    }

    /**
     * As {@link #of(List, List)}, with the column {@value #REQUESTS_KEPT} saying whether {@code requests.parquet}
     * keeps each trial's rows ({@code kept} holds the trial numbers whose rows it keeps; null: no such column).
     */
    static Table of(List<TrialMetrics> trials, List<SloTier> tiers, @Nullable Set<Integer> kept) {
        Table t = Table.create("trials");
        IntColumn trial = IntColumn.create("trial"), agents = IntColumn.create("agents");
        DoubleColumn start = DoubleColumn.create("start_s"), windowStart = DoubleColumn.create("window_start_s"),
                windowEnd = DoubleColumn.create("window_end_s"), end = DoubleColumn.create("end_s");
        BooleanColumn warmUpCut = BooleanColumn.create("warm_up_cut"),
                cutAtVerdict = BooleanColumn.create(CUT_AT_VERDICT);
        IntColumn measured = IntColumn.create("measured_requests"), failed = IntColumn.create("failed_requests"),
                warmUpRequests = IntColumn.create(WARM_UP_REQUESTS), coolDownRequests = IntColumn.create(COOL_DOWN_REQUESTS);
        DoubleColumn outputTps = DoubleColumn.create("output_tps"), rps = DoubleColumn.create("requests_per_s"),
                cached = DoubleColumn.create("cached_token_ratio");
        DoubleColumn ttft50 = DoubleColumn.create("ttft_p50_s"), ttft90 = DoubleColumn.create("ttft_p90_s"),
                ttft99 = DoubleColumn.create("ttft_p99_s"), e2e50 = DoubleColumn.create("e2e_p50_s"),
                e2e90 = DoubleColumn.create("e2e_p90_s"), e2e99 = DoubleColumn.create("e2e_p99_s"),
                itl50 = DoubleColumn.create("itl_p50_s"), itl90 = DoubleColumn.create("itl_p90_s"),
                itl99 = DoubleColumn.create("itl_p99_s");
        DoubleColumn power = DoubleColumn.create("mean_power_w");
        StringColumn boundary = StringColumn.create("power_boundary");
        DoubleColumn minTps = DoubleColumn.create("min_output_tps"), maxTtft = DoubleColumn.create("max_ttft_s"),
                pct = DoubleColumn.create("percentile_of_agents");
        IntColumn judged = IntColumn.create("agents_judged"), passing = IntColumn.create("agents_passing");
        DoubleColumn share = DoubleColumn.create("share_passing");
        BooleanColumn passed = BooleanColumn.create("passed"), requestsKept = BooleanColumn.create(REQUESTS_KEPT);
        DoubleColumn goodput = DoubleColumn.create("goodput_rps"), agentTps = DoubleColumn.create("agent_output_tps"),
                agentTtft = DoubleColumn.create("agent_ttft_s");
        for (TrialMetrics m : trials) {
            for (SloTier tier : tiers) {
                TrialMetrics.TierCheck c = m.check(tier);
                trial.append(m.trial());
                agents.append(m.agents());
                start.append(m.startTime());
                windowStart.append(m.windowStart());
                windowEnd.append(m.windowEnd());
                end.append(m.endTime());
                warmUpCut.append(m.warmUpCut());
                cutAtVerdict.append(m.cutAtVerdict());
                measured.append(m.measuredRequests());
                failed.append(m.failedRequests());
                outputTps.append(m.outputTokensPerSecond());
                rps.append(m.requestsPerSecond());
                cached.append(m.cachedTokenRatio());
                ttft50.append(m.ttft().p50());
                ttft90.append(m.ttft().p90());
                ttft99.append(m.ttft().p99());
                e2e50.append(m.e2eLatency().p50());
                e2e90.append(m.e2eLatency().p90());
                e2e99.append(m.e2eLatency().p99());
                itl50.append(m.interTokenLatency().p50());
                itl90.append(m.interTokenLatency().p90());
                itl99.append(m.interTokenLatency().p99());
                power.append(m.meanWatts());
                if (m.power().isPresent()) boundary.append(m.power().get().boundary());
                else boundary.appendMissing();
                minTps.append(tier.minOutputTokensPerSecond());
                maxTtft.append(tier.maxTtftSeconds());
                pct.append(tier.percentileOfAgents());
                judged.append(c.agentsJudged());
                passing.append(c.agentsPassing());
                share.append(c.sharePassing());
                passed.append(c.passed());
                goodput.append(c.goodput());
                agentTps.append(finiteOrMissing(c.agentOutputTokensPerSecond()));
                agentTtft.append(finiteOrMissing(c.agentTtft()));
                warmUpRequests.append(m.warmUpRequests());
                coolDownRequests.append(m.coolDownRequests());
                if (kept != null) requestsKept.append(kept.contains(m.trial()));
            }
        }
        t.addColumns(trial, agents, start, windowStart, windowEnd, end, warmUpCut, cutAtVerdict, measured, failed,
                outputTps, rps, cached, ttft50, ttft90, ttft99, e2e50, e2e90, e2e99, itl50, itl90, itl99, power, boundary,
                minTps, maxTtft, pct, judged, passing, share, passed, goodput, agentTps, agentTtft, warmUpRequests,
                coolDownRequests);
        t.addColumns(phaseEnds(trials, tiers));
        return kept == null ? t : t.addColumns(requestsKept);
    }

    /** The columns {@value #WINDOW_OPENED} and {@value #COOL_DOWN_ENDED}, a row per (trial, tier) as in {@link #of}. */
    private static StringColumn[] phaseEnds(List<TrialMetrics> trials, List<SloTier> tiers) {
        StringColumn opened = StringColumn.create(WINDOW_OPENED), ended = StringColumn.create(COOL_DOWN_ENDED);
        for (TrialMetrics m : trials) {
            for (int i = 0; i < tiers.size(); i++) {
                opened.append(m.windowOpened().label());
                ended.append(m.coolDownEnded().label());
            }
        }
        return new StringColumn[] {opened, ended};
    }

    private static TrialMetrics.WindowOpened windowOpened(Table table, Row row) {
        return table.containsColumn(WINDOW_OPENED) ? TrialMetrics.WindowOpened.of(row.getString(WINDOW_OPENED))
                : TrialMetrics.WindowOpened.UNRECORDED;
    }

    private static TrialMetrics.CoolDownEnded coolDownEnded(Table table, Row row) {
        return table.containsColumn(COOL_DOWN_ENDED) ? TrialMetrics.CoolDownEnded.of(row.getString(COOL_DOWN_ENDED))
                : TrialMetrics.CoolDownEnded.UNRECORDED;
    }

    private static boolean cutAtVerdict(Table table, Row row) {
        return table.containsColumn(CUT_AT_VERDICT) && row.getBoolean(CUT_AT_VERDICT);
    }

    private static double finiteOrMissing(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    /**
     * The metrics of the finished trials recorded in {@code run}, rebuilt from {@code trials.parquet} and the
     * recorded requests; ITL percentiles from the requests' gaps when they were kept, else as {@code trials.parquet}
     * recorded them.
     */
    static List<TrialMetrics> load(Run run, List<RequestRecord> recorded) {
        if (!run.has(FILE)) return List.of();
        Table table = run.readTable(FILE);
        Map<Integer, List<RequestRecord>> byTrial = new HashMap<>();
        for (RequestRecord r : recorded) byTrial.computeIfAbsent(r.trial(), k -> new ArrayList<>()).add(r);
        Map<Integer, List<TrialMetrics.AgentMetrics>> agents = table.containsColumn(REQUESTS_KEPT)
                ? AgentsFile.read(run) : Map.of();
        Map<Integer, TrialMetrics> trials = new LinkedHashMap<>();
        for (Row row : table) {
            int n = row.getInt("trial");
            if (trials.containsKey(n)) continue;
            try {
                if (table.containsColumn(REQUESTS_KEPT) && !row.getBoolean(REQUESTS_KEPT)) {
                    trials.put(n, summarised(table, row, agents.get(n)));
                    continue;
                }
                trials.put(n, TrialMetrics.of(timeline(table, row, byTrial.getOrDefault(n, List.of())),
                        percentiles(row, "itl"), phases(table, row)));
            } catch (RuntimeException e) {
                throw new ReplayException(run.dir().resolve(FILE) + " row " + row.getRowNumber()
                        + " (trial " + n + "): " + e.getMessage(), e);
            }
        }
        return List.copyOf(trials.values());
    }

    /**
     * The trial of {@code row} with {@code records}: its timeline, power and output throughput as recorded (the
     * window's tokens of every request, which the records of a simulated folder no longer hold).
     */
    private static Trial timeline(Table table, Row row, List<RequestRecord> records) {
        Optional<TrialMetrics.MeanPower> power = TrialMetrics.MeanPower.of(row.getDouble("mean_power_w"),
                row.getString("power_boundary"));
        double windowStart = row.getDouble("window_start_s"), windowEnd = row.getDouble("window_end_s");
        return new Trial(row.getInt("trial"), row.getInt("agents"), row.getDouble("start_s"), windowStart, windowEnd,
                row.getDouble("end_s"), row.getBoolean("warm_up_cut"), cutAtVerdict(table, row), records, power, null,
                Math.round(row.getDouble("output_tps") * (windowEnd - windowStart)), windowOpened(table, row),
                coolDownEnded(table, row));
    }

    /** The phases' counts of {@code row}; null in files written before the counts existed, which kept every row. */
    private static TrialMetrics.@Nullable PhaseCounts phases(Table table, Row row) {
        return !table.containsColumn(WARM_UP_REQUESTS) ? null
                : new TrialMetrics.PhaseCounts(row.getInt(WARM_UP_REQUESTS), row.getInt(COOL_DOWN_REQUESTS));
    }

    /**
     * The trial of {@code row} rebuilt from its rows of {@code table} (one per tier: the goodput of each) and its
     * agents' figures, its requests' rows not kept.
     */
    private static TrialMetrics summarised(Table table, Row row, @Nullable List<TrialMetrics.AgentMetrics> agents) {
        if (agents == null) {
            throw new ReplayException("its requests' rows were not kept and " + AgentsFile.FILE + " has none of its agents");
        }
        int n = row.getInt("trial");
        Map<SloTier, Double> goodput = new HashMap<>();
        for (int i = 0; i < table.rowCount(); i++) {
            if (table.intColumn("trial").getInt(i) != n) continue;
            goodput.put(new SloTier(table.doubleColumn("min_output_tps").getDouble(i),
                    table.doubleColumn("max_ttft_s").getDouble(i), table.doubleColumn("percentile_of_agents").getDouble(i)),
                    table.doubleColumn("goodput_rps").getDouble(i));
        }
        TrialMetrics.PhaseCounts phases = phases(table, row);
        if (phases == null) throw new ReplayException("its requests' rows were not kept and it has no phase counts");
        return TrialMetrics.of(timeline(table, row, List.of()), new TrialMetrics.Summary(row.getInt("measured_requests"),
                row.getInt("failed_requests"), phases, row.getDouble("output_tps"), row.getDouble("requests_per_s"),
                row.getDouble("cached_token_ratio"), percentiles(row, "ttft"), percentiles(row, "e2e"),
                percentiles(row, "itl"), agents, goodput));
    }

    private static TrialMetrics.Percentiles percentiles(Row row, String name) {
        return new TrialMetrics.Percentiles(row.getDouble(name + "_p50_s"), row.getDouble(name + "_p90_s"),
                row.getDouble(name + "_p99_s"));
    }
}
