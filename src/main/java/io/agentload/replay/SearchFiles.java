package io.agentload.replay;

import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files a finished search leaves in its run folder, written and read back: {@code trials.parquet} (every trial
 * judged by every tier), {@code summary.json} ({@link SearchSummary}) and {@code report.html} ({@link SloResult.Report}).
 */
final class SearchFiles {

    private SearchFiles() {
    }

    /** The report's provider, looked up once, when the first report is written. */
    private static final class Report {
        static final SloResult.Report PAGE = ServiceLoader.load(SloResult.Report.class, SloResult.Report.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no report.html provider: META-INF/services/"
                        + SloResult.Report.class.getName() + " is missing from the classpath"));
    }

    /** Writes the files of a simulated search's result. */
    static void write(Run run, SloResult result) {
        run.writeTable(TrialsTable.FILE, result.trialsTable());
        SummaryFile.write(run, SearchSummary.of(result));
        run.writeText(Run.REPORT, Report.PAGE.html(result));
    }

    /**
     * Makes the folder of a finished simulated search keep the requests' rows of only the trials it reports: each
     * tier's trial at its max agents and its smallest failing trial (what a reader looks at request by request).
     * Writes every trial's agents to {@code agents.parquet} and says in {@code trials.parquet} which trials keep
     * their rows (the others are rebuilt from the two files); the rows go when the run closes. Each file is replaced
     * whole, so a run killed at any point reads the same result (docs/run-folder.md, "Size of a big search").
     */
    static void keepReportedRows(Run run, SloResult result) {
        Set<Integer> kept = reported(result);
        AgentsFile.write(run, result.trials());
        run.writeTable(TrialsTable.FILE, TrialsTable.of(result.trials(),
                result.tiers().stream().map(SloResult.TierResult::tier).toList(), kept));
        run.keepRecordsOf(kept);
    }

    /** The numbers of the trials the result reports: per tier, the one at max agents and the smallest failing one. */
    static Set<Integer> reported(SloResult result) {
        Set<Integer> kept = new TreeSet<>();
        for (SloResult.TierResult tier : result.tiers()) {
            TrialMetrics smallestFailing = null;
            for (TrialMetrics m : result.trials()) {
                if (m.agents() == tier.maxAgents()) kept.add(m.trial());
                if (!m.check(tier.tier()).passed() && (smallestFailing == null || m.agents() < smallestFailing.agents())) {
                    smallestFailing = m;
                }
            }
            if (smallestFailing != null) kept.add(smallestFailing.trial());
        }
        return kept;
    }

    /** The result a finished search wrote into {@code run}, its trials rebuilt from their requests. */
    static SloResult read(Run run) {
        SearchSummary summary = SummaryFile.readSearch(run);
        List<TrialMetrics> trials = TrialsTable.load(run, run.records());
        return new SloResult(summary.tierResults(), trials, summary.gpus());
    }
}
