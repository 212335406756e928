package io.agentload.replay;

import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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

    /** Writes the files of a search's result. */
    static void write(Run run, SloResult result) {
        writeData(run, result);
        run.writeText(Run.REPORT, Report.PAGE.html(result));
    }

    /** Writes {@code trials.parquet} and {@code summary.json} of a search's result, not its report. */
    static void writeData(Run run, SloResult result) {
        run.writeTable(TrialsTable.FILE, result.trialsTable());
        SummaryFile.write(run, SearchSummary.of(result));
    }

    /**
     * Starts drawing and writing {@code report.html} of a search's result on a thread of its own, so that the caller
     * can write the run folder's other files meanwhile (the charts' first drawing loads fonts and the PNG encoder: a
     * second of a short search); {@link Aside#join()} waits for it.
     */
    static Aside writeReportAside(Run run, SloResult result) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                run.writeText(Run.REPORT, Report.PAGE.html(result));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "agentload-report");
        t.setDaemon(true);
        t.start();
        return new Aside(done);
    }

    /** A report being written aside. */
    record Aside(CompletableFuture<Void> done) {
        /** Waits for the report; its failure is thrown here, as the caller's own. */
        void join() {
            try {
                done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw e;
            }
        }
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
